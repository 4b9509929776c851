{ lib
, stdenv
, fetchurl
, cmake
, ninja
# LLVM links against the C library of this set, not the bootstrap one.
, glibc
, zlib
/* Targets to build. "all" triples the build time; the host is enough for
   the compilers in this set. */
, targets ? [ "host" ]
, enableManpages ? false
, buildTests ? true
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "llvm";
  version = "16.0.6";

  src = fetchurl {
    url = "https://github.com/llvm/llvm-project/releases/download/llvmorg-${finalAttrs.version}/llvm-${finalAttrs.version}.src.tar.xz";
    hash = "sha256-C9qMvTFA6wv1zvnIxAVW/A8gbPRbg7PONvac34f5zZI=";
  };

  nativeBuildInputs = [ cmake ninja ];
  buildInputs = [ glibc zlib ];

  cmakeFlags = [
    "-DLLVM_TARGETS_TO_BUILD=${lib.concatStringsSep ";" targets}"
    "-DLLVM_ENABLE_ZLIB=ON"
    "-DLLVM_BUILD_TESTS=${if buildTests then "ON" else "OFF"}"
  ] ++ lib.optionals enableManpages [
    "-DLLVM_BUILD_DOCS=ON"
    "-DLLVM_ENABLE_SPHINX=ON"
  ];

  passthru.majorVersion = lib.versions.major finalAttrs.version;

  meta = {
    description = "Collection of modular and reusable compiler and toolchain technologies";
    homepage = "https://llvm.org/";
    license = lib.licenses.ncsa;
    maintainers = lib.teams.llvm.members;
  };
})
