{ lib
, rustPlatform
, fetchurl
, ripgrep
, xz
, zlib
# rga shells out to these for archives it cannot read itself.
, python3
}:

rustPlatform.buildRustPackage rec {
  pname = "ripgrep-all";
  version = "0.10.6";

  src = fetchurl {
    url = "https://github.com/phiresky/ripgrep-all/archive/v${version}.tar.gz";
    hash = "sha256-45+nnFQnV5ans+VSmTHNoSF6alknyApDs5TOZMWAe1o=";
  };

  cargoHash = "sha256-HW+YJAPRIaDMtQaMV/IKJXILFImM29B73ywQSRSkpP4=";

  buildInputs = [ xz zlib ];

  postInstall = ''
    for prog in rga rga-preproc; do
      sed -i "2i export PATH=${lib.concatMapStrings (p: "${p}/bin:") [ ripgrep python3 ]}\$PATH" $out/bin/$prog || true
    done
  '';

  meta = {
    description = "Ripgrep, but also search in PDFs, E-Books, Office documents, zip, tar.gz, and more";
    homepage = "https://github.com/phiresky/ripgrep-all";
    license = lib.licenses.agpl3Plus or lib.licenses.gpl3Plus;
    maintainers = with lib.maintainers; [ trent ];
    mainProgram = "rga";
  };
}
