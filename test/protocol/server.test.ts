// Talks JSON-RPC to the built server (dist/server.js) as a child process, as an editor would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { URI } from 'vscode-uri';
import type { CompletionList, DocumentSymbol, Hover, Location, SymbolInformation } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import { ALLOCATOR_ENV, SERVER_NODE_OPTIONS, serverEnv } from '../../shared/serverEnv';
import { cursor, FIXTURE } from '../helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
let client: LspClient;
const opened = new Map<string, string>();

before(async () => {
  client = await LspClient.start(FIXTURE, SERVER);
  await client.waitForIndex();
});

after(async () => {
  // Unset when the server did not start: the before hook's failure is the one to read.
  await client?.stop();
});

async function open(file: string): Promise<string> {
  const existing = opened.get(file);
  if (existing) return existing;
  const uri = await client.open(path.join(FIXTURE, file), readFileSync(path.join(FIXTURE, file), 'utf8'));
  opened.set(file, uri);
  return uri;
}

async function at<R>(method: string, file: string, marked: string, extra: object = {}): Promise<R> {
  const uri = await open(file);
  return client.request<R>(method, { textDocument: { uri }, position: cursor(FIXTURE, file, marked), ...extra });
}

const messageOf = (m: string | { value: string }) => (typeof m === 'string' ? m : m.value);
const rel = (uri: string) => path.relative(FIXTURE, URI.parse(uri).fsPath);
const HELLO = 'pkgs/by-name/he/hello/package.nix';

test('definition of an input lands in the file that builds the package, across an alias chain', async () => {
  const locations = await at<Location[]>('textDocument/definition', HELLO, 'zlib, py|thon3, jq');
  assert.equal(locations.length, 1);
  assert.equal(rel(locations[0]!.uri), 'pkgs/development/interpreters/python/cpython/default.nix');
  assert.equal(locations[0]!.range.start.line, 8);
});

test('hover on an input shows the package card', async () => {
  const hover = await at<Hover>('textDocument/hover', HELLO, 'zlib, py|thon3, jq');
  const text = (hover.contents as { value: string }).value;
  assert.match(text, /\*\*pythonInterpreters\.python311\*\*/);
  assert.doesNotMatch(text, /python312/);
  assert.match(text, /`python3` resolves to/);
  assert.match(text, /A high-level dynamically-typed programming language/);
  assert.match(text, /Maintainers: alice/);
  assert.match(text, /Direct dependants: [1-9]/);
});

test('hover on lib.strings.concatMapStrings shows its doc comment', async () => {
  const hover = await at<Hover>('textDocument/hover', HELLO, 'lib.strings.concatMap|Strings');
  const text = (hover.contents as { value: string }).value;
  assert.match(text, /lib\.strings\.concatMapStrings/);
  assert.match(text, /Map a function over a list/);
});

test('references of a package: the inputs that take it and the places that pass it', async () => {
  const locations = await at<Location[]>('textDocument/references', 'pkgs/by-name/zl/zlib/package.nix', 'pname = "z|lib"', {
    context: { includeDeclaration: false },
  });
  const files = locations.map((l) => rel(l.uri)).sort();
  assert.ok(files.includes(HELLO), files.join());
  assert.ok(files.includes('pkgs/by-name/op/openssl/default.nix'), files.join());
  assert.ok(files.includes('pkgs/development/interpreters/python/default.nix'), files.join());
});

test('document symbols outline the file', async () => {
  const uri = await open('pkgs/top-level/all-packages.nix');
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  const names = symbols.map((s) => s.name);
  for (const name of ['python3', 'pythonInterpreters', 'jq', 'games']) assert.ok(names.includes(name), names.join());
});

test('workspace symbols find packages and lib functions', async () => {
  const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'concatMap' });
  assert.ok(symbols.some((s) => s.name === 'lib.strings.concatMapStrings'));
  const packages = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'numpy' });
  assert.equal(packages[0]?.name, 'python3Packages.numpy');
});

test('completion offers package names in formals and lib members after lib.', async () => {
  const formals = await at<CompletionList>('textDocument/completion', 'pkgs/by-name/gl/glibc/package.nix', '{ stdenv|, fetchurl');
  assert.ok(formals.items.some((i) => i.label === 'stdenv'));
  const file = 'pkgs/by-name/he/hello/package.nix';
  const members = await at<CompletionList>('textDocument/completion', file, 'lib.strings.|concatMapStrings');
  assert.ok(
    members.items.some((i) => i.label === 'optionalString'),
    members.items.map((i) => i.label).join(),
  );
});

test('diagnostics: an unknown input is reported, a defaulted or provided one is not', async () => {
  const uri = await open(HELLO);
  const published = client.diagnostics.get(uri) ?? (await client.nextDiagnostics(uri));
  const messages = published.diagnostics.map((d) => messageOf(d.message));
  assert.equal(messages.length, 1, messages.join('\n'));
  assert.match(messages[0]!, /mystery-dependency/);
});

test('diagnostics: a syntax error is reported after an edit, and the server keeps answering', async () => {
  const file = path.join(FIXTURE, 'pkgs/by-name/gl/glibc/package.nix');
  const uri = URI.file(file).toString();
  const next = client.nextDiagnostics(uri);
  const text = '{ stdenv, fetchurl }:\nstdenv.mkDerivation { pname = "glibc"; version = ; }\n';
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 7, text } });
  const published = await next;
  assert.ok(published.diagnostics.some((d) => messageOf(d.message).includes('Syntax error')));
  // Still answering, and still right: the input `fetchurl` in the broken file resolves to its package.
  const fetchurl = text.indexOf('fetchurl');
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri },
    position: { line: 0, character: fetchurl + 2 },
  });
  assert.ok(hover, 'a hover on fetchurl');
  assert.match(messageOf(hover.contents as { value: string }), /fetchurl/);
  assert.deepEqual(hover.range, { start: { line: 0, character: fetchurl }, end: { line: 0, character: fetchurl + 'fetchurl'.length } });
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
});

test('code lens: the top of a package file and override sites show what rebuilds, with the list a click away', async () => {
  const uri = await open('pkgs/by-name/zl/zlib/package.nix');
  const lenses = await client.request<{ range: unknown; data: unknown }[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses.length >= 1);
  const resolved = await client.request<{
    command: { title: string; command: string; arguments: [{ groups: { items: { label: string; uri?: string }[] }[] }] };
  }>('codeLens/resolve', lenses[0]);
  assert.match(resolved.command.title, /^rebuilds \d+ packages?/);
  assert.equal(resolved.command.command, 'nixDomains.showImpact');
  const labels = resolved.command.arguments[0].groups.flatMap((g) => g.items.map((i) => i.label));
  // jq takes zlib; hello does too, but names an input nothing provides, so it cannot evaluate and rebuilds nothing.
  assert.ok(labels.includes('jq'), labels.join());
  assert.ok(!labels.includes('hello'), labels.join());
  assert.ok(resolved.command.arguments[0].groups[0]!.items.every((i) => i.uri?.startsWith('file://')));
  const overrides = await client.request<{ data: { attr: string } }[]>('textDocument/codeLens', {
    textDocument: { uri: await open('pkgs/by-name/py/python/packages.nix') },
  });
  assert.ok(
    overrides.some((l) => l.data.attr.includes('python')),
    JSON.stringify(overrides.map((l) => l.data)),
  );
});

test('hover on a package shows its rebuild impact', async () => {
  const hover = await at<Hover>('textDocument/hover', HELLO, '{ lib, stdenv, fetchurl, z|lib');
  assert.match((hover.contents as { value: string }).value, /\*\*Impact:\*\* changing it rebuilds \d+ package/);
});

test('the server runs with the allocator settings and young generation the VS Code extension starts it with; a setting of the user wins', () => {
  const environment = readFileSync(`/proc/${client.process.pid}/environ`, 'utf8').split('\0');
  for (const [name, value] of Object.entries(ALLOCATOR_ENV))
    assert.ok(environment.includes(`${name}=${value}`), `the server has ${name}=${value}`);
  assert.ok(
    environment.some((v) => v.startsWith('NODE_OPTIONS=') && v.includes(SERVER_NODE_OPTIONS)),
    `the server has ${SERVER_NODE_OPTIONS} in NODE_OPTIONS`,
  );
  assert.equal(serverEnv({ MALLOC_ARENA_MAX: '8', HOME: '/h' }).MALLOC_ARENA_MAX, '8');
  assert.equal(serverEnv({ HOME: '/h' }).HOME, '/h');
  assert.equal(serverEnv({ NODE_OPTIONS: '--max-old-space-size=900' }).NODE_OPTIONS, `--max-old-space-size=900 ${SERVER_NODE_OPTIONS}`);
  assert.equal(serverEnv({ NODE_OPTIONS: '--max-semi-space-size=2' }).NODE_OPTIONS, '--max-semi-space-size=2');
});
