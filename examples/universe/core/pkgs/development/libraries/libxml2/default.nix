{
  lib,
  stdenv,
  fetchurl,
  pkg-config,
  zlib,
  xz,
  pythonSupport ? true,
  python3,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "libxml2";
  version = "2.12.6";

  src = fetchurl {
    url = "mirror://gnome/sources/libxml2/${lib.versions.majorMinor finalAttrs.version}/libxml2-${finalAttrs.version}.tar.xz";
    hash = "sha256-ODhnz+Du9T5uIzsg8bNq1OiFdhzgImY36hpGO9chTp0=";
  };

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [
    zlib
    xz
  ] ++ lib.optional pythonSupport python3;

  configureFlags = [
    (if pythonSupport then "--with-python=${python3}" else "--without-python")
  ];

  meta = {
    description = "XML parsing library for C";
    homepage = "https://gitlab.gnome.org/GNOME/libxml2";
    license = lib.licenses.mit;
    maintainers = with lib.maintainers; [ eleni ];
  };
})
