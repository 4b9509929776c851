# Builds a Rust crate with cargo. callPackage gives the first set; package files call
# the result: `rustPlatform.buildRustPackage { pname, version, src, cargoHash, … }`.
{
  lib,
  stdenv,
  rustc,
  cargo,
}:

{
  pname,
  version,
  cargoHash,
  cargoBuildFlags ? [ ],
  buildFeatures ? [ ],
  nativeBuildInputs ? [ ],
  ...
}@args:

stdenv.mkDerivation (
  builtins.removeAttrs args [ "cargoHash" ]
  // {
    nativeBuildInputs = [
      rustc
      cargo
    ] ++ nativeBuildInputs;
    buildCommand = ''
      tar xf $src && cd ${pname}-${version}
      cargo build --release --offline ${lib.concatStringsSep " " cargoBuildFlags} ${
        lib.optionalString (buildFeatures != [ ]) "--features ${lib.concatStringsSep "," buildFeatures}"
      }
      cargo install --path . --root $out --offline
    '';
    passthru = {
      inherit cargoHash;
    } // args.passthru or { };
  }
)
