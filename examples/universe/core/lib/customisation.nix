{ lib }:

rec {
  /**
    Make the result of a function overridable: the result gets an `override` attribute
    that calls the function again with some arguments replaced.

    # Examples
    :::{.example}
    ## `lib.customisation.makeOverridable` usage example

    ```nix
    (makeOverridable ({ a, b }: a + b) { a = 1; b = 2; }).override { b = 10; }
    => 11
    ```
    :::
  */
  makeOverridable =
    f: origArgs:
    let
      result = f origArgs;
      overrideWith = newArgs: origArgs // (if builtins.isFunction newArgs then newArgs origArgs else newArgs);
    in
    if builtins.isAttrs result then
      result // { override = newArgs: makeOverridable f (overrideWith newArgs); }
    else
      result;

  /**
    Call a package function, taking its arguments from `autoArgs` by name and letting
    `args` override them. This is what `callPackage ./foo { }` does: `{ stdenv, zlib }:`
    receives `pkgs.stdenv` and `pkgs.zlib`.

    # Inputs

    `autoArgs`
    : The set the arguments are taken from (usually the whole package set)

    `fn`
    : A function, or a path to a file containing one

    `args`
    : Arguments that replace the automatic ones

    # Type

    ```
    callPackageWith :: AttrSet -> ((AttrSet -> a) | Path) -> AttrSet -> a
    ```
  */
  callPackageWith =
    autoArgs: fn: args:
    let
      f = if builtins.isFunction fn then fn else import fn;
      fargs = builtins.functionArgs f;
      allArgs = builtins.intersectAttrs fargs autoArgs // args;
    in
    makeOverridable f allArgs;

  # Like `callPackageWith`, for functions returning a set of packages.
  callPackagesWith =
    autoArgs: fn: args:
    let
      f = if builtins.isFunction fn then fn else import fn;
    in
    f (builtins.intersectAttrs (builtins.functionArgs f) autoArgs // args);

  /**
    Make a package scope: a set whose `callPackage` sees the packages of the scope first,
    then `newScope`'s. Python packages live in such a scope, so `{ buildPythonPackage }:`
    finds the Python builder.
  */
  makeScope =
    newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        packages = f;
      };
    in
    self;
}
