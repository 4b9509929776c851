{
  lib,
  stdenv,
  fetchurl,
  cmake,
  pkg-config,
  # Not packaged in any domain yet: this input resolves nowhere.
  libsodium,
}:

stdenv.mkDerivation rec {
  pname = "minisign";
  version = "0.11";

  src = fetchurl {
    url = "https://github.com/jedisct1/minisign/archive/${version}.tar.gz";
    hash = "sha256-gJnWo8zw+tBRJG5AAzx1XUjvAAW0/pA83mpcTK89pSU=";
  };

  nativeBuildInputs = [
    cmake
    pkg-config
  ];
  buildInputs = [ libsodium ];

  meta = {
    description = "Simple tool for signing files and verifying signatures";
    homepage = "https://jedisct1.github.io/minisign/";
    license = lib.licenses.isc or lib.licenses.mit;
    maintainers = with lib.maintainers; [ bob ];
    mainProgram = "minisign";
  };
}
