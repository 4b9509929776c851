{ lib, buildPythonPackage, fetchPypi, setuptools }:

buildPythonPackage rec {
  pname = "urllib3";
  version = "2.2.1";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-Zza7OzymnOCm2bDWuyWbN6oASYB4uZnzVaXmjdjGuJ0=";
  };

  build-system = [ setuptools ];

  meta = {
    description = "Powerful, user-friendly HTTP client for Python";
    homepage = "https://github.com/urllib3/urllib3";
    license = lib.licenses.mit;
    maintainers = with lib.maintainers; [ jose ];
  };
}
