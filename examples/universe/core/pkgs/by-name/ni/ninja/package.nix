{
  lib,
  stdenv,
  fetchurl,
  cmake,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "ninja";
  version = "1.11.1";

  src = fetchurl {
    url = "https://github.com/ninja-build/ninja/archive/v${finalAttrs.version}.tar.gz";
    hash = "sha256-/w4Xd/+wpwKykLJD+K5YFzo+5EYkcKv7tf5pSi/Jkfw=";
  };

  # Bootstrapping through configure.py would need Python, which needs LLVM, which needs
  # ninja: build with CMake instead to keep ninja at the bottom of the graph.
  nativeBuildInputs = [ cmake ];
  buildCommand = ''
    tar xf $src && cd ninja-*
    cmake -B build -DBUILD_TESTING=OFF && cmake --build build
    install -Dm555 -t $out/bin build/ninja
  '';

  meta = {
    description = "Small build system with a focus on speed";
    homepage = "https://ninja-build.org/";
    license = lib.licenses.asl20;
    maintainers = with lib.maintainers; [ dave ];
  };
})
