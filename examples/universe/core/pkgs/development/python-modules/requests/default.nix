{ lib
, buildPythonPackage
, fetchPypi
, setuptools
, certifi
, urllib3
}:

buildPythonPackage rec {
  pname = "requests";
  version = "2.31.0";

  src = fetchPypi {
    inherit pname version;
    hash = "sha256-soEyzIvY1jbrF7IxXq+kgxdnFWT5ytYFUyQLGr7LPt8=";
  };

  build-system = [ setuptools ];
  dependencies = [ certifi urllib3 ];

  # Most tests need network access.
  doCheck = false;

  meta = {
    description = "HTTP library for Python";
    homepage = "https://requests.readthedocs.io/";
    license = lib.licenses.asl20;
    maintainers = with lib.maintainers; [ jose ];
  };
}
