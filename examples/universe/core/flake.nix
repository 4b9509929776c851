{
  description = "core: the base of the package set (lib, stdenv, compilers, interpreters, libraries)";

  outputs =
    { self }:
    let
      lib = import ./lib;
      forAllSystems = lib.genAttrs lib.systems.flakeExposed;
    in
    {
      inherit lib;

      # The whole package set, nested sets included (python3Packages, fonts, …).
      legacyPackages = forAllSystems (system: import ./pkgs/top-level { inherit lib system; });

      packages = forAllSystems (
        system:
        let
          pkgs = self.legacyPackages.${system};
        in
        {
          inherit (pkgs)
            glibc
            zlib
            openssl
            curl
            llvm
            python3
            ;
          default = pkgs.curl;
        }
      );

      # Other domains turn their own pkgs/by-name folder into an overlay with this.
      mkByNameOverlay = import ./pkgs/top-level/by-name-overlay.nix { inherit lib; };
    };
}
