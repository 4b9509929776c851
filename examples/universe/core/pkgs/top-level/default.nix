# Builds the package set of this domain: a fixed point of the base set, the by-name
# overlay, all-packages.nix, and any overlays the caller adds (other domains add theirs).
{
  lib ? import ../../lib,
  system ? builtins.currentSystem,
  overlays ? [ ],
}:

let
  base = self: {
    inherit lib system;
    pkgs = self;
    # No cross-compilation here: the build platform's packages are the packages.
    buildPackages = self;
    newScope = extra: lib.callPackageWith (self // extra);
    callPackage = self.newScope { };
    callPackages = lib.callPackagesWith self;
    # Apply one more overlay to the whole set, e.g. `pkgs.extend rust.overlays.default`.
    extend = overlay: import ./. {
      inherit lib system;
      overlays = overlays ++ [ overlay ];
    };
  };

  byName = import ./by-name-overlay.nix { inherit lib; } ../by-name;
  allPackages = import ./all-packages.nix;

  toFix = lib.foldl' (f: overlay: lib.extends overlay f) base (
    [
      byName
      allPackages
    ]
    ++ overlays
  );
in
lib.fix toFix
