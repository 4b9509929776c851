{
  lib,
  stdenv,
  fetchurl,
  cmake,
  ninja,
  pkg-config,
  python3,
  llvm,
  zlib,
  openssl,
  version,
  hash,
  # Build the standard library for these targets as well as the host.
  targets ? [ ],
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "rustc";
  inherit version;

  src = fetchurl {
    url = "https://static.rust-lang.org/dist/rustc-${version}-src.tar.gz";
    inherit hash;
  };

  # x.py is a Python script; the compiler links against core's LLVM, not its own copy.
  nativeBuildInputs = [
    cmake
    ninja
    pkg-config
    python3
  ];
  buildInputs = [
    llvm
    zlib
    openssl
  ];

  configureFlags = [
    "--llvm-root=${llvm}"
    "--enable-vendor"
    "--release-channel=stable"
  ] ++ lib.optional (targets != [ ]) "--target=${lib.concatStringsSep "," targets}";

  meta = {
    description = "Safe, concurrent, practical language";
    homepage = "https://www.rust-lang.org/";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    maintainers = lib.teams.rust.members;
  };
})
