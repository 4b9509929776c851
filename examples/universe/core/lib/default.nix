# The core library. Every file in this folder is a set of functions; this file merges
# them into the `lib` that package files receive, and exposes the most common ones at
# the top level (`lib.optional`, `lib.concatMapStrings`, …) the way nixpkgs does.
let
  lib = {
    trivial = import ./trivial.nix { inherit lib; };
    strings = import ./strings.nix { inherit lib; };
    versions = import ./versions.nix { inherit lib; };
    lists = import ./lists.nix { inherit lib; };
    attrsets = import ./attrsets.nix { inherit lib; };
    fixedPoints = import ./fixed-points.nix { inherit lib; };
    customisation = import ./customisation.nix { inherit lib; };
    filesystem = import ./filesystem.nix { inherit lib; };
    licenses = import ./licenses.nix { inherit lib; };

    # `lib.maintainers.<handle>` is the entry of that handle in the maintainers list.
    maintainers = import ../maintainers/maintainer-list.nix;
    teams = import ../maintainers/team-list.nix { inherit lib; };

    systems = {
      # The systems a flake of this collection exposes packages for.
      flakeExposed = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
    };

    inherit (lib.trivial) id const flip pipe warn;
    inherit (lib.strings)
      concatStrings
      concatMapStrings
      concatStringsSep
      replaceStrings
      optionalString
      hasPrefix
      hasSuffix
      versionAtLeast
      getVersion
      ;
    inherit (lib.lists)
      optional
      optionals
      foldl'
      concatMap
      filter
      unique
      ;
    inherit (lib.attrsets)
      mapAttrs
      mapAttrs'
      filterAttrs
      genAttrs
      attrNames
      attrValues
      listToAttrs
      nameValuePair
      recurseIntoAttrs
      dontRecurseIntoAttrs
      ;
    inherit (lib.fixedPoints) fix extends composeExtensions;
    inherit (lib.customisation)
      callPackageWith
      callPackagesWith
      makeOverridable
      makeScope
      ;
    inherit (lib.filesystem) packagesFromDirectoryRecursive;
  };
in
lib
