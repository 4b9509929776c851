// Resolution: where a name or value of the domain leads, through its package sets, to the file
// (and place) that really defines it.
import { CycleMemo } from './cycleMemo';
import { callOf, decorates, type Val } from './facts';
import { setHasAttr, type Binding, type DomainIndex, type SetVal } from './domainIndex';
import { importedArg, importersOf, overrideArg } from './passedArgs';
import { ownPackage, positionalArg } from './positional';
import { rankBindings, rankOf } from './ranking';
import { OUTPUTS, PACKAGE_SET_NAMES } from './setNames';
import { sameSpan, ZERO_SPAN } from './syntax';
import type { Scope, Target } from './target';

export type { Scope, Target } from './target';

/** How deep resolution follows bindings before it gives up (a chain of aliases in real trees is < 10). */
const MAX_DEPTH = 40;

/**
 * Follows names and values through the domain's package sets to the file that really builds
 * a package (aliases, inherits, sets made by callPackage, package groups). Results are
 * memoised until the index changes.
 */
export class Resolver {
  /** Resolved bindings, failures included; cycles cut (see cycleMemo.ts). */
  private readonly bindings = new CycleMemo<Binding, Target>(MAX_DEPTH);
  /** Top-level candidates of a name, in order of preference. */
  private rankedByName = new Map<string, Binding[]>();
  private generation = -1;
  /** Formals being filled from their file's callers (`file#name`), against cycles. */
  private readonly fillingFormals = new Set<string>();
  /** Sets whose `//` operands are being searched (a set may reach itself through them). */
  private readonly selecting = new Set<SetVal>();
  /** Members of files that are indexed by their own scanner (maintainer lists), by name. */
  memberOfFile?: (file: string, name: string) => Target | undefined;

  constructor(readonly index: DomainIndex) {}

  private fresh(): void {
    // A file read on demand in the middle of a resolution changes the generation: the memo is
    // dropped at the next resolution, not under the one running (its stack is still in use).
    if (this.bindings.busy) return;
    if (this.generation !== this.index.generation) {
      this.bindings.clear();
      this.rankedByName = new Map();
      this.generation = this.index.generation;
    }
  }

  /** The scope of the top-level package set. */
  globalScope(file = ''): Scope {
    return { file, parents: [] };
  }

  /** The scope a package file's inputs are looked up in: the set its caller sits in, else the top level. */
  scopeOfPackageFile(file: string): { scope: Scope; caller?: Binding } {
    const caller = this.index.callersOf(file)[0];
    if (!caller) return { scope: this.globalScope(file) };
    return { scope: { file: caller.file, set: caller.set, parents: caller.parentSets }, caller };
  }

  /**
   * Resolves an input (formal) of a package file: the caller's override argument, else the name
   * in the caller's scope. `via` picks the caller when one file is called by several bindings
   * (`sqlite` and `sqlite-zlib-ng = callPackage … { zlib = zlib-ng; }`).
   */
  resolveInput(file: string, name: string, via?: Binding): Target | undefined {
    if (!via) {
      // Without a caller given, the first caller that can fill the input (llvm 12 passes no
      // `monorepoSrc` to a file llvm 13–18 call with one).
      const callers = this.index.callersOf(file);
      for (const caller of callers.slice(0, 16)) {
        const found = this.resolveInput(file, name, caller);
        if (found) return found;
      }
      // No caller: what a file importing this one passes (rust's default.nix), if any.
      const elsewhere = this.passedElsewhere(file, name, callers.length > 0 ? 'override' : 'import');
      if (elsewhere || callers.length > 0) return elsewhere;
    }
    const { scope, caller } =
      via && callOf(via.val)
        ? { scope: { file: via.file, set: via.set, parents: via.parentSets } as Scope, caller: via }
        : this.scopeOfPackageFile(file);
    // `wrapCCWith { cc = tools.clang-unwrapped; … }`: the set given to the function passes these.
    const given = via?.val.k === 'set' && via.val.argOf ? via.val.attrs.find((a) => a.name === name) : undefined;
    // `wrapCC (gcc48.cc.override { … })`: the argument in the place of the parameter passed as `name`.
    const positional = via && !given ? positionalArg(via, name, (v, s) => this.resolveVal(v, s)) : undefined;
    if (positional) return positional.target ?? { file: via!.file, span: positional.arg.span };
    // `wrapCC = cc: wrapCCWith { inherit cc; }`: the function's own parameter is what each application gives, no name of the set.
    const param = given?.val.k === 'ref' && via!.params?.includes(given.val.path[0]!);
    if (given) {
      const scope = { file: via!.file, set: via!.set, parents: via!.parentSets };
      return (param ? undefined : this.resolveVal(given.val, scope)) ?? { file: via!.file, span: given.span };
    }
    const call = caller && callOf(caller.val);
    if (caller && call) {
      const override = call.args.find((a) => a.name === name) ?? call.scope?.find((a) => a.name === name);
      if (override) {
        // The caller is excluded only where the argument names it alone (`python3 = python3.override …`);
        // `targetLlvm = llvmPackages_12.llvm` inside llvmPackages_12's own call goes through the fixpoint.
        const selfName = override.val.k === 'ref' && override.val.path.length === 1 && override.val.path[0] === caller.name;
        const viaOverride = this.resolveVal(override.val, scope, selfName ? caller : undefined);
        if (viaOverride) return viaOverride;
        // A literal argument (`version = "3.11.9";`) is defined right there, at the call.
        if (override.val.k !== 'ref' && override.val.k !== 'sel') return { file: caller.file, span: override.span };
        // So is one the index cannot follow (`inherit monorepoSrc;` of a let's `inherit (import …)`).
        return this.resolveName(name, scope) ?? { file: caller.file, span: override.span };
      }
    }
    return this.resolveName(name, scope) ?? (via ? undefined : this.passedElsewhere(file, name, 'override'));
  }

  /**
   * An input passed where callPackage does not pass it (see passedArgs.ts): by an override
   * (`libguestfs.override { appliance = …; }`), or by a file that imports this one.
   */
  private passedElsewhere(file: string, name: string, how: 'override' | 'import'): Target | undefined {
    const passed =
      how === 'import'
        ? importedArg(this.index, file, name)
        : overrideArg(this.index, file, name, (v, scope, self) => this.resolveVal(v, scope, self));
    const selects = passed?.arg.val.k === 'fn' ? passed.arg.val.selects : undefined;
    return (
      passed &&
      (this.resolveVal(passed.arg.val, passed.scope) ?? { file: passed.scope.file, span: passed.arg.span, ...(selects ? { selects } : {}) })
    );
  }

  /** Resolves a variable name seen from a scope. */
  resolveName(name: string, scope: Scope, exclude?: Binding): Target | undefined {
    this.fresh();
    if (name === 'lib' || (PACKAGE_SET_NAMES.has(name) && scope.file.startsWith('lib/'))) {
      const lib = this.libRoot();
      if (lib) return lib;
    }
    for (const set of [scope.set, ...[...scope.parents].reverse()]) {
      if (!set) continue;
      // `makeExtensible (tools: { llvm = tools.libllvm; })`: the parameter is the set itself.
      if (set.self === name)
        return {
          file: scope.file,
          span: set.span,
          set,
          parents: scope.parents.slice(0, scope.parents.indexOf(set) < 0 ? undefined : scope.parents.indexOf(set)),
        };
      const binding = this.index.bindingIn(set, name);
      if (binding && binding !== exclude) {
        const target = this.resolveBinding(binding);
        if (target) return target;
      }
    }
    // A formal of the file (`inherit targetLlvm;` in llvm/12/default.nix) is what its caller passes.
    if (scope.file && !PACKAGE_SET_NAMES.has(name) && this.index.files.get(scope.file)?.formals?.some((f) => f.name === name)) {
      const key = `${scope.file}#${name}`;
      if (
        !this.fillingFormals.has(key) &&
        (this.index.callersOf(scope.file).length > 0 || importersOf(this.index, scope.file).length > 0)
      ) {
        this.fillingFormals.add(key);
        try {
          const passed = this.resolveInput(scope.file, name);
          if (passed) return passed;
        } finally {
          this.fillingFormals.delete(key);
        }
      }
    }
    // `pkgs.llvmPackages_17` in an overlay is the whole set's member, not a set some file binds
    // to `pkgs` (`python-packages-base.nix`'s own `pkgs`).
    if (PACKAGE_SET_NAMES.has(name)) return { file: scope.file, span: ZERO_SPAN, global: true };
    return this.lookupGlobal(name, exclude);
  }

  /** Resolves a name in the top-level package set: top-level bindings, then by-name packages, then any set. */
  lookupGlobal(name: string, exclude?: Binding): Target | undefined {
    this.fresh();
    const ranked = this.ranked(name);
    const byName = this.index.byNameByName.get(name);
    // A by-name package wins over bindings outside the top-level sets (rank 2 and 3).
    const preferred = byName ? ranked.filter((b) => rankOf(b, this.index) <= 1) : ranked;
    for (const binding of preferred) {
      if (binding === exclude) continue;
      const target = this.resolveBinding(binding);
      if (target) return target;
    }
    if (byName) return this.fileTarget(byName.file);
    return undefined;
  }

  /**
   * Whether callPackage fills an input of a package file with something, whether or not the index
   * can follow it there: a caller passes it, the caller's set (or one around it) binds it, or the
   * top-level set does (a top-level file's binding, a by-name package).
   */
  isProvided(file: string, name: string): boolean {
    this.fresh();
    for (const caller of this.index.callersOf(file)) {
      const call = callOf(caller.val);
      if (call && [...call.args, ...(call.scope ?? [])].some((a) => a.name === name)) return true;
      for (const set of [caller.set, ...caller.parentSets]) {
        if (this.index.bindingIn(set, name) || setHasAttr(set, name)) return true;
        if (this.selectFromOthers(set, { file: caller.file, set, parents: caller.parentSets }, name)) return true;
      }
    }
    if (this.index.byNameByName.has(name)) return true;
    return this.ranked(name).some((b) => rankOf(b, this.index) === 0);
  }

  /** The bindings of a name, top-level package sets first; computed once per generation. */
  private ranked(name: string): Binding[] {
    let ranked = this.rankedByName.get(name);
    if (!ranked) {
      ranked = rankBindings(this.index.bindingsByName.get(name) ?? [], this.index);
      this.rankedByName.set(name, ranked);
    }
    return ranked;
  }

  /**
   * Resolves a package-set binding to the place that defines its value. Every result is
   * memoised, failures included, so the cost grows with the number of bindings, not with the
   * number of paths through them. A resolution that ran into a binding still on the stack (a
   * cycle: `python3 = python3` in an overlay, aliases that lead back) is provisional until that
   * binding completes, then recomputed on the next request.
   */
  resolveBinding(binding: Binding): Target | undefined {
    this.fresh();
    return this.bindings.get(binding, () => {
      const target = this.resolveVal(binding.val, { file: binding.file, set: binding.set, parents: binding.parentSets }, binding);
      // A value that does not lead elsewhere — a function (`fetchPypi = { … }: …;`), a callPackage of
      // an inline lambda, any other expression — is defined by the binding itself. Only a name
      // that leads nowhere (`broken = does-not-exist;`, or given names: `toString default-gcc-version`) is left unresolved.
      const named = binding.val.k === 'ref' || binding.val.k === 'sel' || (binding.val.k === 'set' && binding.val.positional);
      if (!target && !named) return { file: binding.file, span: binding.span, binding };
      return target && !target.binding ? { ...target, binding } : target;
    });
  }

  /** Resolves a value seen from a scope; `self` is the binding being resolved (never its own definition). */
  resolveVal(val: Val, scope: Scope, self?: Binding): Target | undefined {
    switch (val.k) {
      case 'call':
      case 'path': {
        if (val.target !== undefined) return this.fileTarget(val.target);
        // `callPackage self.sources.ed { }`, `sources.ed` being `import ./generic.nix { … }`: that file (see calledApplied).
        const fn = val.k === 'call' && val.fn ? this.resolveVal(val.fn, scope, self) : undefined;
        if (!fn?.whole || fn.set || fn.missing || fn.binding?.val.k !== 'call' || fn.binding.val.kind !== 'import') return undefined;
        return { ...fn, appliedAt: fn.binding, ...(self?.val === val ? { binding: self } : {}) };
      }
      case 'ref': {
        let target = this.resolveName(val.path[0]!, scope, self);
        // `selectRustPackage pkgsBuildHost`, where `selectRustPackage = pkgs: pkgs.rust_1_77`: that member of the whole set.
        const selects = val.onSet
          ? (target?.selects ?? (target?.binding?.val.k === 'fn' ? target.binding.val.selects : undefined))
          : undefined;
        if (selects) target = this.resolveVal({ k: 'ref', span: val.span, path: ['pkgs', ...selects] }, scope);
        for (const name of val.path.slice(1)) target = target && this.select(target, name);
        return target;
      }
      case 'sel': {
        const base = this.resolveVal(val.of, scope, self);
        let target = base;
        for (const name of val.path) target = target && (this.select(target, name) ?? (base && this.madeAtEvaluation(val.of)));
        return target;
      }
      case 'set':
        // A function given names (positional.ts) that calls no file stands for the function, as its bare name would.
        if (val.positional) return ownPackage(this.appliedFile(val, scope, self) ?? this.resolveVal(val.argOf!, scope, self), self);
        return (
          this.appliedFile(val, scope, self) ??
          this.decoratedPackage(val, scope, self) ?? {
            file: scope.file,
            span: val.span,
            set: val,
            parents: scope.set ? [...scope.parents, scope.set] : scope.parents,
          }
        );
      case 'inline':
        return { file: scope.file, span: val.drv.span };

      case 'dir':
        return { file: scope.file, span: val.span, dir: val.dir };
      default:
        return undefined;
    }
  }

  /**
   * The target of a file called or imported by path. A file that only calls another one
   * (`boost/1.83.nix`: `callPackage ./generic.nix (args // { … })`) leads to that one, where
   * the derivation and Nix's meta.position are.
   */
  fileTarget(target: string): Target {
    const found = this.index.resolveFile(target);
    if (!found) return { file: target, span: ZERO_SPAN, missing: true };
    let file: string = found;
    for (let hops = 0; hops < 8; hops++) {
      const value: Val = this.index.files.get(file)!.value;
      const next = value.k === 'call' && value.target !== undefined ? this.index.resolveFile(value.target) : undefined;
      if (!next || next === file) break;
      file = next;
    }
    const facts = this.index.files.get(file)!;
    if (facts.value.k === 'set' && !facts.drv) return { file, span: ZERO_SPAN, set: facts.value, parents: [], whole: true };
    return { file, span: facts.drv?.span ?? ZERO_SPAN, whole: true };
  }

  /** A file as the value it is, without following the file it calls. */
  private ownFileTarget(file: string): Target {
    const facts = this.index.files.get(file)!;
    if (facts.value.k === 'set' && !facts.drv) return { file, span: ZERO_SPAN, set: facts.value, parents: [], whole: true };
    if (facts.value.k === 'call' && facts.value.target !== undefined && !facts.drv) return { file, span: ZERO_SPAN, whole: true };
    return this.fileTarget(file);
  }

  /** Selects a member of a resolved value (`pythonInterpreters.python311`, `lib.strings.foo`). */
  select(target: Target, name: string): Target | undefined {
    if (target.global) return this.lookupGlobal(name);
    const decoration = target.decoration?.attrs.find((a) => a.name === name);
    if (decoration)
      return this.resolveVal(decoration.val, target.decorationScope!) ?? { file: target.decorationScope!.file, span: decoration.span };
    const member = this.memberOfFile?.(target.file, name);
    if (member) return member;
    if (target.set) {
      const attr = target.set.attrs.find((a) => a.name === name);
      // A copy of a set the file binds elsewhere (`inherit (libraries) libunwind;` of a let-bound
      // `libraries = lib.makeExtensible (…: { libunwind = callPackage …; })`): the binding at the member's place.
      const binding =
        this.index.bindingIn(target.set, name) ??
        (attr && this.index.bindingsOf(target.file).find((b) => b.name === name && sameSpan(b.span, attr.span)));
      if (binding) return this.resolveBinding(binding);
      const scope: Scope = { file: target.file, set: target.set, parents: target.parents ?? [] };
      if (!attr) return this.selectFromOthers(target.set, scope, name);
      return this.resolveVal(attr.val, scope) ?? { file: target.file, span: attr.span };
    }
    if (target.dir !== undefined) {
      const base = target.dir === '' ? name : `${target.dir}/${name}`;
      // A file of packagesFromDirectoryRecursive is its own package, even when all it does is
      // call a builder the folder's files share (`versions/v20.nix` → `../nodejs.nix`): the
      // versions stay apart, and F12 lands on the version's file.
      for (const candidate of [`${base}/package.nix`, `${base}.nix`]) {
        if (this.index.files.has(candidate)) return this.ownFileTarget(candidate);
      }
      const prefix = `${base}/`;
      for (const file of this.index.files.keys()) {
        if (file.startsWith(prefix)) return { file: target.file, span: target.span, dir: base };
      }
      return undefined;
    }
    // An output of a derivation (`libnghttp2 = nghttp2.lib`, `(sqlite.override { … }).bin`) is
    // built by that derivation: it is the same package, and rebuilds with it.
    if ((OUTPUTS.has(name) || this.index.files.get(target.file)?.drv?.outputs?.includes(name)) && !target.missing) return target;
    return undefined;
  }

  /**
   * A member of what a file makes at evaluation, out of the index's sight (`inherit (callPackage
   * ./all.nix { }) gcc13;`, where all.nix is `lib.listToAttrs (map … versions)`): that file makes
   * it, with its inputs (not followed to the file it calls for each version: a member is no set).
   */
  private madeAtEvaluation(of: Val): Target | undefined {
    const file = of.k === 'call' && of.target !== undefined ? this.index.resolveFile(of.target) : undefined;
    const facts = file === undefined ? undefined : this.index.files.get(file);
    if (!facts || facts.drv || facts.curried || (facts.value.k !== 'call' && facts.value.k !== 'other')) return undefined;
    return { file: facts.path, span: ZERO_SPAN, whole: true };
  }

  /** `wrapRustcWith { … }` where the function calls a file: that file's package. */
  private appliedFile(set: SetVal, scope: Scope, self?: Binding): Target | undefined {
    if (!set.argOf) return undefined;
    const fn = this.resolveVal(set.argOf, scope, self);
    if (!fn?.whole || fn.set || fn.missing) return undefined;
    // Each binding that applies the function is a package of its own (`libstdcxxClang = wrapCCWith
    // { cc = tools.clang-unwrapped; … }` is not `gccgo = wrapCC …`): the binding keys it.
    return self && self.val === set ? { ...fn, binding: self } : fn;
  }

  /**
   * `openjdk // { headless = …; }`: a derivation updated with attributes that are no packages is
   * still that derivation (where `impure-cmds // { … }`, a set of packages, stays a set).
   */
  private decoratedPackage(set: SetVal, scope: Scope, self?: Binding): Target | undefined {
    if (!set.also || set.scoped) return undefined;
    // A package named by reference is decorated only with tests (`pkg // { tests = …; passthru.tests = …; }`).
    const testsOnly = set.attrs.every((a) => a.name === 'tests' || a.name === 'passthru');
    for (const other of set.also) {
      const named = (other.k === 'ref' || other.k === 'sel') && testsOnly;
      if ((other.k !== 'call' && other.k !== 'inline' && !named) || (!named && !decorates(set, other))) continue;
      const target = this.resolveVal(other, scope);
      if (target && !target.set && target.dir === undefined && !target.global)
        return { ...target, decoration: set, decorationScope: scope, ...(named && self ? { decoratedAt: self } : {}) };
    }
    return undefined;
  }

  /** A name a set lacks, looked up in the other operands of its `//` (at most a few levels, guarded against cycles). */
  private selectFromOthers(set: SetVal, scope: Scope, name: string): Target | undefined {
    if (!set.also || this.selecting.has(set) || this.selecting.size > 8) return undefined;
    this.selecting.add(set);
    try {
      for (const other of set.also) {
        const base = this.resolveVal(other, scope);
        // A scope overridden with a set the index cannot follow: the member may be that set's (see scopeOverride.ts).
        if (!base && set.scoped && other === set.also[0]) return { file: scope.file, span: other.span };
        const found = base && !base.global ? this.select(base, name) : undefined;
        if (found) return found;
      }
      return undefined;
    } finally {
      this.selecting.delete(set);
    }
  }

  /** The domain's `lib` set (lib/default.nix), if it has one. */
  libRoot(): Target | undefined {
    const facts = this.index.files.get('lib/default.nix');
    if (facts?.value.k !== 'set') return undefined;
    return { file: facts.path, span: ZERO_SPAN, set: facts.value, parents: [] };
  }
}
