// A file parsed again for the flags a caller passes is parsed once per turn of the event loop:
// asked again in the same turn for the same text, the tree parsed first is read; for other text
// (the file changed, or its editor buffer), or in a later turn, it is parsed again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { withFileValue } from '../../server/src/analysis/reparse';
import { tempDomain } from '../helpers';

const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

test('a file is parsed once a turn for the same text, and again for new text or in a later turn', { timeout: 60_000 }, async () => {
  const analyzer = await tempDomain({ 'pkgs/a/default.nix': '{ lib, zlib }:\nzlib\n' }, temps);
  const file = 'pkgs/a/default.nix';
  const parse = analyzer.parser.parse.bind(analyzer.parser);
  let parses = 0;
  analyzer.parser.parse = (text) => {
    parses++;
    return parse(text);
  };
  const formalsOf = () => withFileValue(analyzer, file, (value) => value.childForFieldName('formals')?.text);

  assert.equal(formalsOf(), '{ lib, zlib }');
  assert.equal(formalsOf(), '{ lib, zlib }');
  assert.equal(parses, 1, 'the second read in the same turn parses nothing');

  writeFileSync(path.join(analyzer.root, file), '{ lib, zlib, curl }:\nzlib\n');
  assert.equal(formalsOf(), '{ lib, zlib, curl }', 'the text on disk, not the tree parsed first');
  assert.equal(parses, 2);

  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(formalsOf(), '{ lib, zlib, curl }');
  assert.equal(parses, 3, 'a later turn parses again');
});

test('a parse cut off by the budget is not kept: the next read parses again', { timeout: 60_000 }, async () => {
  const long = `{ lib, zlib }:\n[ ${Array.from({ length: 5000 }, (_, i) => `x${i}`).join(' ')} ]\n`;
  const analyzer = await tempDomain({ 'pkgs/b/default.nix': long }, temps);
  const parse = analyzer.parser.parse.bind(analyzer.parser);
  let parses = 0;
  analyzer.parser.parse = (text) => {
    parses++;
    return parse(text);
  };
  analyzer.parser.budgetMs = 0;
  withFileValue(analyzer, 'pkgs/b/default.nix', () => undefined);
  assert.ok(analyzer.parser.timedOut, 'the parse was cut off');
  withFileValue(analyzer, 'pkgs/b/default.nix', () => undefined);
  assert.equal(parses, 2);
});
