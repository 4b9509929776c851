{ lib, stdenv, fetchurl }:

stdenv.mkDerivation rec {
  pname = "pkg-config";
  version = "0.29.2";

  src = fetchurl {
    url = "https://pkg-config.freedesktop.org/releases/${pname}-${version}.tar.gz";
    hash = "sha256-CF9ZMRSSWLfRDqVw8qZCqrTXNergyklBiHo8+BUd39A=";
  };

  # Use the bundled glib; the one in this set would need pkg-config to build.
  configureFlags = [ "--with-internal-glib" ];

  meta = {
    description = "Tool that allows packages to find out information about other packages";
    homepage = "http://pkg-config.freedesktop.org/wiki/";
    license = lib.licenses.gpl2Plus;
    maintainers = with lib.maintainers; [ ivan ];
    mainProgram = "pkg-config";
  };
}
