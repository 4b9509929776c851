import path from 'node:path';
import type { Node as TreeSitterNode } from 'web-tree-sitter';
import { FlatNode, type SyntaxNode as Node } from './syntaxTree';

/** A range as [startLine, startCharacter, endLine, endCharacter]: zero-based, UTF-16 columns (LSP's default). */
export type Span = [number, number, number, number];

/** Whether two spans are the same place. */
export function sameSpan(a: Span, b: Span): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export const ZERO_SPAN: Span = [0, 0, 0, 0];

/** A place in the domain: a domain-relative file and a span in it. */
export interface Place {
  file: string;
  span: Span;
}

const MAX_ATTRPATH = 256;

/** The span of a syntax node. */
export function spanOf(node: Node): Span {
  const s = node.startPosition;
  const e = node.endPosition;
  return [s.row, s.column, e.row, e.column];
}

/**
 * Visits nodes depth-first; the callback returns false to skip a node's children. Each step goes to
 * a first child or a next sibling, never to the i-th child: `child(i)` counts its way along the
 * siblings, so asking it for each child was quadratic in their number (a top-level package set
 * has tens of thousands), and a list of the children made one array per node.
 */
export function forEach(node: Node, visit: (node: Node) => boolean | void): void {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    // The sibling waits under the children (pushed first): the start node's siblings are not its own.
    const sibling = current === node ? null : current.nextSibling;
    if (sibling) stack.push(sibling);
    if (visit(current) === false) continue;
    const first = current.firstChild;
    if (first) stack.push(first);
  }
}

/** The closest ancestor (not the node itself) that satisfies the predicate. */
export function findParent(node: Node, predicate: (node: Node) => boolean): Node | null {
  return ancestors(node).find(predicate) ?? null;
}

/**
 * The ancestors of a node, nearest first. In web-tree-sitter's tree `node.parent` descends from
 * the root on every call, so walking up with it is quadratic in the depth (100,000-deep nesting
 * took minutes); one cursor descent from the root finds the whole chain in linear time. A flat
 * tree keeps each node's parent.
 */
export function ancestors(node: Node): Node[] {
  if (node instanceof FlatNode) return parentChain(node);
  const cursor = (node as TreeSitterNode).tree.walk();
  const chain: Node[] = [];
  try {
    for (;;) {
      const current = cursor.currentNode;
      if (current.id === node.id) return chain.reverse();
      chain.push(current);
      if (!cursor.gotoFirstChildForIndex(node.startIndex)) break;
      // The first child ending after the node's start; skip zero-width siblings that do not contain it.
      while (!(cursor.currentNode.startIndex <= node.startIndex && node.endIndex <= cursor.currentNode.endIndex)) {
        if (!cursor.gotoNextSibling()) return parentChain(node);
      }
    }
  } finally {
    cursor.delete();
  }
  return parentChain(node);
}

/** The ancestors through `node.parent`: for the rare node the cursor descent cannot reach (zero-width). */
function parentChain(node: Node): Node[] {
  const chain: Node[] = [];
  for (let current = node.parent; current; current = current.parent) chain.push(current);
  return chain;
}

/**
 * A function application taken apart: `f a b c` is the head `f` and the arguments `[a, b, c]`,
 * each unparenthesised. At most `maxArgs` arguments are taken (a head still applied then is
 * returned as it is). In a tree with syntax errors an application may lack a part: `gaps` says
 * an argument was missing (the others are kept), and a missing function stops there (`complete`
 * is false and head is that application).
 */
export function applicationParts(node: Node, maxArgs = Infinity): { head: Node; args: Node[]; complete: boolean; gaps: boolean } {
  const args: Node[] = [];
  let head = node;
  let gaps = false;
  while (head.type === 'apply_expression' && args.length < maxArgs) {
    const argument = head.childForFieldName('argument');
    if (argument) args.unshift(unparen(argument));
    else gaps = true;
    const fn = head.childForFieldName('function');
    if (!fn) return { head, args, complete: false, gaps };
    head = unparen(fn);
  }
  return { head, args, complete: true, gaps };
}

/** The name of one attribute in an attrpath: an identifier or a plain string; undefined when interpolated. */
export function attrName(node: Node): string | undefined {
  const type = node.type;
  if (type === 'identifier') return node.text;
  if (type === 'string_expression') {
    const parts = node.namedChildren;
    if (parts.length === 0) return '';
    if (parts.length === 1 && parts[0]!.type === 'string_fragment') return parts[0]!.text;
  }
  return undefined;
}

/** The attribute names of an attrpath node (`a.b."c"`), or undefined when any part is dynamic. */
export function attrPathNames(attrpath: Node): string[] | undefined {
  // No real attribute path is this long; a generated one (`a.b.b.b…`, 100,000 deep) is not worth following.
  if (attrpath.namedChildCount > MAX_ATTRPATH) return undefined;
  const names: string[] = [];
  for (const part of attrpath.childrenForFieldName('attr')) {
    if (!part) continue;
    const name = attrName(part);
    if (name === undefined) return undefined;
    names.push(name);
  }
  return names;
}

/** The literal text of a string without interpolation, or undefined. */
export function literalString(node: Node | null): string | undefined {
  if (!node) return undefined;
  const type = node.type;
  if (type === 'string_expression' || type === 'indented_string_expression') {
    const parts = node.namedChildren;
    if (parts.some((p) => p!.type !== 'string_fragment' && p!.type !== 'escape_sequence')) return undefined;
    return parts.map((p) => p!.text).join('');
  }
  if (type === 'uri_expression') return node.text;
  return undefined;
}

/** A variable or a chain of selections on one (`lib.strings.foo`) as names; undefined otherwise. */
export function referencePath(node: Node): string[] | undefined {
  const type = node.type;
  if (type === 'variable_expression') {
    const name = node.childForFieldName('name');
    return name ? [name.text] : undefined;
  }
  if (type === 'select_expression' && !node.childForFieldName('default')) {
    const base = node.childForFieldName('expression');
    const attrpath = node.childForFieldName('attrpath');
    if (!base || !attrpath) return undefined;
    const head = referencePath(base);
    const rest = attrPathNames(attrpath);
    return head && rest ? [...head, ...rest] : undefined;
  }
  return undefined;
}

/** Strips parentheses. */
export function unparen(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = current.childForFieldName('expression');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/**
 * The text of the comments directly above a node (no blank line between), without comment
 * markers. `siblings` and `index` locate the node among its parent's children: tree-sitter's
 * previousSibling walks from the first child, which is quadratic over a 15,000-binding set.
 */
export function docCommentBefore(node: Node, siblings?: (Node | null)[], index?: number): string | undefined {
  const lines: string[] = [];
  let at = index ?? -1;
  const previousOf = (current: Node): Node | null => {
    if (siblings && at >= 0) {
      at--;
      if (at >= 0) return siblings[at] ?? null;
      return current.parent?.type === 'binding_set' ? current.parent.previousSibling : null;
    }
    return current.previousSibling ?? (current.parent?.type === 'binding_set' ? current.parent.previousSibling : null);
  };
  let previous = previousOf(node);
  let expectRow = node.startPosition.row;
  while (previous && previous.type === 'comment' && previous.endPosition.row >= expectRow - 1) {
    lines.unshift(stripComment(previous.text));
    expectRow = previous.startPosition.row;
    previous = siblings && at > 0 ? (siblings[--at] ?? null) : siblings ? null : previous.previousSibling;
  }
  const text = lines.join('\n').trim();
  return text.length > 0 ? text : undefined;
}

function stripComment(text: string): string {
  if (text.startsWith('/*')) {
    const body = text.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
    const rows = body.split('\n');
    const indent = Math.min(...rows.filter((r) => r.trim()).map((r) => r.match(/^\s*/)![0].length));
    return rows.map((r) => r.slice(Number.isFinite(indent) ? indent : 0).replace(/^\* ?/, '')).join('\n');
  }
  return text.replace(/^#+ ?/, '');
}

/** Resolves a path literal against the file's folder into a domain-relative path, or undefined. */
export function resolvePathLiteral(fromFile: string, literal: string): string | undefined {
  if (!literal.startsWith('./') && !literal.startsWith('../') && literal !== '.' && literal !== '..') return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), literal));
  if (joined.startsWith('../') || joined === '..') return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** How many times each of `names` is named under a node: as a variable, or by `inherit name;`. */
export function countVariables(root: Node, names: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const stack: Node[] = [root];
  for (let steps = 0; stack.length > 0 && steps < 50_000; steps++) {
    const node = stack.pop()!;
    if (node.type === 'variable_expression') {
      if (names.has(node.text)) add(node.text);
    } else if (node.type === 'inherit') {
      for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) if (attr && names.has(attr.text)) add(attr.text);
    } else for (const child of node.namedChildren) if (child) stack.push(child);
  }
  return counts;
}

/** The plain parameters of a function, in order (`cc` of `cc: wrapCCWith { inherit cc; }`; none past a set pattern). */
export function plainParams(node: Node): string[] | undefined {
  const params: string[] = [];
  for (let fn = unparen(node); fn.type === 'function_expression' && !fn.childForFieldName('formals'); ) {
    const param = fn.childForFieldName('universal');
    const body = fn.childForFieldName('body');
    if (!param || !body) break;
    params.push(param.text);
    fn = unparen(body);
  }
  return params.length > 0 ? params : undefined;
}

/** Whether an expression is a file imported and applied to arguments (`import ./common.nix args`). */
export function importApplied(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'apply_expression') return false;
  const fn = n.childForFieldName('function');
  const inner = fn && unparen(fn);
  if (inner?.type !== 'apply_expression') return false;
  const head = inner.childForFieldName('function');
  return head !== null && unparen(head).type === 'variable_expression' && unparen(head).text === 'import';
}
