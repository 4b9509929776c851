# Several releases of abseil-cpp live side by side; the unversioned name follows the one
# that the rest of the set builds with.
{ ... }:
res: pkgs: super:

with pkgs;
{
  abseil-cpp_202301 = callPackage ./202301.nix { };
  abseil-cpp_202401 = callPackage ./202401.nix { };
  abseil-cpp = abseil-cpp_202401;
}
