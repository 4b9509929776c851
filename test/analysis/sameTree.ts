// Compares a flat tree with web-tree-sitter's, node by node: what a flat tree must keep of it.
import assert from 'node:assert/strict';
import type { Node, Tree } from 'web-tree-sitter';
import type { SyntaxNode } from '../../server/src/analysis/syntaxTree';
import { withFlatTree } from '../../server/src/analysis/treeReader';

function preorder<T extends { children: T[] }>(root: T): T[] {
  const out: T[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/** Asserts that the flat tree of `tree` reads as web-tree-sitter's own nodes do; returns the node count. */
export function assertSameTree(tree: Tree, label: string): number {
  return withFlatTree(tree, (root) => compare(tree, preorder<SyntaxNode>(root), label));
}

function compare(tree: Tree, flat: SyntaxNode[], label: string): number {
  const native = preorder<Node>(tree.rootNode);
  assert.equal(flat.length, native.length, `${label}: node count`);
  const position = new Map<number, number>(native.map((n, i) => [n.id, i]));
  const at = (n: Node | null) => (n ? position.get(n.id) : undefined);
  const fields = tree.language.fields.filter((f): f is string => !!f);
  for (let i = 0; i < native.length; i++) {
    const n = native[i]!;
    const f = flat[i]!;
    const where = `${label}: node ${i} (${n.type} at ${n.startPosition.row}:${n.startPosition.column})`;
    assert.deepEqual(
      [f.type, f.startIndex, f.endIndex, f.startPosition, f.endPosition, f.isNamed, f.isMissing, f.isError, f.hasError, f.text],
      [n.type, n.startIndex, n.endIndex, n.startPosition, n.endPosition, n.isNamed, n.isMissing, n.isError, n.hasError, n.text],
      where,
    );
    assert.equal(f.childCount, n.childCount, where);
    assert.deepEqual(
      f.namedChildren.map((c) => c.id),
      f.children.filter((c) => c.isNamed).map((c) => c.id),
      where,
    );
    assert.equal(f.namedChildCount, n.namedChildCount, where);
    assert.equal(f.parent ? f.parent.id : undefined, at(n.parent), `${where}: parent`);
    assert.equal(f.previousSibling ? f.previousSibling.id : undefined, at(n.previousSibling), `${where}: previous sibling`);
    for (const field of fields) {
      const one = n.childForFieldName(field);
      const mine = f.childForFieldName(field);
      assert.equal(mine ? mine.id : undefined, at(one), `${where}: field ${field}`);
      assert.deepEqual(
        f.childrenForFieldName(field).map((c) => c.id),
        n.childrenForFieldName(field).map((c) => at(c)),
        `${where}: fields ${field}`,
      );
    }
  }
  return native.length;
}
