import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankTrailingCommas, NixParser } from '../../server/src/analysis/parser';

/** The rewrite keeps the length, blanks exactly the trailing commas of formals, and the result parses. */
async function check(source: string, expected: string, parses = true) {
  const rewritten = blankTrailingCommas(source);
  assert.equal(rewritten.length, source.length);
  assert.equal(rewritten, expected);
  const parser = await NixParser.create();
  const tree = parser.parse(source);
  assert.equal(tree.rootNode.hasError, !parses, source);
  tree.delete();
}

test('trailing commas in formals are blanked', async () => {
  await check('{ a, b, }: a', '{ a, b  }: a');
  await check('{\n  lib,\n  stdenv,\n}:\nlib', '{\n  lib,\n  stdenv \n}:\nlib');
  await check('{ a, b, # comment\n}: a', '{ a, b  # comment\n}: a');
  await check('{ a, b, /* c, */ }: a', '{ a, b  /* c, */ }: a');
  await check('{ a ? { x = 1; }, b, }: a', '{ a ? { x = 1; }, b  }: a');
});

test('commas in strings, comments and interpolations are left alone', async () => {
  await check('{ a }: "x, }"', '{ a }: "x, }"');
  await check("{ a }: ''y, } ''${a} ,}''", "{ a }: ''y, } ''${a} ,}''");
  await check('# ,}\n{ a }: a', '# ,}\n{ a }: a');
  await check('{ a }: "${ builtins.concatStringsSep ", " [ ] }"', '{ a }: "${ builtins.concatStringsSep ", " [ ] }"');
});

test('positions stay exact after the rewrite', async () => {
  const parser = await NixParser.create();
  const source = '{\n  zlib,\n  openssl,\n}:\n[ openssl ]';
  const tree = parser.parse(source);
  const at = source.lastIndexOf('openssl');
  const node = tree.rootNode.descendantForIndex(at)!;
  assert.equal(node.text, 'openssl');
  assert.deepEqual(node.startPosition, { row: 4, column: 2 });
  tree.delete();
});

test('parsing never fails: broken input still gives a tree', async () => {
  const parser = await NixParser.create();
  for (const source of ['{ a = ', 'let in', '}}}}', '\u0000\u0001', '"unterminated', "''", '{ a, b, }: { c = ; }']) {
    const tree = parser.parse(source);
    assert.ok(tree.rootNode);
    tree.delete();
  }
});
