{
  lib,
  stdenv,
  fetchurl,
  shared ? true,
  static ? !shared,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "zlib";
  version = "1.3.1";

  src = fetchurl {
    url = "https://www.zlib.net/fossils/zlib-${finalAttrs.version}.tar.gz";
    hash = "sha256-wa1V5FyMBU/njesr3wLMCzLUBYBx/0L24CaU/Rb1X/c=";
  };

  configureFlags = lib.optional (!shared) "--static";

  meta = {
    description = "Lossless data-compression library";
    homepage = "https://zlib.net";
    license = lib.licenses.zlib;
    maintainers = with lib.maintainers; [ bob ];
  };
})
