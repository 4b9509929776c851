# Licenses used in `meta.license`. The attribute names are the SPDX identifiers, lower-cased
# where SPDX uses dashes, as in nixpkgs.
{ lib }:

lib.mapAttrs (id: attrs: attrs // { shortName = id; }) {
  asl20 = {
    spdxId = "Apache-2.0";
    fullName = "Apache License 2.0";
  };
  bsd3 = {
    spdxId = "BSD-3-Clause";
    fullName = ''BSD 3-clause "New" or "Revised" License'';
  };
  gpl2Plus = {
    spdxId = "GPL-2.0-or-later";
    fullName = "GNU General Public License v2.0 or later";
  };
  gpl3Plus = {
    spdxId = "GPL-3.0-or-later";
    fullName = "GNU General Public License v3.0 or later";
  };
  lgpl21Plus = {
    spdxId = "LGPL-2.1-or-later";
    fullName = "GNU Lesser General Public License v2.1 or later";
  };
  mit = {
    spdxId = "MIT";
    fullName = "MIT License";
  };
  ncsa = {
    spdxId = "NCSA";
    fullName = "University of Illinois/NCSA Open Source License";
  };
  ofl = {
    spdxId = "OFL-1.1";
    fullName = "SIL Open Font License 1.1";
  };
  psfl = {
    spdxId = "Python-2.0";
    fullName = "Python Software Foundation License version 2";
  };
  unlicense = {
    spdxId = "Unlicense";
    fullName = "The Unlicense";
  };
  zlib = {
    spdxId = "Zlib";
    fullName = "zlib License";
  };
}
