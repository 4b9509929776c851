{
  lib,
  stdenv,
  fetchurl,
  cmake,
  static ? stdenv.hostPlatform.isStatic,
  cxxStandard ? null,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "abseil-cpp";
  version = "20240116.2";

  src = fetchurl {
    url = "https://github.com/abseil/abseil-cpp/archive/refs/tags/${finalAttrs.version}.tar.gz";
    hash = "sha256-pjBDdqqjStV0V/DU3zQxbIhpdY6/EeamWTRKQ6/5+Hg=";
  };

  cmakeFlags = [
    "-DABSL_BUILD_TEST_HELPERS=ON"
    "-DBUILD_SHARED_LIBS=${if static then "OFF" else "ON"}"
  ] ++ lib.optional (cxxStandard != null) "-DCMAKE_CXX_STANDARD=${cxxStandard}";

  nativeBuildInputs = [ cmake ];

  meta = {
    description = "Open-source collection of C++ code designed to augment the C++ standard library";
    homepage = "https://abseil.io/";
    license = lib.licenses.asl20;
    maintainers = with lib.maintainers; [ kai ];
  };
})
