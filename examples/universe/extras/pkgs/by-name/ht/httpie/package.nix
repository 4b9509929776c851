{
  lib,
  python3Packages,
  fetchurl,
  curl,
  withSocks ? false,
}:

python3Packages.buildPythonApplication rec {
  pname = "httpie";
  version = "3.2.2";

  src = fetchurl {
    url = "https://github.com/httpie/cli/archive/${version}.tar.gz";
    hash = "sha256-uqI8YLjXdKVtLuFqwk+sqSJXoFMFTZFghwd5nShrDwo=";
  };

  build-system = [ python3Packages.setuptools ];
  dependencies =
    with python3Packages;
    [
      requests
      urllib3
      certifi
    ]
    ++ lib.optional withSocks (python3Packages.pysocks or null);

  # The test suite compares some responses with curl's.
  nativeCheckInputs = [ curl ];

  meta = {
    description = "Command line HTTP client whose goal is to make CLI human-friendly";
    homepage = "https://httpie.io/";
    license = lib.licenses.bsd3;
    maintainers = with lib.maintainers; [
      erin
      jose
    ];
    mainProgram = "http";
  };
}
