// A file parsed again for the flags a caller passes is parsed once per turn of the event loop:
// asked again in the same turn for the same text, the tree parsed first is read; for other text
// (the file changed, or its editor buffer), or in a later turn, it is parsed again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { withFileValue } from '../../server/src/analysis/reparse';
import { tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Counts the parses of an analyzer's parser from now on. */
function countParses(analyzer: Analyzer): { count: number } {
  const parse = analyzer.parser.parse.bind(analyzer.parser);
  const parses = { count: 0 };
  analyzer.parser.parse = (text) => {
    parses.count++;
    return parse(text);
  };
  return parses;
}

test('a file is parsed once a turn for the same text, and again for new text or in a later turn', { timeout: 60_000 }, async () => {
  const analyzer = await tempDomain({ 'pkgs/a/default.nix': '{ lib, zlib }:\nzlib\n' }, temps);
  const file = 'pkgs/a/default.nix';
  const parses = countParses(analyzer);
  const formalsOf = () => withFileValue(analyzer, file, (value) => value.childForFieldName('formals')?.text);

  assert.equal(formalsOf(), '{ lib, zlib }');
  assert.equal(formalsOf(), '{ lib, zlib }');
  assert.equal(parses.count, 1, 'the second read in the same turn parses nothing');

  writeFileSync(path.join(analyzer.root, file), '{ lib, zlib, curl }:\nzlib\n');
  assert.equal(formalsOf(), '{ lib, zlib, curl }', 'the text on disk, not the tree parsed first');
  assert.equal(parses.count, 2);

  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(formalsOf(), '{ lib, zlib, curl }');
  assert.equal(parses.count, 3, 'a later turn parses again');
});

test('a parse cut off by the budget is not kept: the next read parses again', { timeout: 60_000 }, async () => {
  const long = `{ lib, zlib }:\n[ ${Array.from({ length: 5000 }, (_, i) => `x${i}`).join(' ')} ]\n`;
  const analyzer = await tempDomain({ 'pkgs/b/default.nix': long }, temps);
  const parses = countParses(analyzer);
  analyzer.parser.budgetMs = 0;
  withFileValue(analyzer, 'pkgs/b/default.nix', () => undefined);
  assert.ok(analyzer.parser.timedOut, 'the parse was cut off');
  withFileValue(analyzer, 'pkgs/b/default.nix', () => undefined);
  assert.equal(parses.count, 2);
});
