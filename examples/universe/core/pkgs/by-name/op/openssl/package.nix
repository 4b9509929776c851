{
  lib,
  stdenv,
  fetchurl,
  perl,
  zlib,
  withZlib ? false,
  static ? stdenv.hostPlatform.isStatic,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "openssl";
  version = "3.0.13";

  src = fetchurl {
    url = "https://www.openssl.org/source/openssl-${finalAttrs.version}.tar.gz";
    hash = "sha256-h5V7yTSRplemzr9VDpAVhbEGSaU98lm/dLNvMe3V+9M=";
  };

  nativeBuildInputs = [ perl ];
  buildInputs = lib.optional withZlib zlib;

  configureFlags =
    [ "shared" ]
    ++ lib.optional withZlib "zlib"
    ++ lib.optional static "no-shared";

  meta = {
    description = "Cryptographic library that implements the SSL and TLS protocols";
    homepage = "https://www.openssl.org/";
    license = lib.licenses.asl20;
    maintainers = with lib.maintainers; [
      bob
      mallory
    ];
  };
})
