{
  lib,
  rustPlatform,
  fetchurl,
  pkg-config,
  openssl,
  zlib,
  libgit2Support ? true,
}:

rustPlatform.buildRustPackage rec {
  pname = "git-cliff";
  version = "2.2.1";

  src = fetchurl {
    url = "https://github.com/orhun/git-cliff/archive/v${version}.tar.gz";
    hash = "sha256-DLILE2PHOUq1xUFLbIjnmyx/mxI/pzlXUbbHw2Tnfx8=";
  };

  cargoHash = "sha256-14G57vJ7veT9PuMDJRKPtzSpybXyOYXJzQat8JFtN+w=";

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [
    openssl
    zlib
  ];
  buildFeatures = lib.optional libgit2Support "repo";

  meta = {
    description = "Highly customizable changelog generator";
    homepage = "https://github.com/orhun/git-cliff";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    maintainers = with lib.maintainers; [
      kai
      noor
    ];
    mainProgram = "git-cliff";
  };
}
