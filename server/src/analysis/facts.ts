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
  | { k: 'call'; span: Span; target?: string; args: Attr[]; via?: string[]; kind: 'callPackage' | 'import'; scope?: Attr[] }
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
  /** `inherit (xcbuild) meta;`: the meta (and Nix's meta.position) is that package's. */
  metaOf?: string[];
  /** The file that package is called from, when the name is bound in the file (`xcbuild = callPackage ./default.nix { … }`). */
  metaFile?: string;
}

/** The extractor's version: bump it whenever extraction changes, so on-disk index caches are rebuilt. */
export const FACTS_VERSION = 5;

const MAX_ERRORS = 50;
const MAX_INLINE_DEPTH = 8;
const MAX_NESTING = 200;

/** Functions that return (a variant of) their last substantial argument. */
const WRAPPERS = new Set([
  'recurseIntoAttrs', 'dontRecurseIntoAttrs', 'makeOverridable', 'lowPrio', 'hiPrio', 'fix', 'makeScope',
  'makeScopeWithSplicing', 'makeScopeWithSplicing\'', 'makeExtensible', 'addMetaAttrs', 'dontDistribute',
  'optionalAttrs', 'warn', 'warnIf', 'extends', 'toFunction', 'callPackageWith', 'toPythonApplication', 'toPythonModule', 'getBin', 'getDev', 'getLib', 'getOutput',
]);
/** Helpers that make a derivation from a name and a script (trivial-builders), and fetchers. */
const TRIVIAL_BUILDER = /^(fetch[A-Z]?\w*|runCommand\w*|write(Text|Script|ShellScript|ShellApplication|Shell|Bash|Python3?|Perl)\w*|symlinkJoin|linkFarm\w*|buildEnv|makeSetupHook|substituteAll\w*|concatText\w*|applyPatches)$/;
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
      if (formals && !facts.formals) facts.formals = formalsOf(formals);
    });
    if (facts.formals && (functions >= 2 || (body !== null && returnsFunction(body)))) facts.curried = true;
    if (mentionsOutputHash(root)) facts.fixedOutput = true;
    if (body) facts.value = this.valueOf(body);
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

/** The targets of `import ./path …` anywhere in a file: how nixpkgs' stage.nix composes the top-level set. */
function importedPaths(root: Node, file: string): string[] {
  const out = new Set<string>();
  forEach(root, (node) => {
    if (node.type !== 'apply_expression') return true;
    const fn = node.childForFieldName('function');
    const argument = node.childForFieldName('argument');
    if (fn?.type === 'variable_expression' && fn.text === 'import' && argument?.type === 'path_expression') {
      const target = resolvePathLiteral(file, argument.text);
      if (target !== undefined) out.add(target);
    }
    return true;
  });
  return [...out];
}

/** Whether a value is a function: a lambda, or a helper applied to one (`lib.makeOverridable ({ url, … }: …)`). */
function returnsFunction(node: Node, depth = 0): boolean {
  const n = unparen(node);
  if (n.type === 'function_expression') return true;
  if (n.type !== 'apply_expression' || depth > 4) return false;
  const fn = n.childForFieldName('function');
  const last = fn && referencePath(unparen(fn))?.at(-1);
  const argument = n.childForFieldName('argument');
  if (!argument || (last && (DERIVATION_BUILDER.test(last) || TRIVIAL_BUILDER.test(last)))) return false;
  return returnsFunction(argument, depth + 1);
}

/** Whether `outputHash` is bound, inherited or a formal anywhere in the file. */
function mentionsOutputHash(root: Node): boolean {
  let found = false;
  forEach(root, (node) => {
    if (found) return false;
    if (node.type === 'identifier' && node.text === 'outputHash') {
      const parent = node.parent?.type;
      if (parent === 'attrpath' || parent === 'formal' || parent === 'inherited_attrs') found = true;
    }
    return true;
  });
  return found;
}

const STAGES = new Set(['prevStage', 'super', 'self', 'prev', 'final']);

/**
 * The names bound by the sets that overlays (`self: super: { … }`, also `… // { … }`) return,
 * and the names taken from another stage (`prevStage.x`, `inherit (super) x y;`).
 */
function stageNames(root: Node): string[] {
  const out = new Set<string>();
  forEach(root, (node) => {
    if (node.type === 'select_expression') {
      const names = referencePath(node);
      if (names && names.length > 1 && STAGES.has(names[0]!)) out.add(names[1]!);
      return true;
    }
    if (node.type === 'inherit_from') {
      const from = node.childForFieldName('expression');
      if (from && STAGES.has(unparen(from).text)) {
        for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) if (attr) out.add(attr.text);
      }
      return true;
    }
    if (node.type !== 'function_expression' || !node.childForFieldName('universal')) return true;
    const inner = unparen(node.childForFieldName('body') ?? node);
    if (inner.type !== 'function_expression' || !inner.childForFieldName('universal')) return true;
    const body = unparen(inner.childForFieldName('body') ?? inner);
    const sets = body.type === 'binary_expression' ? [body.childForFieldName('left'), body.childForFieldName('right')] : [body];
    for (const set of sets) {
      const current = set && unparen(set);
      if (current && isAttrset(current)) for (const name of topBindings(current).keys()) out.add(name.split('.')[0]!);
    }
    return true;
  });
  return [...out];
}

/** Whether an expression is marked `recurseIntoAttrs` (also past `let`, and on either side of `//`). */
function recursedInto(node: Node, depth = 0): true | undefined {
  let n = unparen(node);
  while ((n.type === 'let_expression' || n.type === 'with_expression') && depth < 8) n = unparen(n.childForFieldName('body') ?? n), depth++;
  if (depth > 8) return undefined;
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    return (left && recursedInto(left, depth + 1)) || (right && recursedInto(right, depth + 1)) || undefined;
  }
  if (n.type !== 'apply_expression') return undefined;
  let head: Node = n;
  while (head.type === 'apply_expression') head = unparen(head.childForFieldName('function') ?? head);
  return referencePath(head)?.at(-1) === 'recurseIntoAttrs' ? true : undefined;
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

/** Platform flags as they are on x86_64-linux (glibc), the platform contributors and CI build for. */
const PLATFORM: Record<string, boolean> = {
  isLinux: true, isx86: true, isx86_64: true, is64bit: true, isGnu: true, isElf: true, isUnix: true, hasCC: true,
  isDarwin: false, isAarch64: false, isAarch32: false, isAarch: false, isAarch64Darwin: false, isStatic: false,
  isMusl: false, isFreeBSD: false, isOpenBSD: false, isNetBSD: false, isBSD: false, isCygwin: false, isWindows: false,
  isMinGW: false, isi686: false, is32bit: false, isRiscV: false, isRiscV64: false, isPower: false, isPower64: false,
  isMips: false, isMips64: false, isWasm: false, isWasi: false, isiOS: false, isMacOS: false, isSunOS: false,
  isAndroid: false, useLLVM: false, isGhcjs: false, isS390: false, isLoongArch64: false, isMicroBlaze: false,
  isArmv7: false, isM68k: false, isOr1k: false, isAvr: false, isRedox: false, isNone: false, isx86_32: false,
};
const PLATFORMS = /^(host|build|target)Platform$/;

/**
 * The value of a condition on the platform (`stdenv.isDarwin`, `with stdenv.hostPlatform;
 * isLinux && isStatic`, `stdenv.hostPlatform != stdenv.buildPlatform`), or undefined when it
 * depends on anything else.
 */
function platformCondition(node: Node, depth = 0): boolean | undefined {
  const n = unparen(node);
  if (depth > 24) return undefined;
  if (n.type === 'with_expression') return platformCondition(n.childForFieldName('body') ?? n, depth + 1);
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    const inner = platformCondition(n.childForFieldName('argument') ?? n, depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.text;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return undefined;
    if (op === '==' || op === '!=') {
      // Native builds: every platform of the stdenv is the same one.
      const l = referencePath(unparen(left))?.at(-1);
      const r = referencePath(unparen(right))?.at(-1);
      if (!l || !r || !PLATFORMS.test(l) || !PLATFORMS.test(r)) return undefined;
      return op === '==';
    }
    const a = platformCondition(left, depth + 1);
    const b = platformCondition(right, depth + 1);
    if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
    if (op === '||') return a === true || b === true ? true : a === false && b === false ? false : undefined;
    return undefined;
  }
  const names = referencePath(n);
  const flag = names?.at(-1);
  return flag !== undefined && flag in PLATFORM && (names!.length === 1 || /stdenv|Platform|platform/.test(names!.join('.'))) ? PLATFORM[flag] : undefined;
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
  // `finalAttrs: previousAttrs: { … }` too.
  for (let i = 0; i < 3 && set.type === 'function_expression'; i++) set = unparen(set.childForFieldName('body') ?? set);
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

  const metaSet = new Map<string, Node>();
  const metaBinding = bindings.get('meta');
  if (metaBinding?.type === 'inherit_from') {
    const from = metaBinding.childForFieldName('expression');
    const names = from && referencePath(unparen(from));
    if (names) facts.metaOf = names;
  }
  const meta = value(metaBinding);
  const metaNames = meta && referencePath(unparen(meta));
  if (metaNames && metaNames.length > 1 && metaNames.at(-1) === 'meta') facts.metaOf = metaNames.slice(0, -1);
  // `meta = with lib; { … } // extraMeta;`: the literal sets on either side of `//` (the right wins).
  for (const part of meta ? updatedSets(peelWith(meta)) : []) for (const [k, b] of topBindings(part)) metaSet.set(k, b);
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

/** The attribute sets of `a // b // …` (or of one set), left to right; other operands are skipped. */
function updatedSets(node: Node, depth = 0): Node[] {
  const current = unparen(node);
  if (isAttrset(current)) return [current];
  if (depth > 16 || current.type !== 'binary_expression' || current.childForFieldName('operator')?.text !== '//') return [];
  const left = current.childForFieldName('left');
  const right = current.childForFieldName('right');
  return [...(left ? updatedSets(peelWith(left), depth + 1) : []), ...(right ? updatedSets(peelWith(right), depth + 1) : [])];
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
