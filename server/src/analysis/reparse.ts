// A file of the domain parsed again, when what a caller passes changes how it reads (flags,
// versions, a mapped member's own element): the editor's text when it is open, else the file.
import { readFileSync } from 'node:fs';
import type { Analyzer } from './analyzer';
import type { SyntaxNode as Node } from './syntaxTree';
import type { FlatTree } from './syntaxTree';
import { ownFlatTree } from './treeReader';

/**
 * The files parsed again in this turn of the event loop, by path, with the text each was parsed
 * from. A dependency graph built in one piece (the CLI's) asks for some files under several sets
 * of flags: on the real core 138 parses of 65 files for `impact --base`, gcc's `all.nix` ten
 * times. Dropped at the next turn, so nothing is held between a server's requests or slices, and
 * when their columns would hold more than `MAX_NODES` nodes; a tree larger than that, and a parse
 * cut off by the parser's budget, are not kept.
 */
const parsedThisTurn = new Map<string, { text: string; flat: FlatTree }>();
let parsedNodes = 0;
/** 26 bytes of columns a node: about 13 MB. */
const MAX_NODES = 1 << 19;

/** Parses a file of the domain and hands its value (its first expression) to `read`; undefined when it cannot be read. */
export function withFileValue<T>(analyzer: Analyzer, file: string, read: (value: Node) => T | undefined): T | undefined {
  let text = analyzer.openDocumentFor(file)?.text;
  try {
    text ??= readFileSync(analyzer.index.absolute(file), 'utf8');
  } catch {
    return undefined;
  }
  const first = flatTreeOf(analyzer, file, text).rootNode.namedChildren.find((c) => c?.type !== 'comment');
  return first ? read(first) : undefined;
}

/** The flat tree of a file's text: parsed now, unless it was in this turn of the event loop. */
function flatTreeOf(analyzer: Analyzer, file: string, text: string): FlatTree {
  const known = parsedThisTurn.get(file);
  if (known?.text === text) return known.flat;
  const tree = analyzer.parser.parse(text);
  let flat: FlatTree;
  try {
    flat = ownFlatTree(tree);
  } finally {
    tree.delete();
  }
  // What the columns take (at least 1,024 nodes a tree), not only the nodes in use.
  const nodes = flat.columns.types.length;
  if (analyzer.parser.timedOut || nodes > MAX_NODES) return flat;
  if (parsedThisTurn.size === 0) setImmediate(forgetParsed).unref();
  if (parsedNodes + nodes > MAX_NODES) forgetParsed();
  parsedThisTurn.set(file, { text, flat });
  parsedNodes += nodes;
  return flat;
}

function forgetParsed(): void {
  parsedThisTurn.clear();
  parsedNodes = 0;
}
