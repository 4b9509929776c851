{
  lib,
  buildPythonPackage,
  fetchPypi,
  python,
  setuptools,
}:

buildPythonPackage rec {
  pname = "numpy";
  version = "1.26.4";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-hlfS9oO/suSaKCaIiE7siyOL8U9SbzWVOavBhYRdcgc=";
  };

  build-system = [ setuptools ];

  # Tests import the built extension modules from the store path.
  preCheck = ''
    cd $out/${python.sitePackages}
  '';

  meta = {
    description = "Scientific tools for Python";
    homepage = "https://numpy.org/";
    license = lib.licenses.bsd3;
    maintainers = with lib.maintainers; [
      grace
      jose
    ];
  };
}
