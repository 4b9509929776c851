{
  lib,
  stdenv,
  fetchurl,
  # Also build the profiling variants of the libraries (libc_p.a).
  enableProfiling ? false,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "glibc";
  version = "2.37";

  src = fetchurl {
    url = "mirror://gnu/glibc/glibc-${finalAttrs.version}.tar.xz";
    hash = "sha256-+3tc/9Qj5YV2JXZVKYWa7efAbNnX6wCgcPq2lwrUc8M=";
  };

  configureFlags = [
    "--enable-add-ons"
    "--enable-bind-now"
    "--disable-werror"
  ] ++ lib.optional enableProfiling "--enable-profile";

  enableParallelBuilding = true;

  meta = {
    description = "GNU C Library";
    homepage = "https://www.gnu.org/software/libc/";
    license = lib.licenses.lgpl21Plus;
    maintainers = with lib.maintainers; [
      alice
      _0x4A6F
    ];
    platforms = lib.systems.flakeExposed;
  };
})
