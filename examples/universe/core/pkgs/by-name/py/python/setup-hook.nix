# Returns a function from a Python version to its setup hook: every package that has
# Python in its inputs gets lib/pythonX.Y/site-packages on PYTHONPATH.
{ lib, writeText ? builtins.toFile }:

sitePackages:
writeText "python-setup-hook.sh" ''
  addPythonPath() {
    if [ -d "$1/${sitePackages}" ]; then
      export PYTHONPATH="''${PYTHONPATH:+$PYTHONPATH:}$1/${sitePackages}"
    fi
  }
  addEnvHooks "$hostOffset" addPythonPath
''
