// The text of one package file (plus the patches and sibling files it refers to), in the
// styles nixpkgs mixes: RFC-formatted, leading-comma and one-line formals; `finalAttrs` and
// `rec` derivations; stdenv, Rust, Python and Tcl builders.
import type { Random } from './random.js';
import type { MaintainerList } from './maintainers.js';
import type { Package } from './plan.js';
import { BUILD_TOOLS, description, version } from './names.js';

export interface OutFile {
  path: string;
  content: string;
}

export interface RenderContext {
  random: Random;
  maintainers: MaintainerList;
}

interface Formal {
  name: string;
  fallback?: string;
}

const LICENSES = ['mit', 'asl20', 'bsd3', 'gpl2Plus', 'gpl3Only', 'lgpl21Plus', 'mpl20', 'isc'];
const HOSTS = ['downloads.example.org', 'ftp.example.net', 'releases.example.com'];

function renderFormals(formals: Formal[], random: Random): string {
  const ellipsis = random.chance(0.1);
  const items = formals.map((f) => (f.fallback === undefined ? f.name : `${f.name} ? ${f.fallback}`));
  const style = random.next();
  if (style < 0.2 && items.length <= 6) return `{ ${[...items, ...(ellipsis ? ['...'] : [])].join(', ')} }:`;
  if (style < 0.45) return `{ ${[...items, ...(ellipsis ? ['...'] : [])].join('\n, ')}\n}:`;
  // nixfmt (RFC 166) style: one per line with a trailing comma, except after `...`.
  return `{\n${items.map((i) => `  ${i},\n`).join('')}${ellipsis ? '  ...\n' : ''}}:`;
}

function list(items: string[]): string {
  return items.length === 0 ? '[ ]' : `[ ${items.join(' ')} ]`;
}

function capitalised(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9]/g, '');
  return clean[0].toUpperCase() + clean.slice(1);
}

function maintainersLine(ctx: RenderContext): string {
  const { random, maintainers } = ctx;
  const roll = random.next();
  if (roll < 0.1) return 'maintainers = [ ];';
  const handles = Array.from({ length: random.int(1, 3) }, () => random.pick(maintainers.identifierHandles));
  const plain = `with lib.maintainers; ${list([...new Set(handles)])}`;
  if (roll < 0.13 && maintainers.quotedHandles.length > 0) {
    return `maintainers = ${plain} ++ [ lib.maintainers."${random.pick(maintainers.quotedHandles)}" ];`;
  }
  return `maintainers = ${plain};`;
}

function metaBlock(p: Package, ctx: RenderContext, homepage: string, v: string): string[] {
  const { random } = ctx;
  const lines = [`description = "${description(random)}";`, `homepage = "${homepage}";`];
  if (random.chance(0.3)) lines.push(`changelog = "${homepage}/releases/tag/v${v}";`);
  lines.push(
    random.chance(0.15)
      ? `license = with lib.licenses; [ ${random.pick(LICENSES)} ${random.pick(LICENSES)} ];`
      : `license = lib.licenses.${random.pick(LICENSES)};`,
  );
  lines.push(maintainersLine(ctx));
  if (random.chance(0.4)) lines.push('platforms = lib.platforms.unix;');
  if (random.chance(0.3)) lines.push(`mainProgram = "${p.name}";`);
  return ['meta = {', ...lines.map((l) => `  ${l}`), '};'];
}

/** How a package file names an input: Python packages outside their set go through the set. */
function inputName(p: Package, d: Package): { formal: string; expr: string } {
  if (d.pool === 'python' && p.pool !== 'python') return { formal: 'python3Packages', expr: `python3Packages.${d.name}` };
  return { formal: d.name, expr: d.name };
}

function indent(lines: string[], by = '  '): string {
  return lines.map((l) => (l === '' ? '' : by + l)).join('\n');
}

/** All files one package contributes to its domain. */
export function renderPackage(p: Package, ctx: RenderContext): OutFile[] {
  const { random } = ctx;
  const dir = p.file.slice(0, p.file.lastIndexOf('/'));
  const files: OutFile[] = [];
  const v = version(random);
  const builder = p.pool === 'python' ? 'python' : p.pool === 'tcl' ? 'tcl' : p.pool === 'rust' ? 'rust' : 'stdenv';
  const fetcher = builder === 'python' ? 'fetchPypi' : builder === 'rust' || random.chance(0.4) ? 'fetchFromGitHub' : 'fetchurl';
  const style = builder === 'stdenv' && random.chance(0.6) ? 'finalAttrs' : 'rec';
  const ref = (x: string) => (style === 'finalAttrs' ? `finalAttrs.${x}` : x);
  const owner = random.pick(ctx.maintainers.identifierHandles).toLowerCase();
  const homepage = fetcher === 'fetchFromGitHub' ? `https://github.com/${owner}/${p.name}` : `https://${p.name.toLowerCase()}.example.org`;

  const formals: Formal[] = [{ name: 'lib' }];
  const head = { stdenv: 'stdenv', rust: 'rustPlatform', python: 'buildPythonPackage', tcl: 'mkTclDerivation' }[builder];
  formals.push({ name: head }, { name: fetcher });
  const native: string[] = [];
  const build: string[] = [];
  const optional: string[] = [];
  const tests: string[] = [];
  const partners = new Set(p.cyclePartners);
  for (const d of p.deps) {
    const { formal, expr } = inputName(p, d);
    if (!formals.some((f) => f.name === formal)) formals.push({ name: formal });
    if (partners.has(d)) tests.push(expr);
    else if (builder === 'python' && d.name === 'setuptools') continue;
    else if (BUILD_TOOLS.has(d.name)) native.push(expr);
    else build.push(expr);
  }
  for (const m of p.missing) {
    formals.push({ name: m });
    build.push(m);
  }
  let flag: string | undefined;
  if (build.length >= 2 && random.chance(0.15)) {
    const dep = build.pop()!;
    flag = `enable${capitalised(dep)}`;
    optional.push(dep);
    formals.push({ name: flag, fallback: 'true' });
  }
  if (p.override === 'darwin') formals.push({ name: 'Security' });

  const body: string[] = [`pname = "${p.name}";`, `version = "${v}";`];
  let sibling: 'common' | 'update' | undefined;
  if (p.layout === 'by-name' && builder === 'stdenv' && random.chance(0.1)) sibling = random.chance(0.5) ? 'common' : 'update';
  if (builder === 'python') body.push('pyproject = true;');
  body.push('');
  if (fetcher === 'fetchPypi') body.push('src = fetchPypi {', '  inherit pname version;');
  else if (fetcher === 'fetchFromGitHub')
    body.push('src = fetchFromGitHub {', `  owner = "${owner}";`, `  repo = "${p.name}";`, `  rev = "v\${${ref('version')}}";`);
  else body.push('src = fetchurl {', `  url = "https://${random.pick(HOSTS)}/${p.name}/\${${ref('pname')}}-\${${ref('version')}}.tar.gz";`);
  body.push(`  hash = "${random.sriHash()}";`, '};', '');
  if (builder === 'rust') body.push(`cargoHash = "${random.sriHash()}";`, '');
  const patches: string[] = [];
  if (builder === 'stdenv' && random.chance(0.15)) {
    patches.push('fix-build.patch');
    if (random.chance(0.3)) patches.push('no-network-tests.patch');
    body.push(`patches = ${list(patches.map((x) => `./${x}`))};`, '');
  }
  if (builder === 'python') {
    if (p.deps.some((d) => d.name === 'setuptools')) body.push('build-system = [ setuptools ];', '');
    body.push(`dependencies = ${list(build)};`, '', 'nativeCheckInputs = [ pytestCheckHook ];', '');
    body.push(`pythonImportsCheck = [ "${p.name.replace(/-/g, '_')}" ];`, '');
  } else {
    if (native.length > 0) body.push(`nativeBuildInputs = ${list(native)};`, '');
    let inputs = list(build);
    if (optional.length > 0) inputs += ` ++ lib.optionals ${flag} ${list(optional)}`;
    if (p.override === 'darwin') inputs += ' ++ lib.optionals stdenv.hostPlatform.isDarwin [ Security ]';
    body.push(`buildInputs = ${inputs};`, '');
  }
  if (flag) body.push(`configureFlags = [ (lib.enableFeature ${flag} "${optional[0].replace(/^.*\./, '')}") ];`, '');
  if (builder === 'stdenv' && random.chance(0.2)) {
    body.push("postInstall = ''", `  install -Dm644 README.md $out/share/doc/${p.name}/README.md`, "'';", '');
  }
  if (builder === 'stdenv' && random.chance(0.3)) body.push('enableParallelBuilding = true;', '');
  if (tests.length > 0) body.push(`passthru.tests = { inherit ${tests.join(' ')}; };`, '');
  if (sibling === 'update') body.push(`passthru.updateScript = import ./update.nix { inherit lib; pname = "${p.name}"; };`, '');
  if (sibling === 'common') body.push('inherit (common) outputs;', '');
  body.push(...metaBlock(p, ctx, homepage, `\${${ref('version')}}`));

  const call = {
    stdenv: style === 'finalAttrs' ? 'stdenv.mkDerivation (finalAttrs: {' : 'stdenv.mkDerivation rec {',
    rust: 'rustPlatform.buildRustPackage rec {',
    python: 'buildPythonPackage rec {',
    tcl: 'mkTclDerivation rec {',
  }[builder];
  const close = style === 'finalAttrs' ? '})' : '}';
  const letBlock = sibling === 'common' ? 'let\n  common = import ./common.nix { inherit lib; };\nin\n' : '';
  files.push({ path: p.file, content: `${renderFormals(formals, random)}\n\n${letBlock}${call}\n${indent(body)}\n${close}\n` });

  for (const patch of patches) files.push({ path: `${dir}/${patch}`, content: patchText(p.name, random) });
  if (sibling === 'common') {
    files.push({
      path: `${dir}/common.nix`,
      content: '{ lib }:\n\n{\n  outputs = [\n    "out"\n    "dev"\n  ];\n  platforms = lib.platforms.linux;\n}\n',
    });
  }
  if (sibling === 'update') {
    files.push({
      path: `${dir}/update.nix`,
      content: '{ lib, pname }:\n\n[\n  "nix-update"\n  pname\n  "--version-regex"\n  "v(.*)"\n]\n',
    });
  }
  return files;
}

function patchText(name: string, random: Random): string {
  const line = random.int(10, 400);
  return `--- a/Makefile\n+++ b/Makefile\n@@ -${line},6 +${line},6 @@\n all: ${name}\n \n-CFLAGS += -Werror\n+CFLAGS += -Wno-error\n \n install:\n \tinstall -Dm755 ${name} $(PREFIX)/bin/${name}\n`;
}
