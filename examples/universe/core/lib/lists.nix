{ lib }:

rec {
  /**
    Return a singleton list or an empty list, depending on a boolean value.
    Useful for `buildInputs` that exist only when a feature is enabled.

    # Inputs

    `cond`
    : The condition

    `elem`
    : The element to return if the condition is true

    # Type

    ```
    optional :: bool -> a -> [a]
    ```

    # Examples
    :::{.example}
    ## `lib.lists.optional` usage example

    ```nix
    optional true "foo"
    => [ "foo" ]
    optional false "foo"
    => [ ]
    ```
    :::
  */
  optional = cond: elem: if cond then [ elem ] else [ ];

  /**
    Return a list or an empty list, depending on a boolean value.

    # Type

    ```
    optionals :: bool -> [a] -> [a]
    ```
  */
  optionals = cond: elems: if cond then elems else [ ];

  # Strict left fold: foldl' (acc: x: acc + x) 0 [ 1 2 3 ] == 6.
  foldl' = builtins.foldl';

  # Map a function returning lists over a list and concatenate the results.
  concatMap = builtins.concatMap;

  # Keep the elements for which the predicate holds.
  filter = builtins.filter;

  /**
    Remove duplicate elements from a list, keeping the first occurrence.
    O(n^2) complexity.

    # Type

    ```
    unique :: [a] -> [a]
    ```
  */
  unique = foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];
}
