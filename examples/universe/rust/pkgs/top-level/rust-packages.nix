# The rust domain's additions to the package set. Packages in pkgs/by-name need no line
# here; everything they take as inputs (stdenv, openssl, zlib, …) comes from core.
self: super:
with self;
{
  rustPackages = recurseIntoAttrs (callPackage ../development/compilers/rust { });
  inherit (rustPackages) rustc cargo;

  rustPlatform = recurseIntoAttrs {
    buildRustPackage = callPackage ../build-support/rust/build-rust-package.nix { };
    inherit rustc cargo;
  };
}
