import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { completion } from '../../server/src/analysis/features/completion';
import { definition } from '../../server/src/analysis/features/definition';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';
import { hover } from '../../server/src/analysis/features/hover';
import { references } from '../../server/src/analysis/features/references';
import { FileByteReader } from '../../server/src/analysis/maintainers/reader';
import { cursor, FIXTURE, fixtureAnalyzer } from '../helpers';
import { writeMaintainerList } from '../maintainers/generate';

const HELLO = 'pkgs/by-name/he/hello/package.nix';
const LIST = 'maintainers/maintainer-list.nix';

test('a handle in `with lib.maintainers; [ … ]` goes to its entry and hovers with it', async () => {
  const analyzer = await fixtureAnalyzer();
  const places = await analyzer.withDocument(HELLO, (doc) => definition(analyzer, doc, cursor(FIXTURE, HELLO, 'maintainers; [ al|ice')));
  assert.deepEqual(
    places?.map((p) => [p.file, p.span[0]]),
    [[LIST, 2]],
  );
  const found = await analyzer.withDocument(HELLO, (doc) => hover(analyzer, doc, cursor(FIXTURE, HELLO, 'alice b|ob')));
  assert.deepEqual(found?.maintainer, { file: LIST, handle: 'bob' });
  const card = await analyzer.maintainers.card(LIST, 'bob');
  assert.match(card!, /Bob Ööö/);
});

test('`lib.maintainers.bob` resolves too', async () => {
  const analyzer = await fixtureAnalyzer();
  const file = 'pkgs/development/python-modules/requests/default.nix';
  const places = await analyzer.withDocument(file, (doc) => definition(analyzer, doc, cursor(FIXTURE, file, 'lib.maintainers.b|ob')));
  assert.deepEqual(
    places?.map((p) => [p.file, p.span[0]]),
    [[LIST, 8]],
  );
});

test('references on a handle list the packages it maintains', async () => {
  const analyzer = await fixtureAnalyzer();
  const places = await analyzer.withDocument(HELLO, (doc) =>
    references(analyzer, doc, cursor(FIXTURE, HELLO, 'maintainers; [ al|ice'), false),
  );
  const files = places!.map((p) => p.file).sort();
  assert.deepEqual(files, [HELLO, 'pkgs/development/interpreters/python/cpython/default.nix', 'pkgs/tools/misc/jq/default.nix']);
});

test('completion inside `with lib.maintainers; [ ]` offers handles from the index', async () => {
  const analyzer = await fixtureAnalyzer();
  const result = await analyzer.withDocument(HELLO, (doc) =>
    completion(analyzer, doc, cursor(FIXTURE, HELLO, 'maintainers; [ alice b|ob')),
  );
  assert.deepEqual(
    result?.items.map((i) => i.label),
    ['bob'],
  );
});

test('a handle that exists in no list is a diagnostic', async () => {
  const analyzer = await fixtureAnalyzer();
  const found = diagnostics(analyzer, 'pkgs/tools/misc/jq/default.nix').filter((d) => d.code === 'unknown-maintainer');
  assert.equal(found.length, 1);
  assert.match(found[0]!.message, /nobody-at-all/);
});

test('a 30,000-entry list is never read whole: the largest read is one chunk, a hover reads only its entry', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd-maint-'));
  mkdirSync(path.join(root, 'maintainers'));
  mkdirSync(path.join(root, 'lib'));
  const generated = writeMaintainerList(path.join(root, LIST), { entries: 30000, seed: 7 });
  const handle = generated.expected[12345]!.handle;
  writeFileSync(path.join(root, 'lib', 'default.nix'), '{ maintainers = import ../maintainers/maintainer-list.nix; }\n');
  const pkg = `{ lib, stdenv }:\nstdenv.mkDerivation {\n  pname = "p";\n  version = "1";\n  meta.maintainers = with lib.maintainers; [ ${handle} ];\n}\n`;
  mkdirSync(path.join(root, 'pkgs', 'by-name', 'pp', 'p'), { recursive: true });
  writeFileSync(path.join(root, 'pkgs', 'by-name', 'pp', 'p', 'package.nix'), pkg);

  const reads: number[] = [];
  const analyzer = await Analyzer.create(root, 'big', {
    openMaintainerList: async (file) => {
      const reader = await FileByteReader.open(file);
      return {
        size: () => reader.size(),
        read: async (offset: number, length: number, into?: Buffer) => {
          const bytes = await reader.read(offset, length, into);
          reads.push(bytes.length);
          return bytes;
        },
        close: () => reader.close(),
      };
    },
  });
  await analyzer.indexAll();
  assert.ok(reads.length > 10, 'the list was scanned through the recorded reader');
  assert.ok(Math.max(...reads) <= 64 * 1024, `largest read ${Math.max(...reads)} bytes`);

  reads.length = 0;
  const file = 'pkgs/by-name/pp/p/package.nix';
  const found = await analyzer.withDocument(file, (doc) =>
    hover(analyzer, doc, { line: 4, character: pkg.split('\n')[4]!.indexOf(handle) + 1 }),
  );
  assert.equal(found?.maintainer?.handle, handle);
  const card = await analyzer.maintainers.card(LIST, handle);
  assert.match(card!, new RegExp(handle));
  assert.equal(reads.length, 1, 'one read for one hover');
  const entry = analyzer.maintainers.entry(LIST, handle)!;
  assert.equal(reads[0], entry.end - entry.start, 'the read is exactly the entry');
  assert.ok(reads[0]! <= 8 * 1024);
});
