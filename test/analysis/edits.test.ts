import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { references } from '../../server/src/analysis/features/references';
import { workspaceSymbols } from '../../server/src/analysis/features/symbols';
import { cursor, FIXTURE } from '../helpers';

const HELLO = 'pkgs/by-name/he/hello/package.nix';
const ZLIB = 'pkgs/by-name/zl/zlib/package.nix';

test('an edit that only moves lines keeps the whole-domain caches but reports the new positions', async () => {
  const analyzer = await Analyzer.create(FIXTURE, 'core', { cacheDir: null });
  await analyzer.indexAll();
  const refsOf = async () =>
    (await analyzer.withDocument(ZLIB, (doc) => references(analyzer, doc, cursor(FIXTURE, ZLIB, 'pname = "z|lib"'), false)))!;
  const before = (await refsOf()).find((p) => p.file === HELLO)!;
  const structure = analyzer.index.structureGeneration;

  const text = readFileSync(path.join(FIXTURE, HELLO), 'utf8');
  analyzer.openDocument(HELLO, `# a comment line added on top\n\n${text}`, 2);
  assert.equal(analyzer.index.structureGeneration, structure, 'moving lines is not a change of structure');
  const after = (await refsOf()).find((p) => p.file === HELLO)!;
  assert.equal(after.span[0], before.span[0] + 2);

  analyzer.openDocument(ZLIB, `\n${readFileSync(path.join(FIXTURE, ZLIB), 'utf8')}`, 2);
  const symbol = workspaceSymbols(analyzer, 'zlib').find((s) => s.name === 'zlib')!;
  assert.equal(symbol.place.span[0], 3, 'the symbol points at the moved pname line');

  analyzer.openDocument(HELLO, text.replace('zlib, python3', 'zlib, libfoo, python3'), 3);
  assert.notEqual(analyzer.index.structureGeneration, structure, 'a new input is a change of structure');
});
