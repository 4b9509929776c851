{ lib, stdenv, rustc, pkg-config, openssl, zlib, curl }:

stdenv.mkDerivation {
  pname = "cargo";
  inherit (rustc) version src;

  nativeBuildInputs = [ rustc pkg-config ];
  buildInputs = [ openssl zlib curl ];

  buildCommand = ''
    tar xf $src && cd rustc-*-src/src/tools/cargo
    cargo build --release --offline --frozen
    install -Dm555 -t $out/bin target/release/cargo
  '';

  meta = {
    description = "Downloads your Rust project's dependencies and builds your project";
    homepage = "https://crates.io";
    license = [ lib.licenses.mit lib.licenses.asl20 ];
    maintainers = with lib.maintainers; [ lukasz zoe ];
    mainProgram = "cargo";
  };
}
