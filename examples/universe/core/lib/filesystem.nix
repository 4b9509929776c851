{ lib }:

{
  /**
    Build a package set from a directory: every `<name>.nix` file and every
    `<name>/package.nix` becomes `<name> = callPackage <file> { }`, and other
    subdirectories become nested sets.

    # Inputs

    `callPackage`
    : The function used to call each file

    `directory`
    : The directory to read

    # Examples
    :::{.example}
    ## `lib.filesystem.packagesFromDirectoryRecursive` usage example

    ```nix
    packagesFromDirectoryRecursive {
      inherit (pkgs) callPackage;
      directory = ./my-packages;
    }
    => { alpha = «derivation»; beta.gamma = «derivation»; }
    ```
    :::
  */
  packagesFromDirectoryRecursive =
    {
      callPackage,
      directory,
      ...
    }@args:
    let
      entries = builtins.readDir directory;
      nameOf = file: builtins.substring 0 (builtins.stringLength file - 4) file;
      processEntry =
        name: type:
        let
          path = directory + "/${name}";
        in
        if type == "directory" then
          if builtins.pathExists (path + "/package.nix") then
            lib.nameValuePair name (callPackage (path + "/package.nix") { })
          else
            lib.nameValuePair name (
              lib.filesystem.packagesFromDirectoryRecursive (args // { directory = path; })
            )
        else if lib.hasSuffix ".nix" name then
          lib.nameValuePair (nameOf name) (callPackage path { })
        else
          null;
    in
    lib.listToAttrs (
      builtins.filter (e: e != null) (lib.attrValues (builtins.mapAttrs processEntry entries))
    );
}
