// The index files of a domain: `all-packages.nix` (callPackage lines with overrides),
// `python-packages.nix`, the build-support files they name, and the manifest and flake that
// tie the domains together.
import { createHash } from 'node:crypto';
import type { Random } from './random.js';
import type { OutFile } from './package-file.js';
import type { DomainName, Package } from './plan.js';

const CORE_HEADER = `/*
  The top-level package collection of the core domain.

  Packages that need no special arguments belong in pkgs/by-name, not here; see
  pkgs/by-name/README.md. This file keeps the packages that still need overrides, the build
  support functions, and the nested package sets.

  Keep each section sorted. Use \`callPackage path { }\` and pass only what differs from the
  default arguments.
*/
self: super:

with self;

{
  ### BUILD SUPPORT

  fetchurl = import ../build-support/fetchurl { inherit lib stdenv; };

  fetchFromGitHub = callPackage ../build-support/fetchgithub { };

  writeShellScript = callPackage ../build-support/trivial-builders/write-shell-script.nix { };

  gcc12Stdenv = callPackage ../stdenv/gcc12 { };

  darwin = lib.recurseIntoAttrs (callPackage ../os-specific/darwin { });

  rustPlatform = callPackage ../development/compilers/rust/make-rust-platform.nix { };

  mkTclDerivation = callPackage ../development/interpreters/tcl/mk-tcl-derivation.nix { };

  openssl_3 = openssl.overrideAttrs (old: {
    version = "3.4.0";
  });

  ### PACKAGE SETS

  python3Packages = lib.recurseIntoAttrs (lib.makeScope newScope (self: import ./python-packages.nix self { }));

  tclPackages = lib.recurseIntoAttrs (
    lib.packagesFromDirectoryRecursive {
      inherit callPackage;
      directory = ../development/tcl-modules;
    }
  );
`;

function domainHeader(domain: DomainName): string {
  return `/*
  The packages of the ${domain} domain that are not in pkgs/by-name. Inputs not defined here
  come from the domains this one depends on (see nix-domains.json and flake.nix).
*/
self: super:

with self;

{
`;
}

const COMMENTS = [
  '# TODO: move to pkgs/by-name once the override is no longer needed',
  '# Pinned: newer releases need a newer toolchain than we have',
  '# See https://github.com/NixOS/nixpkgs/issues/12345',
];

function callLine(p: Package, random: Random): string {
  const rel = p.file.replace(/^pkgs\//, '../').replace(/\/default\.nix$/, '');
  switch (p.override) {
    case 'openssl':
      return `  ${p.name} = callPackage ${rel} {\n    openssl = openssl_3;\n  };\n`;
    case 'darwin':
      return `  ${p.name} = callPackage ${rel} {\n    inherit (darwin) Security;\n  };\n`;
    case 'stdenv':
      return `  ${p.name} = callPackage ${rel} { stdenv = gcc12Stdenv; };\n`;
    default:
      return random.chance(0.02)
        ? `  ${p.name} = callPackage ${rel} {\n    # no overrides yet\n  };\n`
        : `  ${p.name} = callPackage ${rel} { };\n`;
  }
}

/** `pkgs/top-level/all-packages.nix` of a domain: one section per category folder. */
export function allPackages(domain: DomainName, packages: Package[], random: Random): OutFile {
  const byCategory = new Map<string, Package[]>();
  for (const p of packages) {
    const category = p.file.replace(/^pkgs\//, '').replace(/\/[^/]+\/default\.nix$/, '');
    byCategory.set(category, [...(byCategory.get(category) ?? []), p]);
  }
  let text = domain === 'core' ? CORE_HEADER : domainHeader(domain);
  for (const category of [...byCategory.keys()].sort()) {
    text += `\n  ### ${category.toUpperCase().replace(/\//g, ' / ')}\n\n`;
    const members = byCategory.get(category)!.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
    for (const p of members) {
      if (random.chance(0.02)) text += `  ${random.pick(COMMENTS)}\n`;
      text += callLine(p, random);
      // Variants defined next to their package, as nixpkgs does for `fooStatic`, `foo-full`.
      if (random.chance(0.04)) text += `\n  ${p.name}Static = ${p.name}.overrideAttrs (old: {\n    dontDisableStatic = true;\n  });\n`;
      if (random.chance(0.5)) text += '\n';
    }
  }
  return { path: 'pkgs/top-level/all-packages.nix', content: `${text}}\n` };
}

/** `pkgs/top-level/python-packages.nix`: the Python set as `self: super: with self; { … }`. */
export function pythonPackages(packages: Package[]): OutFile {
  const lines = packages
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((p) => `  ${p.name} = callPackage ../development/python-modules/${p.name} { };\n`);
  const text = `# This file contains the Python packages set.
# Each attribute is a Python library or a helper function.
# Expressions for Python libraries are supposed to be in
# \`pkgs/development/python-modules/<name>/default.nix\`.
#
# Python-based command-line tools do not belong in this set; put them in pkgs/by-name.

self: super:

with self;

{
  buildPythonPackage = callPackage ../development/interpreters/python/mk-python-derivation.nix { };

  fetchPypi = callPackage ../build-support/fetchpypi { };

  pytestCheckHook = callPackage ../development/interpreters/python/hooks/pytest-check-hook.nix { };

${lines.join('\n')}}
`;
  return { path: 'pkgs/top-level/python-packages.nix', content: text };
}

const builder = (what: string, formals: string) => `{ ${formals} }:

# ${what}
args:
stdenv.mkDerivation (args // { passthru = (args.passthru or { }) // { builder = "${what}"; }; })
`;

/** The build-support files the core index names (fetchers, builders, hooks). */
export function buildSupportFiles(): OutFile[] {
  return [
    {
      path: 'pkgs/build-support/fetchurl/default.nix',
      content: '{ lib, stdenv }:\n\n{ url, hash }:\nbuiltins.fetchurl { inherit url; sha256 = hash; }\n',
    },
    {
      path: 'pkgs/build-support/fetchgithub/default.nix',
      content:
        '{ lib, fetchurl }:\n\n{ owner, repo, rev, hash }:\nfetchurl {\n  url = "https://github.com/${owner}/${repo}/archive/${rev}.tar.gz";\n  inherit hash;\n}\n',
    },
    {
      path: 'pkgs/build-support/fetchpypi/default.nix',
      content:
        '{ fetchurl }:\n\n{ pname, version, hash }:\nfetchurl {\n  url = "https://files.pythonhosted.org/packages/source/${builtins.substring 0 1 pname}/${pname}/${pname}-${version}.tar.gz";\n  inherit hash;\n}\n',
    },
    {
      path: 'pkgs/build-support/trivial-builders/write-shell-script.nix',
      content: '{ lib, stdenv }:\n\nname: text:\nbuiltins.toFile name "#!/bin/sh\\n${text}"\n',
    },
    {
      path: 'pkgs/stdenv/gcc12/default.nix',
      content: '{ stdenv }:\n\n# The benchmark universe has one compiler; the override only has to exist.\nstdenv\n',
    },
    {
      path: 'pkgs/os-specific/darwin/default.nix',
      content: '{ lib, stdenv }:\n\n{\n  Security = stdenv.mkDerivation {\n    pname = "Security";\n    version = "11.0";\n  };\n}\n',
    },
    {
      path: 'pkgs/development/compilers/rust/make-rust-platform.nix',
      content:
        '{ lib, stdenv }:\n\n{\n  buildRustPackage =\n' +
        builder('buildRustPackage', 'lib, stdenv').replace(/^/gm, '    ').trimEnd() +
        ';\n}\n',
    },
    { path: 'pkgs/development/interpreters/tcl/mk-tcl-derivation.nix', content: builder('mkTclDerivation', 'lib, stdenv') },
    { path: 'pkgs/development/interpreters/python/mk-python-derivation.nix', content: builder('buildPythonPackage', 'lib, stdenv') },
    {
      path: 'pkgs/development/interpreters/python/hooks/pytest-check-hook.nix',
      content: '{ lib, stdenv }:\n\nstdenv.mkDerivation {\n  pname = "pytest-check-hook";\n  version = "1";\n}\n',
    },
  ];
}

/** `nix-domains.json`: the domain's name and where the domains it depends on are. */
export function manifest(domain: DomainName, dependsOn: DomainName[]): OutFile {
  const body: Record<string, unknown> = { domain };
  if (dependsOn.length > 0) body.domains = Object.fromEntries(dependsOn.map((d) => [d, { path: `../${d}` }]));
  return { path: 'nix-domains.json', content: `${JSON.stringify(body, null, 2)}\n` };
}

/** `flake.nix` with one input per domain this one depends on. */
export function flakeNix(domain: DomainName, dependsOn: DomainName[]): OutFile {
  const inputs = dependsOn.map((d) => `    ${d}.url = "github:nix-domains-bench/${d}";\n`);
  // A domain that depends on two others makes the deeper one follow the shared input.
  if (dependsOn.includes('rust') && dependsOn.includes('core')) inputs.push('    rust.inputs.core.follows = "core";\n');
  const args = ['self', ...dependsOn].join(', ');
  const text = `{
  description = "Nix Domains benchmark universe: the ${domain} domain";
${inputs.length > 0 ? `\n  inputs = {\n${inputs.join('')}  };\n` : ''}
  outputs = { ${args} }: {
    legacyPackages.x86_64-linux = import ./pkgs/top-level/all-packages.nix;
  };
}
`;
  return { path: 'flake.nix', content: text };
}

/** `flake.lock` pinning each input domain to its commit. */
export function flakeLock(pins: Partial<Record<DomainName, string>>, follows: boolean): OutFile {
  const nodes: Record<string, unknown> = {};
  const rootInputs: Record<string, string> = {};
  for (const [domain, rev] of Object.entries(pins)) {
    // narHash is derived from the commit: stable and well-formed, but not a real NAR hash.
    const narHash = `sha256-${createHash('sha256').update(rev).digest('base64')}`;
    const node: Record<string, unknown> = {
      locked: { lastModified: 1735689600, narHash, owner: 'nix-domains-bench', repo: domain, rev, type: 'github' },
      original: { owner: 'nix-domains-bench', repo: domain, type: 'github' },
    };
    if (domain === 'rust' && follows) node.inputs = { core: ['core'] };
    nodes[domain] = node;
    rootInputs[domain] = domain;
  }
  nodes.root = Object.keys(rootInputs).length > 0 ? { inputs: rootInputs } : {};
  const sorted = Object.fromEntries(
    Object.keys(nodes)
      .sort()
      .map((k) => [k, nodes[k]]),
  );
  return { path: 'flake.lock', content: `${JSON.stringify({ nodes: sorted, root: 'root', version: 7 }, null, 2)}\n` };
}
