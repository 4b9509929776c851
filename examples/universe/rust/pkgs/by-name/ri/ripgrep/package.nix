{
  lib,
  rustPlatform,
  fetchurl,
  pkg-config,
  withPCRE2 ? true,
}:

rustPlatform.buildRustPackage rec {
  pname = "ripgrep";
  version = "14.1.0";

  src = fetchurl {
    url = "https://github.com/BurntSushi/ripgrep/archive/${version}.tar.gz";
    hash = "sha256-OxCL9BSDL/+YMNxwOB/SsPFZt/hNPFFzbgPYdHCEy7E=";
  };

  cargoHash = "sha256-jbhDos+AwwCqYrdv8OJMmJrKynEkbnOtZn/ZBX2oayY=";

  nativeBuildInputs = [ pkg-config ];
  buildFeatures = lib.optional withPCRE2 "pcre2";

  meta = {
    description = "Utility that combines the usability of The Silver Searcher with the raw speed of grep";
    homepage = "https://github.com/BurntSushi/ripgrep";
    license = [
      lib.licenses.unlicense
      lib.licenses.mit
    ];
    maintainers = with lib.maintainers; [
      alice
      zoe
    ];
    mainProgram = "rg";
  };
}
