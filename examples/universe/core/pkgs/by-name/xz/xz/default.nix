# This folder uses default.nix rather than package.nix: the by-name overlay accepts both.
{
  lib,
  stdenv,
  fetchurl,
  enableStatic ? stdenv.hostPlatform.isStatic,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "xz";
  version = "5.4.6";

  src = fetchurl {
    url = "https://github.com/tukaani-project/xz/releases/download/v${finalAttrs.version}/xz-${finalAttrs.version}.tar.bz2";
    hash = "sha256-k74c6OJng0J5+CDVSzK9nowpIe8T2zjFPDP7BMtPK7g=";
  };

  configureFlags = lib.optional enableStatic "--disable-shared";

  meta = {
    description = "General-purpose data compression software, successor of LZMA";
    homepage = "https://tukaani.org/xz/";
    license = lib.licenses.gpl2Plus;
    maintainers = with lib.maintainers; [
      sven
      lars
    ];
  };
})
