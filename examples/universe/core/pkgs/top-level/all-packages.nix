/*
  The core package set, as an overlay on the by-name packages.

  A package in pkgs/by-name/ needs no line here. Add one only to pass override
  arguments, to bind a set of packages, or for a package that lives elsewhere
  (interpreters, build support, data). Keep each section sorted.
*/
self: super:
with self;
{
  ### STANDARD ENVIRONMENT

  stdenv = callPackage ../stdenv { };

  # Derivations that compile nothing (fetchers, data) use this one.
  stdenvNoCC = stdenv.override { cc = null; };

  clangStdenv = stdenv.override { cc = llvm; };

  ### BUILD SUPPORT

  fetchurl = callPackage ../build-support/fetchurl { };

  pkg-config = buildPackages.callPackage ../development/tools/misc/pkg-config { };

  ### LIBRARIES

  libffi = callPackage ../development/libraries/libffi { };

  libxml2 = callPackage ../development/libraries/libxml2 {
    stdenv = if stdenv.hostPlatform.isDarwin then clangStdenv else stdenv;
    inherit (buildPackages) pkg-config;
    pythonSupport = false;
  };

  # Removed upstream and from this set in 2024; the alias was left behind.
  openssl_legacy = openssl_1_1;

  curlMinimal = curl.override {
    zlibSupport = false;
    sslSupport = false;
  };

  ### COMPILERS

  llvmPackages = recurseIntoAttrs {
    inherit llvm;
    stdenv = clangStdenv;
  };

  ### INTERPRETERS

  pythonInterpreters = callPackage ../development/interpreters/python { };
  inherit (pythonInterpreters) python311 python312;
  python3 = python311;

  ### DATA

  fonts = recurseIntoAttrs (
    lib.packagesFromDirectoryRecursive {
      inherit callPackage;
      directory = ../data/fonts;
    }
  );
}
