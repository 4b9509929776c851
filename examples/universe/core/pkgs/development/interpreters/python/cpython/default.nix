{
  lib,
  stdenv,
  fetchurl,
  llvm,
  zlib,
  openssl,
  libffi,
  xz,
  python-setup-hook,
  # The release to build: { major = "3"; minor = "11"; patch = "4"; }
  sourceVersion,
  hash,
  # Profile-guided optimisation; its profiles are merged with llvm-profdata.
  enableOptimizations ? false,
  enableLTO ? true,
}:

let
  inherit (sourceVersion) major minor patch;
  pythonVersion = "${major}.${minor}";
  sitePackages = "lib/python${pythonVersion}/site-packages";
in
stdenv.mkDerivation (finalAttrs: {
  pname = "python3";
  version = "${major}.${minor}.${patch}";

  src = fetchurl {
    url = "https://www.python.org/ftp/python/${finalAttrs.version}/Python-${finalAttrs.version}.tar.xz";
    inherit hash;
  };

  nativeBuildInputs = [ llvm ];
  buildInputs = [
    zlib
    openssl
    libffi
    xz
  ];

  configureFlags =
    [
      "--enable-shared"
      "--with-ensurepip=no"
      "--with-openssl=${openssl}"
    ]
    ++ lib.optional enableOptimizations "--enable-optimizations"
    ++ lib.optional enableLTO "--with-lto";

  setupHook = python-setup-hook sitePackages;

  passthru = {
    inherit pythonVersion sitePackages;
    executable = "python${pythonVersion}";
    isPy3 = major == "3";
  };

  meta = {
    description = "High-level dynamically-typed programming language";
    homepage = "https://www.python.org";
    license = lib.licenses.psfl;
    maintainers = lib.teams.python.members;
    mainProgram = "python3";
  };
})
