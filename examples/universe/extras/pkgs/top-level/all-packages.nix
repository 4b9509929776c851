# The extras domain's additions beyond pkgs/by-name.
final: prev:
with final;
{
  # httpie with the SOCKS proxy support its users ask for most.
  httpie-full = httpie.override { withSocks = true; };

  # Built with the static zlib so the binary can be copied to other machines.
  git-cliff-static = callPackage ../by-name/gi/git-cliff/package.nix {
    zlib = zlib.override {
      shared = false;
      static = true;
    };
  };
}
