import type { Node, Tree } from 'web-tree-sitter';
import path from 'node:path';
import { DERIVATION_BUILDER, derivationAttrs, drvFacts, findDerivation, isAttrset, looseAttrs, topBindings, TRIVIAL_BUILDER } from './derivationFacts';
import { importedPaths, mentionsOutputHash, recursedInto, returnsFunction, stageNames } from './fileTraits';
import { formalUses, platformCondition } from './formalUse';
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
  /** Files (or folders) the file imports by a path literal anywhere in it (`import ../build-support/packages.nix`). */
  imports?: string[];
  /**
   * Names the file's overlays bind or take from another stage (`self: super: { inherit
   * (prevStage) zlib; perl = super.perl.override …; }`, `cc = prevStage.gcc-unwrapped;`): in a
   * stdenv's files, what its bootstrap stages build and bring forward.
   */
  stageNames?: string[];
  /**
   * The file's function returns a function (`{ lib, fetchurl }: { url, … }@args: …`): what
   * callPackage makes of it is a function (a fetcher, a builder), not a derivation.
   */
  curried?: true;
  /**
   * The formals of the function the file's function returns (`{ version, hash }: { stdenv, zlib }: …`):
   * what callPackage fills when it is given the file applied to arguments (`callPackage (import
   * ./common.nix args) { }`).
   */
  innerFormals?: Formal[];
  /** The file sets `outputHash`: it makes fixed-output derivations (fetchurl, fetchgit). */
  fixedOutput?: true;
  /** Set when the file was too large to parse; only a chunked scan was made. */
  large?: boolean;
  /** Why the file could not be indexed, when it could not (shown as a diagnostic on its first line). */
  problem?: string;
}

/** A static summary of a Nix value: enough to follow package definitions across files. */
export type Val =
  /**
   * `also`: the other operands of `a // b // { … }`, searched for names the set itself lacks.
   * `argOf`: the function the set is given to (`wrapRustcWith { … }`); when that function calls a
   * file (`wrapRustcWith = { … }@args: callPackage ../rustc-wrapper args;`), the value is there.
   */
  | { k: 'set'; span: Span; attrs: Attr[]; also?: Val[]; self?: string; argOf?: Val }
  /** `callPackage ./path { args }` or `import ./path args`. `via` is what callPackage was selected from. */
  /** `scope`: what a let-bound `callPackage = newScope (… // { inherit x; })` adds to the names it fills. */
  /** `applied`: callPackage was given the file applied to arguments (`callPackage (import ./common.nix args) { }`): it fills the file's inner formals. */
  | { k: 'call'; span: Span; target?: string; args: Attr[]; via?: string[]; kind: 'callPackage' | 'import'; scope?: Attr[]; applied?: true }
  /** A variable, possibly with selections: `python311`, `pythonInterpreters.python311`. */
  | { k: 'ref'; span: Span; path: string[]; overrides?: Attr[] }
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
/** `recurse`: the value is marked `recurseIntoAttrs`: nixpkgs' CI counts its members as attributes. */
export interface Attr { name: string; span: Span; val: Val; doc?: string; recurse?: true }

/** `use`: how the file's body uses the input, when it is not plainly in the derivation (see formalUse.ts). */
export interface Formal { name: string; span: Span; hasDefault: boolean; use?: 'maybe' | 'none' }

export interface DrvFacts {
  /** Where Nix's meta.position points: meta.description, else pname, else name. */
  span: Span;
  pname?: string;
  version?: string;
  description?: string;
  homepage?: string;
  license?: string;
  maintainers: { handle: string; span: Span }[];
  /** `inherit (xcbuild) meta;`: the meta (and Nix's meta.position) is that package's. */
  metaOf?: string[];
  /** The file that package is called from, when the name is bound in the file (`xcbuild = callPackage ./default.nix { … }`). */
  metaFile?: string;
}

/** The extractor's version: bump it whenever extraction changes, so on-disk index caches are rebuilt. */
export const FACTS_VERSION = 8;

const MAX_ERRORS = 50;
const MAX_INLINE_DEPTH = 8;
const MAX_NESTING = 200;

/** Functions that return (a variant of) their last substantial argument. */
const WRAPPERS = new Set([
  'recurseIntoAttrs', 'dontRecurseIntoAttrs', 'makeOverridable', 'lowPrio', 'hiPrio', 'fix', 'makeScope',
  'makeScopeWithSplicing', 'makeScopeWithSplicing\'', 'makeExtensible', 'addMetaAttrs', 'dontDistribute',
  'optionalAttrs', 'warn', 'warnIf', 'extends', 'toFunction', 'callPackageWith', 'toPythonApplication', 'toPythonModule', 'getBin', 'getDev', 'getLib', 'getOutput',
]);

/** Whether an expression is a file imported and applied to arguments (`import ./common.nix args`). */
function importApplied(node: Node): boolean {
  const n = unparen(node);
  if (n.type !== 'apply_expression') return false;
  const fn = n.childForFieldName('function');
  const inner = fn && unparen(fn);
  if (inner?.type !== 'apply_expression') return false;
  const head = inner.childForFieldName('function');
  return head !== null && unparen(head).type === 'variable_expression' && unparen(head).text === 'import';
}

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
  /** Names bound by `let` (to their expressions) and by function parameters (to null: unknown), innermost last. */
  private readonly scopes: Map<string, Node | null>[] = [];
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
    let functions = 0;
    body = body && this.peel(body, (fn) => {
      functions++;
      const formals = fn.childForFieldName('formals');
      const withUses = (list: Formal[]) => {
        const uses = formalUses(fn, list.map((f) => f.name));
        for (const formal of list) {
          const use = uses.get(formal.name);
          if (use === 'maybe' || use === 'none') formal.use = use;
        }
        return list;
      };
      if (formals && !facts.formals) facts.formals = withUses(formalsOf(formals));
      else if (formals && functions === 2) facts.innerFormals = withUses(formalsOf(formals));
    });
    if (facts.formals && (functions >= 2 || (body !== null && returnsFunction(body)))) facts.curried = true;
    if (mentionsOutputHash(root)) facts.fixedOutput = true;
    if (body) facts.value = this.valueOf(body);
    // A flake's package set is its `packages.<system>` (what `nix build .#name` selects from).
    if (path.posix.basename(this.file) === 'flake.nix' && body) {
      const packages = this.flakePackages(body);
      if (packages) facts.value = packages;
    }
    // `stdenv.mkDerivation { … } // lib.optionalAttrs … { … }`: the file still builds that derivation.
    const value = facts.value;
    const decorated = value.k === 'set' && value.also?.find((v) => (v.k === 'inline' || v.k === 'call') && decorates(value, v));
    if (decorated) facts.value = decorated;
    // A package set's members may be derivations; the set itself is not one.
    // The value already summarised the derivation when the file's value is one; search only otherwise.
    const drv = facts.value.k === 'inline' ? facts.value.drv : facts.value.k === 'set' ? undefined : findDerivation(root);
    if (drv) facts.drv = drv;
    const imports = importedPaths(root, this.file);
    if (imports.length > 0) facts.imports = imports;
    const stages = stageNames(root);
    if (stages.length > 0) facts.stageNames = stages;
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

  private lookupLet(name: string): Node | undefined {
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
        if (op !== '//' || !left || !right) return { k: 'other', span };
        return this.update(node, span);
      }
      default:
        return { k: 'other', span };
    }
  }

  /**
   * `a // b // { … }`: the literal sets merged (a later one wins, so its attributes come first),
   * the other operands kept to search for the names the sets lack (`impure-cmds // sources // { … }`).
   */
  private update(node: Node, span: Span): Val {
    const operands: Node[] = [];
    const flatten = (n: Node) => {
      const current = unparen(n);
      const left = current.childForFieldName('left');
      const right = current.childForFieldName('right');
      if (current.type === 'binary_expression' && current.childForFieldName('operator')?.text === '//' && left && right && operands.length < 64) {
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
      const fallback = node.childForFieldName('default');
      // `targetPackages.llvmPackages_12.llvm or llvmPackages_12.llvm`: natively the two are the same; the default is plain.
      if (fallback && base && referencePath(unparen(base))?.[0] === 'targetPackages') return this.valueOf(fallback);
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
    // `(callPackage ./common.nix { … }).overrideAttrs (…)`: the selected name also without a plain path.
    const selected = head.type === 'select_expression' ? head.childForFieldName('attrpath')?.childrenForFieldName('attr').at(-1)?.text : undefined;
    const last = headPath?.[headPath.length - 1] ?? selected;

    if (last === 'callPackage' || last === 'callPackages' || (last === 'import' && headPath!.length === 1)) {
      const what = args[0];
      const target = what ? this.pathTarget(what) : undefined;
      // The arguments: a literal set, or what `gnomeArgs // args` (sets the index can see) adds up to.
      const overrides = args[1] && this.valueOf(args[1]);
      const call: Val = {
        k: 'call', span, kind: last === 'import' ? 'import' : 'callPackage',
        args: overrides?.k === 'set' ? overrides.attrs : [],
      };
      if (target !== undefined) call.target = target;
      if (last !== 'import' && what && importApplied(what)) call.applied = true;
      if (headPath!.length > 1) call.via = headPath!.slice(0, -1);
      const scope = headPath!.length === 1 ? this.newScopeAttrs(headPath![0]!) : undefined;
      if (scope && scope.length > 0) call.scope = scope;
      return call;
    }
    if (last === 'packagesFromDirectoryRecursive' && args[0] && isAttrset(args[0])) {
      const directory = this.attrsOf(args[0]).find((a) => a.name === 'directory');
      if (directory?.val.k === 'path') return { k: 'dir', span, dir: directory.val.target };
    }
    // `lib.overrideDerivation drv f` is a variant of drv, its first argument.
    if (headPath && headPath.length <= 2 && (headPath.length === 1 || headPath[0] === 'lib') && last && /^override\w*$/.test(last) && args[0]) {
      return this.valueOf(args[0]);
    }
    // `makeScopeWithSplicing' { f = self: { … }; … }`: the scope's members are those of `f`.
    if (last?.startsWith('makeScopeWithSplicing') && args[0] && isAttrset(args[0])) {
      const bindings = topBindings(args[0]);
      const f = bindings.get('f')?.childForFieldName('expression');
      const scope = f && this.valueOf(f);
      // `extra = spliced: spliced.apple_sdk.frameworks;` adds those members to what callPackage fills.
      const extra = bindings.get('extra')?.childForFieldName('expression');
      const fn = extra && unparen(extra);
      const param = fn?.type === 'function_expression' ? fn.childForFieldName('universal')?.text : undefined;
      const body = param ? referencePath(unparen(fn!.childForFieldName('body')!)) : undefined;
      if (scope?.k === 'set' && body && body[0] === param && body.length > 1) {
        return { ...scope, also: [...scope.also ?? [], { k: 'ref', span: spanOf(extra!), path: body.slice(1) }] };
      }
      if (scope) return scope;
    }
    // `(callPackage ./common.nix { … }).overrideAttrs (old: { meta = { description = …; }; })`:
    // the meta, and Nix's meta.position, are the override's.
    if (last === 'overrideAttrs' && head.type === 'select_expression' && args[0]) {
      const attrs = looseAttrs(args[0]);
      const meta = attrs?.get('meta');
      const ownMeta = meta ? meta.type !== 'binding' || !referencePath(unparen(meta.childForFieldName('expression')!)) : [...attrs?.keys() ?? []].some((k) => k.startsWith('meta.'));
      if (attrs && ownMeta) {
        const drv = drvFacts(attrs, spanOf(args[0]));
        if (drv.description !== undefined || attrs.has('pname') || attrs.has('name')) return { k: 'inline', span, drv };
      }
    }
    if (last && /^override(Attrs|\w*Attrs|Scope|Derivation)?$/.test(last) && head.type === 'select_expression') {
      // `x.override { … }` is a variant of x: its definition is x's.
      const base = head.childForFieldName('expression');
      if (base) {
        const names = referencePath(head);
        if (!names || names.length < 2) return this.valueOf(base);
        // A let-bound base (`openjdk.override { … }` inside a helper) is followed like any name.
        const bound = this.lookupLet(names[0]!);
        // `libguestfs.override { appliance = …; }` fills inputs the plain call leaves to their defaults.
        const given = last === 'override' && args[0] && isAttrset(args[0]) ? this.attrsOf(args[0]) : [];
        if (!bound) return given.length > 0 ? { k: 'ref', span, path: names.slice(0, -1), overrides: given } : { k: 'ref', span, path: names.slice(0, -1) };
        const of = this.inline(bound);
        return names.length === 2 ? of : { k: 'sel', span, of, path: names.slice(1, -1) };
      }
    }
    if (last && DERIVATION_BUILDER.test(last)) {
      // A derivation builder makes a derivation even when its attributes say little (`derivation { name; … }`).
      const attrs = args.map(derivationAttrs).find((d) => d) ?? args.map(looseAttrs).find((d) => d) ?? new Map<string, Node>();
      return { k: 'inline', span, drv: drvFacts(attrs, span) };
    }
    // `makeSetupHook { name = "…"; … } ./hook.sh`, `symlinkJoin { name = …; }`: a derivation a helper
    // builds from the attributes given here. Nix's meta.position is in the helper, shared by every
    // such package; what is this package's own is the call, so that is where it is.
    if (headPath && !WRAPPERS.has(last!) && headPath[0] !== 'lib' && headPath[0] !== 'builtins'
      && (TRIVIAL_BUILDER.test(last!) || args.some((a) => isAttrset(a) && topBindings(a).has('name')))) {
      const attrs = args.map(looseAttrs).find((d) => d?.has('name')) ?? args.map(looseAttrs).find((d) => d) ?? new Map<string, Node>();
      const drv: DrvFacts = { ...drvFacts(attrs, span), span: [span[0], span[1], span[0], span[1]] };
      const metaFrom = drv.metaOf?.length === 1 ? this.lookupLet(drv.metaOf[0]!) : undefined;
      const metaCall = metaFrom && this.inline(metaFrom);
      if (metaCall?.k === 'call' && metaCall.target !== undefined) drv.metaFile = metaCall.target;
      return { k: 'inline', span, drv };
    }
    // `common { version = …; }` where `common = { version, … }: stdenv.mkDerivation { … }` is let-bound
    // (openssl's versions): the application is that derivation, where Nix's meta.position points.
    const made = headPath?.length === 1 ? this.derivationOfFunction(headPath[0]!) : undefined;
    if (made) return { k: 'inline', span, drv: made };
    // `mkOpenjdk ../openjdk/21.nix { … }` where `mkOpenjdk = path: args: … callPackage path …` is
    // let-bound: its parameters stand for the arguments, so the call names the file.
    const applied = headPath?.length === 1 ? this.applyLetFunction(headPath[0]!, args, span) : undefined;
    if (applied) return applied;
    if (head.type === 'function_expression' || (last !== undefined && WRAPPERS.has(last))) {
      return this.principal(args.map((a) => this.selfNamed(a)), span, true);
    }
    if (last === 'import') return { k: 'other', span };
    const fn = this.valueOf(head);
    const best = this.principal([fn, ...args.map((a) => this.valueOf(a))], span);
    return fn.k === 'ref' && best.k === 'set' ? { ...best, argOf: fn } : best;
  }

  /**
   * The value of a let-bound function applied to arguments, when its parameters are plain names
   * (`path: args: …`): each stands for its argument node. Only a call or a derivation counts.
   */
  private applyLetFunction(name: string, args: Node[], span: Span): Val | undefined {
    const bound = this.lookupLet(name);
    if (!bound || args.length === 0 || this.inlined.has(bound.id) || this.inlining >= MAX_INLINE_DEPTH) return undefined;
    const depth = this.scopes.length;
    this.inlined.add(bound.id);
    this.inlining++;
    try {
      let body: Node = unparen(bound);
      for (const arg of args) {
        if (body.type !== 'function_expression') break;
        const param = body.childForFieldName('universal');
        if (!param || body.childForFieldName('formals')) return undefined;
        this.scopes.push(new Map([[param.text, this.argumentNode(arg)]]));
        body = unparen(body.childForFieldName('body') ?? body);
      }
      const value = this.valueOf(body);
      if (value.k === 'call' && value.target !== undefined) return value;
      // A helper around a fetcher or trivial builder (`fetch = name: sha256: fetchurl { … }`) makes
      // an anonymous derivation: it is this application's own, so that is where it is.
      if (value.k === 'inline') {
        const anonymous = value.drv.pname === undefined && value.drv.description === undefined;
        return anonymous ? { k: 'inline', span, drv: { ...value.drv, span: [span[0], span[1], span[0], span[1]] } } : value;
      }
      // `drv // { headless = …; }` keeps the call among the update's operands.
      return value.k === 'set' && value.also?.some((v) => v.k === 'call' || v.k === 'inline') ? value : undefined;
    } finally {
      this.inlined.delete(bound.id);
      this.inlining--;
      this.scopes.length = depth;
    }
  }

  /**
   * The value of a wrapper's argument; `tools: { … }` given to `makeExtensible` (or `self: …` to
   * `makeScope`, `fix`) names the set it defines, so `tools.libllvm` inside is a sibling.
   */
  private selfNamed(arg: Node): Val {
    const value = this.valueOf(arg);
    const fn = unparen(arg);
    const param = fn.type === 'function_expression' ? fn.childForFieldName('universal')?.text : undefined;
    return param && value.k === 'set' ? { ...value, self: param } : value;
  }

  /** The attributes a let-bound `callPackage = newScope (… // { inherit x; y = …; })` adds to its calls. */
  private newScopeAttrs(name: string): Attr[] | undefined {
    const bound = this.lookupLet(name);
    if (!bound || this.inlined.has(bound.id)) return undefined;
    const node = unparen(bound);
    if (node.type !== 'apply_expression' || referencePath(unparen(node.childForFieldName('function')!))?.at(-1) !== 'newScope') return undefined;
    const argument = node.childForFieldName('argument');
    if (!argument) return undefined;
    this.inlined.add(bound.id);
    try {
      const value = this.valueOf(argument);
      return value.k === 'set' ? value.attrs : undefined;
    } finally {
      this.inlined.delete(bound.id);
    }
  }

  /**
   * An argument as the callee sees it: a name bound by an enclosing let or parameter is followed
   * first, in the caller's scope (`mkOpenjdkLinuxOnly path-linux args` inside `mkOpenjdk`).
   */
  private argumentNode(arg: Node): Node {
    let node = arg;
    for (let i = 0; i < MAX_INLINE_DEPTH && node.type === 'variable_expression'; i++) {
      const bound = this.lookupLet(node.text);
      if (!bound || bound === node) break;
      node = unparen(bound);
    }
    return node;
  }

  /** The derivation a let-bound function makes, when its body (past its functions and lets) is one. */
  private derivationOfFunction(name: string): DrvFacts | undefined {
    const bound = this.lookupLet(name);
    if (!bound || unparen(bound).type !== 'function_expression' || this.inlined.has(bound.id)) return undefined;
    const depth = this.scopes.length;
    this.inlined.add(bound.id);
    try {
      const body = this.peel(bound);
      // `common = { pname, … }: let self = stdenv.mkDerivation { … }; in self;` (docbook-xsl) too.
      const value = body && (body.type === 'apply_expression' ? this.application(body) : this.valueOf(body));
      return value?.k === 'inline' ? value.drv : undefined;
    } finally {
      this.inlined.delete(bound.id);
      this.scopes.length = depth;
    }
  }

  /**
   * The most substantial of several candidate values (a package over a reference over anything
   * else). Among equals the first (the function of `f x`), or with `last` the last (a wrapper
   * returns its last argument: `lib.extends overlay (self: { … })`).
   */
  private principal(values: Val[], span: Span, last = false): Val {
    let best: Val = { k: 'other', span };
    for (const v of values) if (last ? substance(v) >= substance(best) : substance(v) > substance(best)) best = v;
    return best;
  }

  private pathTarget(node: Node): string | undefined {
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
      const recurse = names.length === 1 && recursedInto(expression);
      mergeAttr(attrs, { name: names[0]!, span: spanOf(first), val, ...(doc ? { doc } : {}), ...(recurse ? { recurse } : {}) });
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

export type CallVal = Extract<Val, { k: 'call' }>;

/**
 * The call a value makes: the value itself, or the call a decorating update keeps
 * (`callPackage ./21.nix { … } // { headless = …; }`).
 */
export function callOf(val: Val): CallVal | undefined {
  if (val.k === 'call') return val;
  if (val.k !== 'set' || !val.also) return undefined;
  const call = val.also.find((v): v is CallVal => v.k === 'call');
  return call && decorates(val, call) ? call : undefined;
}

/**
 * Whether `x // { … }` is still the package x: the set adds no package, or only variants of x
 * (`openjdk // { headless = openjdk.override { headless = true; }; }`).
 */
export function decorates(set: Extract<Val, { k: 'set' }>, base: Val): boolean {
  return set.attrs.every((a) => !isPackageVal(a.val) || (a.val.k === 'call' && base.k === 'call' && a.val.target === base.target));
}

/** Whether a value makes a package, or a set with packages in it. */
export function isPackageVal(val: Val, depth = 0): boolean {
  if (val.k === 'call' || val.k === 'inline' || val.k === 'dir') return true;
  return val.k === 'set' && depth < 3 && val.attrs.some((a) => isPackageVal(a.val, depth + 1));
}

const SUBSTANCE: Record<Val['k'], number> = { call: 6, inline: 6, dir: 5, set: 4, sel: 3, ref: 2, path: 2, fn: 1, other: 0 };

function substance(v: Val): number {
  // A call whose target is unknown (`import file` inside a helper) says less than a plain path.
  return v.k === 'call' && v.target === undefined ? 1 : SUBSTANCE[v.k];
}

function preferSubstantial(a: Val, b: Val): Val {
  return substance(b) > substance(a) ? b : a;
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

