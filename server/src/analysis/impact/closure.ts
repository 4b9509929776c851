// The rebuild closure: what rebuilds when a package changes. It is the reverse dependency
// closure on the domain's dependency graph, the package itself included (its own out path
// changes), plus everything built with stdenv when the change reaches the stdenv closure,
// plus what other domains add through their stubs.
import type { Analyzer } from '../analyzer';
import { domainGraph, packageId, type DomainGraph } from '../dependencyGraph';
import type { Package } from '../packages';
import { markDependants } from '../waves/graph';
import type { ImpactSettings } from './manifest';
import { stdenvModel, type StdenvModel } from './stdenv';

/**
 * Packages of other domains that rebuild when `domain:attrName` changes, as domain-qualified ids
 * (`rust:ripgrep`). Stubs of other domains provide it from the reverse edges they carry; the
 * attribute `stdenv` stands for "stdenv changed".
 */
export type ForeignDependants = (domain: string, attrName: string) => readonly string[];

/** The rebuilds in one domain. */
export interface DomainRebuilds {
  domain: string;
  count: number;
  /** Attribute paths, sorted. */
  packages: string[];
}

/** What rebuilds when some packages change. */
export interface RebuildImpact {
  /** Domain-qualified ids of the changed packages. */
  changed: string[];
  /** This domain first, then the others by name; domains with no rebuild are left out. */
  domains: DomainRebuilds[];
  total: number;
  stdenv: {
    /** The change reaches what stdenv is built from: everything built with stdenv rebuilds. */
    touched: boolean;
    /** Packages (of this domain) that rebuild only because stdenv changes. */
    rebuilds: number;
  };
}

/** Options of a closure query. */
export interface ClosureOptions {
  /** stdenv itself changed (one of its files), whatever the packages. */
  stdenvChanged?: boolean;
  foreign?: ForeignDependants;
}

/** The graph and stdenv model of one index generation, ready to answer closure queries fast. */
export class RebuildModel {
  // Node indices in attribute-path order: collecting a closure in this order gives a sorted list
  // without sorting 30,000 strings per query.
  private readonly order: Int32Array;

  private constructor(readonly analyzer: Analyzer, readonly graph: DomainGraph, readonly stdenv: StdenvModel) {
    const { packages } = graph;
    const indices = Array.from(packages.keys()).sort((a, b) => compare(packages[a]!.attrPath, packages[b]!.attrPath));
    this.order = Int32Array.from(indices);
  }

  /** The model of the analyzer's current index (cached per generation and settings). */
  static of(analyzer: Analyzer, settings: ImpactSettings = {}): RebuildModel {
    const cached = models.get(analyzer);
    const graph = domainGraph(analyzer);
    if (cached && cached.graph === graph && cached.settings === settings) return cached.model;
    const model = new RebuildModel(analyzer, graph, stdenvModel(analyzer, graph, settings.stdenv));
    models.set(analyzer, { graph, settings, model });
    return model;
  }

  /** The node index of a package, or -1 when it is not in the graph. */
  indexOf(pkg: Package): number {
    return this.graph.graph.indexOf(packageId(this.analyzer.index.domain, pkg));
  }

  /** Whether a package is one of those stdenv is built from. */
  inStdenvClosure(pkg: Package): boolean {
    const at = this.indexOf(pkg);
    return at >= 0 && this.stdenv.closure[at] === 1;
  }

  /** What rebuilds when these packages change. */
  rebuildClosure(changed: readonly Package[], options: ClosureOptions = {}): RebuildImpact {
    const { graph, packages } = this.graph;
    const domain = this.analyzer.index.domain;
    const seeds = changed.map((pkg) => this.indexOf(pkg)).filter((at) => at >= 0);
    const marked = markDependants(graph, seeds);
    for (const at of seeds) marked[at] = 1;

    let touched = options.stdenvChanged === true;
    const { closure, rebuilds } = this.stdenv;
    for (let at = 0; at < marked.length && !touched; at++) if (marked[at] && closure[at]) touched = true;
    let viaStdenv = 0;
    if (touched) {
      for (let at = 0; at < marked.length; at++) {
        if (rebuilds[at] && !marked[at]) {
          marked[at] = 1;
          viaStdenv++;
        }
      }
    }

    const local: string[] = [];
    for (const at of this.order) if (marked[at]) local.push(packages[at]!.attrPath);
    const domains: DomainRebuilds[] = [];
    if (local.length > 0) domains.push({ domain, count: local.length, packages: local });
    if (options.foreign) domains.push(...foreignRebuilds(domain, local, touched, options.foreign));
    return {
      changed: changed.map((pkg) => packageId(domain, pkg)),
      domains,
      total: domains.reduce((sum, d) => sum + d.count, 0),
      stdenv: { touched, rebuilds: viaStdenv },
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const models = new WeakMap<Analyzer, { graph: DomainGraph; settings: ImpactSettings; model: RebuildModel }>();

/** What rebuilds when one package changes (the figure of the code lens and the hover). */
export function rebuildImpact(analyzer: Analyzer, pkg: Package, settings?: ImpactSettings, foreign?: ForeignDependants): RebuildImpact {
  return RebuildModel.of(analyzer, settings).rebuildClosure([pkg], foreign ? { foreign } : {});
}

function foreignRebuilds(domain: string, local: readonly string[], stdenvTouched: boolean, foreign: ForeignDependants): DomainRebuilds[] {
  const byDomain = new Map<string, Set<string>>();
  const add = (ids: readonly string[]) => {
    for (const id of ids) {
      const colon = id.indexOf(':');
      if (colon <= 0 || id.slice(0, colon) === domain) continue;
      const other = id.slice(0, colon);
      let set = byDomain.get(other);
      if (!set) byDomain.set(other, (set = new Set()));
      set.add(id.slice(colon + 1));
    }
  };
  for (const attr of local) add(foreign(domain, attr));
  if (stdenvTouched) add(foreign(domain, 'stdenv'));
  return [...byDomain.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, set]) => ({ domain: name, count: set.size, packages: [...set].sort() }));
}

/** The one-line figure of the lens and the hover: `rebuilds 52 packages (core 12 · rust 40) + everything built with stdenv`. */
export function impactTitle(impact: RebuildImpact): string {
  const n = impact.total;
  const head = `rebuilds ${n.toLocaleString('en-US')} package${n === 1 ? '' : 's'}`;
  const parts = impact.domains.map((d) => `${d.domain} ${d.count.toLocaleString('en-US')}`).join(' · ');
  const domains = impact.domains.length > 1 ? ` (${parts})` : '';
  return `${head}${domains}${impact.stdenv.touched ? ' + everything built with stdenv' : ''}`;
}
