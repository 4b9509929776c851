// The domain's packages, one per definition, and what is derived from all of them at once:
// inputs, dependants, the names a definition is known by, references (PackageCatalog).
import type { Binding, DomainIndex } from './domainIndex';
import type { DrvFacts, Formal, Val } from './facts';
import type { Resolver, Target } from './resolve';
import type { Place, Span } from './syntax';
import { finishSteps, SteppedValue, type Budget, type Steps } from './budget';
import { KeptPlaces, Occurrences, type KeyOf, type Occurrence } from './occurrences';
import { overOthers, setMembers } from './setMembers';
import { calledFormals } from './calledFormals';

/** A package of the domain: an attribute path and the file (and place) that builds it. */
export interface Package {
  attrPath: string;
  name: string;
  /** Where the attribute is declared (the binding, or the by-name file). */
  declFile: string;
  declSpan: Span;
  target: Target;
  drv?: DrvFacts;
  binding?: Binding;
  /** Other attribute paths that name the same definition (`nodejs.lts` for `nodejs.v20`). */
  aliases?: string[];
}

/**
 * Whether a binding's value makes a package: a call of a file, a derivation written in place, a
 * member selected from a call (`inherit (callPackage ./all.nix { }) gcc13;`), or
 * `x = drv // { … }` when the update decorates one (see Resolver.decoratedPackage).
 */
function makesPackage(val: Val): boolean {
  return (
    val.k === 'call' ||
    val.k === 'inline' ||
    (val.k === 'set' && (val.also !== undefined || val.argOf !== undefined)) ||
    (val.k === 'sel' && val.of.k === 'call')
  );
}

/** An input of a package: one formal of its function, and what it resolves to. */
export interface PackageInput {
  formal: Formal;
  target?: Target;
}

/**
 * The identity of a definition. A file called by several bindings with different arguments
 * (`python311` and `python312` from one `cpython/`) builds several packages: the calling
 * binding tells them apart.
 */
export function targetKey(target: Target): string {
  const b = target.binding;
  if (b && makesPackage(b.val)) return `${b.file}#${b.pathInFile.join('.')}`;
  // A whole file is keyed by its path alone, so the key survives edits that move its lines.
  return target.whole ? target.file : `${target.file}@${target.span[0]}:${target.span[1]}`;
}

/** The whole-domain maps a request may need ready before it runs (see `PackageCatalog.prepare`). */
export type CatalogPart = 'packages' | 'dependants' | 'names' | 'occurrences';

/**
 * Everything derived from the whole index at once, rebuilt lazily when the index's structure
 * changes. Each map is computed in steps: asked for synchronously it is finished at once (the CLI),
 * prepared for a request it is built in slices that let other requests through.
 */
export class PackageCatalog {
  private generation = -1;
  private packagesValue!: SteppedValue<{ packages: Package[]; byKey: Map<string, Package> }>;
  private dependantsValue!: SteppedValue<Map<string, number>>;
  private namesValue!: SteppedValue<Map<string, Set<string>>>;
  private occurrencesValue!: SteppedValue<Occurrences>;
  private prefixes = new Map<string, string[]>();
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly index: DomainIndex,
    readonly resolver: Resolver,
  ) {}

  private fresh(): void {
    // Only a change of structure invalidates: ordinary typing keeps the whole-domain caches.
    if (this.generation === this.index.structureGeneration) return;
    this.generation = this.index.structureGeneration;
    this.memos.clear();
    this.prefixes = new Map();
    const stale = (
      (generation) => () =>
        generation !== this.index.structureGeneration
    )(this.generation);
    this.packagesValue = new SteppedValue(() => this.collect(), stale);
    this.dependantsValue = new SteppedValue(() => this.collectDependants(), stale);
    this.namesValue = new SteppedValue(() => this.collectNames(), stale);
    this.occurrencesValue = new SteppedValue(() => Occurrences.collect(this.index), stale);
  }

  /**
   * Builds the maps a request needs within its budget, in slices; true when they are ready (the
   * request then runs without building anything), false when the budget stopped first.
   */
  async prepare(budget: Budget, parts: readonly CatalogPart[] = ['packages']): Promise<boolean> {
    for (;;) {
      this.fresh();
      const generation = this.generation;
      let ready = true;
      for (const part of parts) {
        if (!(await this.part(part).prepare(budget))) {
          ready = false;
          break;
        }
      }
      if (generation !== this.index.structureGeneration) continue;
      return ready;
    }
  }

  /** Whether a map is built for the current structure (never while the index is partial). */
  isReady(part: CatalogPart): boolean {
    if (this.index.reading) return false;
    this.fresh();
    return this.part(part).ready;
  }

  private part(part: CatalogPart): SteppedValue<unknown> {
    switch (part) {
      case 'packages':
        return this.packagesValue;
      case 'dependants':
        return this.dependantsValue;
      case 'names':
        return this.namesValue;
      case 'occurrences':
        return this.occurrencesValue;
    }
  }

  /** Every package of the domain, one per definition. */
  all(): readonly Package[] {
    this.fresh();
    return this.packagesValue.get().packages;
  }

  /** Every name a package is known by in its set (its attribute path, its name, aliases that lead to it). */
  namesOf(pkg: Package): string[] {
    this.fresh();
    return [...new Set([pkg.attrPath, pkg.name, ...(this.namesValue.get().get(targetKey(pkg.target)) ?? [])])];
  }

  /** A value derived from the whole domain, computed once per structure of the index. */
  memo<T>(key: string, compute: () => T): T {
    this.fresh();
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** The packages built by a file. */
  packagesInFile(file: string): Package[] {
    if (this.index.reading) {
      // From the partial index: the file's by-name package, or what the bindings that call it define.
      const whole = this.resolver.fileTarget(file);
      const callers = this.index.callersOf(file).filter((b) => b.val.k === 'call');
      const targets = callers.length > 0 ? callers.map((binding) => ({ ...whole, binding })) : [whole];
      return targets.flatMap((t) => this.packageFor(t) ?? []);
    }
    return this.all().filter((p) => p.target.file === file);
  }

  /** The package a resolved target defines, if it is one. */
  packageAt(target: Target): Package | undefined {
    if (this.index.reading) return this.packageFor(target);
    this.fresh();
    return this.packagesValue.get().byKey.get(targetKey(target));
  }

  /** The package a binding defines, named by its attribute path. */
  private boundPackage(binding: Binding, target: Target): Package {
    const attrPath = [...this.prefixOf(binding.file), ...binding.pathInFile].join('.');
    return {
      attrPath,
      name: binding.name,
      declFile: binding.file,
      declSpan: binding.span,
      target,
      binding,
      ...this.drvOf(target, binding),
    };
  }

  /**
   * The package a target defines, from that target alone: what a request answered from the
   * partial index sees, before the catalog can be built. The definition is the one the catalog
   * finds (a calling binding, or a by-name folder); a package known by several attribute paths
   * may be named by another of them, and members of folder sets are not told.
   */
  private packageFor(target: Target): Package | undefined {
    if (target.missing || target.set || target.dir !== undefined) return undefined;
    const binding = target.binding;
    if (binding && (binding.val.k === 'call' || binding.val.k === 'inline')) return this.boundPackage(binding, target);
    const byName = target.whole ? this.index.byNameAt(target.file) : undefined;
    if (!byName) return undefined;
    return { attrPath: byName.name, name: byName.name, declFile: target.file, declSpan: [0, 0, 0, 0], target, ...this.drvOf(target) };
  }

  private *collect(): Steps<{ packages: Package[]; byKey: Map<string, Package> }> {
    const packages: Package[] = [];
    const byKey = new Map<string, Package>();
    const add = (pkg: Package) => {
      const key = targetKey(pkg.target);
      const existing = byKey.get(key);
      // One entry per definition; the shortest attribute path names it, the others are its aliases.
      // A binding that makes it is kept over a member of a set that only names it (`stable =
      // addFallbackPathsCheck self.nix_2_18` in an extensible set): the binding has its inputs.
      if (existing && (existing.attrPath.length <= pkg.attrPath.length || (existing.binding && !pkg.binding))) {
        if (existing.attrPath !== pkg.attrPath) (existing.aliases ??= []).push(pkg.attrPath);
        return;
      }
      if (existing) {
        pkg.aliases = [existing.attrPath, ...(existing.aliases ?? [])];
        packages.splice(packages.indexOf(existing), 1, pkg);
      } else packages.push(pkg);
      byKey.set(key, pkg);
    };
    const aliases: Binding[] = [];
    const decorated: [Binding, Target][] = [];
    for (const binding of this.index.allBindings()) {
      // A top-level alias or variant (`openssl = openssl_3;`, `curl = curlMinimal.override { … };`)
      // is a name of the package it leads to (below, once every package is known).
      if (binding.val.k === 'ref' && binding.pathInFile.length === 1 && this.index.isTopLevelFile(binding.file)) aliases.push(binding);
      if (!makesPackage(binding.val)) continue;
      const target = this.resolver.resolveBinding(binding);
      yield;
      if (!target || target.missing || target.set || target.dir !== undefined) continue;
      // `inherit (callPackage ./all.nix { }) gcc13;` is a package of its own only where the file
      // makes it at evaluation (a member the index sees is that member's package).
      if (binding.val.k === 'sel' && (target.binding !== binding || !target.whole)) continue;
      // `stable = addFallbackPathsCheck self.nix_2_18`: a package named by reference and decorated
      // with tests is another name of it, which keeps its own binding (and inputs).
      if (target.decoratedAt) decorated.push([binding, target]);
      else add(this.boundPackage(binding, target));
    }
    for (const [binding, target] of decorated) {
      const pkg = this.boundPackage(binding, target);
      const existing = byKey.get(targetKey(target));
      if (!existing) add(pkg);
      else if (existing.attrPath !== pkg.attrPath && !existing.aliases?.includes(pkg.attrPath))
        (existing.aliases ??= []).push(pkg.attrPath);
    }
    for (const pkg of this.index.byNameByName.values()) {
      const target = this.resolver.fileTarget(pkg.file);
      add({ attrPath: pkg.name, name: pkg.name, declFile: pkg.file, declSpan: [0, 0, 0, 0], target, ...this.drvOf(target) });
    }
    // Sets whose members are not bindings: a folder of packagesFromDirectoryRecursive, a set over one (`versions // { … }`).
    for (const binding of this.index.allBindings()) {
      if (binding.val.k !== 'call' && binding.val.k !== 'dir') continue;
      const target = this.resolver.resolveBinding(binding);
      if (!target || !(target.dir !== undefined || overOthers(target.set).length > 0)) continue;
      const prefix = [...this.prefixOf(binding.file), ...binding.pathInFile].join('.');
      for (const member of setMembers(this.index, this.resolver, target, prefix)) add({ ...member, ...this.drvOf(member.target) });
      yield;
    }
    // Top-level aliases and variants of a package found above (`openssl = openssl_3;`,
    // `curl = curlMinimal.override { … };`) are names of it (the package keeps the name of the
    // binding that makes it, and its inputs: an alias passes none of its own).
    for (const binding of aliases) {
      const target = this.resolver.resolveBinding(binding);
      yield;
      const pkg = target && !target.missing && byKey.get(targetKey(target));
      if (pkg && pkg.attrPath !== binding.name && !pkg.aliases?.includes(binding.name)) (pkg.aliases ??= []).push(binding.name);
    }
    return { packages, byKey };
  }

  private drvOf(target: Target, binding?: Binding): { drv?: DrvFacts } {
    if (binding?.val.k === 'inline') return { drv: binding.val.drv };
    const drv = this.index.files.get(target.file)?.drv;
    return drv ? { drv } : {};
  }

  /** The attribute path under which a package-set file's bindings appear (`python3Packages` for python-packages.nix). */
  prefixOf(file: string, seen = new Set<string>()): string[] {
    this.fresh();
    const cached = this.prefixes.get(file);
    if (cached) return cached;
    let prefix: string[] = [];
    const caller = this.index.groupFiles.has(file) ? undefined : this.index.callersOf(file)[0];
    if (caller && !seen.has(file)) {
      seen.add(file);
      prefix = [...this.prefixOf(caller.file, seen), ...caller.pathInFile];
    }
    this.prefixes.set(file, prefix);
    return prefix;
  }

  /** The inputs of a package: the formals of the function its file evaluates to, resolved. */
  inputsOf(pkg: Package): PackageInput[] {
    const facts = this.index.files.get(pkg.target.file);
    // A derivation written in place in a package set takes no formals; one that a package file
    // returns among others (`fmt_10 = generic { … };`, the file called by `callPackages ./. { }`)
    // takes the file's.
    if (
      pkg.binding?.val.k === 'inline' &&
      !(pkg.binding.file === pkg.target.file && facts?.formals && !this.index.isTopLevelFile(pkg.target.file))
    )
      return [];
    // What callPackage fills (calledFormals.ts): a function written in place has the formals (not the entries
    // for sets it only selects members from, which have no span), a file applied to arguments its inner function's.
    const formals = calledFormals(this.index, pkg)?.filter((f) => f.span.some((n) => n !== 0));
    const inputs = (formals ?? []).map((formal): PackageInput => {
      const target = this.resolver.resolveInput(pkg.target.file, formal.name, pkg.binding);
      return target ? { formal, target } : { formal };
    });
    return inputs.concat(this.builderInputs(pkg, formals ?? []));
  }

  /**
   * What callPackage fills in for the builder a package file hands its package to (`callPackage
   * ./generic.nix { … }`), or whose derivation it overrides (glibc: `(callPackage ./common.nix
   * { … } { … }).overrideAttrs (…)`): the builder's formals neither `own` nor the call pass. Not
   * for a member of what a file makes at evaluation (`gcc13` of all.nix): its arguments are out of sight.
   */
  builderInputs(pkg: Package, own: readonly Formal[]): PackageInput[] {
    const facts = this.index.files.get(pkg.target.file);
    const value = facts?.value.k === 'inline' ? facts.value.over : facts?.value;
    if (value?.k !== 'call' || value.kind !== 'callPackage' || pkg.binding?.val.k === 'sel' || value.target === undefined) return [];
    const builder = this.index.resolveFile(value.target);
    const formals = builder === undefined ? undefined : this.index.files.get(builder)?.formals;
    if (!formals) return []; // asked for every package's inputs: no set of names made without a builder
    const given = new Set([...own.map((f) => f.name), ...value.args.map((a) => a.name)]);
    return formals
      .filter((formal) => !given.has(formal.name))
      .map((formal) => {
        const target = this.resolver.resolveInput(builder!, formal.name);
        return target ? { formal, target } : { formal };
      });
  }

  /** How many packages take this one as a direct input. */
  dependantCount(pkg: Package): number {
    this.fresh();
    return this.dependantsValue.get().get(targetKey(pkg.target)) ?? 0;
  }

  /** How many packages take each definition as a direct input, by key: only the count is shown (lists held 8 MB on 40,000 files). */
  private *collectDependants(): Steps<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const p of this.all()) {
      const keys = new Set<string>();
      for (const input of this.inputsOf(p)) if (input.target) keys.add(targetKey(input.target));
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      yield;
    }
    return counts;
  }

  /** Places that name a definition: inputs (formals) and references in package sets (overrides, aliases, inherits). */
  referencesTo(target: Target): Place[] {
    return finishSteps(this.referencesSteps(target, []));
  }

  /** The steps of `referencesTo`, adding each place to `out` as found: a request cut short answers with those. */
  *referencesSteps(target: Target, out: Place[]): Steps<Place[]> {
    this.fresh();
    const key = targetKey(target);
    const names = new Set(this.namesValue.get().get(key) ?? []);
    const byName = this.index.byNameAt(target.file);
    if (byName) names.add(byName.name);
    const find = function* (occurrences: Occurrences, keyOf: KeyOf) {
      for (const name of names) yield* occurrences.placesSteps(name, key, keyOf, out);
    };
    return yield* this.kept.steps(key, this.index.generation, out, () => find(this.occurrencesValue.get(), this.keyOf));
  }

  /**
   * The places that take a name nothing in this domain defines (a package of another domain): inputs
   * and references of that name that resolve to nothing here. Adds them to `out` as found. Kept under
   * a key that is no file path, so it meets no definition's.
   */
  *unresolvedSteps(name: string, out: Place[]): Steps<Place[]> {
    this.fresh();
    const find = () => this.occurrencesValue.get().placesSteps(name, null, this.keyOf, out);
    return yield* this.kept.steps(`\0${name}`, this.index.generation, out, find);
  }

  private readonly kept = new KeptPlaces();

  /** What an occurrence resolves to, as a definition key; resolution depends only on the structure the occurrences were collected from. */
  private readonly keyOf = (occurrence: Occurrence): string | null => {
    let target: Target | undefined;
    if ('binding' in occurrence) {
      const { binding } = occurrence;
      target = this.resolver.resolveVal(occurrence.val, { file: binding.file, set: binding.set, parents: binding.parentSets }, binding);
    } else {
      const formal = this.index.files.get(occurrence.file)?.formals?.[occurrence.formal];
      target = formal && this.resolver.resolveInput(occurrence.file, formal.name);
    }
    return target ? targetKey(target) : null;
  };

  /** Every name a definition is known by (its bindings and aliases), by definition key. */
  private *collectNames(): Steps<Map<string, Set<string>>> {
    const map = new Map<string, Set<string>>();
    for (const binding of this.index.allBindings()) {
      const t = this.resolver.resolveBinding(binding);
      yield;
      if (!t) continue;
      const key = targetKey(t);
      let names = map.get(key);
      if (!names) map.set(key, (names = new Set()));
      names.add(binding.name);
    }
    return map;
  }
}
