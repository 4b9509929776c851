// Variants a caller makes with flags (`cmakeCurses = cmake.override { uiToolkits = [ "ncurses" ]; }`,
// `cmakeMinimal = callPackage ./. { isMinimalBuild = true; }`) are built with the inputs their flags
// switch on, not with those of the file's defaults. On the real core, sphinx (which builds only
// cmakeCurses' manual) chained everything built with cmake into the rebuilds of some 70 edits.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { NixParser } from '../../server/src/analysis/parser';
import { extractFacts } from '../../server/src/analysis/facts';
import { formalUses } from '../../server/src/analysis/formalUse';
import { packageFile, rebuildNames, tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

const GROUP = '{ ... }:\nres: pkgs: super:\n\nwith pkgs;\n';

// cmake's own formals, as the real core writes them.
const CMAKE = [
  '{ lib, stdenv, zlib, sphinx, ncurses, svn',
  ', isBootstrap ? null',
  ', isMinimalBuild ? (if isBootstrap != null then lib.warn "deprecated" isBootstrap else false)',
  ', uiToolkits ? [] # can contain "ncurses"',
  ', buildDocs ? !(isMinimalBuild || (uiToolkits == []))',
  ', svnSupport ? false',
  '}:',
  'stdenv.mkDerivation {',
  '  pname = "cmake"; version = "3";',
  '  buildInputs = lib.optionals (!isMinimalBuild) [ zlib ] ++ lib.optionals svnSupport [ svn ];',
  '  nativeBuildInputs = lib.optionals buildDocs [ sphinx ];',
  '}',
  '',
].join('\n');

test('flags a caller passes decide how the file uses its inputs: booleans, lists compared with [ ], defaults computed from them', async () => {
  const parser = await NixParser.create();
  const tree = parser.parse(CMAKE);
  try {
    const fn = tree.rootNode.namedChildren[0]!;
    const names = ['zlib', 'sphinx', 'svn'];
    const under = (passed: [string, boolean | 'empty' | 'items'][]) => Object.fromEntries(formalUses(fn, names, new Map(passed)));
    // The defaults: no toolkit, so no manual; `isMinimalBuild` is false (isBootstrap is null).
    assert.deepEqual(under([]), { zlib: 'build', sphinx: 'none', svn: 'none' });
    assert.deepEqual(under([['uiToolkits', 'items']]), { zlib: 'build', sphinx: 'build', svn: 'none' });
    assert.deepEqual(under([['isMinimalBuild', true]]), { zlib: 'none', sphinx: 'none', svn: 'none' });
    assert.deepEqual(under([['svnSupport', true]]), { zlib: 'build', sphinx: 'none', svn: 'build' });
    // What the facts keep is the use under the defaults.
    const facts = extractFacts('pkgs/by-name/cm/cmake/default.nix', tree, false);
    assert.equal(facts.formals?.find((f) => f.name === 'sphinx')?.use, 'none');
  } finally {
    tree.delete();
  }
});

test('a list flag known empty has no element (`cursesUI = lib.elem "ncurses" uiToolkits;` with `uiToolkits ? [ ]`)', async () => {
  const parser = await NixParser.create();
  const tree = parser.parse(
    [
      '{ lib, stdenv, ncurses, uiToolkits ? [ ] }:',
      'let cursesUI = lib.elem "ncurses" uiToolkits; in',
      'stdenv.mkDerivation { pname = "cmake"; version = "3"; buildInputs = lib.optional cursesUI ncurses; }',
      '',
    ].join('\n'),
  );
  try {
    const fn = tree.rootNode.namedChildren[0]!;
    const under = (passed: [string, 'empty' | 'items'][]) => Object.fromEntries(formalUses(fn, ['ncurses'], new Map(passed)));
    assert.deepEqual(under([]), { ncurses: 'none' }, 'cmake and cmakeMinimal: no toolkit');
    assert.deepEqual(under([['uiToolkits', 'items']]), { ncurses: 'maybe' }, 'cmakeCurses: which toolkits is not read');
  } finally {
    tree.delete();
  }
});

test('a variant rebuilds with the inputs its flags switch on, and is left out when one of them cannot evaluate', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/by-name/cm/cmake/default.nix': CMAKE,
      'pkgs/by-name/cm/cmake/packages.nix': [
        GROUP,
        '{',
        '  cmake = callPackage ./. { };',
        '  cmakeMinimal = callPackage ./. { isMinimalBuild = true; };',
        '  cmakeCurses = cmake.override { uiToolkits = [ "ncurses" ]; };',
        '  cmakeSvn = cmake.override { svnSupport = true; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/by-name/zl/zlib/package.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/by-name/nc/ncurses/package.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "ncurses"; version = "6"; }\n',
      'pkgs/by-name/sp/sphinx/package.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "sphinx"; version = "7"; }\n',
      // svn takes an input nothing provides: it cannot evaluate, nor can what is built with it.
      'pkgs/by-name/sv/svn/package.nix':
        '{ stdenv, apr-missing }:\nstdenv.mkDerivation { pname = "svn"; version = "1"; buildInputs = [ apr-missing ]; }\n',
    },
    temps,
    'nd-variants-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  assert.deepEqual(names('sphinx'), ['cmakeCurses', 'sphinx'], 'only the variant with a toolkit builds its manual');
  // cmakeSvn is never counted: svn, which its flag switches on, cannot evaluate.
  assert.deepEqual(names('zlib'), ['cmake', 'cmakeCurses', 'zlib'], 'cmakeMinimal is built without zlib');
  assert.deepEqual(names('cmake'), ['cmake', 'cmakeCurses'], "a change to cmake's file rebuilds its variants");
  assert.deepEqual(names('svn'), []);
});

test('members of a package set an input names are built with; attributes inherited from an input are only evaluated', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  perlPackages = callPackage ../development/perl-packages.nix { };',
        '  git = callPackage ../applications/git { };',
        '  docs = callPackage ../applications/docs { };',
        '  flit = callPackage ../applications/flit { };',
        '  flit-core = callPackage ../applications/flit-core { };',
        '  zlib = callPackage ../applications/zlib { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/perl-packages.nix': [
        '{ lib, stdenv, fetchurl }:',
        'self: with self; {',
        '  LWP = stdenv.mkDerivation { pname = "LWP"; version = "6"; propagatedBuildInputs = [ HTTPDate ]; };',
        '  HTTPDate = stdenv.mkDerivation { pname = "HTTPDate"; version = "6"; };',
        '  URI = stdenv.mkDerivation { pname = "URI"; version = "5"; };',
        // A builder the set makes: what it is built with, the modules it builds are.
        '  buildPerlModule = args: stdenv.mkDerivation (args // { buildInputs = (args.buildInputs or [ ]) ++ [ ModuleBuild ]; });',
        '  ModuleBuild = stdenv.mkDerivation { pname = "Module-Build"; version = "0.42"; };',
        '  HTTPDaemon = buildPerlModule { pname = "HTTP-Daemon"; version = "6"; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/applications/git/default.nix':
        '{ stdenv, perlPackages }:\nstdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = [ perlPackages.LWP ]; }\n',
      'pkgs/applications/docs/default.nix':
        '{ stdenv, perlPackages }:\nstdenv.mkDerivation { pname = "docs"; version = "1"; buildInputs = with perlPackages; [ URI HTTPDaemon ]; }\n',
      'pkgs/applications/zlib/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "zlib"; version = "1"; }\n',
      'pkgs/applications/flit/default.nix':
        '{ stdenv, zlib }:\nstdenv.mkDerivation { pname = "flit"; version = "3"; buildInputs = [ zlib ]; }\n',
      // flit-core takes flit's source and version, not its derivation: a change to flit's inputs reaches neither.
      'pkgs/applications/flit-core/default.nix':
        '{ stdenv, flit }:\nstdenv.mkDerivation { pname = "flit-core"; inherit (flit) version src; }\n',
    },
    temps,
    'nd-members-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  // The members themselves are no top-level attributes: the counted names are their dependants.
  assert.deepEqual(names('perlPackages.LWP'), ['git']);
  assert.deepEqual(names('perlPackages.HTTPDate'), ['git'], 'a module written in the set names its siblings by bare name');
  assert.deepEqual(names('perlPackages.URI'), ['docs'], 'a name under `with perlPackages;` is its member');
  assert.deepEqual(names('perlPackages.ModuleBuild'), ['docs'], 'HTTPDaemon is built by buildPerlModule, with ModuleBuild');
  assert.deepEqual(names('zlib'), ['flit', 'zlib']);
});

test('a function written in place in callPackage takes its own inputs; a variant of an input made in the file is built with', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  libtool = callPackage ../tools/libtool { };',
        '  svn = callPackage ../tools/svn { };',
        '  autoreconfHook = callPackage ({ makeSetupHook, libtool }: makeSetupHook { name = "autoreconf-hook"; propagatedBuildInputs = [ libtool ]; } ./autoreconf.sh) { };',
        '  git = callPackage ../tools/git { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/libtool/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "libtool"; version = "2"; }\n',
      'pkgs/tools/svn/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "svn"; version = "1"; }\n',
      // `svn.override { … }` is a variant of svn: git is built with it.
      'pkgs/tools/git/default.nix':
        '{ stdenv, svn }:\nlet\n  client = svn.override { perlBindings = true; };\nin\nstdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = [ client ]; }\n',
    },
    temps,
    'nd-lambda-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  assert.deepEqual(names('libtool'), ['autoreconfHook', 'libtool']);
  // Hover lists the function's own inputs, not the file's.
  assert.deepEqual(
    analyzer.catalog.inputsOf(analyzer.catalog.all().find((p) => p.attrPath === 'autoreconfHook')!).map((input) => input.formal.name),
    ['makeSetupHook', 'libtool'],
  );
  assert.deepEqual(names('svn'), ['git', 'svn']);
});

test('a package given a variant rebuilds through it only when the variant does', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  imlib2 = callPackage ../tools/imlib2 { };',
        '  ncurses = callPackage ../tools/ncurses { };',
        '  w3m = callPackage ../tools/w3m { };',
        '  w3m-batch = w3m.override { graphicsSupport = false; };',
        '  xmlto = callPackage ../tools/xmlto { w3m = w3m-batch; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/imlib2/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "imlib2"; version = "1"; }\n',
      'pkgs/tools/ncurses/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "ncurses"; version = "6"; }\n',
      'pkgs/tools/w3m/default.nix':
        '{ lib, stdenv, ncurses, imlib2, graphicsSupport ? true }:\nstdenv.mkDerivation { pname = "w3m"; version = "0.5"; buildInputs = [ ncurses ] ++ lib.optional graphicsSupport imlib2; }\n',
      'pkgs/tools/xmlto/default.nix':
        '{ stdenv, w3m }:\nstdenv.mkDerivation { pname = "xmlto"; version = "0.0.28"; buildInputs = [ w3m ]; }\n',
    },
    temps,
    'nd-gate-',
  );
  const names = (name: string) => rebuildNames(analyzer, name);
  assert.deepEqual(names('imlib2'), ['imlib2', 'w3m'], 'w3m-batch is built without graphics');
  assert.deepEqual(names('ncurses'), ['ncurses', 'w3m', 'w3m-batch', 'xmlto']);
  assert.deepEqual(names('w3m'), ['w3m', 'w3m-batch', 'xmlto']);
});

test('a string flag a caller passes decides how the file uses its inputs (`type = "lib"`, `libOnly = type == "lib"`)', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  libedit = callPackage ../tools/libedit { };',
        '  krb5 = callPackage ../tools/krb5 { };',
        '  libkrb5 = krb5.override { type = "lib"; };',
        '  curl = callPackage ../tools/curl { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/libedit/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "libedit"; version = "1"; }\n',
      'pkgs/tools/krb5/default.nix': [
        '{ lib, stdenv, libedit, type ? "" }:',
        'let libOnly = type == "lib"; in',
        'stdenv.mkDerivation { pname = "${type}krb5"; version = "1.21"; buildInputs = lib.optionals (!libOnly) [ libedit ]; }',
        '',
      ].join('\n'),
      'pkgs/tools/curl/default.nix':
        '{ stdenv, libkrb5 }:\nstdenv.mkDerivation { pname = "curl"; version = "8"; buildInputs = [ libkrb5 ]; }\n',
    },
    temps,
    'nd-gate-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'libedit'), ['krb5', 'libedit'], 'libkrb5, and curl with it, are built without libedit');
  assert.deepEqual(rebuildNames(analyzer, 'krb5'), ['curl', 'krb5', 'libkrb5']);
});

test('a condition known on x86_64-linux, passed on from a let (`inherit fastCross;`), is a flag of a formal without a default', async () => {
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  lndir = callPackage ../tools/lndir { };',
        '  rust = callPackage ../development/rust { };',
        '  rustc = rust.rustc;',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/lndir/default.nix': '{ stdenv }:\nstdenv.mkDerivation { pname = "lndir"; version = "1"; }\n',
      // rust's set, as the real core writes it: native builds are no fast cross builds.
      'pkgs/development/rust/default.nix': [
        '{ stdenv, callPackage }:',
        'let',
        '  fastCross = (stdenv.buildPlatform == stdenv.hostPlatform) && (stdenv.hostPlatform != stdenv.targetPlatform);',
        'in {',
        '  rustc = callPackage ./rustc.nix { inherit fastCross; };',
        '}',
        '',
      ].join('\n'),
      'pkgs/development/rust/rustc.nix': [
        '{ lib, stdenv, lndir, fastCross }:',
        'stdenv.mkDerivation { pname = "rustc"; version = "1.80"; nativeBuildInputs = lib.optionals fastCross [ lndir ]; }',
        '',
      ].join('\n'),
    },
    temps,
    'nd-fast-cross-',
  );
  assert.deepEqual(rebuildNames(analyzer, 'lndir'), ['lndir'], 'rustc is built without lndir');
});

test('a variant rebuilds when an input only its flags switch on changes, and what is given it with it; not through a fixed output', async () => {
  // curl's shape in the real core: `curl = curlMinimal.override { pslSupport = true; }`, given to
  // git and to fetchurl; curl takes `libkrb5`, a variant of krb5 built without libedit.
  const analyzer = await tempDomain(
    {
      'pkgs/top-level/all-packages.nix': [
        'self: super: with self; {',
        '  libpsl = callPackage ../tools/libpsl { };',
        '  libedit = callPackage ../tools/libedit { };',
        '  krb5 = callPackage ../tools/krb5 { };',
        '  libkrb5 = krb5.override { type = "lib"; };',
        '  curlMinimal = callPackage ../tools/curl { };',
        '  curl = curlMinimal.override { pslSupport = true; };',
        '  fetchurl = callPackage ../build-support/fetchurl { };',
        '  git = callPackage ../tools/git { };',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/libpsl/default.nix': packageFile('libpsl'),
      'pkgs/tools/libedit/default.nix': packageFile('libedit'),
      'pkgs/tools/krb5/default.nix': [
        '{ lib, stdenv, fetchurl, libedit, type ? "" }:',
        'let libOnly = type == "lib"; in',
        'stdenv.mkDerivation {',
        '  pname = "${type}krb5"; version = "1.21";',
        '  src = fetchurl { url = "https://example.org/krb5.tar.gz"; hash = "sha256-AAAA"; };',
        '  buildInputs = lib.optionals (!libOnly) [ libedit ];',
        '}',
        '',
      ].join('\n'),
      'pkgs/tools/curl/default.nix': [
        '{ lib, stdenv, libpsl, libkrb5, pslSupport ? false }:',
        'stdenv.mkDerivation { pname = "curl"; version = "8"; buildInputs = [ libkrb5 ] ++ lib.optional pslSupport libpsl; }',
        '',
      ].join('\n'),
      'pkgs/build-support/fetchurl/default.nix': [
        '{ lib, stdenvNoCC, curl }:',
        '{ url, hash }:',
        'stdenvNoCC.mkDerivation { name = baseNameOf url; nativeBuildInputs = [ curl ]; outputHash = hash; }',
        '',
      ].join('\n'),
      'pkgs/tools/git/default.nix': packageFile('git', ['curl']),
    },
    temps,
    'nd-variant-inputs-',
  );
  assert.deepEqual(
    rebuildNames(analyzer, 'libpsl'),
    ['curl', 'git', 'libpsl'],
    'curl, and git built with it; fetchurl keeps its output, so libkrb5 and curlMinimal do not rebuild',
  );
  assert.deepEqual(rebuildNames(analyzer, 'libedit'), ['krb5', 'libedit'], 'curl is given libkrb5, which is built without libedit');
});

test('let bindings count where they are used: an input a let binds is used only as the let is', async () => {
  const parser = await NixParser.create();
  const tree = parser.parse(
    [
      '{ lib, stdenv, zlib, svn, svnSupport ? false }:',
      'let',
      '  client = svn.override { perlBindings = true; };',
      '  unused = zlib;',
      'in',
      'stdenv.mkDerivation { pname = "git"; version = "2"; buildInputs = lib.optional svnSupport client; }',
      '',
    ].join('\n'),
  );
  try {
    const fn = tree.rootNode.namedChildren[0]!;
    const under = (passed: [string, boolean][]) => Object.fromEntries(formalUses(fn, ['zlib', 'svn'], new Map(passed)));
    assert.deepEqual(under([]), { zlib: 'none', svn: 'none' });
    assert.deepEqual(under([['svnSupport', true]]), { zlib: 'none', svn: 'build' });
  } finally {
    tree.delete();
  }
});
