{
  lib,
  buildPythonPackage,
  fetchPypi,
  python,
}:

buildPythonPackage rec {
  pname = "setuptools";
  version = "69.5.1";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-BwtptZnMU1bp8bNPeS0lN4QAxdXvSt161NCOJWSuBSw=";
  };

  # setuptools builds itself with the interpreter alone.
  buildCommand = ''
    tar xf $src && cd setuptools-${version}
    ${python.executable} -m pip install --no-deps --no-build-isolation --no-index --prefix=$out .
  '';

  meta = {
    description = "Utilities to facilitate the installation of Python packages";
    homepage = "https://github.com/pypa/setuptools";
    license = lib.licenses.mit;
    maintainers = lib.teams.python.members;
  };
}
