{ lib, stdenv, fetchurl, doCheck ? false }:

stdenv.mkDerivation (finalAttrs: {
  pname = "libffi";
  version = "3.4.6";

  src = fetchurl {
    url = "https://github.com/libffi/libffi/releases/download/v${finalAttrs.version}/libffi-${finalAttrs.version}.tar.gz";
    hash = "sha256-SClJgh24A1gxFBXvtfSm5v1TwNgjcYsU3UOSoeo6ZVk=";
  };

  configureFlags = [ "--enable-pax_emutramp" ];
  inherit doCheck;

  meta = {
    description = "Foreign function call interface library";
    homepage = "http://sourceware.org/libffi/";
    license = lib.licenses.mit;
    maintainers = with lib.maintainers; [ anna ];
  };
})
