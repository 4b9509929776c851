// The names a package file or an overlay gives the whole package set.

/** The package set for the build and target platforms (splicing), by the names callPackage gives it. */
export const SPLICED_SETS = [
  'buildPackages',
  'pkgsBuildBuild',
  'pkgsBuildHost',
  'pkgsBuildTarget',
  'pkgsHostHost',
  'pkgsHostTarget',
  'pkgsTargetTarget',
  'targetPackages',
  '__splicedPackages',
];

/** Names that stand for the whole package set. */
export const PACKAGE_SET_NAMES = new Set([
  'pkgs',
  'self',
  'super',
  'final',
  'prev',
  'res',
  ...SPLICED_SETS,
  // The same collection for another platform or libc (stage.nix's otherPackageSets): same files, same names.
  'pkgsi686Linux',
  'pkgsMusl',
  'pkgsStatic',
  'pkgsLLVM',
  'pkgsLinux',
  'pkgsx86_64Darwin',
  'pkgsExtraHardening',
]);

/** A name that stands for a standard environment (`stdenv`, `clangStdenv`, `gcc13Stdenv`). */
export const STDENV_INPUT = /^(stdenv\w*|\w*Stdenv\w*)$/;

/** Outputs of a derivation (`zlib.dev`): selecting one builds with the derivation. */
export const OUTPUTS = new Set([
  'out',
  'dev',
  'lib',
  'bin',
  'man',
  'doc',
  'info',
  'devdoc',
  'debug',
  'static',
  'outPath',
  'drvPath',
  'all',
  'py',
  'python',
]);
