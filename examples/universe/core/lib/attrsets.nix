{ lib }:

rec {
  inherit (builtins) attrNames attrValues listToAttrs mapAttrs;

  # Create a { name, value } pair, the element type of `listToAttrs`.
  nameValuePair = name: value: { inherit name value; };

  /**
    Like `mapAttrs`, but the function returns a new name as well as a new value.

    # Type

    ```
    mapAttrs' :: (String -> Any -> { name :: String; value :: Any; }) -> AttrSet -> AttrSet
    ```
  */
  mapAttrs' = f: set: listToAttrs (map (attr: f attr set.${attr}) (attrNames set));

  # Keep the attributes for which `pred name value` holds.
  filterAttrs =
    pred: set:
    listToAttrs (
      builtins.concatMap (
        name:
        let
          v = set.${name};
        in
        if pred name v then [ (nameValuePair name v) ] else [ ]
      ) (attrNames set)
    );

  /**
    Generate an attribute set by mapping a function over a list of attribute names.

    # Examples
    :::{.example}
    ## `lib.attrsets.genAttrs` usage example

    ```nix
    genAttrs [ "foo" "bar" ] (name: "x_" + name)
    => { foo = "x_foo"; bar = "x_bar"; }
    ```
    :::
  */
  genAttrs = names: f: listToAttrs (map (n: nameValuePair n (f n)) names);

  # Mark a set so that `nix-env -qa` and Hydra look inside it for packages.
  recurseIntoAttrs = attrs: attrs // { recurseForDerivations = true; };

  # Undo `recurseIntoAttrs`.
  dontRecurseIntoAttrs = attrs: attrs // { recurseForDerivations = false; };
}
