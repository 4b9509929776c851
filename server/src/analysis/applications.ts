// Reading function applications: `callPackage ./x { … }` and `import ./x args` (calls of files),
// `packagesFromDirectoryRecursive`, overrides (a variant of what they override), derivation
// builders and trivial builders (a derivation made here), wrappers (`makeOverridable f`), and
// let-bound helpers applied to arguments (`common { version = …; }`, `mkOpenjdk ../21.nix { … }`).
import type { SyntaxNode as Node } from './syntaxTree';
import {
  DERIVATION_BUILDER,
  derivationAttrs,
  drvFacts,
  type DrvFacts,
  isAttrset,
  listsVulnerabilities,
  looseAttrs,
  peelWith,
  replacedAttrs,
  topBindings,
  TRIVIAL_BUILDER,
} from './derivationFacts';
import { givenPackages, principal, unapplied, type Attr, type Val } from './factTypes';
import { PACKAGE_SET_NAMES, STDENV_INPUT } from './setNames';
import { platformCondition } from './conditions';
import { applicationParts, importApplied, literalString, referencePath, spanOf, unparen, type Span } from './syntax';
import { formalsOf } from './formalsOf';
import { MAX_INLINE_DEPTH, ValueReader } from './values';
import { attributesOfFormals, lambdaFormals } from './namedInputs';
import { scopedSet, scopeOverride } from './scopeOverride';

/** Functions that return (a variant of) their last substantial argument. */
const WRAPPERS = new Set([
  'recurseIntoAttrs',
  'dontRecurseIntoAttrs',
  'makeOverridable',
  'lowPrio',
  'hiPrio',
  'fix',
  'makeScope',
  'makeScopeWithSplicing',
  "makeScopeWithSplicing'",
  'makeExtensible',
  'addMetaAttrs',
  'dontDistribute',
  'optionalAttrs',
  'warn',
  'warnIf',
  'extends',
  'toFunction',
  'callPackageWith',
  'toPythonApplication',
  'toPythonModule',
  'getBin',
  'getDev',
  'getLib',
  'getOutput',
]);

/** A function named for the stdenv it makes (`mkStdenvNoLibs`). */
const STDENV_MAKER = /Stdenv/;

export abstract class ApplicationReader extends ValueReader {
  protected application(node: Node): Val {
    const span = spanOf(node);
    const { head, args } = applicationParts(node);
    const headPath = referencePath(head);
    // `(callPackage ./common.nix { … }).overrideAttrs (…)`: the selected name also without a plain path.
    const selected =
      head.type === 'select_expression' ? head.childForFieldName('attrpath')?.childrenForFieldName('attr').at(-1)?.text : undefined;
    const last = headPath?.[headPath.length - 1] ?? selected;

    if (last === 'callPackage' || last === 'callPackages' || (last === 'import' && headPath?.length === 1)) {
      const what = args[0];
      const target = what ? this.pathTarget(what) : undefined;
      // The arguments: a literal set, or what `gnomeArgs // args` (sets the index can see) adds up to.
      const overrides = args[1] && this.valueOf(args[1]);
      const kind = last === 'import' ? 'import' : 'callPackage';
      const call: Val = { k: 'call', span, kind, args: overrides?.k === 'set' ? overrides.attrs : [] };
      if (target !== undefined) call.target = target;
      // `callPackage ./common.nix { … } { inherit withGd; }`: what a curried file's inner function is given.
      const inner = last === 'callPackage' && args[2] ? this.valueOf(args[2]) : undefined;
      if (inner?.k === 'set' && inner.attrs.length > 0) call.inner = inner.attrs;
      // `callPackage self.sources.ed { }`: a named function, followed where calls are resolved.
      const named = target === undefined && last !== 'import' && what ? this.valueOf(what) : undefined;
      if (named?.k === 'ref' || named?.k === 'sel') call.fn = named;
      if (last !== 'import' && what && importApplied(what)) {
        call.applied = true;
        const versions = this.literalVersions(unparen(what).childForFieldName('argument'));
        if (versions) call.versions = versions;
      }
      // `callPackage ({ makeSetupHook, autoconf }: makeSetupHook { … }) { }`: the function's own inputs.
      const lambda = what && unparen(what);
      const formals = lambda?.type === 'function_expression' ? lambda.childForFieldName('formals') : null;
      if (last !== 'import' && lambda && formals) call.formals = attributesOfFormals(lambda, lambdaFormals(lambda, formalsOf(formals)));
      // `(x).callPackage …` selects from something that is no name: no `via`, no scope.
      if (headPath && headPath.length > 1) call.via = headPath.slice(0, -1);
      const scope = headPath?.length === 1 ? this.newScopeAttrs(headPath[0]!) : undefined;
      if (scope && scope.length > 0) call.scope = scope;
      return call;
    }
    if (last === 'packagesFromDirectoryRecursive' && args[0] && isAttrset(args[0])) {
      const directory = this.attrsOf(args[0]).find((a) => a.name === 'directory');
      if (directory?.val.k === 'path') return { k: 'dir', span, dir: directory.val.target };
    }
    // `overrideCC stdenv clang`: a stdenv whose compiler is the second argument, selectable as `cc`.
    if (last === 'overrideCC' && headPath?.length === 1 && args.length === 2) {
      const cc: Attr = { name: 'cc', span: spanOf(args[1]!), val: this.valueOf(args[1]!) };
      return { k: 'set', span, attrs: [cc], also: [this.valueOf(args[0]!)] };
    }
    // `mkStdenvNoLibs clangStdenv`: a stdenv made from another keeps its compiler (selectable as `cc`).
    if (last && STDENV_MAKER.test(last) && headPath?.length === 1 && args.length === 1) {
      const base = referencePath(args[0]!)?.at(-1);
      if (base && STDENV_INPUT.test(base)) return { k: 'set', span, attrs: [], also: [this.valueOf(args[0]!)] };
    }
    // `lib.overrideDerivation drv f` is a variant of drv, its first argument.
    if (
      headPath &&
      headPath.length <= 2 &&
      (headPath.length === 1 || headPath[0] === 'lib') &&
      last &&
      /^override\w*$/.test(last) &&
      args[0]
    ) {
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
        return { ...scope, also: [...(scope.also ?? []), { k: 'ref', span: spanOf(extra!), path: body.slice(1) }] };
      }
      if (scope) return scope;
    }
    // `(callPackage ./common.nix { … }).overrideAttrs (old: { meta = { description = …; }; })`:
    // the meta, and Nix's meta.position, are the override's.
    if (last === 'overrideAttrs' && head.type === 'select_expression' && args[0]) {
      const attrs = looseAttrs(args[0]);
      const meta = attrs?.get('meta');
      const ownMeta = meta
        ? meta.type !== 'binding' || !referencePath(unparen(meta.childForFieldName('expression')!))
        : [...(attrs?.keys() ?? [])].some((k) => k.startsWith('meta.'));
      if (attrs && ownMeta) {
        const drv = drvFacts(attrs, spanOf(args[0]));
        // The call it overrides builds it, with the inputs callPackage fills for that file (glibc's common.nix).
        const base = head.childForFieldName('expression');
        const over = base ? this.valueOf(base) : undefined;
        if (drv.description !== undefined || attrs.has('pname') || attrs.has('name'))
          return over?.k === 'call' && over.target !== undefined ? { k: 'inline', span, drv, over } : { k: 'inline', span, drv };
      }
    }
    // `s.overrideScope (_: _: x)`: a scope whose members x replaces (scopeOverride.ts).
    const over = last === 'overrideScope' ? scopeOverride(head, args) : undefined;
    if (over) return scopedSet(span, this.valueOf(over.base), over.set ? this.valueOf(over.set) : undefined);
    if (last && /^override(Attrs|\w*Attrs|Scope|Derivation)?$/.test(last) && head.type === 'select_expression') {
      // `x.override { … }` is a variant of x: its definition is x's.
      const base = head.childForFieldName('expression');
      if (base) {
        const names = referencePath(head);
        if (!names || names.length < 2) return this.valueOf(base);
        // A let-bound base (`openjdk.override { … }` inside a helper) is followed like any name.
        const bound = this.lookupLet(names[0]!);
        // `libguestfs.override { appliance = …; }` fills inputs the plain call leaves to their defaults.
        const given = last === 'override' && args[0] ? this.overrideArgs(args[0]) : [];
        // `lndir = super.lndir.overrideAttrs (attrs: { buildInputs = [ ]; … })` (xorg's overrides): the
        // attributes it sets anew, without the old value.
        const replaces = last === 'overrideAttrs' && args[0] ? replacedAttrs(args[0]) : undefined;
        const extra = { ...(given.length > 0 ? { overrides: given } : {}), ...(replaces?.length ? { replaces } : {}) };
        if (!bound) return { k: 'ref', span, path: names.slice(0, -1), ...extra };
        const of = this.inline(bound);
        return names.length === 2 ? of : { k: 'sel', span, of, path: names.slice(1, -1) };
      }
    }
    if (last && (DERIVATION_BUILDER.test(last) || (headPath?.length === 1 && this.namesBuilder(last)))) {
      // A derivation builder makes a derivation even when its attributes say little (`derivation { name; … }`).
      const attrs = args.map(derivationAttrs).find((d) => d) ?? args.map(looseAttrs).find((d) => d) ?? new Map<string, Node>();
      return { k: 'inline', span, drv: drvFacts(attrs, span) };
    }
    // `makeSetupHook { name = "…"; … } ./hook.sh`, `symlinkJoin { name = …; }`: a derivation a helper
    // builds from the attributes given here. Nix's meta.position is in the helper, shared by every
    // such package; what is this package's own is the call, so that is where it is.
    if (
      headPath &&
      !WRAPPERS.has(last!) &&
      headPath[0] !== 'lib' &&
      headPath[0] !== 'builtins' &&
      (TRIVIAL_BUILDER.test(last!) || args.some((a) => isAttrset(a) && topBindings(a).has('name')))
    ) {
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
    if (made) return { k: 'inline', span, drv: insecureBy(made, args) ? { ...made, refused: 'insecure' } : made };
    // `mkOpenjdk ../openjdk/21.nix { … }` where `mkOpenjdk = path: args: … callPackage path …` is
    // let-bound: its parameters stand for the arguments, so the call names the file.
    const applied = headPath?.length === 1 ? this.applyLetFunction(headPath[0]!, args, span) : undefined;
    if (applied) return applied;
    if (head.type === 'function_expression' || (last !== undefined && WRAPPERS.has(last))) {
      const named = args.map((a) => this.selfNamed(a));
      return principal(named, span, true);
    }
    if (last === 'import') return { k: 'other', span };
    const fn = this.valueOf(head);
    // `selectRustPackage pkgsBuildHost`: a named function given the package set (see `selects`).
    if (fn.k === 'ref' && headPath?.length === 1 && args.length === 1 && PACKAGE_SET_NAMES.has(args[0]!.text))
      return { ...fn, onSet: true };
    const values = args.map((a) => unapplied(this.valueOf(a)));
    const best = givenPackages(fn, values, span) ?? principal([fn, ...values], span);
    return fn.k === 'ref' && best.k === 'set' ? { ...best, argOf: fn } : best;
  }

  /** A `let`-bound name for a derivation builder (guile's `builder = if … then coverageAnalysis else stdenv.mkDerivation;`). */
  protected namesBuilder(name: string): boolean {
    const bound = this.lookupLet(name);
    const node = bound && unparen(bound);
    if (!node) return false;
    const branches =
      node.type === 'if_expression' ? [node.childForFieldName('consequence'), node.childForFieldName('alternative')] : [node];
    return branches.some((b) => {
      const last = b ? referencePath(unparen(b))?.at(-1) : undefined;
      return last !== undefined && DERIVATION_BUILDER.test(last);
    });
  }

  /**
   * The value of a let-bound function applied to arguments, when its parameters are plain names
   * (`path: args: …`): each stands for its argument node. Only a call or a derivation counts.
   */
  protected applyLetFunction(name: string, args: Node[], span: Span): Val | undefined {
    const bound = this.lookupLet(name);
    if (!bound || args.length === 0 || this.inlined.has(bound.id) || this.inlining >= MAX_INLINE_DEPTH) return undefined;
    const depth = this.scopes.length;
    this.inlined.add(bound.id);
    this.inlining++;
    try {
      let body: Node = unparen(bound);
      let consumed = 0;
      for (const arg of args) {
        if (body.type !== 'function_expression') break;
        const param = body.childForFieldName('universal');
        if (!param || body.childForFieldName('formals')) return undefined;
        this.scopes.push(new Map([[param.text, this.argumentNode(arg)]]));
        body = unparen(body.childForFieldName('body') ?? body);
        consumed++;
      }
      const value = this.valueOf(body);
      // `make-icu = (import ./make-icu.nix) { … }; icu74 = make-icu { version = …; }`: the imported
      // file's function is applied again, so what it makes is no function.
      if (value.k === 'call' && value.kind === 'import' && value.target !== undefined && consumed < args.length)
        return { ...value, applied: true };
      if (value.k === 'call' && value.target !== undefined) return value;
      // A helper around a fetcher or trivial builder (`fetch = name: sha256: fetchurl { … }`) makes
      // an anonymous derivation: it is this application's own, so that is where it is.
      if (value.k === 'inline') {
        const anonymous = value.drv.pname === undefined && value.drv.description === undefined;
        return anonymous ? { k: 'inline', span, drv: { ...value.drv, span: [span[0], span[1], span[0], span[1]] } } : value;
      }
      // `drv // { headless = …; }` keeps the call among the update's operands.
      // So does a helper that decorates the package it is given (`addFallbackPathsCheck = pkg:
      // addTestsShallowly { … } pkg;`, `pkg // { tests = …; }`): the set keeps the argument.
      return value.k === 'set' && value.also?.some((v) => v.k === 'call' || v.k === 'inline' || v.k === 'ref' || v.k === 'sel')
        ? value
        : undefined;
    } finally {
      this.inlined.delete(bound.id);
      this.inlining--;
      this.scopes.length = depth;
    }
  }

  /**
   * The attributes of a set that are literal versions (`{ version = "2.18.2"; }`), through `//`
   * and the names a `let` or a helper's parameter binds (`({ inherit lib; } // args)`).
   */
  protected literalVersions(node: Node | null, depth = 0): Record<string, string> | undefined {
    const n = node && unparen(node);
    if (!n || depth > MAX_INLINE_DEPTH) return undefined;
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//') {
      const left = this.literalVersions(n.childForFieldName('left'), depth + 1);
      const right = this.literalVersions(n.childForFieldName('right'), depth + 1);
      return left || right ? { ...left, ...right } : undefined;
    }
    if (n.type === 'variable_expression') {
      const bound = this.lookupLet(n.text);
      return bound && bound !== n ? this.literalVersions(bound, depth + 1) : undefined;
    }
    if (!isAttrset(n)) return undefined;
    let versions: Record<string, string> | undefined;
    for (const [name, binding] of topBindings(n)) {
      const value = binding.type === 'binding' ? literalString(unparen(binding.childForFieldName('expression')!)) : undefined;
      if (value !== undefined && /^version$|Version$/.test(name) && /^\d[\w.+-]{0,40}$/.test(value)) (versions ??= {})[name] = value;
    }
    return versions;
  }

  /**
   * The value of a wrapper's argument; `tools: { … }` given to `makeExtensible` (or `self: …` to
   * `makeScope`, `fix`) names the set it defines, so `tools.libllvm` inside is a sibling.
   */
  protected selfNamed(arg: Node): Val {
    const value = this.valueOf(arg);
    const fn = unparen(arg);
    const param = fn.type === 'function_expression' ? fn.childForFieldName('universal')?.text : undefined;
    return param && value.k === 'set' ? { ...value, self: param } : value;
  }

  /** The attributes a let-bound `callPackage = newScope (… // { inherit x; y = …; })` adds to its calls. */
  protected newScopeAttrs(name: string): Attr[] | undefined {
    const bound = this.lookupLet(name);
    if (!bound || this.inlined.has(bound.id)) return undefined;
    const node = unparen(bound);
    if (node.type !== 'apply_expression' || referencePath(unparen(node.childForFieldName('function')!))?.at(-1) !== 'newScope')
      return undefined;
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
  protected argumentNode(arg: Node): Node {
    let node = arg;
    for (let i = 0; i < MAX_INLINE_DEPTH && node.type === 'variable_expression'; i++) {
      const bound = this.lookupLet(node.text);
      if (!bound || bound === node) break;
      node = unparen(bound);
    }
    return node;
  }

  /** The derivation a let-bound function makes, when its body (past its functions and lets) is one. */
  protected derivationOfFunction(name: string): DrvFacts | undefined {
    const bound = this.lookupLet(name);
    if (!bound || unparen(bound).type !== 'function_expression' || this.inlined.has(bound.id)) return undefined;
    // Read once per function: a file applies its helper many times (`common { … }` per version).
    const known = this.derivationsMade.get(bound.id);
    if (known !== undefined) return known ?? undefined;
    const made = this.readDerivationOfFunction(bound);
    this.derivationsMade.set(bound.id, made ?? null);
    return made;
  }

  private readonly derivationsMade = new Map<number, DrvFacts | null>();

  private readDerivationOfFunction(bound: Node): DrvFacts | undefined {
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
   * The arguments an override passes: a set, or sets joined by `//` (`curl = curlMinimal.override ({
   * pslSupport = true; } // lib.optionalAttrs (!stdenv.hostPlatform.isStatic) { brotliSupport = true; })`),
   * where `optionalAttrs` adds its set when the platform condition holds on x86_64-linux.
   */
  private overrideArgs(node: Node, depth = 0): Attr[] {
    const n = unparen(node);
    if (isAttrset(n)) return this.attrsOf(n);
    if (depth > 4) return [];
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      return [...(left ? this.overrideArgs(left, depth + 1) : []), ...(right ? this.overrideArgs(right, depth + 1) : [])];
    }
    const { head, args } = n.type === 'apply_expression' ? applicationParts(n) : { head: n, args: [] };
    if (referencePath(head)?.at(-1) !== 'optionalAttrs' || args.length !== 2) return [];
    return platformCondition(args[0]!) === true ? this.overrideArgs(args[1]!, depth + 1) : [];
  }
}

/**
 * Whether a call of a function that makes a derivation passes, in an argument its meta is updated
 * with, known vulnerabilities (openssl's `openssl_1_1 = common { …; extraMeta = { knownVulnerabilities = [ … ]; }; }`).
 */
function insecureBy(made: DrvFacts, args: readonly Node[]): boolean {
  if (!made.metaFrom || made.refused) return false;
  return args.some((arg) => {
    const given = looseAttrs(arg);
    return made.metaFrom!.some((name) => {
      const binding = given?.get(name);
      const expression = binding?.type === 'binding' ? binding.childForFieldName('expression') : null;
      const meta = expression ? looseAttrs(peelWith(expression)) : undefined;
      return meta !== undefined && listsVulnerabilities(meta);
    });
  });
}
