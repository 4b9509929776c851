{
  lib,
  buildPythonPackage,
  fetchPypi,
  setuptools,
}:

buildPythonPackage rec {
  pname = "certifi";
  version = "2024.2.2";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-fn+lV52KllB7xWZapztkJXlLhKbSRuHSwVqbeYVZOTk=";
  };

  build-system = [ setuptools ];

  meta = {
    description = "Python package for providing Mozilla's CA Bundle";
    homepage = "https://github.com/certifi/python-certifi";
    license = lib.licenses.mit;
    maintainers = with lib.maintainers; [ ines ];
  };
}
