/*
  List of maintainer teams.

    name = {
      # Required
      members = [ maintainer1 maintainer2 ];
      scope = "Maintain foo packages.";
      shortName = "foo";
      # Optional
      githubTeams = [ "my-subsystem" ];
    };

  where `members` are handles of `maintainer-list.nix`.
*/
{ lib }:
with lib.maintainers;
{
  core = {
    members = [
      alice
      bob
      _0x4A6F
    ];
    scope = "Maintain the core domain: stdenv, glibc, the compilers and lib.";
    shortName = "Core";
    githubTeams = [ "core" ];
  };

  llvm = {
    members = [
      carol
      dave
    ];
    scope = "Maintain LLVM and its tools.";
    shortName = "LLVM";
  };

  python = {
    members = [
      grace
      jose
      lib.maintainers."1example"
    ];
    scope = "Maintain the Python interpreters and the Python package set.";
    shortName = "Python";
  };

  rust = {
    members = [
      lukasz
      zoe
      rust-team-bot
    ];
    scope = "Maintain the rust domain: rustc, cargo and Rust applications.";
    shortName = "Rust";
  };
}
