// The domain's dependency graph, built from the package catalog once per index structure generation and
// shared by everything that walks it (waves, rebuild impact): on a 20,000-package domain the
// build resolves every input of every package, which costs far more than any walk over it.
import type { Analyzer } from './analyzer';
import { everyNth, perStructure, type SteppedValue, type Budget, type Steps } from './budget';
import type { Binding } from './domainIndex';
import { callOf, type Attr, type Formal } from './facts';
import { builderFormals, formalsUnder, wrapperFormals, fromStaticSet, STATIC_PLATFORM } from './flaggedFormals';
import type { Package } from './packages';
import type { Target } from './resolve';
import { DependencyGraph } from './waves/graph';
import { PROVIDED_NAMES } from './features/diagnostics';
import { helperInputs, libcInputs, listedTargets, memberInputs, namedInputs, overlayReplaced, type UsedInput } from './inputSources';

/** The graph of one index structure generation, with the package behind each node index. */
export interface DomainGraph {
  graph: DependencyGraph;
  /** The package at each node index. */
  packages: readonly Package[];
  generation: number;
  /**
   * Edges to a package given as a variant (`xmlto = callPackage ./. { w3m = w3m-batch; }`), keyed
   * `from * size + to`: the variant, whose flags decide which of the package's inputs it is built with.
   */
  variantEdges: ReadonlyMap<number, Binding>;
}

/**
 * Which inputs make an edge: all of them (what a package takes, for waves), or only those its
 * derivation is built with (for rebuilds: not tests, passthru, meta, or a flag left off).
 */
export type EdgeKind = 'inputs' | 'built';

/** The graph id of a package: `domain:attrPath`. */
export function packageId(domain: string, pkg: Package): string {
  return `${domain}:${pkg.attrPath}`;
}

/** The bare attribute name the manifest uses for a graph id (`core:python3Packages.numpy` → `numpy`). */
function stepAttrOf(id: string): string {
  return id.slice(id.lastIndexOf('.') + 1).replace(/^[^:]*:/, '');
}

/** The dependency graph of the analyzer's current index (an edge runs from a package to each input that is a package). */
export function domainGraph(analyzer: Analyzer, edges: EdgeKind = 'inputs'): DomainGraph {
  return graphValue(analyzer, edges).get();
}

/** Builds both graphs (and the catalog under them) in slices within a budget; true once they are ready. */
export async function prepareDomainGraph(analyzer: Analyzer, budget: Budget): Promise<boolean> {
  for (;;) {
    if (!(await analyzer.catalog.prepare(budget, ['packages']))) return false;
    if ((await graphValue(analyzer, 'inputs').prepare(budget)) && (await graphValue(analyzer, 'built').prepare(budget))) return true;
    if (budget.stopped) return false;
  }
}

// The structure generation moves only when names, calls or formals change, not on every keystroke.
const graphValues: Record<EdgeKind, (analyzer: Analyzer) => SteppedValue<DomainGraph>> = {
  inputs: perStructure((analyzer: Analyzer, generation) => buildGraph(analyzer, generation, 'inputs')),
  built: perStructure((analyzer: Analyzer, generation) => buildGraph(analyzer, generation, 'built')),
};

function graphValue(analyzer: Analyzer, edges: EdgeKind): SteppedValue<DomainGraph> {
  return graphValues[edges](analyzer);
}

/**
 * The files the top-level package set reaches: its own files (`pkgs/top-level/`, package groups),
 * the by-name packages, and what they call or import, transitively. A package bound in a file
 * nothing reaches (stdenv's `make-bootstrap-tools.nix` binds `build`) is no attribute of the set.
 */
function* reachedFilesSteps(analyzer: Analyzer): Steps<ReadonlySet<string>> {
  const { index } = analyzer;
  // A turn of the event loop every few thousand links or files: 40,000 files took a fifth of a second in one piece.
  const due = everyNth();
  const next = new Map<string, string[]>();
  const link = (from: string, target: string) => {
    const file = index.resolveFile(target);
    if (file === undefined) return;
    const list = next.get(from);
    if (list) list.push(file);
    else next.set(from, [file]);
  };
  for (const [target, callers] of index.callersByTarget) {
    for (const caller of callers) link(caller.file, target);
    if (due()) yield;
  }
  const queue: string[] = [];
  for (const [file, facts] of index.files) {
    for (const target of facts.imports ?? []) link(file, target);
    if (index.isTopLevelFile(file)) queue.push(file);
    if (due()) yield;
  }
  for (const byName of index.byNameByName.values()) queue.push(byName.file);
  const reached = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    for (const file of next.get(queue[i]!) ?? []) {
      if (reached.has(file)) continue;
      reached.add(file);
      queue.push(file);
    }
    if (due()) yield;
  }
  return reached;
}

/** Per analyzer, the files the package set reaches in one structure generation: found once for both graphs. */
const reachedFiles = perStructure((analyzer: Analyzer) => reachedFilesSteps(analyzer));

function* buildGraph(analyzer: Analyzer, generation: number, edges: EdgeKind): Steps<DomainGraph> {
  const { catalog } = analyzer;
  const domain = analyzer.index.domain;
  // Two definitions may share an attribute path (python's `build` module, and `build` in stdenv's
  // make-bootstrap-tools.nix, which nothing reaches): the node is the one the set reaches.
  const reached = yield* reachedFiles(analyzer).within();
  const isReached = (pkg: Package) => reached.has(pkg.binding?.file ?? pkg.target.file);
  const all = catalog.all().filter(isReached);
  yield;
  all.push(...catalog.all().filter((pkg) => !isReached(pkg)));
  const deps = new Map<string, string[]>();
  const viaVariant: [string, string, Binding][] = [];
  for (const pkg of all) {
    const inputs: string[] = [];
    const id = packageId(domain, pkg);
    if (deps.has(id) && !isReached(pkg)) continue;
    // Per input package, the variant it is given as, or null when it is also given plainly.
    const given = new Map<string, Binding | null>();
    for (const input of usedInputs(analyzer, pkg, edges)) {
      const dep = catalog.packageAt(input.target);
      if (!dep || dep === pkg) continue;
      const depId = packageId(domain, dep);
      inputs.push(depId);
      const via = edges === 'built' ? input.via : undefined;
      given.set(depId, via && given.get(depId) !== null ? via : null);
    }
    for (const [depId, via] of given) if (via) viaVariant.push([id, depId, via]);
    deps.set(id, inputs);
    yield;
  }
  // Both graphs have the same nodes: the second one built shares the first one's id tables.
  const other = graphValue(analyzer, edges === 'built' ? 'inputs' : 'built');
  const sameNodesAs = analyzer.index.structureGeneration === generation && other.ready ? other.get().graph : undefined;
  const graph = yield* DependencyGraph.fromDependenciesSteps(deps, { attrOf: stepAttrOf, ...(sameNodesAs ? { sameNodesAs } : {}) });
  const variantEdges = new Map<number, Binding>();
  for (const [from, to, via] of viaVariant) variantEdges.set(graph.indexOf(from) * graph.size + graph.indexOf(to), via);
  // Two definitions may share an attribute path (a by-name folder and a binding): the first names the node.
  const packages: Package[] = new Array<Package>(graph.size);
  const due = everyNth();
  for (let i = 0; i < all.length; i++) {
    packages[graph.indexOf(packageId(domain, all[i]!))] ??= all[i]!;
    if (due()) yield;
  }
  return { graph, packages, generation, variantEdges };
}

/** The node of the package a target defines, or -1 when it is none (or not in the graph). */
export function nodeOfTarget(analyzer: Analyzer, domainGraph: DomainGraph, target: Target): number {
  const pkg = analyzer.catalog.packageAt(target);
  return pkg ? domainGraph.graph.indexOf(packageId(analyzer.index.domain, pkg)) : -1;
}

/**
 * Which inputs count as sure: none asked (false: every input that may be built with), those the
 * derivation is surely built with ('built'), or also those it surely evaluates ('evaluated': what
 * makes it fail when they cannot be evaluated).
 */
export type Sureness = false | 'built' | 'evaluated';

export type { UsedInput } from './inputSources';

/**
 * What a package's inputs resolve to, each with how the derivation uses it (the formal's `use`;
 * undefined: built with). A file called by several bindings with different arguments (`sqlite` and
 * `sqlite-zlib-ng = callPackage ../sqlite { zlib = zlib-ng; }`) gets each binding's own arguments,
 * where the catalog's `inputsOf` looks at the file's first caller.
 */
export function usedInputs(
  analyzer: Analyzer,
  pkg: Package,
  edges: EdgeKind = 'inputs',
  sure: Sureness = false,
  variant?: Binding,
): UsedInput[] {
  const { catalog, resolver } = analyzer;
  const binding = pkg.binding;
  const call = binding && callOf(binding.val);
  const strict = sure !== false;
  // A variant (`cmakeCurses = cmake.override { uiToolkits = [ "ncurses" ]; }`): its arguments come
  // first, and the flags among them decide how the file uses its inputs.
  const overrides = variant ? variantArgs(analyzer, variant) : [];
  const variantScope = variant && { file: variant.file, set: variant.set, parents: variant.parentSets };
  const overridden = (name: string) => overrides.find((a) => a.name === name);
  const formals = variant ? variantFormals(analyzer, pkg, variant) : formalsUnder(analyzer, pkg, call?.args ?? []);
  const useOf = new Map((formals ?? []).map((f) => [f.name, f]));
  // `sure`: only inputs the derivation is surely built with (not under a condition the index cannot
  // read), or ('evaluated') also those it surely evaluates (`dejavu_fonts.minimal` in a build flag).
  const counts = (use: string | undefined) =>
    edges === 'inputs' ||
    use === undefined ||
    (use === 'maybe' && !strict) ||
    (use === 'checked' && sure !== 'evaluated') ||
    (use === 'forced' && sure === 'evaluated');
  // Which variant an input is given as matters to the rebuild graph's gated edges only.
  const gated = edges === 'built' && !strict;
  // `nixStatic = pkgsStatic.nix`: a member of a set made for another libc is built with that libc.
  const libc = variant ? libcInputs(analyzer, variant.val, undefined) : [];
  if (!binding || !call) {
    // `wrapBintoolsWith { bintools = …; }`: the set given to the function passes some formals.
    const passed = binding?.val.k === 'set' ? new Set(binding.val.attrs.map((a) => a.name)) : new Set<string>();
    for (const a of overrides) passed.add(a.name);
    const inputs = catalog.inputsOf(pkg);
    const applied = variant ? undefined : wrapperFormals(analyzer, pkg);
    const appliedUse = applied && new Map(applied.map((f) => [f.name, f]));
    const members =
      edges === 'built' ? inputs.flatMap((input) => memberInputs(analyzer, useOf.get(input.formal.name) ?? input.formal, counts)) : [];
    if (edges === 'built' && binding?.val.k === 'inline') members.push(...namedInputs(analyzer, binding, counts));
    // `wrapCCWith { extraPackages = [ targetLlvmLibraries.compiler-rt ]; }`: each package a list given to the function names.
    if (binding?.val.k === 'set') {
      for (const input of inputs) {
        const given = binding.val.attrs.find((a) => a.name === input.formal.name);
        if (given?.val.k !== 'other' || !given.val.items || !counts(input.formal.use)) continue;
        for (const target of listedTargets(analyzer, given.val.items, binding)) members.push({ target, use: input.formal.use });
      }
    }
    return inputs
      .flatMap((input) => {
        // A variant's flags, a wrapper function's call, or a member's own element (gcc's all.nix), decide the use.
        const use = (
          variant ? useOf.get(input.formal.name) : (appliedUse?.get(input.formal.name) ?? useOf.get(input.formal.name) ?? input.formal)
        )?.use;
        const over = overridden(input.formal.name);
        const target = over ? resolver.resolveVal(over.val, variantScope!, variant) : input.target;
        const via = over || !gated ? undefined : topLevelVariant(analyzer, input.formal.name);
        return target &&
          counts(use) &&
          !(
            strict &&
            ((input.formal.hasDefault && !passed.has(input.formal.name)) ||
              PROVIDED_NAMES.has(input.formal.name) ||
              isVariant(analyzer, input.formal.name, over))
          )
          ? [via ? { target, use, via } : { target, use }]
          : [];
      })
      .concat(members, libc);
  }
  const args = call.args;
  const scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
  const out: UsedInput[] = [...libc];
  // The builder the file hands its package to, or whose derivation it overrides, takes its own inputs.
  // A curried builder applied in sight uses its inputs under what its inner function is given.
  const applied = builderFormals(analyzer, pkg);
  for (const input of catalog.builderInputs(pkg, formals ?? [])) {
    const use = (applied?.get(input.formal.name) ?? input.formal).use;
    if (!input.target || !counts(use)) continue;
    if (strict && (input.formal.hasDefault || PROVIDED_NAMES.has(input.formal.name))) continue;
    out.push({ target: input.target, use });
  }
  const replaced = edges === 'built' && binding ? overlayReplaced(analyzer, binding) : undefined;
  for (const formal of formals ?? []) {
    if (edges === 'built') out.push(...memberInputs(analyzer, formal, counts));
    if (!counts(formal.use)) continue;
    // Named only in attributes an overlay sets anew (xorg's `buildInputs = [ ];` for lndir): not built with.
    if (replaced && formal.in?.every((a) => replaced.has(a))) continue;
    const over = overridden(formal.name);
    const arg = over ?? args.find((a) => a.name === formal.name);
    // Strict, a formal with a default (`libc ? null`) counts only when the call passes it, and
    // what the package set provides (`config`, `lib`, `stdenv`) is no package.
    if (strict && ((formal.hasDefault && !arg) || PROVIDED_NAMES.has(formal.name) || isVariant(analyzer, formal.name, arg))) continue;
    // `openssl = null;` (python3Minimal): built without it.
    if (arg?.val.k === 'ref' && arg.val.path.length === 1 && arg.val.path[0] === 'null') continue;
    // `smtpPerlLibs = [ perlPackages.libnet perlPackages.IOSocketSSL ]`: each package the list names.
    if (arg && !over && arg.val.k === 'other' && arg.val.items) {
      for (const target of listedTargets(analyzer, arg.val.items, binding)) out.push({ target, use: formal.use });
      continue;
    }
    const target =
      (over && resolver.resolveVal(over.val, variantScope!, variant)) ??
      (arg && !over && resolver.resolveVal(arg.val, scope, binding)) ??
      resolver.resolveName(formal.name, scope, binding);
    if (!target) continue;
    if (edges === 'built' && formal.use === undefined) out.push(...helperInputs(analyzer, target.binding, counts));
    // `{ w3m = w3m-batch; }` (or a formal named after a variant): built with the variant.
    const name = arg ? (arg.val.k === 'ref' && arg.val.path.length === 1 && !arg.val.overrides ? arg.val.path[0] : undefined) : formal.name;
    const via = gated && name !== undefined ? topLevelVariant(analyzer, name) : undefined;
    out.push(via ? { target, use: formal.use, via } : { target, use: formal.use });
    // `{ busybox = pkgsStatic.busybox; }`: built with the static set's libc too.
    out.push(...libcInputs(analyzer, (over ?? arg)?.val, formal.use));
  }
  return out;
}

/**
 * The arguments a variant passes, its own first, then those of the variants it is made from
 * (`curlFull = curl.override { … }` where `curl = curlMinimal.override { … }`).
 */
export function variantArgs(analyzer: Analyzer, variant: Binding): Attr[] {
  const args: Attr[] = [];
  let at: Binding | undefined = variant;
  for (let depth = 0; at && at.val.k === 'ref' && depth < 4; depth++) {
    args.push(...(at.val.overrides ?? []));
    const base: string | undefined = at.val.path.length === 1 ? at.val.path[0] : undefined;
    at = base === undefined || base === at.name ? undefined : topLevelVariant(analyzer, base);
  }
  return args;
}

/** The formals callPackage fills for a package, with their uses under a variant's flags (its arguments, then its call's). */
export function variantFormals(analyzer: Analyzer, pkg: Package, variant: Binding): readonly Formal[] | undefined {
  const call = pkg.binding && callOf(pkg.binding.val);
  // `nixStatic = pkgsStatic.nix`: the same file on a static platform.
  const platform = fromStaticSet(variant) ? STATIC_PLATFORM : undefined;
  return formalsUnder(analyzer, pkg, [...variantArgs(analyzer, variant), ...(call?.args ?? [])], platform);
}

/** The top-level binding of a name when it is a variant made by `.override { … }`. */
function topLevelVariant(analyzer: Analyzer, name: string): Binding | undefined {
  return (analyzer.index.bindingsByName.get(name) ?? []).find((b) => isTopLevelVariant(analyzer, b));
}

/** Whether a binding is a top-level variant made by `.override { … }` (`cmakeCurses = cmake.override { … };`). */
export function isTopLevelVariant(analyzer: Analyzer, binding: Binding): boolean {
  const { val } = binding;
  return (
    binding.pathInFile.length === 1 && analyzer.index.isTopLevelFile(binding.file) && val.k === 'ref' && (val.overrides?.length ?? 0) > 0
  );
}

/**
 * Whether an input is a variant made by `.override { … }` (`imagemagick_light = imagemagick.override
 * { libX11Support = false; }`): its flags are not the file's defaults, which the use of its own
 * inputs is read with, so what it is surely built with is unknown.
 */
function isVariant(
  analyzer: Analyzer,
  name: string,
  arg: { val: { k: string; overrides?: unknown[]; path?: string[] } } | undefined,
): boolean {
  if (arg) {
    if (arg.val.k !== 'ref') return false;
    if ((arg.val.overrides?.length ?? 0) > 0) return true;
    // `{ w3m = w3m-batch; }`: the name it passes may be a variant.
    return arg.val.path?.length === 1 && arg.val.path[0] !== name ? isVariant(analyzer, arg.val.path[0]!, undefined) : false;
  }
  return topLevelVariant(analyzer, name) !== undefined;
}
