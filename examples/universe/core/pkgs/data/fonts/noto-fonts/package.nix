{
  lib,
  stdenvNoCC,
  fetchurl,
  # Which families to install; all of them is about 1 GB.
  variants ? [
    "NotoSans"
    "NotoSerif"
  ],
}:

stdenvNoCC.mkDerivation (finalAttrs: {
  pname = "noto-fonts";
  version = "24.5.1";

  src = fetchurl {
    url = "https://github.com/notofonts/notofonts.github.io/archive/refs/tags/noto-monthly-release-${finalAttrs.version}.tar.gz";
    hash = "sha256-jCgMD3a1YPsYkIz7Sas0FW1PI5/eBwWUpenVpbn531M=";
  };

  buildCommand = ''
    tar xf $src && cd notofonts.github.io-*
    ${lib.concatMapStrings (v: ''
      install -Dm444 -t $out/share/fonts/noto fonts/${v}/hinted/ttf/*.ttf
    '') variants}
  '';

  meta = {
    description = "Beautiful and free fonts for many languages";
    homepage = "https://www.google.com/get/noto/";
    license = lib.licenses.ofl;
    maintainers = with lib.maintainers; [
      hiro
      priya
    ];
  };
})
