{
  lib,
  stdenv,
  fetchurl,
  pkg-config,
  perl,
  openssl,
  zlib,
  # Compress and decompress transfers.
  zlibSupport ? true,
  # https:// URLs; without it curl speaks plain http only.
  sslSupport ? true,
  ...
}@args:

stdenv.mkDerivation (finalAttrs: {
  pname = "curl";
  version = "8.7.1";

  src = fetchurl {
    url = "https://curl.se/download/curl-${finalAttrs.version}.tar.xz";
    hash = "sha256-hzF6ReGuPg/9oCRg+WyiT3bzP+boQ3FMCx7Ihit2tVo=";
  };

  nativeBuildInputs = [
    pkg-config
    perl
  ];
  buildInputs = lib.optional zlibSupport zlib ++ lib.optional sslSupport openssl;

  configureFlags = [
    (if sslSupport then "--with-openssl" else "--without-ssl")
    (if zlibSupport then "--with-zlib" else "--without-zlib")
  ];

  passthru = {
    # Overrides can read what this build was called with.
    inherit args;
  };

  meta = {
    description = "Command line tool for transferring files with URL syntax";
    homepage = "https://curl.se/";
    license = lib.licenses.mit;
    maintainers = [
      lib.maintainers.carol
      lib.maintainers."1example"
    ];
    mainProgram = "curl";
  };
})
