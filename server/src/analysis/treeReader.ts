// Reads a parsed tree into a flat one (syntaxTree.ts), through calls straight into the parser's
// WASM where the binding has them.
//
// web-tree-sitter's `TreeCursor` copies the cursor's four words into the binding's transfer
// buffer before every call and back after each move. A cursor made here by the binding's own
// export stays in that buffer between calls (nothing else runs between them), so each move and
// each read is one call, and no cursor object exists for web-tree-sitter's finalizer to free.
// Installed only when it reads a sample tree exactly as web-tree-sitter's nodes do; otherwise
// every tree is read through `TreeCursor`.
import type { Node, Parser, Tree } from 'web-tree-sitter';
import { flatten, publicCursor, type CursorOps, type FlatColumns, type FlatTree, type OpenCursor, type SyntaxNode } from './syntaxTree';

type Export = (tree: number) => number;

let open: (root: Node) => OpenCursor = publicCursor;
let fast = false;

/** Whether trees are read through the binding's exports (a test keeps this from silently going away). */
export function fastTreeReaderInstalled(): boolean {
  return fast;
}

/** Columns no flat tree in use holds: the next one read takes them (see `withFlatTree`). */
let spare: FlatColumns | undefined;

/** Columns for more nodes than this (26 bytes each) are not kept: a process that once read a very large file would hold them for good. */
const KEEP_NODES = 1 << 16;

/**
 * Hands the root of the tree's flat tree to `read`, which must not keep any of its nodes: the
 * columns are reused by the next tree read after it returns (one read in another's gets its own).
 * The caller still owns the tree and deletes it.
 */
export function withFlatTree<T>(tree: Tree, read: (root: SyntaxNode) => T): T {
  const columns = spare;
  spare = undefined;
  const flat = flatten(tree, open, columns);
  try {
    return read(flat.rootNode);
  } finally {
    if (flat.columns.types.length <= KEEP_NODES) spare = flat.columns;
  }
}

/** The tree's flat tree in columns of its own, for a caller that keeps it (`withFlatTree`'s are the next tree's). */
export function ownFlatTree(tree: Tree): FlatTree {
  return flatten(tree, open);
}

/**
 * Reads text a flat tree must get right: fields, comments, a syntax error and a missing token, a
 * string with interpolation, and characters outside the BMP (columns count UTF-16 units).
 */
const SAMPLE = `# a comment\n{ lib, stdenv, fetchurl ? null }:\nlet v = "1.0 \u{1F600}"; in\nstdenv.mkDerivation rec {\n  pname = "x\${v}";\n  src = fetchurl { url = "u"; };\n  b = [ 1 2 (a: a) ];\n  broken = { a = ; };\n  c = if x then y\n}\n`;

/** Puts the binding's cursor exports in place of `TreeCursor`, if they read the sample as web-tree-sitter's nodes do. */
export function installFastTreeReader(binding: Record<string, unknown>, parser: Parser): void {
  const get = (name: string) => (typeof binding[name] === 'function' ? (binding[name] as Export) : undefined);
  const create = get('_ts_tree_cursor_new_wasm');
  const remove = get('_ts_tree_cursor_delete_wasm');
  const firstChild = get('_ts_tree_cursor_goto_first_child_wasm');
  const nextSibling = get('_ts_tree_cursor_goto_next_sibling_wasm');
  const parent = get('_ts_tree_cursor_goto_parent_wasm');
  const typeId = get('_ts_tree_cursor_current_node_type_id_wasm');
  const fieldId = get('_ts_tree_cursor_current_field_id_wasm');
  const startIndex = get('_ts_tree_cursor_start_index_wasm');
  const endIndex = get('_ts_tree_cursor_end_index_wasm');
  const isMissing = get('_ts_tree_cursor_current_node_is_missing_wasm');
  if (!create || !remove || !firstChild || !nextSibling || !parent || !typeId || !fieldId || !startIndex || !endIndex || !isMissing) return;
  const ops: CursorOps = { firstChild, nextSibling, parent, typeId, fieldId, startIndex, endIndex, isMissing };
  const rawCursor = (root: Node): OpenCursor => {
    const address = (root.tree as unknown as Record<number, unknown>)[0];
    if (typeof address !== 'number') throw new Error('web-tree-sitter tree without an address');
    // Reading the root's type leaves the root in the transfer buffer, where the export takes it from.
    void root.typeId;
    create(address);
    return { ops, address, close: () => remove(address) };
  };
  const tree = parser.parse(SAMPLE);
  if (!tree) return;
  try {
    if (readsAsNodes(flatten(tree, rawCursor).rootNode, tree.rootNode)) {
      open = rawCursor;
      fast = true;
    }
  } catch {
    // Anything unexpected leaves TreeCursor in place.
  } finally {
    tree.delete();
  }
}

/**
 * Whether a flat tree reads as web-tree-sitter's nodes do: every node's type, range, flags and
 * field, in the same order. (Compared with the nodes, not with a flat tree read through
 * `TreeCursor`: the reading loop would then have called two kinds of function, and V8 then calls
 * the exports through its slower generic path.)
 */
function readsAsNodes(flat: SyntaxNode, native: Node): boolean {
  const pairs: Array<[SyntaxNode, Node]> = [[flat, native]];
  let nodes = 0;
  while (pairs.length > 0) {
    const [f, n] = pairs.pop()!;
    nodes++;
    const same =
      f.type === n.type &&
      f.startIndex === n.startIndex &&
      f.endIndex === n.endIndex &&
      f.isNamed === n.isNamed &&
      f.isMissing === n.isMissing &&
      f.hasError === n.hasError &&
      f.childCount === n.childCount;
    if (!same) return false;
    const flatChildren = f.children;
    for (let i = 0; i < n.childCount; i++) {
      const field = n.fieldNameForChild(i);
      const child = n.child(i)!;
      if (field && f.childrenForFieldName(field).every((c) => c.id !== flatChildren[i]!.id)) return false;
      pairs.push([flatChildren[i]!, child]);
    }
  }
  return nodes >= 20;
}
