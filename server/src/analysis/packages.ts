import type { Binding, DomainIndex } from './domainIndex';
import type { DrvFacts, Formal } from './facts';
import type { Resolver, Target } from './resolve';
import type { Span } from './syntax';

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
}

/** An input of a package: one formal of its function, and what it resolves to. */
export interface PackageInput { formal: Formal; target?: Target }

/** A name occurrence that may stand for a package: an input (formal) or a reference in a package set. */
interface Occurrence {
  file: string;
  span: Span;
  resolve: () => Target | undefined;
  /** What it resolves to, once asked (null: nothing). */
  key?: string | null;
  /** The span now: edits that keep the structure move lines without rebuilding this map. */
  current?: () => Span | undefined;
}

/**
 * The identity of a definition. A file called by several bindings with different arguments
 * (`python311` and `python312` from one `cpython/`) builds several packages: the calling
 * binding tells them apart.
 */
export function targetKey(target: Target): string {
  const b = target.binding;
  if (b && (b.val.k === 'call' || b.val.k === 'inline' || (b.val.k === 'set' && (b.val.also || b.val.argOf)))) return `${b.file}#${b.pathInFile.join('.')}`;
  // A whole file is keyed by its path alone, so the key survives edits that move its lines.
  return target.whole ? target.file : `${target.file}@${target.span[0]}:${target.span[1]}`;
}

/** Everything derived from the whole index at once, rebuilt lazily when the index changes. */
export class PackageCatalog {
  private generation = -1;
  private packages: Package[] = [];
  private byKey = new Map<string, Package>();
  private dependants?: Map<string, Package[]>;
  private occurrences?: Map<string, Occurrence[]>;
  private prefixes = new Map<string, string[]>();
  private namesByKey?: Map<string, Set<string>>;
  private readonly memos = new Map<string, unknown>();

  constructor(readonly index: DomainIndex, readonly resolver: Resolver) {}

  private fresh(): void {
    // Only a change of structure invalidates: ordinary typing keeps the whole-domain caches.
    if (this.generation === this.index.structureGeneration) return;
    this.generation = this.index.structureGeneration;
    this.namesByKey = undefined;
    this.memos.clear();
    this.dependants = undefined;
    this.occurrences = undefined;
    this.prefixes = new Map();
    this.collect();
  }

  /** Every package of the domain, one per definition. */
  all(): readonly Package[] {
    this.fresh();
    return this.packages;
  }

  /** Every name a package is known by in its set (its attribute path, its name, aliases that lead to it). */
  namesOf(pkg: Package): string[] {
    this.fresh();
    return [...new Set([pkg.attrPath, pkg.name, ...(this.nameMap().get(targetKey(pkg.target)) ?? [])])];
  }

  /** A value derived from the whole domain, computed once per structure of the index. */
  memo<T>(key: string, compute: () => T): T {
    this.fresh();
    if (!this.memos.has(key)) this.memos.set(key, compute());
    return this.memos.get(key) as T;
  }

  /** The packages built by a file. */
  packagesInFile(file: string): Package[] {
    this.fresh();
    return this.packages.filter((p) => p.target.file === file);
  }

  /** The package a resolved target defines, if it is one. */
  packageAt(target: Target): Package | undefined {
    this.fresh();
    return this.byKey.get(targetKey(target));
  }

  private collect(): void {
    const packages: Package[] = [];
    const byKey = new Map<string, Package>();
    const add = (pkg: Package) => {
      const key = targetKey(pkg.target);
      const existing = byKey.get(key);
      // One entry per definition; the shortest attribute path names it.
      if (existing && existing.attrPath.length <= pkg.attrPath.length) return;
      if (existing) packages.splice(packages.indexOf(existing), 1, pkg);
      else packages.push(pkg);
      byKey.set(key, pkg);
    };
    for (const binding of this.index.allBindings()) {
      // `x = drv // { … }` is a package when the update decorates one (see Resolver.decoratedPackage).
      if (binding.val.k !== 'call' && binding.val.k !== 'inline' && !(binding.val.k === 'set' && (binding.val.also || binding.val.argOf))) continue;
      const target = this.resolver.resolveBinding(binding);
      if (!target || target.missing || target.set || target.dir !== undefined) continue;
      const attrPath = [...this.prefixOf(binding.file), ...binding.pathInFile].join('.');
      add({
        attrPath, name: binding.name, declFile: binding.file, declSpan: binding.span, target, binding,
        ...this.drvOf(target, binding),
      });
    }
    for (const pkg of this.index.byNameByName.values()) {
      const target = this.resolver.fileTarget(pkg.file);
      add({ attrPath: pkg.name, name: pkg.name, declFile: pkg.file, declSpan: [0, 0, 0, 0], target, ...this.drvOf(target) });
    }
    this.packages = packages;
    this.byKey = byKey;
  }

  private drvOf(target: Target, binding?: Binding): { drv?: DrvFacts } {
    if (binding?.val.k === 'inline') return { drv: binding.val.drv };
    const drv = this.index.files.get(target.file)?.drv;
    return drv ? { drv } : {};
  }

  /** The attribute path under which a package-set file's bindings appear (`python3Packages` for python-packages.nix). */
  prefixOf(file: string, seen = new Set<string>()): string[] {
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
    if (pkg.binding?.val.k === 'inline') return [];
    const formals = this.index.files.get(pkg.target.file)?.formals ?? [];
    return formals.map((formal) => {
      const target = this.resolver.resolveInput(pkg.target.file, formal.name, pkg.binding);
      return target ? { formal, target } : { formal };
    });
  }

  /** The packages that take this one as a direct input. */
  dependantsOf(pkg: Package): Package[] {
    this.fresh();
    if (!this.dependants) {
      const map = new Map<string, Package[]>();
      for (const p of this.packages) {
        for (const input of this.inputsOf(p)) {
          if (!input.target) continue;
          const key = targetKey(input.target);
          const list = map.get(key);
          if (!list) map.set(key, [p]);
          else if (list[list.length - 1] !== p) list.push(p);
        }
      }
      this.dependants = map;
    }
    return this.dependants.get(targetKey(pkg.target)) ?? [];
  }

  /** Places that name a definition: inputs (formals) and references in package sets (overrides, aliases, inherits). */
  referencesTo(target: Target): { file: string; span: Span }[] {
    this.fresh();
    const key = targetKey(target);
    const names = new Set(this.nameMap().get(key) ?? []);
    for (const pkg of this.index.byNameByName.values()) if (pkg.file === target.file) names.add(pkg.name);
    const out: { file: string; span: Span }[] = [];
    const occurrences = this.occurrenceMap();
    for (const name of names) {
      for (const occurrence of occurrences.get(name) ?? []) {
        // Resolution depends only on the structure, which these occurrences were built from.
        if (occurrence.key === undefined) {
          const t = occurrence.resolve();
          occurrence.key = t ? targetKey(t) : null;
        }
        if (occurrence.key === key) out.push({ file: occurrence.file, span: occurrence.current?.() ?? occurrence.span });
      }
    }
    return out;
  }

  /** Every name a definition is known by (its bindings and aliases), by definition key. */
  private nameMap(): Map<string, Set<string>> {
    if (this.namesByKey) return this.namesByKey;
    const map = new Map<string, Set<string>>();
    for (const binding of this.index.allBindings()) {
      const t = this.resolver.resolveBinding(binding);
      if (!t) continue;
      const key = targetKey(t);
      let names = map.get(key);
      if (!names) map.set(key, (names = new Set()));
      names.add(binding.name);
    }
    this.namesByKey = map;
    return map;
  }

  private occurrenceMap(): Map<string, Occurrence[]> {
    if (this.occurrences) return this.occurrences;
    const map = new Map<string, Occurrence[]>();
    const add = (name: string, occurrence: Occurrence) => {
      const list = map.get(name);
      if (list) list.push(occurrence);
      else map.set(name, [occurrence]);
    };
    for (const facts of this.index.files.values()) {
      (facts.formals ?? []).forEach((formal, i) => {
        add(formal.name, {
          file: facts.path, span: formal.span, resolve: () => this.resolver.resolveInput(facts.path, formal.name),
          current: () => {
            const now = this.index.files.get(facts.path)?.formals?.[i];
            return now?.name === formal.name ? now.span : undefined;
          },
        });
      });
    }
    for (const binding of this.index.allBindings()) {
      const scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
      const vals = binding.val.k === 'call' ? [binding.val, ...binding.val.args.map((a) => a.val)] : [binding.val];
      for (const val of vals) {
        if (val.k !== 'ref') continue;
        const occurrence = { file: binding.file, span: val.span, resolve: () => this.resolver.resolveVal(val, scope, binding) };
        add(val.path[0]!, occurrence);
        if (val.path.length > 1) add(val.path[val.path.length - 1]!, occurrence);
      }
    }
    this.occurrences = map;
    return map;
  }
}
