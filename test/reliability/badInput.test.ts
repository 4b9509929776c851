// Bad input, each through the real server over stdio in a temporary domain: the server answers
// the next request, tells the user once (a `nixDomains/problem` notification, or a diagnostic
// where the problem is in a file), and writes the cause to the log. Bad stubs and stub sources
// are in badStubs.test.ts.
import { STATUS_REQUEST } from '../../shared/protocol';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import {
  ZLIB,
  HELLO,
  GOOD_FILES,
  at,
  change,
  diagnosticsOf,
  domain,
  removeTemps,
  startSession,
  temp,
  uriOf,
  writeFiles,
  type Session,
} from './helpers';

after(removeTemps);

/** The next request is answered, and still right: F12 on `zlib` in hello lands in zlib's file. */
async function answersNext(s: Session): Promise<void> {
  const text = GOOD_FILES[HELLO]!;
  const uri = await s.client.open(path.join(s.root, HELLO), text);
  const locations = await s.client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(text, 'zlib }') });
  assert.equal(locations.length, 1, 'definition of zlib answered');
  assert.equal(URI.parse(locations[0]!.uri).fsPath, path.join(s.root, ZLIB));
}

/** Hover, definition, references, symbols and completion at a position all answer (null is an answer). */
async function everyFeatureAnswers(s: Session, file: string, position: { line: number; character: number }): Promise<void> {
  const textDocument = { uri: uriOf(path.join(s.root, file)) };
  await s.client.request<Hover | null>('textDocument/hover', { textDocument, position });
  await s.client.request('textDocument/definition', { textDocument, position });
  await s.client.request('textDocument/references', { textDocument, position, context: { includeDeclaration: true } });
  await s.client.request('textDocument/documentSymbol', { textDocument });
  await s.client.request('textDocument/completion', { textDocument, position });
}

async function withSession(
  root: string,
  fn: (s: Session) => Promise<void>,
  options: Parameters<typeof startSession>[1] = {},
): Promise<Session> {
  const s = await startSession(root, options);
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
  return s;
}

// ---- Nix files ------------------------------------------------------------------------------

test('malformed and truncated Nix: syntax errors are diagnostics, every feature answers', async () => {
  const malformed = '{ stdenv }:\nstdenv.mkDerivation {\n  pname = ;\n  buildInputs = [ ( } ;\n  meta = { description = "x" ];\n}\n';
  const truncated = GOOD_FILES[HELLO]!.slice(0, 60);
  const root = domain({ 'pkgs/by-name/ma/malformed/package.nix': malformed, 'pkgs/by-name/tr/truncated/package.nix': truncated });
  await withSession(root, async (s) => {
    for (const [file, text] of [
      ['pkgs/by-name/ma/malformed/package.nix', malformed],
      ['pkgs/by-name/tr/truncated/package.nix', truncated],
    ] as const) {
      const found = await diagnosticsOf(s, file, text);
      assert.ok(
        found.some((d) => d.code === 'syntax'),
        `${file}: ${JSON.stringify(found)}`,
      );
      for (let line = 0; line < text.split('\n').length; line++) await everyFeatureAnswers(s, file, { line, character: 3 });
    }
    await answersNext(s);
  });
});

test('a binary file named .nix is left out of the index; opened, it is answered', async () => {
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
  const BINARY = 'pkgs/by-name/bi/binary/package.nix';
  const root = domain({ [BINARY]: bytes });
  await withSession(root, async (s) => {
    const status = await s.client.request(STATUS_REQUEST);
    assert.equal(status.files, Object.keys(GOOD_FILES).length, 'only the good files are indexed');
    // Not read as Nix for a request either: no outline, where an indexed file has one (even an empty one).
    assert.equal(await s.client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(path.join(root, BINARY)) } }), null);
    assert.ok(await s.client.request('textDocument/documentSymbol', { textDocument: { uri: uriOf(path.join(root, ZLIB)) } }));
    // Opened in an editor (as Latin-1 text), it is text like any other: syntax errors, nothing worse.
    const found = await diagnosticsOf(s, BINARY, bytes.toString('latin1'));
    assert.ok(found.length > 0 && found.every((d) => d.code === 'syntax'), JSON.stringify(found).slice(0, 2000));
    await everyFeatureAnswers(s, BINARY, { line: 0, character: 10 });
    await answersNext(s);
  });
});

// 50 MB of bindings takes minutes to index on a loaded 2-core machine: 5 MB in `npm test`, 50 MB with RELIABILITY_FULL=1.
const HUGE_MB = process.env.RELIABILITY_FULL ? 50 : 5;

test(`a ${HUGE_MB} MB file is indexed in chunks and never parsed whole`, async () => {
  // A package set of inline derivations, so every binding is a package the index must hold.
  const binding = (name: string) =>
    `  ${name} = stdenv.mkDerivation { pname = "${name}"; version = "1"; meta.description = "${'x'.repeat(40)}"; };\n`;
  const head = '{ lib, stdenv }:\n{\n';
  // The same shape under the size threshold: parsed whole, so a request sees its outline.
  const small = `${head}${binding('small0')}${binding('small1')}}\n`;
  const root = domain({ 'pkgs/top-level/small.nix': small }, { git: false });
  const huge = path.join(root, 'pkgs/top-level/huge.nix');
  const out = createWriteStream(huge);
  out.write(head);
  let size = 0;
  let count = 0;
  for (; size < HUGE_MB * 1024 * 1024; count++) {
    const line = binding(`pkg${count}`);
    size += line.length;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end('}\n');
  await new Promise<void>((resolve) => out.once('finish', () => resolve()));
  await withSession(root, async (s) => {
    await answersNext(s);
    const status = await s.client.request(STATUS_REQUEST);
    assert.equal(status.files, Object.keys(GOOD_FILES).length + 2);
    assert.equal(status.packages, Object.keys(GOOD_FILES).length + 2 + count, 'every binding of the huge file is a package of the index');
    // The last binding, at its own line and column: the chunks' positions are shifted back exactly.
    const last = `pkg${count - 1}`;
    const symbols = await s.client.request<{ name: string; location: Location }[]>('workspace/symbol', { query: last });
    const found = symbols.find((x) => x.name === last);
    assert.ok(found, `${last}: ${JSON.stringify(symbols)}`);
    assert.equal(URI.parse(found.location.uri).fsPath, huge);
    assert.deepEqual(found.location.range.start, { line: 2 + count - 1, character: binding(last).indexOf('meta.description') });
    // Only facts from the chunked scan are marked large, and a request on a large file gets an
    // empty tree instead of a parse: no outline for the huge file, while the small one has its own.
    const outline = (file: string) => s.client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: uriOf(file) } });
    assert.ok((await outline(path.join(root, 'pkgs/top-level/small.nix'))).length > 0, 'the small file is outlined');
    assert.deepEqual(await outline(huge), [], 'the huge file is never parsed whole for a request');
  });
});

test('nesting 100,000 deep: lists parse, sets over the size threshold are chunked; both are valid Nix, without diagnostics', async () => {
  const deepList = `${'['.repeat(100_000)}${']'.repeat(100_000)}\n`; // 200 KB: parsed whole
  const deepSets = `{ a = ${'{a='.repeat(100_000)}1${';}'.repeat(100_000)}; }\n`; // 500 KB: over the threshold, scanned in chunks
  const root = domain({ 'pkgs/top-level/deep-list.nix': deepList, 'pkgs/top-level/deep-sets.nix': deepSets });
  await withSession(root, async (s) => {
    assert.deepEqual(await diagnosticsOf(s, 'pkgs/top-level/deep-list.nix', deepList), []);
    await everyFeatureAnswers(s, 'pkgs/top-level/deep-list.nix', { line: 0, character: 100_000 });
    assert.deepEqual(await diagnosticsOf(s, 'pkgs/top-level/deep-sets.nix', deepSets), []);
    await everyFeatureAnswers(s, 'pkgs/top-level/deep-sets.nix', { line: 0, character: 150_000 });
    await answersNext(s);
  });
});

test('a parse cut off by its budget is reported as not indexed, every feature answers, and the file is parsed again once it shrinks', async () => {
  // The mechanism, not the clock: a budget of 0 ms (NIX_DOMAINS_PARSE_BUDGET_MS) cuts off every
  // parse long enough for tree-sitter to ask whether to go on, so this domain holds only texts
  // that are either long (cut) or tiny (never asked about). The 5 s default is the same code.
  const DEEP = 'pkgs/by-name/de/deep/package.nix';
  const deepSelect = `{ x }:\nx${'.a'.repeat(1_000)}\n`;
  const root = path.join(temp(), 'dom');
  writeFiles(root, { [DEEP]: deepSelect });
  await withSession(
    root,
    async (s) => {
      const uri = uriOf(path.join(root, DEEP));
      const found = await diagnosticsOf(s, DEEP, deepSelect);
      assert.deepEqual(
        found.map((d) => [d.code, d.range.start.line]),
        [['not-indexed', 0]],
      );
      assert.match(found[0]!.message, /took too long/);
      await everyFeatureAnswers(s, DEEP, { line: 1, character: 500 });
      // Typing on (the text stays long): still not indexed, and the server keeps answering.
      const typed = deepSelect.replace('\n', ' \n');
      const stillCut = s.client.nextDiagnostics(uri);
      await change(s.client, uri, 2, typed);
      assert.deepEqual(
        (await stillCut).diagnostics.map((d) => d.code),
        ['not-indexed'],
      );
      // Cut down to a tiny text, it is parsed again: the problem goes away, and its input `x` is
      // read (and, in this domain, unknown).
      const parsed = s.client.nextDiagnostics(uri);
      await change(s.client, uri, 3, '{ x }:\nx.a\n');
      assert.deepEqual(
        (await parsed).diagnostics.map((d) => [d.code, String(d.message).slice(0, 3)]),
        [['unknown-input', '`x`']],
      );
      const status = await s.client.request(STATUS_REQUEST);
      assert.equal(status.files, 1);
    },
    { env: { NIX_DOMAINS_PARSE_BUDGET_MS: '0' } },
  );
});

test('lines of 10 MB: indexed from disk, and answered when opened', async () => {
  const long = `{ stdenv }:\nstdenv.mkDerivation {\n  pname = "long";\n  version = "1";\n  blob = "${'a'.repeat(10 * 1024 * 1024)}";\n  after = 1;\n}\n`;
  const root = domain({ 'pkgs/by-name/lo/long/package.nix': long }, { git: false });
  await withSession(root, async (s) => {
    // Indexed from disk (in chunks: it is over the size threshold): the package is known, in its file.
    const symbols = await s.client.request<{ name: string; location: Location }[]>('workspace/symbol', { query: 'long' });
    const found = symbols.find((x) => x.name === 'long');
    assert.ok(found, JSON.stringify(symbols));
    assert.equal(URI.parse(found.location.uri).fsPath, path.join(root, 'pkgs/by-name/lo/long/package.nix'));
    // Valid Nix: opened, it has no diagnostics.
    assert.deepEqual(await diagnosticsOf(s, 'pkgs/by-name/lo/long/package.nix', long), []);
    await everyFeatureAnswers(s, 'pkgs/by-name/lo/long/package.nix', { line: 4, character: 5 * 1024 * 1024 });
    await everyFeatureAnswers(s, 'pkgs/by-name/lo/long/package.nix', at(long, 'after'));
    await answersNext(s);
  });
});

test('non-UTF-8, CRLF and a BOM: definitions and hovers land on the right line and column', async () => {
  // zlib with a BOM and CRLF lines; hello with a Latin-1 byte in a comment before the name.
  const zlib = '\ufeff{ stdenv }: stdenv.mkDerivation { pname = "zlib";\r\n  version = "1.3";\r\n}\r\n';
  const hello = Buffer.concat([
    Buffer.from('{ stdenv, zlib }:\r\n# caf'),
    Buffer.from([0xe9, 0xff]),
    Buffer.from(' \r\nstdenv.mkDerivation {\r\n  pname = "hello";\r\n  buildInputs = [ zlib ];\r\n}\r\n'),
  ]);
  const root = domain({ [ZLIB]: zlib, [HELLO]: hello });
  await withSession(root, async (s) => {
    // What an editor shows: the BOM is not part of the text, the invalid bytes are U+FFFD each.
    const helloText = hello.toString('utf8');
    const uri = await s.client.open(path.join(root, HELLO), helloText);
    const locations = await s.client.request<Location[]>('textDocument/definition', {
      textDocument: { uri },
      position: at(helloText, 'zlib }'),
    });
    assert.equal(locations.length, 1);
    assert.equal(URI.parse(locations[0]!.uri).fsPath, path.join(root, ZLIB));
    const shown = zlib.slice(1);
    // zlib's package is at its `pname`, on the BOM's line: the column counts from the text without the BOM.
    assert.deepEqual(locations[0]!.range.start, at(shown, 'pname', 0));
    const hover = await s.client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: at(helloText, 'zlib }') });
    assert.deepEqual(hover.range, { start: at(helloText, 'zlib }', 0), end: at(helloText, 'zlib }', 4) });
    // In the BOM file opened, a hover on `pname` covers exactly that name.
    const zlibUri = await s.client.open(path.join(root, ZLIB), shown);
    const symbols = await s.client.request<{ name: string; selectionRange: { start: unknown } }[]>('textDocument/documentSymbol', {
      textDocument: { uri: zlibUri },
    });
    assert.ok(symbols.length > 0);
    await answersNext(s);
  });
});

test('symlink loops, a dangling symlink, a FIFO and a directory named x.nix are left out', async () => {
  // Run as root, chmod 000 does not make a file unreadable; these are what cannot be read as a file.
  for (const git of [true, false]) {
    const root = domain({}, { git: false });
    symlinkSync('loop-b.nix', path.join(root, 'pkgs/loop-a.nix'));
    symlinkSync('loop-a.nix', path.join(root, 'pkgs/loop-b.nix'));
    symlinkSync('.', path.join(root, 'pkgs/self'));
    symlinkSync('..', path.join(root, 'pkgs/by-name/up'));
    symlinkSync('nowhere.nix', path.join(root, 'pkgs/dangling.nix'));
    mkdirSync(path.join(root, 'pkgs/x.nix'));
    writeFileSync(path.join(root, 'pkgs/x.nix/inner.nix'), '{ }\n');
    if (git)
      execFileSync('sh', ['-c', 'git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -q -m d'], { cwd: root });
    execFileSync('mkfifo', [path.join(root, 'pkgs/fifo.nix')]);
    await withSession(root, async (s) => {
      await answersNext(s);
      const status = await s.client.request(STATUS_REQUEST);
      assert.equal(status.files, 3, `${git ? 'git' : 'walk'}: hello, zlib and x.nix/inner.nix`);
      await everyFeatureAnswers(s, 'pkgs/dangling.nix', { line: 0, character: 0 });
    });
  }
});

// ---- the index cache ------------------------------------------------------------------------

test('a corrupt, truncated or version-mismatched index cache is ignored and rebuilt', async () => {
  const root = domain({});
  const cacheHome = temp('nd-cache-');
  await withSession(root, async (s) => answersNext(s), { cacheHome });
  const dir = path.join(cacheHome, 'nix-domains', 'index');
  const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.idx'))!);
  const good = readFileSync(file);
  const newline = good.indexOf(0x0a);
  const header = good.toString('utf8', 0, newline);
  for (const [what, bad, why] of [
    ['corrupt', Buffer.from('\u0000\u0001garbage{{{'), /index cache .* ignored, rebuilding/],
    ['truncated', good.subarray(0, Math.floor(good.length * 0.6)), /index cache .* ignored, rebuilding/],
    [
      'version-mismatched',
      Buffer.concat([Buffer.from(header.replace(/"format":\d+/, '"format":999')), good.subarray(newline)]),
      /format is 999, expected/,
    ],
  ] as const) {
    writeFileSync(file, bad);
    const s = await withSession(root, async (s) => answersNext(s), { cacheHome });
    const log = [...s.client.log, ...s.client.stderr].join('\n');
    assert.match(log, why, `${what}: the cause is logged`);
    assert.notDeepEqual(readFileSync(file), bad, `${what}: rewritten`);
  }
});

// ---- the manifest ---------------------------------------------------------------------------

test('a manifest that is invalid JSON or has wrong types gets diagnostics in nix-domains.json itself', async () => {
  const root = domain({ 'nix-domains.json': '{\n  "domain": "dom",\n  "domains": { "core": { "path": "../core" }\n' });
  const manifestUri = uriOf(path.join(root, 'nix-domains.json'));
  const s = await startSession(root, { waitForIndex: false });
  try {
    const first = s.client.diagnostics.get(manifestUri) ?? (await s.client.nextDiagnostics(manifestUri));
    assert.equal(first.diagnostics.length, 1);
    assert.match(String(first.diagnostics[0]!.message), /nix-domains\.json is not valid JSON/);
    await s.client.waitForIndex();
    await answersNext(s);
    // Wrong types: each at the key that holds it.
    const wrong =
      '{\n  "domain": 5,\n  "domains": { "core": { "stubs": 42 } },\n  "waves": { "steps": "glibc" },\n  "impact": { "stdenv": "gcc" },\n  "colour": "blue"\n}\n';
    writeFileSync(path.join(root, 'nix-domains.json'), wrong);
    const next = s.client.nextDiagnostics(manifestUri);
    await s.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: manifestUri, type: 2 }] });
    const found = (await next).diagnostics.map((d) => ({ ...d, message: String(d.message) }));
    const line = (needle: string) => at(wrong, needle).line;
    for (const [pattern, needle] of [
      [/domain must be a domain name/, '"domain"'],
      [/domains\.core\.stubs must be a non-empty string/, '"stubs"'],
      [/waves\.steps/, '"steps"'],
      [/impact\.stdenv must be a list/, '"stdenv"'],
      [/colour is not a known setting/, '"colour"'],
    ] as const) {
      const d = found.find((x) => pattern.test(x.message));
      assert.ok(d, `${pattern}: ${found.map((x) => x.message).join(' | ')}`);
      assert.equal(d.range.start.line, line(needle), `${pattern} at its key`);
    }
    assert.ok(
      s.client.log.some((l) => /domains\.core\.stubs must be a non-empty string/.test(l)),
      'the cause is logged',
    );
    await answersNext(s);
    // Fixed: the diagnostics go away.
    writeFileSync(path.join(root, 'nix-domains.json'), '{ "domain": "dom" }\n');
    const cleared = s.client.nextDiagnostics(manifestUri);
    await s.client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: manifestUri, type: 2 }] });
    assert.deepEqual((await cleared).diagnostics, []);
  } finally {
    await s.stop();
  }
});
