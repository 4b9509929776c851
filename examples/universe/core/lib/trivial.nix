{ lib }:

{
  /**
    The identity function.

    # Inputs

    `x`
    : The value to return

    # Type

    ```
    id :: a -> a
    ```
  */
  id = x: x;

  /**
    A function that ignores its second argument and returns the first.

    # Type

    ```
    const :: a -> b -> a
    ```
  */
  const = x: _: x;

  # Swap the first two arguments of a function.
  flip = f: a: b: f b a;

  /**
    Pipe a value through a list of functions, left to right.

    # Examples
    :::{.example}
    ## `lib.trivial.pipe` usage example

    ```nix
    pipe 2 [ (x: x + 2) (x: x * 2) ]
    => 8
    ```
    :::
  */
  pipe = builtins.foldl' (x: f: f x);

  # Print a warning on stderr when the value is forced.
  warn = msg: builtins.trace "warning: ${msg}";
}
