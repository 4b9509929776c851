import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankTrailingCommas, defaultParseBudgetMs, fastTransferInstalled, NixParser } from '../../server/src/analysis/parser';

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

test('a file with no comma before blanks and a brace or a comment is unchanged; one with such a comma is blanked', async () => {
  const text = '{ lib, stdenv }:\nstdenv.mkDerivation { pname = "a,b"; }\n';
  assert.equal(blankTrailingCommas(text), text);
  await check('{ a, b,\t\n}: a', '{ a, b \t\n}: a');
  await check('{ a, b,/* c */}: a', '{ a, b /* c */}: a');
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

test('nodes are read through the direct 32-bit path, and stay right after the WASM memory grows', async () => {
  // A budget far above the parse's few seconds: on a loaded machine the default 5 s cuts it off.
  const parser = await NixParser.create({ budgetMs: 120_000 });
  // Without it, indexing a large domain costs a fifth more CPU: its loss must not go unnoticed.
  assert.equal(fastTransferInstalled(), true);
  // About 8 MB of bindings: the parser's memory grows past its initial 32 MB while parsing it.
  const count = 150_000;
  const lines = Array.from({ length: count }, (_, i) => `  a${i} = f${i} { x = ${i}; };`);
  const source = `{\n${lines.join('\n')}\n}`;
  const tree = parser.parse(source);
  try {
    const bindings = tree.rootNode.namedChildren[0]!.childForFieldName('body') ?? tree.rootNode.namedChildren[0]!;
    const set = bindings.type === 'binding_set' ? bindings : bindings.namedChildren.find((c) => c?.type === 'binding_set')!;
    assert.equal(set.namedChildCount, count);
    for (const i of [0, 77_777, count - 1]) {
      const binding = set.namedChild(i)!;
      assert.equal(binding.text, lines[i]!.trim());
      assert.deepEqual(binding.startPosition, { row: i + 1, column: 2 });
      assert.equal(binding.childForFieldName('attrpath')!.text, `a${i}`);
    }
  } finally {
    tree.delete();
  }
});

test('parsing never fails: broken input still gives a tree of the whole text, with its errors marked', async () => {
  const parser = await NixParser.create();
  for (const source of ['{ a = ', 'let in', '}}}}', '\u0000\u0001', '"unterminated', "''", '{ a, b, }: { c = ; }']) {
    const tree = parser.parse(source);
    assert.equal(tree.rootNode.type, 'source_code', JSON.stringify(source));
    assert.deepEqual(
      [tree.rootNode.startIndex, tree.rootNode.endIndex],
      [0, source.length],
      `${JSON.stringify(source)}: the tree spans the text`,
    );
    assert.equal(tree.rootNode.hasError, true, `${JSON.stringify(source)}: the error is in the tree`);
    assert.equal(parser.timedOut, false);
    tree.delete();
  }
});

// The budget is tested by its mechanism, not by the clock: a budget of 0 ms cuts off any parse
// long enough for tree-sitter to ask whether to go on; the default budget lets the same text through.
const chain = `{ x }:\nx${'.a'.repeat(1_000)}\n`;

test('a parse that runs past its budget is cut off: an empty tree, and timedOut says so', async () => {
  const cut = await NixParser.create({ budgetMs: 0 });
  const tree = cut.parse(chain);
  assert.equal(cut.timedOut, true);
  assert.equal(tree.rootNode.endIndex, 0, 'the empty tree stands in for the text');
  tree.delete();
  // The next parse starts afresh: a text too short to be asked about is parsed whole.
  const small = cut.parse('x');
  assert.equal(cut.timedOut, false);
  assert.equal(small.rootNode.endIndex, 1);
  small.delete();

  const whole = await NixParser.create();
  const full = whole.parse(chain);
  assert.equal(whole.timedOut, false);
  assert.equal(full.rootNode.endIndex, chain.length);
  assert.equal(full.rootNode.hasError, false);
  full.delete();
});

test('the budget comes from NIX_DOMAINS_PARSE_BUDGET_MS when set, else 5 s', () => {
  const saved = process.env.NIX_DOMAINS_PARSE_BUDGET_MS;
  try {
    for (const [value, expected] of [
      ['0', 0],
      ['250', 250],
      [undefined, 5000],
      ['', 5000],
      ['soon', 5000],
      ['-1', 5000],
    ] as const) {
      if (value === undefined) delete process.env.NIX_DOMAINS_PARSE_BUDGET_MS;
      else process.env.NIX_DOMAINS_PARSE_BUDGET_MS = value;
      assert.equal(defaultParseBudgetMs(), expected, `NIX_DOMAINS_PARSE_BUDGET_MS=${value}`);
    }
  } finally {
    if (saved === undefined) delete process.env.NIX_DOMAINS_PARSE_BUDGET_MS;
    else process.env.NIX_DOMAINS_PARSE_BUDGET_MS = saved;
  }
});
