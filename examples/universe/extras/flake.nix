{
  description = "extras: applications that build on both core and rust";

  inputs = {
    core.url = "github:nix-domains-example/core";
    rust = {
      url = "github:nix-domains-example/rust";
      inputs.core.follows = "core";
    };
  };

  outputs =
    {
      self,
      core,
      rust,
    }:
    let
      inherit (core) lib;
      forAllSystems = lib.genAttrs lib.systems.flakeExposed;
    in
    {
      overlays.default = lib.composeExtensions (core.mkByNameOverlay ./pkgs/by-name) (
        import ./pkgs/top-level/all-packages.nix
      );

      legacyPackages = forAllSystems (
        system:
        (core.legacyPackages.${system}.extend rust.overlays.default).extend self.overlays.default
      );

      packages = forAllSystems (
        system:
        let
          pkgs = self.legacyPackages.${system};
        in
        {
          inherit (pkgs)
            git-cliff
            httpie
            ripgrep-all
            minisign
            ;
        }
      );
    };
}
