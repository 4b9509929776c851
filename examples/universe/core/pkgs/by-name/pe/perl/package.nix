{ lib, stdenv, fetchurl, zlib }:

stdenv.mkDerivation rec {
  pname = "perl";
  version = "5.38.2";

  src = fetchurl {
    url = "https://www.cpan.org/src/5.0/perl-${version}.tar.gz";
    hash = "sha256-2kUrQCPfJH7WWO+pqvuV2qjgkgzbNw3cBqiJ7fECt50=";
  };

  buildInputs = [ zlib ];

  buildCommand = ''
    tar xf $src && cd perl-${version}
    ./Configure -de -Dprefix=$out -Dusethreads
    make -j$NIX_BUILD_CORES && make install
  '';

  meta = {
    description = "Highly capable, feature-rich programming language";
    homepage = "https://www.perl.org/";
    license = lib.licenses.gpl2Plus;
    maintainers = with lib.maintainers; [ frank ];
    mainProgram = "perl";
  };
}
