# A package group: this folder defines several attributes at once instead of one package.
# `res` is the merged result of all groups, `pkgs` the final package set, `super` the set
# before the by-name packages were added.
{ ... }:
res: pkgs: super:

with pkgs;
{
  # The name the wave plan and Python package files use for "the" interpreter.
  python = python3;

  # Python package sets. python3Packages follows python3.
  python3Packages = recurseIntoAttrs (
    callPackage ../../../top-level/python-packages.nix { python = python3; }
  );
  python311Packages = python3Packages;
  python312Packages = dontRecurseIntoAttrs (
    callPackage ../../../top-level/python-packages.nix { python = python312; }
  );

  # Should eventually be moved inside the Python interpreters.
  python-setup-hook = buildPackages.callPackage ./setup-hook.nix { };
}
