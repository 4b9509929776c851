# The Python package set of one interpreter: `python3Packages.numpy` and so on.
# Packages in it are called with the set's own callPackage, so a package file can ask
# for `buildPythonPackage`, `fetchPypi` and other Python packages by name.
{
  lib,
  newScope,
  fetchurl,
  python,
}:

lib.makeScope newScope (
  self:
  with self;
  {
    inherit python;

    buildPythonPackage = callPackage ../development/interpreters/python/mk-python-derivation.nix { };
    buildPythonApplication = callPackage ../development/interpreters/python/mk-python-derivation.nix {
      application = true;
    };

    fetchPypi =
      {
        pname,
        version,
        hash,
        extension ? "tar.gz",
      }:
      fetchurl {
        url = "https://files.pythonhosted.org/packages/source/${builtins.substring 0 1 pname}/${pname}/${pname}-${version}.${extension}";
        inherit hash;
      };

    certifi = callPackage ../development/python-modules/certifi { };
    numpy = callPackage ../development/python-modules/numpy { };
    requests = callPackage ../development/python-modules/requests { };
    setuptools = callPackage ../development/python-modules/setuptools { };
    urllib3 = callPackage ../development/python-modules/urllib3 { };
  }
)
