# Builds Python packages. callPackage gives the first set; the result is the function
# package files know as `buildPythonPackage { pname, version, src, … }`.
{
  lib,
  stdenv,
  python,
  # Applications get no `python3.pkgs` prefix in their name and are not importable.
  application ? false,
}:

{
  pname,
  version,
  dependencies ? [ ],
  build-system ? [ ],
  nativeCheckInputs ? [ ],
  doCheck ? true,
  meta ? { },
  ...
}@attrs:

stdenv.mkDerivation (
  builtins.removeAttrs attrs [
    "dependencies"
    "build-system"
  ]
  // {
    name = if application then "${pname}-${version}" else "python${python.pythonVersion}-${pname}-${version}";
    nativeBuildInputs = [ python ] ++ build-system;
    propagatedBuildInputs = dependencies;
    inherit doCheck;
    buildCommand = ''
      tar xf $src && cd ${pname}-${version}
      ${python.executable} -m pip install --no-deps --no-build-isolation --prefix=$out .
    '';
    passthru = {
      inherit python;
      pythonModule = !application;
    } // attrs.passthru or { };
    meta = {
      platforms = python.meta.platforms or lib.systems.flakeExposed;
    } // meta;
  }
)
