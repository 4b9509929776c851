// Reading a Nix expression as a summarised value (`Val`): let-bound names followed and inlined,
// functions, `with` and `assert` peeled off, sets with their attributes, `a // b` updates,
// references and selections. Applications are read by `ApplicationReader` (applications.ts).
import type { SyntaxNode as Node } from './syntaxTree';
import { preferSubstantial, type Attr, type Val } from './factTypes';
import { recursedInto } from './fileTraits';
import { conditionValue, failsAssert, platformCondition } from './conditions';
import { constantOf } from './constants';
import { nameUses } from './namedInputs';
import { formalsOf } from './formalsOf';
import { PACKAGE_SET_NAMES } from './setNames';
import {
  attrName,
  attrPathNames,
  docCommentBefore,
  literalString,
  referencePath,
  resolvePathLiteral,
  plainParams,
  spanOf,
  unparen,
  type Span,
} from './syntax';
import path from 'node:path';

export const MAX_INLINE_DEPTH = 8;
const MAX_NESTING = 200;

export abstract class ValueReader {
  /** Names bound by `let` (to their expressions) and by function parameters (to null: unknown), innermost last. */
  protected readonly scopes: Map<string, Node | null>[] = [];
  protected inlining = 0;
  /** Let-bound expressions being inlined right now (by node id). */
  protected readonly inlined = new Set<number>();
  /** Nesting depth of values being summarised; deep nesting (100,000 levels) must not overflow the stack. */
  protected nesting = 0;

  /**
   * Doc comments are read only where something shows them: the functions of the domain's `lib/`
   * (hover, workspace symbols). Looking for one before every binding of every file cost a tenth
   * of extraction on a 40,000-file domain.
   */
  private readonly readsDocs: boolean;

  constructor(protected readonly file: string) {
    this.readsDocs = file.startsWith('lib/');
  }

  /** The value of a function application (`callPackage ./x { }`, `mkDerivation { … }`, `f x`). */
  protected abstract application(node: Node): Val;

  /** Strips functions, let, with, assert and parentheses, pushing let scopes as it goes. */
  protected peel(node: Node, onFunction?: (fn: Node) => void): Node | null {
    let current: Node | null = unparen(node);
    while (current) {
      switch (current.type) {
        case 'function_expression':
          onFunction?.(current);
          this.scopes.push(parametersOf(current));
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

  protected lookupLet(name: string): Node | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const node = this.scopes[i]!.get(name);
      // A parameter shadows the lets around it (`tools = makeExtensible (tools: …)`).
      if (node !== undefined) return node ?? undefined;
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
        if (inner.k === 'set' || inner.k === 'call') return inner;
        // A function making a derivation (`buildPerlModule`): its users are built with what it takes from around it.
        const uses = inner.k === 'inline' ? nameUses(node).uses : undefined;
        // `pkgs: pkgs.rust_1_77`: a function returning a member of the package set it is given.
        const param = unparen(input).childForFieldName('universal')?.text;
        const selects = inner.k === 'ref' && param && PACKAGE_SET_NAMES.has(param) && inner.path[0] === param ? inner.path.slice(1) : [];
        return { k: 'fn', span: spanOf(input), ...(uses ? { uses } : {}), ...(selects.length > 0 ? { selects } : {}) };
      }
      return this.valueOfPeeled(node);
    } finally {
      this.scopes.length = depth;
      this.nesting--;
    }
  }

  protected valueOfPeeled(node: Node): Val {
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
      case 'if_expression': {
        // A platform conditional is read for x86_64-linux (see platformCondition); other
        // conditions keep the more substantial branch.
        const condition = node.childForFieldName('condition');
        const branch = condition ? platformCondition(condition) : undefined;
        if (branch !== undefined) return this.valueOf(node.childForFieldName(branch ? 'consequence' : 'alternative') ?? node);
        return preferSubstantial(
          this.valueOf(node.childForFieldName('consequence') ?? node),
          this.valueOf(node.childForFieldName('alternative') ?? node),
        );
      }
      case 'binary_expression': {
        const op = node.childForFieldName('operator')?.text;
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (op !== '//' || !left || !right) return conditionValue(node, span);
        return this.update(node, span);
      }
      case 'unary_expression':
        return conditionValue(node, span);
      case 'list_expression': {
        // Children one by one: a list may be long, and only whether it has an item matters.
        let items = false;
        for (let i = 0; i < node.namedChildCount && !items; i++) items = node.namedChild(i)?.type !== 'comment';
        // A short list of names (`smtpPerlLibs = [ perlPackages.libnet perlPackages.IOSocketSSL ]`): packages a caller passes.
        const refs = items && node.namedChildCount <= 16 ? listedRefs(node) : undefined;
        return refs ? { k: 'other', span, list: 'items', items: refs } : { k: 'other', span, list: items ? 'items' : 'empty' };
      }
      case 'string_expression': {
        // `type = "lib"` in a call's arguments: a flag the callee compares (`libOnly = type == "lib";`).
        const text = literalString(node);
        return text === undefined || text.length > 64 ? { k: 'other', span } : { k: 'other', span, text };
      }
      default:
        return { k: 'other', span };
    }
  }

  /**
   * `a // b // { … }`: the literal sets merged (a later one wins, so its attributes come first),
   * the other operands kept to search for the names the sets lack (`impure-cmds // sources // { … }`).
   */
  protected update(node: Node, span: Span): Val {
    const operands: Node[] = [];
    const flatten = (n: Node) => {
      const current = unparen(n);
      const left = current.childForFieldName('left');
      const right = current.childForFieldName('right');
      if (
        current.type === 'binary_expression' &&
        current.childForFieldName('operator')?.text === '//' &&
        left &&
        right &&
        operands.length < 64
      ) {
        flatten(left);
        flatten(right);
      } else operands.push(current);
    };
    flatten(node);
    const values = operands.map((o) => this.valueOf(o)).reverse();
    const sets = values.filter((v): v is Extract<Val, { k: 'set' }> => v.k === 'set');
    const others = values.filter((v) => v.k !== 'set' && v.k !== 'other');
    if (sets.length === 0) return others.reduce<Val>((best, v) => preferSubstantial(best, v), { k: 'other', span });
    const attrs = sets.flatMap((set) => set.attrs);
    const also = [...sets.flatMap((set) => set.also ?? []), ...others];
    // The name a merged set calls itself (`tools: { … }` merged into the file's set) is kept.
    const self = sets.find((set) => set.self)?.self;
    return { k: 'set', span, attrs, ...(also.length > 0 ? { also } : {}), ...(self ? { self } : {}) };
  }

  protected reference(node: Node): Val {
    const span = spanOf(node);
    const names = referencePath(node) ?? this.chosenPath(node);
    if (names) {
      const bound = this.lookupLet(names[0]!);
      if (!bound) return { k: 'ref', span, path: names };
      const of = this.inline(bound);
      return names.length === 1 ? of : { k: 'sel', span, of, path: names.slice(1) };
    }
    if (node.type === 'select_expression') {
      const base = node.childForFieldName('expression');
      const attrpath = node.childForFieldName('attrpath');
      const fallback = node.childForFieldName('default');
      // `targetPackages.llvmPackages_12.llvm or llvmPackages_12.llvm`: natively the two are the same; the default is plain.
      if (fallback && base && referencePath(unparen(base))?.[0] === 'targetPackages') return this.valueOf(fallback);
      const rest = attrpath && attrPathNames(attrpath);
      if (base && rest) return { k: 'sel', span, of: this.valueOf(base), path: rest };
    }
    return { k: 'other', span };
  }

  /**
   * A selection whose name is computed from constants and the platform, as names
   * (`pkgs.${"llvmPackages_${minSupported}"}` is `pkgs.llvmPackages_17` on x86_64-linux).
   */
  private chosenPath(node: Node): string[] | undefined {
    if (node.type !== 'select_expression' || node.childForFieldName('default')) return undefined;
    const base = node.childForFieldName('expression');
    const attrpath = node.childForFieldName('attrpath');
    const head = base && referencePath(unparen(base));
    if (!head || !attrpath || attrpath.namedChildCount > 4) return undefined;
    const names = [...head];
    const lookup = (name: string) => this.lookupLet(name);
    for (const part of attrpath.childrenForFieldName('attr')) {
      const inner = part?.type === 'interpolation' ? part.childForFieldName('expression') : undefined;
      const name = part && (inner ? constantOf(inner, lookup) : attrName(part));
      if (typeof name !== 'string') return undefined;
      names.push(name);
    }
    return names;
  }

  /** The value of a let-bound expression, guarding against self-reference (`let self = f self; in self`). */
  protected inline(node: Node): Val {
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

  protected pathTarget(node: Node): string | undefined {
    if (node.type === 'path_expression') return resolvePathLiteral(this.file, node.text);
    // `path + "/pkgs/build-support/pkg-config-wrapper"`: nixpkgs' `path` is the collection's root.
    if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const suffix = right && literalString(unparen(right));
      if (left && unparen(left).type === 'variable_expression' && unparen(left).text === 'path' && suffix?.startsWith('/')) {
        return path.posix.normalize(suffix.slice(1)).replace(/\/$/, '');
      }
    }
    const value = this.valueOf(node);
    if (value.k === 'path') return value.target;
    if (value.k === 'call' && value.kind === 'import') return value.target;
    return undefined;
  }

  protected attrsOf(set: Node): Attr[] {
    const attrs: Attr[] = [];
    const bindings = set.namedChildren.find((c) => c!.type === 'binding_set');
    if (!bindings) return attrs;
    const rec = set.type === 'rec_attrset_expression';
    if (rec) this.scopes.push(bindingsOf(set));
    try {
      const children = bindings.children;
      for (let i = 0; i < children.length; i++) {
        const binding = children[i];
        if (binding?.isNamed && binding.type !== 'comment') this.addBinding(binding, attrs, children, i);
      }
    } finally {
      if (rec) this.scopes.pop();
    }
    return attrs;
  }

  protected addBinding(binding: Node, attrs: Attr[], siblings: (Node | null)[], index: number): void {
    if (binding.type === 'binding') {
      const attrpath = binding.childForFieldName('attrpath');
      const expression = binding.childForFieldName('expression');
      const names = attrpath && attrPathNames(attrpath);
      if (!attrpath || !expression || !names || names.length === 0) return;
      const parts = attrpath.childrenForFieldName('attr');
      const first = parts[0]!;
      let val = this.valueOf(expression);
      // A derivation written in a set takes its inputs from around it by name.
      if (val.k === 'inline' && names.length === 1 && !val.drv.uses) {
        const named = nameUses(expression);
        if (named.uses || named.members) val = { ...val, drv: { ...val.drv, ...named } };
      }
      const doc = this.readsDocs ? docCommentBefore(binding, siblings, index) : undefined;
      if (doc && val.k === 'fn') val = { ...val, doc };
      // `a.b.c = v;` is `a = { b = { c = v; }; };`, merged with other `a.…` bindings.
      for (let i = names.length - 1; i >= 1; i--) {
        val = { k: 'set', span: spanOf(binding), attrs: [{ name: names[i]!, span: spanOf(parts[i]!), val }] };
      }
      const recurse = names.length === 1 && recursedInto(expression);
      const lambda = names.length === 1 && unparen(expression).type === 'function_expression';
      const params = lambda ? plainParams(expression) : undefined;
      const throws = names.length === 1 && failsAssert(expression);
      mergeAttr(attrs, {
        name: names[0]!,
        span: spanOf(first),
        val,
        ...(doc ? { doc } : {}),
        ...(recurse ? { recurse } : {}),
        ...(lambda ? { lambda } : {}),
        ...(params ? { params } : {}),
        ...(throws ? { throws } : {}),
      });
      return;
    }
    if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      const from = binding.childForFieldName('expression');
      const fromPath = from ? referencePath(unparen(from)) : [];
      const fromVal = from && !fromPath ? this.valueOf(from) : undefined;
      const list = binding.childForFieldName('attrs');
      for (const attr of list?.namedChildren ?? []) {
        if (attr?.type !== 'identifier') continue;
        const span = spanOf(attr);
        const name = attr.text;
        let val: Val;
        // `inherit ({ libtiff = callPackage ./. { }; }) libtiff;` is `libtiff = callPackage ./. { };`.
        const literal = fromVal?.k === 'set' ? fromVal.attrs.find((a) => a.name === name) : undefined;
        if (literal) val = literal.val;
        else if (fromVal) val = { k: 'sel', span, of: fromVal, path: [name] };
        else if (fromPath && fromPath.length > 0) {
          // `inherit (bootstrapRustPackages) cargo;` of a let-bound set selects from its value, as `bootstrapRustPackages.cargo` does.
          const bound = this.lookupLet(fromPath[0]!);
          val = bound
            ? { k: 'sel', span, of: this.inline(bound), path: [...fromPath.slice(1), name] }
            : { k: 'ref', span, path: [...fromPath, name] };
        } else {
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

/** The names a function binds (its parameter, its formals, its `@` name), as unknowns. */
function parametersOf(fn: Node): Map<string, null> {
  const names = new Map<string, null>();
  const universal = fn.childForFieldName('universal');
  if (universal) names.set(universal.text, null);
  const formals = fn.childForFieldName('formals');
  if (formals) {
    for (const formal of formalsOf(formals)) names.set(formal.name, null);
    const at = formals.parent?.childForFieldName('universal');
    if (at) names.set(at.text, null);
  }
  return names;
}

/** The names a list literal holds (`[ perlPackages.libnet perlPackages.IOSocketSSL ]`), if any. */
function listedRefs(list: Node): Val[] | undefined {
  const refs: Val[] = [];
  for (const child of list.namedChildren) {
    const item = child && unparen(child);
    const path = item && (item.type === 'variable_expression' || item.type === 'select_expression') ? referencePath(item) : undefined;
    if (path) refs.push({ k: 'ref', span: spanOf(item!), path });
  }
  return refs.length > 0 ? refs : undefined;
}
