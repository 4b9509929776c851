{
  lib,
  rustPlatform,
  fetchurl,
  pkg-config,
  # The advisory database is fetched over TLS and its git index is zlib-compressed.
  openssl,
  zlib,
}:

rustPlatform.buildRustPackage rec {
  pname = "cargo-audit";
  version = "0.20.0";

  src = fetchurl {
    url = "https://crates.io/api/v1/crates/${pname}/${version}/download#${pname}-${version}.tar.gz";
    hash = "sha256-jcyxnB5V/UOfZNG9CGiUUERouAkK6kcE0yxIiqeP118=";
  };

  cargoHash = "sha256-6lIcQDV0tCyxIekKNQZoBcIumfyucDPKSfqJfoRxuQk=";

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [
    openssl
    zlib
  ];
  buildFeatures = [ "fix" ];

  meta = {
    description = "Audit Cargo.lock files for crates with security vulnerabilities";
    homepage = "https://rustsec.org";
    license = [
      lib.licenses.mit
      lib.licenses.asl20
    ];
    maintainers = with lib.maintainers; [
      _0x4A6F
      zoe
    ];
    mainProgram = "cargo-audit";
  };
}
