{ lib }:

rec {
  /**
    The fixed point of a function: `fix f` is the value `x` with `x == f x`.
    Package sets are fixed points, which is how `self.glibc` inside the set refers to
    the final glibc after every overlay has been applied.

    # Type

    ```
    fix :: (a -> a) -> a
    ```
  */
  fix =
    f:
    let
      x = f x;
    in
    x;

  /**
    Apply an overlay (`final: prev: { … }`) to a function whose fixed point is a set.

    # Type

    ```
    extends :: (Attrs -> Attrs -> Attrs) -> (Attrs -> Attrs) -> Attrs -> Attrs
    ```
  */
  extends =
    overlay: f: final:
    let
      prev = f final;
    in
    prev // overlay final prev;

  # Compose two overlays into one; the second sees the result of the first as `prev`.
  composeExtensions =
    f: g: final: prev:
    let
      fApplied = f final prev;
      prev' = prev // fApplied;
    in
    fApplied // g final prev';
}
