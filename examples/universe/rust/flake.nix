{
  description = "rust: the Rust toolchain and applications written in Rust, built on core";

  inputs.core.url = "github:nix-domains-example/core";

  outputs =
    { self, core }:
    let
      inherit (core) lib;
      forAllSystems = lib.genAttrs lib.systems.flakeExposed;
    in
    {
      # pkgs/by-name plus the toolchain set, as one overlay on core's package set.
      overlays.default = lib.composeExtensions (core.mkByNameOverlay ./pkgs/by-name) (
        import ./pkgs/top-level/rust-packages.nix
      );

      legacyPackages = forAllSystems (
        system: core.legacyPackages.${system}.extend self.overlays.default
      );

      packages = forAllSystems (
        system:
        let
          pkgs = self.legacyPackages.${system};
        in
        {
          inherit (pkgs)
            rustc
            cargo
            ripgrep
            fd
            cargo-audit
            ;
          default = pkgs.ripgrep;
        }
      );
    };
}
