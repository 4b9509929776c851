import type { Val } from './facts';
import { compareBindings, type Binding, type DomainIndex, type SetVal } from './domainIndex';
import { ZERO_SPAN, type Span } from './syntax';

/** Where a name or value leads: a file and the place in it, plus what can be selected from it. */
export interface Target {
  file: string;
  span: Span;
  /** The value is a set: its members can be selected. */
  set?: SetVal;
  parents?: SetVal[];
  /** `packagesFromDirectoryRecursive`: members are files in this folder. */
  dir?: string;
  /** The top-level package set (`pkgs`, `self`, `final`, …). */
  global?: true;
  /** The last package-set binding followed on the way. */
  binding?: Binding;
  /** The value calls a file that is not in the domain. */
  missing?: true;
  /** The target is a file as a whole (what the file builds); its span is only where to land. */
  whole?: true;
}

/** Where a name is looked up: a file, and the package set (and its enclosing sets) it sits in. */
export interface Scope { file: string; set?: SetVal; parents: SetVal[] }

/** Names that stand for the whole package set. */
export const PACKAGE_SET_NAMES = new Set([
  'pkgs', 'self', 'super', 'final', 'prev', 'res', 'buildPackages', 'pkgsBuildBuild', 'pkgsBuildHost',
  'pkgsBuildTarget', 'pkgsHostHost', 'pkgsHostTarget', 'pkgsTargetTarget', 'targetPackages', '__splicedPackages',
]);

/** How deep resolution follows bindings before it gives up (a chain of aliases in real trees is < 10). */
const MAX_DEPTH = 40;
/** How many `base // { … }` merges a selection follows to the base. */
const MAX_REST_DEPTH = 8;

/**
 * Follows names and values through the domain's package sets to the file that really builds
 * a package (aliases, inherits, sets made by callPackage, package groups). Results are
 * memoised until the index changes.
 */
export class Resolver {
  /** Final results, failures included. */
  private memo = new Map<Binding, Target | null>();
  /**
   * Results that depended on a binding still being resolved (a cycle was cut there): valid only
   * while that binding, the `head`, is on the stack; dropped when it completes.
   */
  private provisional = new Map<Binding, { target: Target | null; head: number }>();
  private provisionalByHead: Binding[][] = [];
  /** Bindings being resolved, by their depth on the stack. */
  private readonly stack = new Map<Binding, number>();
  /** The lowest stack depth a cut reached during the current resolution (Tarjan's low-link). */
  private low = Infinity;
  /** Top-level candidates of a name, in order of preference. */
  private rankedByName = new Map<string, Binding[]>();
  private generation = -1;
  /** Members of files that are indexed by their own scanner (maintainer lists), by name. */
  memberOfFile?: (file: string, name: string) => Target | undefined;

  constructor(readonly index: DomainIndex) {}

  private fresh(): void {
    // A file read on demand in the middle of a resolution changes the generation: the memo is
    // dropped at the next resolution, not under the one running (its stack is still in use).
    if (this.stack.size > 0) return;
    if (this.generation !== this.index.generation) {
      this.memo = new Map();
      this.provisional = new Map();
      this.provisionalByHead = [];
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
    const { scope, caller } = via?.val.k === 'call'
      ? { scope: { file: via.file, set: via.set, parents: via.parentSets } as Scope, caller: via }
      : this.scopeOfPackageFile(file);
    if (caller?.val.k === 'call') {
      const override = caller.val.args.find((a) => a.name === name);
      if (override) {
        const viaOverride = this.resolveVal(override.val, scope, caller);
        if (viaOverride) return viaOverride;
        // A literal argument (`version = "3.11.9";`) is defined right there, at the call.
        if (override.val.k !== 'ref' && override.val.k !== 'sel') return { file: caller.file, span: override.span };
      }
    }
    return this.resolveName(name, scope);
  }

  /** Resolves a variable name seen from a scope. */
  resolveName(name: string, scope: Scope, exclude?: Binding): Target | undefined {
    this.fresh();
    if (name === 'lib' || (PACKAGE_SET_NAMES.has(name) && isLibFile(scope.file))) {
      const lib = this.libRoot();
      if (lib) return lib;
    }
    for (const set of [scope.set, ...[...scope.parents].reverse()]) {
      if (!set) continue;
      const binding = this.index.bindingIn(set, name);
      if (binding && binding !== exclude) {
        const target = this.resolveBinding(binding);
        if (target) return target;
      }
    }
    const global = this.lookupGlobal(name, exclude);
    if (global) return global;
    if (PACKAGE_SET_NAMES.has(name)) return { file: scope.file, span: ZERO_SPAN, global: true };
    return undefined;
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

  /** The bindings of a name, top-level package sets first; computed once per generation. */
  private ranked(name: string): Binding[] {
    let ranked = this.rankedByName.get(name);
    if (!ranked) {
      const candidates = this.index.bindingsByName.get(name) ?? [];
      const ranks = new Map(candidates.map((b) => [b, rankOf(b, this.index)]));
      // Ties in file order: the same choice whatever order the files were read in.
      ranked = [...candidates].sort((a, b) => ranks.get(a)! - ranks.get(b)! || compareBindings(a, b));
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
    const memo = this.memo.get(binding);
    if (memo !== undefined) return memo ?? undefined;
    const provisional = this.provisional.get(binding);
    if (provisional) {
      this.low = Math.min(this.low, provisional.head);
      return provisional.target ?? undefined;
    }
    const onStack = this.stack.get(binding);
    if (onStack !== undefined) {
      this.low = Math.min(this.low, onStack);
      return undefined;
    }
    // Too deep: cut, and keep everything below provisional until the outermost resolution ends.
    if (this.stack.size >= MAX_DEPTH) {
      this.low = 0;
      return undefined;
    }
    const depth = this.stack.size;
    this.stack.set(binding, depth);
    const outerLow = this.low;
    this.low = Infinity;
    let target: Target | undefined;
    try {
      target = this.resolveVal(binding.val, { file: binding.file, set: binding.set, parents: binding.parentSets }, binding);
      // A value that does not lead elsewhere — a function (`fetchPypi = { … }: …;`), a callPackage of
      // an inline lambda, any other expression — is defined by the binding itself. Only a name
      // that leads nowhere (`broken = does-not-exist;`) is left unresolved.
      if (!target && binding.val.k !== 'ref' && binding.val.k !== 'sel') target = { file: binding.file, span: binding.span };
      if (target && !target.binding) target = { ...target, binding };
    } finally {
      this.stack.delete(binding);
      const low = this.low;
      this.low = Math.min(outerLow, low);
      for (const done of this.provisionalByHead[depth] ?? []) this.provisional.delete(done);
      this.provisionalByHead[depth] = [];
      if (low >= depth) this.memo.set(binding, target ?? null);
      else {
        this.provisional.set(binding, { target: target ?? null, head: low });
        (this.provisionalByHead[low] ??= []).push(binding);
      }
    }
    return target;
  }

  /** Resolves a value seen from a scope; `self` is the binding being resolved (never its own definition). */
  resolveVal(val: Val, scope: Scope, self?: Binding): Target | undefined {
    switch (val.k) {
      case 'call':
      case 'path': {
        if (val.target === undefined) return undefined;
        return this.fileTarget(val.target);
      }
      case 'ref': {
        let target = this.resolveName(val.path[0]!, scope, self);
        for (const name of val.path.slice(1)) target = target && this.select(target, name);
        return target;
      }
      case 'sel': {
        let target = this.resolveVal(val.of, scope, self);
        for (const name of val.path) target = target && this.select(target, name);
        return target;
      }
      case 'set':
        return { file: scope.file, span: val.span, set: val, parents: scope.set ? [...scope.parents, scope.set] : scope.parents };
      case 'inline':
        return { file: scope.file, span: val.drv.span };
      case 'dir':
        return { file: scope.file, span: val.span, dir: val.dir };
      default:
        return undefined;
    }
  }

  /** The target of a file called or imported by path. */
  fileTarget(target: string): Target {
    const file = this.index.resolveFile(target);
    if (!file) return { file: target, span: ZERO_SPAN, missing: true };
    const facts = this.index.files.get(file)!;
    if (facts.value.k === 'set' && !facts.drv) return { file, span: ZERO_SPAN, set: facts.value, parents: [], whole: true };
    return { file, span: facts.drv?.span ?? ZERO_SPAN, whole: true };
  }

  /** Selects a member of a resolved value (`pythonInterpreters.python311`, `lib.strings.foo`). */
  select(target: Target, name: string, restDepth = 0): Target | undefined {
    if (target.global) return this.lookupGlobal(name);
    const member = this.memberOfFile?.(target.file, name);
    if (member) return member;
    if (target.set) {
      const binding = this.index.bindingIn(target.set, name);
      if (binding) return this.resolveBinding(binding);
      const attr = target.set.attrs.find((a) => a.name === name);
      const scope: Scope = { file: target.file, set: target.set, parents: target.parents ?? [] };
      if (attr) return this.resolveVal(attr.val, scope) ?? { file: target.file, span: attr.span };
      // `versions // { lts = …; }`: what the set does not list comes from the left side.
      // A chain of such merges is short; one that leads back to itself (`sdk = super.sdk // { … }`) is cut.
      if (!target.set.rest || restDepth >= MAX_REST_DEPTH) return undefined;
      const rest = this.resolveVal(target.set.rest, scope);
      return rest ? this.select(rest, name, restDepth + 1) : undefined;
    }
    if (target.dir !== undefined) {
      const base = target.dir === '' ? name : `${target.dir}/${name}`;
      for (const candidate of [`${base}/package.nix`, `${base}.nix`]) {
        if (this.index.files.has(candidate)) return this.fileTarget(candidate);
      }
      const prefix = `${base}/`;
      for (const file of this.index.files.keys()) {
        if (file.startsWith(prefix)) return { file: target.file, span: target.span, dir: base };
      }
    }
    return undefined;
  }

  /** The domain's `lib` set (lib/default.nix), if it has one. */
  libRoot(): Target | undefined {
    const facts = this.index.files.get('lib/default.nix');
    if (!facts || facts.value.k !== 'set') return undefined;
    return { file: facts.path, span: ZERO_SPAN, set: facts.value, parents: [] };
  }
}

function isLibFile(file: string): boolean {
  return file.startsWith('lib/');
}

/** Preference among bindings of the same name: top-level package sets first. */
function rankOf(binding: Binding, index: DomainIndex): number {
  const topLevel = binding.pathInFile.length === 1;
  if (topLevel && (binding.file.includes('top-level/') || index.groupFiles.has(binding.file))) return 0;
  if (topLevel && index.callersOf(binding.file).length === 0) return 1;
  return topLevel ? 2 : 3;
}
