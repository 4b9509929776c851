// A syntax tree read out of tree-sitter once, into typed arrays, and nodes made from them on demand.
//
// Extracting a file's facts reads most nodes several times (its value, its formals' uses, its
// derivation, its imports). Through web-tree-sitter every read is a call into WASM, and every
// node handed back is a new object made from values copied out of WASM memory: on the generated
// 40,000-file core that was more than half of an index worker's extraction, and much of its
// garbage. Here the whole tree is read in one walk of a cursor (a few calls per node, no objects),
// and a node is an index into the arrays, its object made once and kept.
import type { Language, Node, Point, Tree } from 'web-tree-sitter';

/**
 * What the analysis reads of a syntax node: a subset of web-tree-sitter's `Node`, which satisfies
 * it as well (the editor's open documents keep web-tree-sitter's tree for positions).
 */
export interface SyntaxNode {
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly parent: SyntaxNode | null;
  readonly children: SyntaxNode[];
  readonly namedChildren: SyntaxNode[];
  readonly childCount: number;
  readonly namedChildCount: number;
  readonly previousSibling: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
  readonly firstChild: SyntaxNode | null;
  readonly hasError: boolean;
  readonly isMissing: boolean;
  readonly isError: boolean;
  readonly isNamed: boolean;
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(fieldName: string): SyntaxNode | null;
  childrenForFieldName(fieldName: string): SyntaxNode[];
  equals(other: SyntaxNode): boolean;
}

/**
 * The moves and reads of a tree cursor, each given the tree's address. The parser provides calls
 * straight into WASM (the cursor stays in the binding's transfer buffer between them), or, where
 * those are not available, the same through web-tree-sitter's `TreeCursor`.
 */
export interface CursorOps {
  firstChild(tree: number): number;
  nextSibling(tree: number): number;
  parent(tree: number): number;
  typeId(tree: number): number;
  fieldId(tree: number): number;
  startIndex(tree: number): number;
  endIndex(tree: number): number;
  isMissing(tree: number): number;
}

const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
const ERROR_TYPE = 65535;

/** The columns of a flattened tree, one entry per node in depth-first order (the root is 0). */
export interface FlatColumns {
  count: number;
  types: Uint16Array;
  fields: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  firstChildren: Int32Array;
  nextSiblings: Int32Array;
  flags: Uint8Array;
}

const namedTypes = new WeakMap<Language, Uint8Array>();
const fieldIds = new WeakMap<Language, Map<string, number>>();

/** A language's field ids by name, made once (per tree it was a tenth of the extraction). */
function fieldTable(language: Language): Map<string, number> {
  let table = fieldIds.get(language);
  if (!table) {
    table = new Map();
    for (const [id, name] of language.fields.entries()) if (name) table.set(name, id);
    fieldIds.set(language, table);
  }
  return table;
}

/** Whether each node type is named (1), not (2), or not yet asked (0): asked of the language once per type. */
function namedTable(language: Language): Uint8Array {
  let table = namedTypes.get(language);
  if (!table) namedTypes.set(language, (table = new Uint8Array(65536)));
  return table;
}

/** Columns for at least `capacity` nodes: `spare`'s when they are long enough (their content is overwritten). */
function columnsFor(capacity: number, spare?: FlatColumns): FlatColumns {
  if (spare && spare.types.length >= capacity) return spare;
  const size = Math.max(capacity, 2 * (spare?.types.length ?? 0), 1024);
  return {
    count: 0,
    types: new Uint16Array(size),
    fields: new Uint16Array(size),
    starts: new Int32Array(size),
    ends: new Int32Array(size),
    parents: new Int32Array(size),
    firstChildren: new Int32Array(size),
    nextSiblings: new Int32Array(size),
    flags: new Uint8Array(size),
  };
}

/**
 * Reads every node of the tree from a cursor placed on its root, in depth-first order, into
 * `spare`'s columns where they are long enough (typed arrays live outside V8's heap, and making
 * eight per file made an index worker spend twice as long collecting garbage). Throws when the
 * tree holds more nodes than `capacity` (web-tree-sitter's count of them).
 */
function readColumns(ops: CursorOps, tree: number, capacity: number, language: Language, spare?: FlatColumns): FlatColumns {
  const columns = columnsFor(capacity, spare);
  const { types, fields, starts, ends, parents, firstChildren, nextSiblings, flags } = columns;
  const named = namedTable(language);
  // lastChild[d]: the last node read at depth d + 1 under the current node at depth d.
  const path: number[] = [];
  const lastChild: number[] = [];
  let count = 0;
  let parent = -1;
  for (;;) {
    if (count >= capacity) throw new Error(`the tree has more than the ${capacity} nodes it said`);
    const i = count++;
    const type = ops.typeId(tree);
    types[i] = type;
    fields[i] = ops.fieldId(tree);
    const start = ops.startIndex(tree);
    const end = ops.endIndex(tree);
    starts[i] = start;
    ends[i] = end;
    parents[i] = parent;
    firstChildren[i] = -1;
    nextSiblings[i] = -1;
    let isNamed = named[type]!;
    if (isNamed === 0) named[type] = isNamed = type === ERROR_TYPE || language.nodeTypeIsNamed(type) ? 1 : 2;
    let flag = isNamed === 1 ? NAMED : 0;
    if (start === end && ops.isMissing(tree)) flag |= MISSING | HAS_ERROR;
    if (type === ERROR_TYPE) flag |= HAS_ERROR;
    flags[i] = flag;
    if (parent >= 0) {
      const depth = path.length - 1;
      const last = lastChild[depth]!;
      if (last >= 0) nextSiblings[last] = i;
      else firstChildren[parent] = i;
      lastChild[depth] = i;
    }
    if (ops.firstChild(tree)) {
      path.push(i);
      lastChild.push(-1);
      parent = i;
      continue;
    }
    while (!ops.nextSibling(tree)) {
      if (path.length === 0 || !ops.parent(tree)) return finish();
      path.pop();
      lastChild.pop();
      parent = path.length > 0 ? path[path.length - 1]! : -1;
    }
    if (path.length === 0) return finish();
  }
  function finish(): FlatColumns {
    // A node has an error when it is one or holds one: children come after their parent.
    for (let i = count - 1; i > 0; i--) if (flags[i]! & HAS_ERROR) flags[parents[i]!]! |= HAS_ERROR;
    columns.count = count;
    return columns;
  }
}

/**
 * A flattened tree: its columns, its source text and line starts. Its nodes are small objects made
 * on each access, as web-tree-sitter's are: kept for the whole file, they outlived the young
 * generation and doubled an index worker's garbage collection.
 */
export class FlatTree {
  private readonly lineStarts: number[];
  private readonly fieldIds: Map<string, number>;

  /**
   * @param text the text of the root node, which starts at `offset` (row `row`, column `column`):
   *   tree-sitter's root begins at its first token, not at the top of the file.
   */
  constructor(
    readonly columns: FlatColumns,
    readonly language: Language,
    private readonly text: string,
    private readonly offset: number,
    private readonly row: number,
    column: number,
  ) {
    this.lineStarts = [offset - column];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.lineStarts.push(offset + at + 1);
    this.fieldIds = fieldTable(language);
  }

  get rootNode(): FlatNode {
    return this.node(0)!;
  }

  node(index: number): FlatNode | null {
    if (index < 0) return null;
    return new FlatNode(this, index);
  }

  fieldId(name: string): number {
    return this.fieldIds.get(name) ?? -1;
  }

  textOf(index: number): string {
    const { starts, ends } = this.columns;
    return this.text.slice(starts[index]! - this.offset, ends[index]! - this.offset);
  }

  pointAt(index: number): Point {
    const lines = this.lineStarts;
    let low = 0;
    let high = lines.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lines[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return { row: this.row + low, column: index - lines[low]! };
  }
}

/** A node of a flattened tree: the tree and the node's place in it (its `id`). */
export class FlatNode implements SyntaxNode {
  constructor(
    readonly tree: FlatTree,
    readonly id: number,
  ) {}

  get type(): string {
    const type = this.tree.columns.types[this.id]!;
    return type === ERROR_TYPE ? 'ERROR' : (this.tree.language.types[type] ?? 'ERROR');
  }
  get text(): string {
    return this.tree.textOf(this.id);
  }
  get startIndex(): number {
    return this.tree.columns.starts[this.id]!;
  }
  get endIndex(): number {
    return this.tree.columns.ends[this.id]!;
  }
  get startPosition(): Point {
    return this.tree.pointAt(this.startIndex);
  }
  get endPosition(): Point {
    return this.tree.pointAt(this.endIndex);
  }
  get parent(): FlatNode | null {
    return this.tree.node(this.tree.columns.parents[this.id]!);
  }
  get children(): FlatNode[] {
    return this.childrenWhere(0);
  }
  get namedChildren(): FlatNode[] {
    return this.childrenWhere(NAMED);
  }
  get childCount(): number {
    return this.countWhere(0);
  }
  get namedChildCount(): number {
    return this.countWhere(NAMED);
  }
  get previousSibling(): FlatNode | null {
    const { firstChildren, nextSiblings, parents } = this.tree.columns;
    const parent = parents[this.id]!;
    if (parent < 0) return null;
    let previous = -1;
    for (let c = firstChildren[parent]!; c >= 0 && c !== this.id; c = nextSiblings[c]!) previous = c;
    return this.tree.node(previous);
  }
  get nextSibling(): FlatNode | null {
    return this.tree.node(this.tree.columns.nextSiblings[this.id]!);
  }
  get firstChild(): FlatNode | null {
    return this.tree.node(this.tree.columns.firstChildren[this.id]!);
  }
  get hasError(): boolean {
    return (this.tree.columns.flags[this.id]! & HAS_ERROR) !== 0;
  }
  get isMissing(): boolean {
    return (this.tree.columns.flags[this.id]! & MISSING) !== 0;
  }
  get isError(): boolean {
    return this.tree.columns.types[this.id] === ERROR_TYPE;
  }
  get isNamed(): boolean {
    return (this.tree.columns.flags[this.id]! & NAMED) !== 0;
  }
  child(index: number): FlatNode | null {
    return this.nthWhere(0, index);
  }
  namedChild(index: number): FlatNode | null {
    return this.nthWhere(NAMED, index);
  }
  childForFieldName(fieldName: string): FlatNode | null {
    const field = this.tree.fieldId(fieldName);
    const { firstChildren, nextSiblings, fields } = this.tree.columns;
    for (let c = firstChildren[this.id]!; c >= 0; c = nextSiblings[c]!) if (fields[c] === field) return this.tree.node(c);
    return null;
  }
  childrenForFieldName(fieldName: string): FlatNode[] {
    const field = this.tree.fieldId(fieldName);
    const { firstChildren, nextSiblings, fields } = this.tree.columns;
    const list: FlatNode[] = [];
    for (let c = firstChildren[this.id]!; c >= 0; c = nextSiblings[c]!) if (fields[c] === field) list.push(this.tree.node(c)!);
    return list;
  }
  equals(other: SyntaxNode): boolean {
    return other instanceof FlatNode && other.tree === this.tree && other.id === this.id;
  }

  /** The children with all of `flag` set (0: all children). */
  private childrenWhere(flag: number): FlatNode[] {
    const { firstChildren, nextSiblings, flags } = this.tree.columns;
    const list: FlatNode[] = [];
    for (let c = firstChildren[this.id]!; c >= 0; c = nextSiblings[c]!) if ((flags[c]! & flag) === flag) list.push(this.tree.node(c)!);
    return list;
  }

  private countWhere(flag: number): number {
    const { firstChildren, nextSiblings, flags } = this.tree.columns;
    let count = 0;
    for (let c = firstChildren[this.id]!; c >= 0; c = nextSiblings[c]!) if ((flags[c]! & flag) === flag) count++;
    return count;
  }

  private nthWhere(flag: number, index: number): FlatNode | null {
    const { firstChildren, nextSiblings, flags } = this.tree.columns;
    let seen = 0;
    for (let c = firstChildren[this.id]!; c >= 0; c = nextSiblings[c]!)
      if ((flags[c]! & flag) === flag && seen++ === index) return this.tree.node(c);
    return null;
  }
}

/** A cursor on a tree's root: how to move and read it, the address its calls take, and how to free it. */
export interface OpenCursor {
  ops: CursorOps;
  address: number;
  close(): void;
}

/**
 * Reads a tree into a flat one through a cursor `open` places on its root, into `spare`'s columns
 * where they are long enough: then the flat tree is only good until they are used again.
 */
export function flatten(tree: Tree, open: (root: Node) => OpenCursor, spare?: FlatColumns): FlatTree {
  const root = tree.rootNode;
  const language = tree.language;
  const capacity = root.descendantCount;
  const cursor = open(root);
  let columns: FlatColumns;
  try {
    columns = readColumns(cursor.ops, cursor.address, capacity, language, spare);
  } finally {
    cursor.close();
  }
  const { row, column } = root.startPosition;
  return new FlatTree(columns, language, root.text, root.startIndex, row, column);
}

/** A cursor through web-tree-sitter's own `TreeCursor`: the slower way, always there. */
export function publicCursor(root: Node): OpenCursor {
  const cursor = root.walk();
  return {
    address: 0,
    close: () => cursor.delete(),
    ops: {
      firstChild: () => Number(cursor.gotoFirstChild()),
      nextSibling: () => Number(cursor.gotoNextSibling()),
      parent: () => Number(cursor.gotoParent()),
      typeId: () => cursor.nodeTypeId,
      fieldId: () => cursor.currentFieldId,
      startIndex: () => cursor.startIndex,
      endIndex: () => cursor.endIndex,
      isMissing: () => Number(cursor.nodeIsMissing),
    },
  };
}
