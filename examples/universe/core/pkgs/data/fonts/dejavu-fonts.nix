{ lib, stdenvNoCC, fetchurl }:

stdenvNoCC.mkDerivation rec {
  pname = "dejavu-fonts";
  version = "2.37";

  src = fetchurl {
    url = "https://github.com/dejavu-fonts/dejavu-fonts/releases/download/version_${
      lib.replaceStrings [ "." ] [ "_" ] version
    }/dejavu-fonts-ttf-${version}.tar.bz2";
    hash = "sha256-R4kvwxqmoQTyS6119TPL2sdDuUiTHTtkzPmhZnqGai8=";
  };

  buildCommand = ''
    tar xf $src
    install -Dm444 -t $out/share/fonts/truetype dejavu-fonts-ttf-${version}/ttf/*.ttf
  '';

  meta = {
    description = "Typeface family based on the Bitstream Vera fonts";
    homepage = "https://dejavu-fonts.github.io/";
    license = lib.licenses.ofl;
    maintainers = with lib.maintainers; [ hiro ];
  };
}
