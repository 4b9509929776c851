// The domain's dependency graph, built from the package catalog once per index structure generation and
// shared by everything that walks it (waves, rebuild impact): on a 20,000-package domain the
// build resolves every input of every package, which costs far more than any walk over it.
import type { Analyzer } from './analyzer';
import { callOf } from './facts';
import type { Package } from './packages';
import type { Target } from './resolve';
import { DependencyGraph } from './waves/graph';

/** The graph of one index structure generation, with the package behind each node index. */
export interface DomainGraph {
  graph: DependencyGraph;
  /** The package at each node index. */
  packages: readonly Package[];
  generation: number;
}

const cache = new WeakMap<Analyzer, DomainGraph>();

/** The graph id of a package: `domain:attrPath`. */
export function packageId(domain: string, pkg: Package): string {
  return `${domain}:${pkg.attrPath}`;
}

/** The bare attribute name the manifest uses for a graph id (`core:python3Packages.numpy` → `numpy`). */
export function stepAttrOf(id: string): string {
  return id.slice(id.lastIndexOf('.') + 1).replace(/^[^:]*:/, '');
}

/** The dependency graph of the analyzer's current index (an edge runs from a package to each input that is a package). */
export function domainGraph(analyzer: Analyzer): DomainGraph {
  const cached = cache.get(analyzer);
  // The structure generation moves only when names, calls or formals change, not on every keystroke.
  if (cached && cached.generation === analyzer.index.structureGeneration) return cached;
  const { catalog } = analyzer;
  const domain = analyzer.index.domain;
  const all = catalog.all();
  const generation = analyzer.index.structureGeneration;
  const deps = new Map<string, string[]>();
  for (const pkg of all) {
    const inputs: string[] = [];
    for (const target of inputTargets(analyzer, pkg)) {
      const dep = catalog.packageAt(target);
      if (dep && dep !== pkg) inputs.push(packageId(domain, dep));
    }
    deps.set(packageId(domain, pkg), inputs);
  }
  const graph = DependencyGraph.fromDependencies(deps, { attrOf: stepAttrOf });
  // Two definitions may share an attribute path (a by-name folder and a binding): the first names the node.
  const packages: Package[] = new Array<Package>(graph.size);
  for (const pkg of all) {
    const index = graph.indexOf(packageId(domain, pkg));
    packages[index] ??= pkg;
  }
  const built: DomainGraph = { graph, packages, generation };
  cache.set(analyzer, built);
  return built;
}

/**
 * What a package's inputs resolve to. A file called by several bindings with different
 * arguments (`sqlite` and `sqlite-zlib-ng = callPackage ../sqlite { zlib = zlib-ng; }`) gets
 * each binding's own arguments, where the catalog's `inputsOf` looks at the file's first caller.
 */
export function inputTargets(analyzer: Analyzer, pkg: Package): Target[] {
  const { catalog, resolver, index } = analyzer;
  const binding = pkg.binding;
  const call = binding && callOf(binding.val);
  if (!binding || !call) return catalog.inputsOf(pkg).flatMap((input) => (input.target ? [input.target] : []));
  const args = call.args;
  const scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
  const out: Target[] = [];
  for (const formal of index.files.get(pkg.target.file)?.formals ?? []) {
    const arg = args.find((a) => a.name === formal.name);
    const target = (arg && resolver.resolveVal(arg.val, scope, binding)) ?? resolver.resolveName(formal.name, scope, binding);
    if (target) out.push(target);
  }
  return out;
}
