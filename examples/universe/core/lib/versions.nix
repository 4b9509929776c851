# Pieces of version strings, split the way `builtins.splitVersion` does.
{ lib }:

let
  splitVersion = builtins.splitVersion;
in
{
  /**
    The major component of a version: `major "3.11.4"` is `"3"`.

    # Type

    ```
    major :: String -> String
    ```
  */
  major = v: builtins.elemAt (splitVersion v) 0;

  # The minor component: minor "3.11.4" == "11".
  minor = v: builtins.elemAt (splitVersion v) 1;

  /**
    Major and minor components joined by a dot: `majorMinor "3.29.2"` is `"3.29"`.
  */
  majorMinor =
    v:
    let
      parts = splitVersion v;
    in
    "${builtins.elemAt parts 0}.${builtins.elemAt parts 1}";
}
