{ lib, stdenv, fetchurl, ... }:

stdenv.mkDerivation rec {
  pname = "cmake";
  version = "3.29.2";

  src = fetchurl {
    url = "https://cmake.org/files/v${lib.versions.majorMinor version}/cmake-${version}.tar.gz";
    hash = "sha256-CzzRxlzrGaolFieyc22OkYjvdLToJ7mI/idUsPMZJ6o=";
  };

  configureFlags = [ "--parallel=8" ];

  meta = {
    description = "Cross-platform, open-source build system generator";
    homepage = "https://cmake.org/";
    license = lib.licenses.bsd3;
    maintainers = with lib.maintainers; [ dave ];
    mainProgram = "cmake";
  };
}
