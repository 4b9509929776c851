# One Rust release: the compiler and cargo, built from the same version.
{
  lib,
  callPackage,
  llvm,
}:

let
  version = "1.77.2";
  hash = "sha256-6xL+NxT9KrQHsVMQhYmQ6iJJI6xULzBDEm9s82WQkPw=";
in
rec {
  rustc = callPackage ./rustc.nix { inherit version hash llvm; };
  cargo = callPackage ./cargo.nix { inherit rustc; };
}
