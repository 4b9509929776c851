import type { SyntaxNode as Node } from '../syntaxTree';
import type { Analyzer, NixDocument } from '../analyzer';
import { resolvePathLiteral } from '../syntax';
import type { Scope, Target } from '../resolve';
import { ancestors, attrName, attrPathNames, findParent, referencePath, spanOf, type Span } from '../syntax';
import { listByConvention } from './maintainers';

/** A position in a document, zero-based, UTF-16 columns. */
export interface Position {
  line: number;
  character: number;
}

/** What the cursor is on, once resolved. */
export interface Resolution {
  /** The name under the cursor (last segment for selections). */
  name: string;
  /** Its span in the document. */
  span: Span;
  /** A binding in this file (let, formal, rec attribute) the name refers to. */
  local?: Span;
  /** The definition outside the local scope: a package, a lib function, a file. */
  target?: Target;
  /** The cursor is on the declaration itself (a formal, a binding's name). */
  declaration?: boolean;
}

/** The named node at a position, preferring an identifier ending right before the cursor. */
export function nodeAt(doc: NixDocument, pos: Position): Node | null {
  const root = doc.tree.rootNode;
  const at = root.descendantForPosition({ row: pos.line, column: pos.character });
  if (at && at.type === 'identifier') return at;
  if (pos.character > 0) {
    const before = root.descendantForPosition({ row: pos.line, column: pos.character - 1 });
    if (before && (before.type === 'identifier' || before.type === 'path_fragment')) return before;
  }
  return at;
}

/**
 * A quoted attribute name under the cursor (`lib.maintainers."0x4A6F"`, `"0x4A6F" = { … };`),
 * the quotes included: its string node, and the name it spells. Undefined for anything else,
 * including a string with interpolation.
 */
export function quotedAttrAt(doc: NixDocument, pos: Position): { node: Node; name: string } | undefined {
  const root = doc.tree.rootNode;
  const candidates = [root.descendantForPosition({ row: pos.line, column: pos.character })];
  // Right after the closing quote still counts, as right after an identifier does.
  if (pos.character > 0) candidates.push(root.descendantForPosition({ row: pos.line, column: pos.character - 1 }));
  for (const at of candidates) {
    const string = at?.type === 'string_expression' ? at : at?.parent?.type === 'string_expression' ? at.parent : null;
    if (string?.parent?.type !== 'attrpath') continue;
    const name = attrName(string);
    if (name !== undefined) return { node: string, name };
  }
  return undefined;
}

/** The top-level function of the file (`{ lib, stdenv }: …`, also after a `let … in`), if the file is one. */
export function fileFunction(doc: NixDocument): Node | null {
  const first = doc.tree.rootNode.namedChildren.find((c) => c!.type !== 'comment');
  let node = first ?? null;
  // The extractor takes the formals past `let`, `with` and `assert` too (binutils: `let withGold = …; in { stdenv, … }:`).
  while (node && ['parenthesized_expression', 'let_expression', 'with_expression', 'assert_expression'].includes(node.type)) {
    node = node.childForFieldName(node.type === 'parenthesized_expression' ? 'expression' : 'body');
  }
  return node?.type === 'function_expression' ? node : null;
}

/** Resolves what is under the cursor: locally in the file, then through the domain's package sets. */
export function resolveAt(analyzer: Analyzer, doc: NixDocument, pos: Position): Resolution | undefined {
  const quoted = quotedAttrAt(doc, pos);
  if (quoted) return attribute(analyzer, doc, quoted.node, quoted.name);
  const node = nodeAt(doc, pos);
  if (!node) return undefined;
  if (node.type === 'path_fragment' || node.type === 'path_expression') {
    const pathNode = node.type === 'path_fragment' ? node.parent! : node;
    const target = resolvePathLiteral(doc.path, pathNode.text);
    if (target === undefined) return undefined;
    const file = analyzer.index.resolveFile(target) ?? target;
    return { name: pathNode.text, span: spanOf(pathNode), target: { file, span: [0, 0, 0, 0] } };
  }
  if (node.type === 'string_fragment' || node.type !== 'identifier') return ownPackage(analyzer, doc, node);
  const parent = node.parent;
  if (!parent) return undefined;
  const name = node.text;
  const span = spanOf(node);

  if (parent.type === 'formal' && parent.childForFieldName('name')?.equals(node)) {
    const fn = findParent(parent, (n) => n.type === 'function_expression');
    if (fn && fileFunction(doc)?.equals(fn)) {
      const target = analyzer.resolver.resolveInput(doc.path, name);
      return { name, span, declaration: true, ...(target ? { target } : {}) };
    }
    return { name, span, declaration: true, local: span };
  }

  if (parent.type === 'attrpath') return attribute(analyzer, doc, node, name);

  if (parent.type === 'inherited_attrs') {
    const inherit = parent.parent;
    const from = inherit?.childForFieldName('expression');
    if (from) {
      const base = resolveReference(analyzer, doc, from, referencePath(from));
      const target = base?.target && analyzer.resolver.select(base.target, name);
      return { name, span, ...(target ? { target } : {}) };
    }
    const local = lookupLocal(node, name, inherit ?? undefined);
    if (local) return { name, span, local };
    const target = analyzer.resolver.resolveName(name, scopeAt(analyzer, doc, node));
    return { name, span, ...(target ? { target } : {}) };
  }

  if (parent.type === 'variable_expression') {
    const selectParent = parent.parent;
    if (selectParent?.type === 'select_expression' && selectParent.childForFieldName('expression')?.equals(parent)) {
      return selection(analyzer, doc, selectParent, -1, name, span);
    }
    const resolved = resolveReference(analyzer, doc, parent, [name]);
    return resolved && { ...resolved, name, span };
  }

  if (parent.type === 'function_expression' && parent.childForFieldName('universal')?.equals(node)) {
    return { name, span, declaration: true, local: span };
  }
  return undefined;
}

/** An attribute name in an attrpath (an identifier, or a quoted name), in a selection or a binding. */
function attribute(analyzer: Analyzer, doc: NixDocument, node: Node, name: string): Resolution | undefined {
  const attrpath = node.parent!;
  const owner = attrpath.parent;
  const span = spanOf(node);
  const index = attrpath.childrenForFieldName('attr').findIndex((a) => a?.equals(node));
  if (owner?.type === 'select_expression') return selection(analyzer, doc, owner, index, name, span);
  if (owner?.type === 'binding') return bindingName(analyzer, doc, owner, name, span);
  return undefined;
}

/** On the `pname`/`name` of the file's derivation: the package this file builds. */
function ownPackage(analyzer: Analyzer, doc: NixDocument, node: Node): Resolution | undefined {
  const binding = node.type === 'binding' ? node : findParent(node, (n) => n.type === 'binding');
  const key = binding?.childForFieldName('attrpath')?.text;
  if (!binding || (key !== 'pname' && key !== 'name')) return undefined;
  const drv = analyzer.index.files.get(doc.path)?.drv;
  const pkg = analyzer.catalog.packagesInFile(doc.path)[0];
  if (!drv || !pkg) return undefined;
  return { name: pkg.name, span: spanOf(binding), target: pkg.target, declaration: true };
}

/** A selection `a.b.c` with the cursor on segment `index` (-1: on the base variable). */
function selection(analyzer: Analyzer, doc: NixDocument, select: Node, index: number, name: string, span: Span): Resolution | undefined {
  const base = select.childForFieldName('expression');
  const attrpath = select.childForFieldName('attrpath');
  const segments = attrpath ? attrPathNames(attrpath) : undefined;
  const basePath = base ? referencePath(base) : undefined;
  if (!base || !segments || !basePath) return undefined;
  const upTo = index < 0 ? [] : segments.slice(0, index + 1);
  const resolved = resolveReference(analyzer, doc, base, basePath);
  if (!resolved) return undefined;
  if (upTo.length === 0) return { ...resolved, name, span };
  let target = resolved.target;
  upTo.forEach((segment, i) => {
    target =
      (target && analyzer.resolver.select(target, segment)) ??
      listByConvention(analyzer.maintainers, [...basePath, ...upTo.slice(0, i)], segment);
  });
  return { name, span, ...(target ? { target } : {}) };
}

/** Resolves a variable or selection chain starting at `node` (a variable or select expression). */
function resolveReference(analyzer: Analyzer, doc: NixDocument, node: Node, names: string[] | undefined): Resolution | undefined {
  if (!names || names.length === 0) return undefined;
  const [head, ...rest] = names;
  const variable = node.type === 'variable_expression' ? node : findVariable(node);
  const local = variable ? lookupLocal(variable, head!) : undefined;
  let target: Target | undefined;
  if (local) {
    const formalOfFile = isFileFormal(doc, variable!, head!);
    if (formalOfFile) target = analyzer.resolver.resolveInput(doc.path, head!);
    if (rest.length === 0) return { name: head!, span: spanOf(node), local, ...(target ? { target } : {}) };
    if (!target && !formalOfFile) return undefined;
  } else {
    // A free `maintainers` that no `with` provides is the domain's list, not whatever binding of
    // that name the package sets happen to have.
    target =
      throughWith(analyzer, doc, node, head!) ??
      listByConvention(analyzer.maintainers, [], head!) ??
      analyzer.resolver.resolveName(head!, scopeAt(analyzer, doc, node));
  }
  rest.forEach((segment, i) => {
    target =
      (target && analyzer.resolver.select(target, segment)) ?? listByConvention(analyzer.maintainers, names.slice(0, i + 1), segment);
  });
  return { name: names[names.length - 1]!, span: spanOf(node), ...(target ? { target } : {}) };
}

/** A free name inside `with lib;`, `with lib.maintainers;`, `with pkgs;`: looked up in those sets, innermost first. */
function throughWith(analyzer: Analyzer, doc: NixDocument, node: Node, name: string): Target | undefined {
  for (const scope of ancestors(node)) {
    if (scope.type !== 'with_expression') continue;
    const env = scope.childForFieldName('environment');
    if (!env || (env.startIndex <= node.startIndex && node.endIndex <= env.endIndex)) continue;
    const envPath = referencePath(env);
    if (!envPath) continue;
    const envTarget = resolveReference(analyzer, doc, env, envPath)?.target;
    const found = envTarget && analyzer.resolver.select(envTarget, name);
    if (found) return found;
  }
  return undefined;
}

function findVariable(node: Node): Node | null {
  let current: Node | null = node;
  while (current && current.type === 'select_expression') current = current.childForFieldName('expression');
  return current?.type === 'variable_expression' ? current : null;
}

/** Whether `name`, seen from `node`, is bound by the formals of the file's own function. */
function isFileFormal(doc: NixDocument, node: Node, name: string): boolean {
  const fn = fileFunction(doc);
  if (!fn) return false;
  const binder = binderOf(node, name);
  return !!binder && binder.equals(fn);
}

/** The name of a binding in a set: in a package set, the package it defines; elsewhere, the binding itself. */
function bindingName(analyzer: Analyzer, doc: NixDocument, binding: Node, name: string, span: Span): Resolution {
  const facts = analyzer.index.files.get(doc.path);
  const own = analyzer.index.bindingsOf(doc.path).find((b) => b.span[0] === span[0] && b.span[1] === span[1]);
  if (own && facts) {
    const target = analyzer.resolver.resolveBinding(own);
    return { name, span, declaration: true, ...(target ? { target } : {}) };
  }
  return ownPackage(analyzer, doc, binding) ?? { name, span, declaration: true, local: span };
}

/** The scope a free variable at `node` is looked up in: the package set it sits in, or the file's callers' set. */
export function scopeAt(analyzer: Analyzer, doc: NixDocument, node: Node): Scope {
  const bindings = analyzer.index.bindingsOf(doc.path);
  if (bindings.length > 0) {
    const row = node.startPosition.row;
    // The innermost package-set binding whose value contains the node gives the set.
    let best: Scope | undefined;
    for (const b of bindings) {
      const v = b.val.span;
      if (row >= v[0] && row <= v[2]) best = { file: doc.path, set: b.set, parents: b.parentSets };
    }
    if (best) return best;
    const first = bindings[0]!;
    return { file: doc.path, set: first.parentSets[0] ?? first.set, parents: [] };
  }
  return analyzer.resolver.scopeOfPackageFile(doc.path).scope;
}

/** The node that binds `name` lexically at `node`: a let, a rec set, a function; null when free. */
function binderOf(node: Node, name: string, skip?: Node): Node | null {
  for (const scope of ancestors(node)) {
    if (skip && scope.equals(skip)) continue;
    switch (scope.type) {
      case 'let_expression':
      case 'rec_attrset_expression':
      case 'let_attrset_expression':
        if (bindingSpan(scope, name)) return scope;
        break;
      case 'function_expression':
        if (formalSpan(scope, name)) return scope;
        break;
      default:
        break;
    }
  }
  return null;
}

/** The span of the local binding of `name` visible at `node`, or undefined when the name is free. */
export function lookupLocal(node: Node, name: string, skip?: Node): Span | undefined {
  const binder = binderOf(node, name, skip);
  if (!binder) return undefined;
  return binder.type === 'function_expression' ? formalSpan(binder, name) : bindingSpan(binder, name);
}

function formalSpan(fn: Node, name: string): Span | undefined {
  const universal = fn.childForFieldName('universal');
  if (universal?.text === name) return spanOf(universal);
  const formals = fn.childForFieldName('formals');
  for (const formal of formals?.childrenForFieldName('formal') ?? []) {
    const formalName = formal?.childForFieldName('name');
    if (formalName?.text === name) return spanOf(formalName);
  }
  return undefined;
}

function bindingSpan(scope: Node, name: string): Span | undefined {
  const set = scope.namedChildren.find((c) => c!.type === 'binding_set');
  for (const binding of set?.namedChildren ?? []) {
    if (!binding) continue;
    if (binding.type === 'binding') {
      const first = binding.childForFieldName('attrpath')?.childrenForFieldName('attr')[0];
      if (first?.type === 'identifier' && first.text === name) return spanOf(first);
    } else if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      for (const attr of binding.childForFieldName('attrs')?.namedChildren ?? []) {
        if (attr?.text === name) return spanOf(attr);
      }
    }
  }
  return undefined;
}

/** The name under the cursor when it resolves to nothing in this domain (a candidate for another domain). */
export function unresolvedNameAt(
  analyzer: Analyzer,
  doc: NixDocument,
  pos: Position,
  found = resolveAt(analyzer, doc, pos),
): { name: string; span: Span } | undefined {
  if (!found || found.target) return undefined;
  if (found.local && !found.declaration) {
    // A use of an input in the body: the input (formal) names the package.
    const node = nodeAt(doc, pos);
    if (!node || !isFileFormal(doc, node, found.name)) return undefined;
  }
  if (found.local && found.declaration && !isTopFormalSpan(doc, found.span)) return undefined;
  return { name: found.name, span: found.span };
}

function isTopFormalSpan(doc: NixDocument, span: Span): boolean {
  const formals = fileFunction(doc)?.childForFieldName('formals');
  return (
    !!formals &&
    formals.childrenForFieldName('formal').some((f) => {
      const s = f?.childForFieldName('name')?.startPosition;
      return !!s && s.row === span[0] && s.column === span[1];
    })
  );
}

/** A maintainer handle under the cursor (`with lib.maintainers; [ alice ]`, `maintainers.alice`) that this domain cannot resolve. */
export function maintainerHandleAt(
  analyzer: Analyzer,
  doc: NixDocument,
  pos: Position,
  found = resolveAt(analyzer, doc, pos),
): { handle: string; span: Span } | undefined {
  const quoted = quotedAttrAt(doc, pos);
  const node = quoted?.node ?? nodeAt(doc, pos);
  if (!node || (!quoted && node.type !== 'identifier')) return undefined;
  const handle = quoted?.name ?? node.text;
  if (found?.target || (found?.local && !found.declaration)) return undefined;
  const parent = node.parent;
  if (parent?.type === 'attrpath' && parent.parent?.type === 'select_expression') {
    const names = referencePath(parent.parent);
    const at = names ? names.lastIndexOf(handle) : -1;
    if (names && at > 0 && (names[at - 1] === 'maintainers' || names[at - 1] === 'teams')) return { handle, span: spanOf(node) };
    return undefined;
  }
  if (quoted) return undefined; // a quoted name is never a variable: `with …maintainers; [ "x" ]` is a string
  if (parent?.type !== 'variable_expression') return undefined;
  for (const scope of [parent, ...ancestors(parent)]) {
    if (scope.type !== 'with_expression') continue;
    const env = scope.childForFieldName('environment');
    const names = env && referencePath(env);
    if (names && (names[names.length - 1] === 'maintainers' || names[names.length - 1] === 'teams'))
      return { handle: node.text, span: spanOf(node) };
  }
  return undefined;
}

/** Whether a position is inside `with lib.maintainers; [ … ]` (or `teams`), where handles are written. */
export function inMaintainerList(doc: NixDocument, pos: Position): boolean {
  const node = nodeAt(doc, { line: pos.line, character: Math.max(0, pos.character - 1) });
  if (!node) return false;
  for (const scope of [node, ...ancestors(node)]) {
    if (scope.type !== 'with_expression') continue;
    const env = scope.childForFieldName('environment');
    const names = env && referencePath(env);
    if (names && (names[names.length - 1] === 'maintainers' || names[names.length - 1] === 'teams')) return true;
  }
  return false;
}
