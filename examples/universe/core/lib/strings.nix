{ lib }:

rec {
  /**
    Concatenate a list of strings.

    # Inputs

    `list`
    : The strings to concatenate

    # Type

    ```
    concatStrings :: [string] -> string
    ```

    # Examples
    :::{.example}
    ## `lib.strings.concatStrings` usage example

    ```nix
    concatStrings ["foo" "bar"]
    => "foobar"
    ```
    :::
  */
  concatStrings = builtins.concatStringsSep "";

  /**
    Map a function over a list and concatenate the resulting strings.

    # Inputs

    `f`
    : Function applied to every element

    `list`
    : The list to map over

    # Type

    ```
    concatMapStrings :: (a -> string) -> [a] -> string
    ```

    # Examples
    :::{.example}
    ## `lib.strings.concatMapStrings` usage example

    ```nix
    concatMapStrings (x: "a" + x) ["foo" "bar"]
    => "afooabar"
    ```
    :::
  */
  concatMapStrings = f: list: concatStrings (map f list);

  # Replace every occurrence of each string in `from` by the string at the same index in `to`.
  replaceStrings = builtins.replaceStrings;

  # Join a list of strings with a separator: concatStringsSep "/" ["usr" "bin"] == "usr/bin".
  concatStringsSep = builtins.concatStringsSep;

  /**
    Return the string if the condition is true, the empty string otherwise.

    # Type

    ```
    optionalString :: bool -> string -> string
    ```
  */
  optionalString = cond: string: if cond then string else "";

  # Whether `content` starts with `pref`.
  hasPrefix = pref: content: builtins.substring 0 (builtins.stringLength pref) content == pref;

  # Whether `content` ends with `suffix`.
  hasSuffix =
    suffix: content:
    let
      lenContent = builtins.stringLength content;
      lenSuffix = builtins.stringLength suffix;
    in
    lenContent >= lenSuffix
    && builtins.substring (lenContent - lenSuffix) lenContent content == suffix;

  /**
    Whether version `v1` is at least `v2`, comparing the way `builtins.compareVersions` does.

    # Examples
    :::{.example}
    ## `lib.strings.versionAtLeast` usage example

    ```nix
    versionAtLeast "3.11.4" "3.11"
    => true
    ```
    :::
  */
  versionAtLeast = v1: v2: builtins.compareVersions v1 v2 >= 0;

  # The version part of a derivation or of a "name-version" string.
  getVersion =
    x:
    let
      parse = drv: (builtins.parseDrvName drv).version;
    in
    if builtins.isString x then parse x else x.version or (parse x.name);
}
