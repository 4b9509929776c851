import type { Node, Tree } from 'web-tree-sitter';
import path from 'node:path';
import {
  attrPathNames, docCommentBefore, forEach, literalString, referencePath, spanOf, unparen, type Span,
} from './syntax';

/**
 * What one file contributes to the domain index, extracted from its syntax tree once.
 * Plain data (JSON-serialisable), so it can come from a worker thread or the on-disk cache,
 * and it never holds the file's contents.
 */
export interface FileFacts {
  path: string;
  /** Syntax errors (at most a few dozen). */
  errors: Span[];
  /** The file's value with functions, `let`, `with` and `assert` peeled off. */
  value: Val;
  /** The formals of the function the file evaluates to (`{ lib, stdenv, ... }:`), if any. */
  formals?: Formal[];
  /** Facts of the derivation the file builds (`mkDerivation { pname = …; }`), if any. */
  drv?: DrvFacts;
  /** Set when the file was too large to parse; only a chunked scan was made. */
  large?: boolean;
  /** Why the file could not be indexed, when it could not (shown as a diagnostic on its first line). */
  problem?: string;
}

/** A static summary of a Nix value: enough to follow package definitions across files. */
export type Val =
  /** A set; `rest` is where attributes it does not list come from (`versions // { lts = …; }`: the folder of `versions`). */
  | { k: 'set'; span: Span; attrs: Attr[]; rest?: Val }
  /** `callPackage ./path { args }` or `import ./path args`. `via` is what callPackage was selected from. */
  | { k: 'call'; span: Span; target?: string; args: Attr[]; via?: string[]; kind: 'callPackage' | 'import' }
  /** A variable, possibly with selections: `python311`, `pythonInterpreters.python311`. */
  | { k: 'ref'; span: Span; path: string[] }
  /** A selection from a value that is not a variable: `(callPackage ./x { }).foo`. */
  | { k: 'sel'; span: Span; of: Val; path: string[] }
  /** `packagesFromDirectoryRecursive { directory = ./dir; }`. */
  | { k: 'dir'; span: Span; dir: string }
  /** A derivation written in place (`foo = stdenv.mkDerivation { … };`). */
  | { k: 'inline'; span: Span; drv: DrvFacts }
  | { k: 'path'; span: Span; target: string }
  | { k: 'fn'; span: Span; doc?: string }
  | { k: 'other'; span: Span };

/** One attribute of a set: its name, the span of the name, its value. */
export interface Attr { name: string; span: Span; val: Val; doc?: string }

export interface Formal { name: string; span: Span; hasDefault: boolean }

export interface DrvFacts {
  /** Where Nix's meta.position points: meta.description, else pname, else name. */
  span: Span;
  pname?: string;
  version?: string;
  description?: string;
  homepage?: string;
  license?: string;
  maintainers: { handle: string; span: Span }[];
}

/** The extractor's version: bump it whenever extraction changes, so on-disk index caches are rebuilt. */
export const FACTS_VERSION = 6;

const MAX_ERRORS = 50;
const MAX_INLINE_DEPTH = 8;
const MAX_NESTING = 200;

/** Functions that return (a variant of) their last substantial argument. */
const WRAPPERS = new Set([
  'recurseIntoAttrs', 'dontRecurseIntoAttrs', 'makeOverridable', 'lowPrio', 'hiPrio', 'fix', 'makeScope',
  'makeScopeWithSplicing', 'makeScopeWithSplicing\'', 'makeExtensible', 'addMetaAttrs', 'dontDistribute',
  'optionalAttrs', 'warn', 'warnIf', 'extends', 'toFunction', 'callPackageWith',
]);
const DERIVATION_BUILDER = /^(mkDerivation|mk[A-Z]\w*Derivation|build\w*(Package|Application|Module|Crate|Env|Gem|Extension)|derivation)$/;

/** Resolves a path literal against the file's folder into a domain-relative path, or undefined. */
export function resolvePathLiteral(fromFile: string, literal: string): string | undefined {
  if (!literal.startsWith('./') && !literal.startsWith('../') && literal !== '.' && literal !== '..') return undefined;
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), literal));
  if (joined.startsWith('../') || joined === '..') return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** Extracts a file's facts from its syntax tree (or records that its parse was cut off). */
export function extractFacts(filePath: string, tree: Tree, timedOut = false): FileFacts {
  if (timedOut) {
    return {
      path: filePath, errors: [], value: { k: 'other', span: [0, 0, 0, 0] },
      problem: 'Parsing this file took too long (pathological nesting?); it is left out of the index.',
    };
  }
  return new Extractor(filePath).run(tree.rootNode);
}

class Extractor {
  /** `let`-bound names visible at the current point, innermost last. */
  private readonly scopes: Map<string, Node>[] = [];
  private inlining = 0;
  /** Let-bound expressions being inlined right now (by node id). */
  private readonly inlined = new Set<number>();
  /** Nesting depth of values being summarised; deep nesting (100,000 levels) must not overflow the stack. */
  private nesting = 0;

  constructor(private readonly file: string) {}

  run(root: Node): FileFacts {
    const facts: FileFacts = { path: this.file, errors: syntaxErrors(root), value: { k: 'other', span: spanOf(root) } };
    let body: Node | null = root.namedChildren.find((c) => c!.type !== 'comment') ?? null;
    // Peel the file's functions: `{ lib, ... }:`, `self: super:`, `{ ... }: res: pkgs: super:`.
    body = body && this.peel(body, (fn) => {
      const formals = fn.childForFieldName('formals');
      if (formals && !facts.formals) facts.formals = formalsOf(formals);
    });
    if (body) facts.value = this.valueOf(body);
    // A flake's package set is its `packages.<system>` (what `nix build .#name` selects from).
    if (path.posix.basename(this.file) === 'flake.nix' && body) {
      const packages = this.flakePackages(body);
      if (packages) facts.value = packages;
    }
    // A package set's members may be derivations; the set itself is not one.
    // The value already summarised the derivation when the file's value is one; search only otherwise.
    const drv = facts.value.k === 'inline' ? facts.value.drv : facts.value.k === 'set' ? undefined : findDerivation(root);
    if (drv) facts.drv = drv;
    return facts;
  }

  /**
   * The package set of a flake: `outputs`' `packages` (or `legacyPackages`) for one system, seen
   * through the per-system helpers flakes use (`forAllSystems (pkgs: { … })`,
   * `genAttrs systems (system: { … })`, or a set keyed by system).
   */
  private flakePackages(body: Node): Val | undefined {
    if (!isAttrset(body)) return undefined;
    const outputs = topBindings(body).get('outputs')?.childForFieldName('expression');
    const depth = this.scopes.length;
    try {
      const result = outputs && this.peel(outputs);
      if (!result || !isAttrset(result)) return undefined;
      const bindings = topBindings(result);
      const binding = bindings.get('packages') ?? bindings.get('legacyPackages');
      let expression = binding?.type === 'binding' ? binding.childForFieldName('expression') : null;
      for (let guard = 0; expression && guard < 8; guard++) {
        const node = unparen(expression);
        if (node.type === 'apply_expression') {
          // The per-system function is the last argument: its body is one system's set.
          const argument = node.childForFieldName('argument');
          const fn = argument && unparen(argument);
          // Not a per-system function: the package set itself (`import ./. { inherit system; }`).
          if (fn?.type !== 'function_expression') return this.valueOf(node);
          expression = this.peel(fn);
        } else if (isAttrset(node)) {
          const systems = [...topBindings(node).keys()].filter((k) => /-(linux|darwin)$/.test(k));
          if (systems.length === 0) return this.valueOf(node);
          const first = topBindings(node).get(systems[0]!);
          expression = first?.type === 'binding' ? first.childForFieldName('expression') : null;
        } else {
          expression = this.peel(node);
          if (expression === node) break;
        }
      }
      return undefined;
    } finally {
      this.scopes.length = depth;
    }
  }

  /** Strips functions, let, with, assert and parentheses, pushing let scopes as it goes. */
  private peel(node: Node, onFunction?: (fn: Node) => void): Node | null {
    let current: Node | null = unparen(node);
    while (current) {
      switch (current.type) {
        case 'function_expression':
          onFunction?.(current);
          current = current.childForFieldName('body');
          break;
        case 'let_expression':
          this.scopes.push(bindingsOf(current));
          current = current.childForFieldName('body');
          break;
        case 'with_expression':
        case 'assert_expression':
          current = current.childForFieldName('body');
          break;
        default:
          return current;
      }
      current = current && unparen(current);
    }
    return null;
  }

  private lookupLet(name: string): Node | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const node = this.scopes[i]!.get(name);
      if (node) return node;
    }
    return undefined;
  }

  valueOf(input: Node): Val {
    if (this.nesting >= MAX_NESTING) return { k: 'other', span: spanOf(input) };
    const depth = this.scopes.length;
    this.nesting++;
    try {
      const node = this.peel(input, () => undefined);
      if (!node) return { k: 'other', span: spanOf(input) };
      if (unparen(input).type === 'function_expression') {
        const inner = this.valueOfPeeled(node);
        return inner.k === 'set' || inner.k === 'call' ? inner : { k: 'fn', span: spanOf(input) };
      }
      return this.valueOfPeeled(node);
    } finally {
      this.scopes.length = depth;
      this.nesting--;
    }
  }

  private valueOfPeeled(node: Node): Val {
    const span = spanOf(node);
    switch (node.type) {
      case 'attrset_expression':
      case 'rec_attrset_expression':
        return { k: 'set', span, attrs: this.attrsOf(node) };
      case 'variable_expression':
      case 'select_expression':
        return this.reference(node);
      case 'apply_expression':
        return this.application(node);
      case 'path_expression': {
        const target = resolvePathLiteral(this.file, node.text);
        return target === undefined ? { k: 'other', span } : { k: 'path', span, target };
      }
      case 'if_expression':
        return preferSubstantial(
          this.valueOf(node.childForFieldName('consequence') ?? node),
          this.valueOf(node.childForFieldName('alternative') ?? node),
        );
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (op !== '//' || !left || !right) return { k: 'other', span };
        const l = this.valueOf(left);
        const r = this.valueOf(right);
        if (l.k === 'set' && r.k === 'set') return { k: 'set', span, attrs: [...l.attrs, ...r.attrs], ...(l.rest ? { rest: l.rest } : {}) };
        // `versions // { lts = versions.v20; }`: the listed attributes over a folder (or another set) of packages.
        if (r.k === 'set' && (l.k === 'dir' || l.k === 'ref' || l.k === 'sel')) return { ...r, span, rest: l };
        return preferSubstantial(l, r);
      }
      default:
        return { k: 'other', span };
    }
  }

  private reference(node: Node): Val {
    const span = spanOf(node);
    const names = referencePath(node);
    if (names) {
      const bound = this.lookupLet(names[0]!);
      if (!bound) return { k: 'ref', span, path: names };
      const of = this.inline(bound);
      return names.length === 1 ? of : { k: 'sel', span, of, path: names.slice(1) };
    }
    if (node.type === 'select_expression') {
      const base = node.childForFieldName('expression');
      const attrpath = node.childForFieldName('attrpath');
      const rest = attrpath && attrPathNames(attrpath);
      if (base && rest) return { k: 'sel', span, of: this.valueOf(base), path: rest };
    }
    return { k: 'other', span };
  }

  /** The value of a let-bound expression, guarding against self-reference (`let self = f self; in self`). */
  private inline(node: Node): Val {
    if (this.inlining >= MAX_INLINE_DEPTH || this.inlined.has(node.id)) return { k: 'other', span: spanOf(node) };
    this.inlining++;
    this.inlined.add(node.id);
    try {
      return this.valueOf(node);
    } finally {
      this.inlining--;
      this.inlined.delete(node.id);
    }
  }

  private application(node: Node): Val {
    const span = spanOf(node);
    const args: Node[] = [];
    let head: Node = node;
    while (head.type === 'apply_expression') {
      const argument = head.childForFieldName('argument');
      if (argument) args.unshift(unparen(argument));
      const fn = head.childForFieldName('function');
      if (!fn) break;
      head = unparen(fn);
    }
    const headPath = referencePath(head);
    const last = headPath?.[headPath.length - 1];

    if (last === 'callPackage' || last === 'callPackages' || (last === 'import' && headPath!.length === 1)) {
      const what = args[0];
      const target = what ? this.pathTarget(what) : undefined;
      const overrides = args[1];
      const call: Val = {
        k: 'call', span, kind: last === 'import' ? 'import' : 'callPackage',
        args: overrides && isAttrset(overrides) ? this.attrsOf(overrides) : [],
      };
      if (target !== undefined) call.target = target;
      if (headPath!.length > 1) call.via = headPath!.slice(0, -1);
      return call;
    }
    if (last === 'packagesFromDirectoryRecursive' && args[0] && isAttrset(args[0])) {
      const directory = this.attrsOf(args[0]).find((a) => a.name === 'directory');
      if (directory?.val.k === 'path') return { k: 'dir', span, dir: directory.val.target };
    }
    if (last && /^override(Attrs|\w*Attrs|Scope|Derivation)?$/.test(last) && head.type === 'select_expression') {
      // `x.override { … }` is a variant of x: its definition is x's.
      const base = head.childForFieldName('expression');
      if (base) {
        const names = referencePath(head);
        if (names && names.length > 1) return { k: 'ref', span, path: names.slice(0, -1) };
        return this.valueOf(base);
      }
    }
    if (last && DERIVATION_BUILDER.test(last)) {
      // A derivation builder makes a derivation even when its attributes say little (`derivation { name; … }`).
      const attrs = args.map(derivationAttrs).find((d) => d) ?? args.map(looseAttrs).find((d) => d) ?? new Map<string, Node>();
      return { k: 'inline', span, drv: drvFacts(attrs, span) };
    }
    if (head.type === 'function_expression' || (last !== undefined && WRAPPERS.has(last))) {
      return this.principal(args.map((a) => this.valueOf(a)), span);
    }
    if (last === 'import') return { k: 'other', span };
    return this.principal([this.valueOf(head), ...args.map((a) => this.valueOf(a))], span);
  }

  /** The most substantial of several candidate values (a package over a reference over anything else). */
  private principal(values: Val[], span: Span): Val {
    let best: Val = { k: 'other', span };
    for (const v of values) best = preferSubstantial(best, v);
    return best;
  }

  private pathTarget(node: Node): string | undefined {
    if (node.type === 'path_expression') return resolvePathLiteral(this.file, node.text);
    const value = this.valueOf(node);
    if (value.k === 'path') return value.target;
    if (value.k === 'call' && value.kind === 'import') return value.target;
    return undefined;
  }

  private attrsOf(set: Node): Attr[] {
    const attrs: Attr[] = [];
    const bindings = set.namedChildren.find((c) => c!.type === 'binding_set');
    if (!bindings) return attrs;
    const rec = set.type === 'rec_attrset_expression';
    if (rec) this.scopes.push(bindingsOf(set));
    try {
      const children = bindings.children;
      for (let i = 0; i < children.length; i++) {
        const binding = children[i];
        if (binding && binding.isNamed && binding.type !== 'comment') this.addBinding(binding, attrs, children, i);
      }
    } finally {
      if (rec) this.scopes.pop();
    }
    return attrs;
  }

  private addBinding(binding: Node, attrs: Attr[], siblings: (Node | null)[], index: number): void {
    if (binding.type === 'binding') {
      const attrpath = binding.childForFieldName('attrpath');
      const expression = binding.childForFieldName('expression');
      const names = attrpath && attrPathNames(attrpath);
      if (!attrpath || !expression || !names || names.length === 0) return;
      const parts = attrpath.childrenForFieldName('attr');
      const first = parts[0]!;
      let val = this.valueOf(expression);
      const doc = docCommentBefore(binding, siblings, index);
      if (doc && val.k === 'fn') val = { ...val, doc };
      // `a.b.c = v;` is `a = { b = { c = v; }; };`, merged with other `a.…` bindings.
      for (let i = names.length - 1; i >= 1; i--) {
        val = { k: 'set', span: spanOf(binding), attrs: [{ name: names[i]!, span: spanOf(parts[i]!), val }] };
      }
      mergeAttr(attrs, { name: names[0]!, span: spanOf(first), val, ...(doc ? { doc } : {}) });
      return;
    }
    if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      const from = binding.childForFieldName('expression');
      const fromPath = from ? referencePath(unparen(from)) : [];
      const fromVal = from && !fromPath ? this.valueOf(from) : undefined;
      const list = binding.childForFieldName('attrs');
      for (const attr of list?.namedChildren ?? []) {
        if (!attr || attr.type !== 'identifier') continue;
        const span = spanOf(attr);
        const name = attr.text;
        let val: Val;
        if (fromVal) val = { k: 'sel', span, of: fromVal, path: [name] };
        else if (fromPath && fromPath.length > 0) val = { k: 'ref', span, path: [...fromPath, name] };
        else {
          // `inherit x;` takes x from the enclosing scope, never from the set being defined.
          const bound = this.lookupLet(name);
          val = bound && !isWithin(attr, bound) ? this.inline(bound) : { k: 'ref', span, path: [name] };
        }
        mergeAttr(attrs, { name, span, val });
      }
    }
  }
}

function isWithin(node: Node, container: Node): boolean {
  return node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}

/** The first attribute of each name, per attribute list: merging `a.b = …; a.c = …;` stays linear. */
const firstAttrByName = new WeakMap<Attr[], Map<string, Attr>>();

function mergeAttr(attrs: Attr[], attr: Attr): void {
  let first = firstAttrByName.get(attrs);
  if (!first) {
    first = new Map();
    for (const a of attrs) if (!first.has(a.name)) first.set(a.name, a);
    firstAttrByName.set(attrs, first);
  }
  const existing = first.get(attr.name);
  if (existing && existing.val.k === 'set' && attr.val.k === 'set') {
    for (const inner of attr.val.attrs) mergeAttr(existing.val.attrs, inner);
    return;
  }
  if (!existing) first.set(attr.name, attr);
  attrs.push(attr);
}

const SUBSTANCE: Record<Val['k'], number> = { call: 6, inline: 6, dir: 5, set: 4, sel: 3, ref: 2, path: 2, fn: 1, other: 0 };

function substance(v: Val): number {
  // A call whose target is unknown (`import file` inside a helper) says less than a plain path.
  return v.k === 'call' && v.target === undefined ? 1 : SUBSTANCE[v.k];
}

function preferSubstantial(a: Val, b: Val): Val {
  return substance(b) > substance(a) ? b : a;
}

function isAttrset(node: Node): boolean {
  return node.type === 'attrset_expression' || node.type === 'rec_attrset_expression';
}

function bindingsOf(node: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  const set = node.namedChildren.find((c) => c!.type === 'binding_set');
  for (const binding of set?.namedChildren ?? []) {
    if (binding?.type !== 'binding') continue;
    const attrpath = binding.childForFieldName('attrpath');
    const names = attrpath && attrPathNames(attrpath);
    const expression = binding.childForFieldName('expression');
    if (names && names.length === 1 && expression) map.set(names[0]!, expression);
  }
  return map;
}

function formalsOf(node: Node): Formal[] {
  return node.childrenForFieldName('formal').flatMap((formal) => {
    const name = formal?.childForFieldName('name');
    return name ? [{ name: name.text, span: spanOf(name), hasDefault: formal!.childForFieldName('default') !== null }] : [];
  });
}

function syntaxErrors(root: Node): Span[] {
  const errors: Span[] = [];
  if (!root.hasError) return errors;
  forEach(root, (node) => {
    if (errors.length >= MAX_ERRORS) return false;
    if (node.isError || node.isMissing) {
      errors.push(spanOf(node));
      return false;
    }
    return node.hasError;
  });
  return errors;
}

/** The attribute set that describes the file's derivation: the outermost set with pname or name. */
function findDerivation(root: Node): DrvFacts | undefined {
  // Breadth-first, so the outermost derivation wins over ones nested in passthru or tests.
  const queue: Node[] = [root];
  for (let i = 0; i < queue.length && i < 20000; i++) {
    const node = queue[i]!;
    const bindings = isAttrset(node) ? derivationAttrs(node) : undefined;
    if (bindings) return drvFacts(bindings, spanOf(node));
    for (const child of node.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}

/** The set's bindings by name, when it looks like derivation attributes (has pname, or name with src/version/meta). */
function derivationAttrs(node: Node): Map<string, Node> | undefined {
  let set = unparen(node);
  if (set.type === 'function_expression') set = unparen(set.childForFieldName('body') ?? set); // finalAttrs: { … }
  if (!isAttrset(set)) return undefined;
  const bindings = topBindings(set);
  if (bindings.has('pname')) return bindings;
  if (bindings.has('name') && (bindings.has('src') || bindings.has('version') || bindings.has('meta'))) return bindings;
  return undefined;
}

/** The bindings of a set argument, or of `finalAttrs: { … }`, whatever they are. */
function looseAttrs(node: Node): Map<string, Node> | undefined {
  let set = unparen(node);
  if (set.type === 'function_expression') set = unparen(set.childForFieldName('body') ?? set);
  return isAttrset(set) ? topBindings(set) : undefined;
}

/** Binding name → binding node of a set (first attribute of each attrpath). */
function topBindings(set: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  const bindings = set.namedChildren.find((c) => c!.type === 'binding_set');
  for (const binding of bindings?.namedChildren ?? []) {
    if (!binding) continue;
    if (binding.type === 'binding') {
      const names = attrPathNames(binding.childForFieldName('attrpath')!);
      if (names && names.length > 0 && !map.has(names.join('.'))) map.set(names.join('.'), binding);
    } else if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      for (const attr of binding.childForFieldName('attrs')?.namedChildren ?? []) {
        if (attr) map.set(attr.text, binding);
      }
    }
  }
  return map;
}

function drvFacts(bindings: Map<string, Node>, fallback: Span): DrvFacts {
  const value = (b: Node | undefined) => (b?.type === 'binding' ? b.childForFieldName('expression') : null);
  const nameSpan = (b: Node | undefined) => (b ? spanOf(b.childForFieldName('attrpath') ?? b) : undefined);
  const facts: DrvFacts = { span: fallback, maintainers: [] };
  const pname = literalString(value(bindings.get('pname')) && unparen(value(bindings.get('pname'))!));
  const version = literalString(value(bindings.get('version')));
  const name = literalString(value(bindings.get('name')));
  if (pname !== undefined) facts.pname = pname;
  else if (name !== undefined) facts.pname = name;
  if (version !== undefined) facts.version = version;

  let metaSet: Map<string, Node> = new Map();
  const meta = value(bindings.get('meta'));
  const metaBody = meta && peelWith(meta);
  if (metaBody && isAttrset(metaBody)) metaSet = topBindings(metaBody);
  for (const [key, binding] of bindings) if (key.startsWith('meta.')) metaSet.set(key.slice(5), binding);

  const description = metaSet.get('description');
  const descriptionText = literalString(value(description));
  if (descriptionText !== undefined) facts.description = descriptionText;
  const homepage = literalString(value(metaSet.get('homepage')));
  if (homepage !== undefined) facts.homepage = homepage;
  const license = value(metaSet.get('license'));
  if (license) facts.license = licenseText(license);
  const maintainers = value(metaSet.get('maintainers'));
  if (maintainers) facts.maintainers = maintainerHandles(maintainers);

  facts.span = nameSpan(description) ?? nameSpan(bindings.get('pname')) ?? nameSpan(bindings.get('name')) ?? fallback;
  return facts;
}

function peelWith(node: Node): Node {
  let current = unparen(node);
  while (current.type === 'with_expression' || current.type === 'let_expression') {
    current = unparen(current.childForFieldName('body') ?? current);
    if (current === node) break;
  }
  return current;
}

function licenseText(node: Node): string | undefined {
  const body = peelWith(node);
  const one = (n: Node) => {
    const names = referencePath(unparen(n));
    return names ? names[names.length - 1] : literalString(n);
  };
  if (body.type === 'list_expression') {
    const parts = body.namedChildren.map((e) => e && one(e)).filter((x): x is string => !!x);
    return parts.length ? parts.join(', ') : undefined;
  }
  return one(body);
}

/** Maintainer handles named in `with lib.maintainers; [ a b ]`, `[ maintainers.a ]`, `teams.x.members`. */
export function maintainerHandles(node: Node): { handle: string; span: Span }[] {
  const handles: { handle: string; span: Span }[] = [];
  forEach(node, (n) => {
    if (n.type === 'variable_expression') {
      const name = n.childForFieldName('name')!;
      if (!['lib', 'maintainers', 'teams', 'with'].includes(name.text)) handles.push({ handle: name.text, span: spanOf(name) });
      return false;
    }
    if (n.type === 'select_expression') {
      const names = referencePath(n);
      const at = names ? names.lastIndexOf('maintainers') : -1;
      const attrs = n.childForFieldName('attrpath')?.childrenForFieldName('attr') ?? [];
      if (names && at >= 0 && at === names.length - 2) {
        handles.push({ handle: names[names.length - 1]!, span: spanOf(attrs[attrs.length - 1]!) });
      }
      return false;
    }
    if (n.type === 'with_expression') {
      const body = n.childForFieldName('body');
      if (body) forEach(body, (inner) => {
        if (inner.type === 'variable_expression') {
          const name = inner.childForFieldName('name')!;
          handles.push({ handle: name.text, span: spanOf(name) });
          return false;
        }
        return inner.type !== 'select_expression';
      });
      return false;
    }
    return true;
  });
  return handles;
}
