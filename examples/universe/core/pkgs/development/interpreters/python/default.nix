# The Python interpreters, one attribute per CPython release line. all-packages.nix
# binds this set as `pythonInterpreters` and inherits the interpreters from it.
{ callPackage }:

{
  python311 = callPackage ./cpython {
    sourceVersion = {
      major = "3";
      minor = "11";
      patch = "4";
    };
    hash = "sha256-nGj7i52d7JWtjQdVfZ8uAdZlkaQ+UiuVSJmyeYULAHg=";
  };

  python312 = callPackage ./cpython {
    sourceVersion = {
      major = "3";
      minor = "12";
      patch = "3";
    };
    hash = "sha256-5AcEIqWPupHzBrdibFZzLM+Xe3vKLivrhD5VrvaBtCc=";
    # 3.12 is not the default yet; keep its build cheap.
    enableLTO = false;
  };
}
