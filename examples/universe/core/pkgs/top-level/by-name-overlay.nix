# Turns a pkgs/by-name folder into an overlay. Every <xx>/<name>/ folder becomes
# `pkgs.<name>`: its package.nix (or default.nix) is called with callPackage. A folder with
# a packages.nix is a package group instead: a function
#   { ... }: res: pkgs: super: { … }
# whose result is merged into the set, so one folder can define several attributes.
{ lib }:
baseDirectory:
final: prev:
let
  inherit (builtins) readDir pathExists;

  folders = lib.concatMap (
    shard:
    map (name: {
      inherit name;
      dir = baseDirectory + "/${shard}/${name}";
    }) (lib.attrNames (readDir (baseDirectory + "/${shard}")))
  ) (lib.attrNames (readDir baseDirectory));

  isGroup = folder: pathExists (folder.dir + "/packages.nix");

  packageFile =
    folder:
    if pathExists (folder.dir + "/package.nix") then
      folder.dir + "/package.nix"
    else
      folder.dir + "/default.nix";

  singles = lib.listToAttrs (
    map (folder: lib.nameValuePair folder.name (final.callPackage (packageFile folder) { })) (
      lib.filter (folder: !isGroup folder) folders
    )
  );

  # `res` is the merged result of every group, so groups can refer to each other.
  res = lib.foldl' (
    acc: folder: acc // import (folder.dir + "/packages.nix") { inherit lib; } res final prev
  ) { } (lib.filter isGroup folders);
in
singles // res
