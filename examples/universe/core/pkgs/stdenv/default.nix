# The standard build environment. The real one is bootstrapped in stages from a tarball
# of prebuilt tools; this one is a thin layer over `derivation`, enough for package files
# to read exactly as they do in nixpkgs (`stdenv.mkDerivation (finalAttrs: { … })`).
{
  lib,
  system,
  # The C compiler put on PATH; null for stdenvNoCC.
  cc ? null,
  shell ? "/bin/sh",
}:

let
  hostPlatform = {
    inherit system;
    isLinux = lib.hasSuffix "-linux" system;
    isDarwin = lib.hasSuffix "-darwin" system;
    isStatic = false;
  };

  genericBuild = ''
    set -e
    for p in $nativeBuildInputs $buildInputs; do PATH="$p/bin:$PATH"; done
    tar xf "$src"
    cd "$(find . -mindepth 1 -maxdepth 1 -type d | head -n 1)"
    if [ -x ./configure ]; then ./configure --prefix="$out" $configureFlags; fi
    make -j"''${NIX_BUILD_CORES:-1}" $makeFlags
    make install $installFlags
  '';

  mkDerivation =
    fnOrAttrs:
    let
      attrs = if builtins.isFunction fnOrAttrs then lib.fix fnOrAttrs else fnOrAttrs;
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      drv = derivation (
        builtins.removeAttrs attrs [
          "meta"
          "passthru"
        ]
        // {
          inherit name system;
          builder = shell;
          args = [
            "-c"
            (attrs.buildCommand or genericBuild)
          ];
          nativeBuildInputs = (attrs.nativeBuildInputs or [ ]) ++ lib.optional (cc != null) cc;
        }
      );
    in
    drv
    // (attrs.passthru or { })
    // {
      meta = attrs.meta or { };
      overrideAttrs = f: mkDerivation (attrs // f attrs);
    };
in
{
  inherit
    cc
    shell
    hostPlatform
    mkDerivation
    ;
  buildPlatform = hostPlatform;
  targetPlatform = hostPlatform;
}
