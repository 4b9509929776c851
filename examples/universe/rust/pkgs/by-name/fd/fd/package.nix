{ lib, rustPlatform, fetchurl, }:

rustPlatform.buildRustPackage rec {
  pname = "fd";
  version = "9.0.0";

  src = fetchurl {
    url = "https://github.com/sharkdp/fd/archive/v${version}.tar.gz";
    hash = "sha256-CdupKhEjyad0BxunZfhYKwpHHSYeIm8OYCvt96C6HF4=";
  };

  cargoHash = "sha256-WdIkK20nxrvByi1w9JVUhBJu8plaAB5luuF3Y1DQ7Ps=";

  meta = {
    description = "Simple, fast and user-friendly alternative to find";
    homepage = "https://github.com/sharkdp/fd";
    license = [ lib.licenses.asl20 lib.licenses.mit ];
    maintainers = with lib.maintainers; [ lukasz ];
    mainProgram = "fd";
  };
}
