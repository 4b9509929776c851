import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NixParser } from '../../server/src/analysis/parser';
import { fastTreeReaderInstalled, withFlatTree } from '../../server/src/analysis/treeReader';
import { corpusClone, corpusTest } from '../corpus';
import { assertSameTree } from './sameTree';

const ROOT = path.join(__dirname, '..', '..');

function nixFiles(folder: string, out: string[] = []): string[] {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) nixFiles(full, out);
    else if (entry.name.endsWith('.nix')) out.push(full);
  }
  return out;
}

async function sameTree(source: string, label: string): Promise<number> {
  const parser = await NixParser.create({ budgetMs: 120_000 });
  const tree = parser.parse(source);
  try {
    return assertSameTree(tree, label);
  } finally {
    tree.delete();
  }
}

test('trees are read through the binding’s cursor exports', async () => {
  await NixParser.create();
  // Without them every node costs a dozen more copies through the transfer buffer: indexing a
  // large domain gets slower, and that must not go unnoticed.
  assert.equal(fastTreeReaderInstalled(), true);
});

test('a flat tree reads as web-tree-sitter’s nodes do, on every file of the examples and fixtures', async () => {
  const files = [...nixFiles(path.join(ROOT, 'examples')), ...nixFiles(path.join(ROOT, 'test', 'fixtures'))];
  assert.ok(files.length > 100, `only ${files.length} files`);
  let nodes = 0;
  for (const file of files) nodes += await sameTree(readFileSync(file, 'utf8'), path.relative(ROOT, file));
  assert.ok(nodes > 10_000, `only ${nodes} nodes`);
});

test('a flat tree keeps errors, missing tokens, CRLF lines, wide characters and deep nesting as they are', async () => {
  await sameTree('{ a = ; b = [ 1 2 ; c = "x\u{1F600}y${z}"; }', 'errors');
  await sameTree('let x = 1\nin x', 'missing semicolon');
  await sameTree('{\r\n  a = 1;\r\n\tb = "\u{1F600}";\r\n}\r\n', 'CRLF and tabs');
  await sameTree('\n\n  # leading comment\n\n  { a = 1; }', 'leading blank lines');
  await sameTree(`${'('.repeat(3000)}x${')'.repeat(3000)}`, 'deep nesting');
  await sameTree('', 'empty');
});

test('a flat tree’s columns are reused once its reader returns, and a reader inside a reader gets its own', async () => {
  const parser = await NixParser.create();
  const outer = parser.parse('{ a = 1; }');
  const inner = parser.parse('[ x y z ]');
  try {
    withFlatTree(outer, (root) => {
      const before = root.namedChildren[0]!.type;
      const nested = withFlatTree(inner, (r) => r.namedChildren[0]!.namedChildren.map((c) => c.text));
      assert.deepEqual(nested, ['x', 'y', 'z']);
      assert.equal(root.namedChildren[0]!.type, before);
      assert.equal(root.text, '{ a = 1; }');
    });
  } finally {
    outer.delete();
    inner.delete();
  }
});

test('a flat tree reads as web-tree-sitter’s nodes do on every eighth file of the real core', corpusTest(), async () => {
  const core = corpusClone('core');
  const files = execFileSync('git', ['ls-files', '*.nix'], { cwd: core, encoding: 'utf8' }).split('\n').filter(Boolean);
  let nodes = 0;
  for (const [i, file] of files.entries()) if (i % 8 === 0) nodes += await sameTree(readFileSync(path.join(core, file), 'utf8'), file);
  assert.ok(nodes > 100_000, `only ${nodes} nodes`);
});
