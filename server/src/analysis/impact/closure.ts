// The rebuild closure: what rebuilds when a package changes. It is the reverse dependency
// closure on the domain's dependency graph, the package itself included (its own out path
// changes), plus everything built with stdenv when the change reaches the stdenv closure,
// plus what other domains add through their stubs.
import type { Analyzer } from '../analyzer';
import { domainGraph, nodeOfTarget, packageId, type DomainGraph } from '../dependencyGraph';
import { targetKey, type Package } from '../packages';
import { dependantsReaching, type Gate } from '../waves/graph';
import { fewPairs, MARKED, namedPairs, NEVER, VARIANT, type NamedPairs } from './namedPairs';
import { topLevelAttributes } from './attributes';
import { fixedOutputMakers } from './fixedOutput';
import { unevaluableValue } from './failures';
import type { ImpactSettings } from './manifest';
import { stdenvModel, type StdenvModel } from './stdenv';
import { Variants } from './variants';
import { formatCount } from '../counts';

/**
 * Packages of other domains that rebuild when `domain:attrName` changes, as domain-qualified ids
 * (`rust:ripgrep`). Stubs of other domains provide it from the reverse edges they carry; the
 * attribute `stdenv` stands for "stdenv changed".
 */
export type ForeignDependants = (domain: string, attrName: string) => readonly string[];

/** The rebuilds in one domain. */
interface DomainRebuilds {
  domain: string;
  /** How many attributes rebuild: the figure, counted as nixpkgs' CI counts (see attributes.ts). */
  count: number;
  /** Attribute names, sorted: for this domain the top-level attributes, aliases and versions included. */
  packages: string[];
  /** Packages of this domain no top-level attribute names (`python3Packages.six`), by attribute path; not counted. */
  members?: string[];
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
  /** Go through every (name, package) pair, and every package, even when the change reaches few (what the quick way must equal). */
  everyPair?: boolean;
}

/** The graph and stdenv model of one index generation, ready to answer closure queries fast. */
export class RebuildModel {
  // Node indices in attribute-path order: collecting a closure in this order gives a sorted list
  // without sorting 30,000 strings per query.
  private readonly order: Int32Array;
  /** Each node's place in `order`. */
  private readonly place: Int32Array;

  /**
   * Packages whose output stays when their inputs change: fixed-output derivations and the fetchers
   * that make them (`fetchurl` and what wraps it). A change reaches them but goes no further.
   */
  readonly fixedOutput: Uint8Array;
  /** Packages that are functions (`fetchurl`, builders a file returns), not derivations: never counted. */
  readonly functions: Uint8Array;
  /**
   * Packages that cannot evaluate: a required input nothing provides (what the unknown-input
   * diagnostic reports). Nix builds nothing for them, so they are not counted.
   */
  readonly broken: Uint8Array;
  /** Of those, the packages whose own call lacks a required input (the unknown-input diagnostic). */
  private readonly unevaluable: Uint8Array;
  private readonly unlessPassed: Map<number, string[]>;

  private constructor(
    readonly analyzer: Analyzer,
    readonly graph: DomainGraph,
    settings: ImpactSettings,
  ) {
    const { packages } = graph;
    const indices = Array.from(packages.keys()).sort((a, b) => compare(packages[a]!.attrPath, packages[b]!.attrPath));
    this.order = Int32Array.from(indices);
    this.place = new Int32Array(indices.length);
    for (let place = 0; place < indices.length; place++) this.place[indices[place]!] = place;
    ({ fixedOutput: this.fixedOutput, functions: this.functions } = fixedOutputMakers(analyzer, graph));
    ({ direct: this.unevaluable, carried: this.broken, unlessPassed: this.unlessPassed } = unevaluableValue(analyzer, graph).get());
    this.stdenv = stdenvModel(analyzer, graph, settings.stdenv, this.fixedOutput);
    // A change goes no further than a fixed output, nor through a package that cannot evaluate
    // (its dependants cannot either), nor (bootstrapped) into what the stages build.
    // Only where the index is sure of the cause: what is carried on may have other dependants.
    this.barrier = this.fixedOutput.map((fixed, at) =>
      fixed || this.unevaluable[at] || (this.stdenv.bootstrapped && this.stdenv.closure[at] === 1) ? 1 : 0,
    );
    const { broken, unevaluable, unlessPassed, barrier } = this;
    this.variants = new Variants(analyzer, graph, { broken, unevaluable, unlessPassed, barrier });
  }

  private readonly barrier: Uint8Array;
  private readonly variants: Variants;

  readonly stdenv: StdenvModel;

  /** The model of the analyzer's current index (cached per generation and settings). */
  static of(analyzer: Analyzer, settings: ImpactSettings = NO_SETTINGS): RebuildModel {
    const graph = domainGraph(analyzer, 'built');
    const cached = models.get(analyzer);
    if (cached && cached.graph === graph && cached.settings === settings) return cached.model;
    const model = new RebuildModel(analyzer, graph, settings);
    models.set(analyzer, { graph, settings, model });
    return model;
  }

  /** Whether the model of the analyzer's current index is made (`of` would not make it now). */
  static made(analyzer: Analyzer, settings: ImpactSettings = NO_SETTINGS): boolean {
    const cached = models.get(analyzer);
    return cached?.settings === settings && cached.graph === domainGraph(analyzer, 'built');
  }

  /**
   * Sorts every (name, node) pair by name ahead of the first query (the warm-up does, once the
   * top-level attributes are known), so the first hover on a package does not.
   */
  prepareQueries(): void {
    this.named ??= this.sortedNames(topLevelAttributes(this.analyzer));
  }

  /** Whether `prepareQueries` has run (or a query did its work). */
  get queriesPrepared(): boolean {
    return this.named !== undefined;
  }

  /** The top-level names of the package at a node (looked up once per node, not per query). */
  private namesAt(at: number, byPackage: ReadonlyMap<string, readonly string[]>): readonly string[] | undefined {
    const known = this.names[at];
    if (known !== undefined) return known ?? undefined;
    const own = byPackage.get(targetKey(this.graph.packages[at]!.target));
    this.names[at] = own ?? null;
    return own;
  }

  private readonly names: (readonly string[] | null | undefined)[] = [];

  /** The node index of a package, or -1 when it is not in the graph. */
  indexOf(pkg: Package): number {
    return this.graph.graph.indexOf(packageId(this.analyzer.index.domain, pkg));
  }

  /** Whether a package is one of those stdenv is built from. */
  inStdenvClosure(pkg: Package): boolean {
    const at = this.indexOf(pkg);
    return at >= 0 && this.stdenv.closure[at] === 1;
  }

  private everything?: { local: string[]; members: string[] };

  /**
   * Counted by attribute name: every top-level name of a package that rebuilds (and, when stdenv
   * changes, the stdenvs themselves); a fixed output or a function rebuilds nothing of its own.
   */
  private countNames(
    marked: Uint8Array,
    reached: readonly number[] | undefined,
    seeds: Uint8Array,
    touched: boolean,
    attributes: ReturnType<typeof topLevelAttributes>,
    everyPair = false,
  ): { local: string[]; members: string[] } {
    // Every (name, node) pair of the model sorted by name once: a query keeps the pairs whose node
    // rebuilds, already in order, instead of sorting 30,000 names per hover.
    const named = (this.named ??= this.sortedNames(attributes));
    const local: string[] = [];
    const count = (pair: number) => {
      const { name, at } = named.pairs[pair]!;
      if (named.kind[pair] === NEVER) return;
      // A variant (`cmakeCurses = cmake.override { … }`) is built with its own flags: it rebuilds
      // when its package's own file changes, or one of the inputs it is built with.
      const variant = named.kind[pair] === VARIANT ? this.variants.variant(name) : undefined;
      if (variant) {
        const own = (node: number) => seeds[node] === 1 || (touched && marked[node] === 1);
        if (variant.broken || !this.variants.rebuilds(variant, own(at), own, (input) => this.variants.changes(input, marked, seeds)))
          return;
      } else if (!marked[at] || this.broken[at]) return;
      if (local[local.length - 1] !== name) local.push(name);
    };
    // Most changes reach a few packages: only their pairs (and the variants') are looked at, in
    // name order; a change that reaches many goes through every pair.
    const few = everyPair || !reached ? undefined : fewPairs(named, reached);
    if (few) for (const pair of few) count(pair);
    else for (let pair = 0; pair < named.pairs.length; pair++) count(pair);
    const members = this.members(marked, everyPair ? undefined : reached, attributes.byPackage);
    // A stdenv made by `overrideCC stdenv clang` rebuilds with its compiler, and fails with it
    // (`libcxxStdenv`: its libcxxClang is built with a libcxx callPackage cannot fill).
    const compiler = (name: string) => {
      const cc = attributes.stdenvCompilers.get(name);
      return cc ? nodeOfTarget(this.analyzer, this.graph, cc) : -1;
    };
    const present = new Set(local);
    const stdenvs = attributes.stdenvs.filter((name) => {
      const cc = compiler(name);
      if (present.has(name) || attributes.refused.has(name) || (cc >= 0 && this.broken[cc] === 1)) return false;
      return touched || (cc >= 0 && (marked[cc] === 1 || seeds[cc] === 1));
    });
    if (stdenvs.length === 0) return { local, members };
    return { local: [...local, ...stdenvs].sort(compare), members };
  }

  /** The packages that rebuild and no top-level attribute names, in attribute-path order (`reached`: the marked nodes, when known). */
  private members(marked: Uint8Array, reached: readonly number[] | undefined, byPackage: ReadonlyMap<string, readonly string[]>): string[] {
    const members: string[] = [];
    const add = (at: number) => {
      if (this.fixedOutput[at] || this.functions[at] || this.unevaluable[at] || this.broken[at]) return;
      if (!this.namesAt(at, byPackage)?.length) members.push(this.graph.packages[at]!.attrPath);
    };
    // Few marked nodes: their places in the order, sorted as numbers. Many (half the domain, most of
    // them members): the whole order, which is quicker than sorting them.
    if (reached && reached.length * 16 < this.order.length) {
      const places = new Int32Array(reached.length);
      for (let i = 0; i < reached.length; i++) places[i] = this.place[reached[i]!]!;
      for (const place of places.sort()) add(this.order[place]!);
    } else for (const at of this.order) if (marked[at]) add(at);
    return members;
  }

  private named?: NamedPairs;

  private sortedNames(attributes: ReturnType<typeof topLevelAttributes>): NamedPairs {
    const pairs: { name: string; at: number }[] = [];
    for (let at = 0; at < this.graph.packages.length; at++) {
      for (const name of this.namesAt(at, attributes.byPackage) ?? []) pairs.push({ name, at });
    }
    pairs.sort((x, y) => compare(x.name, y.name));
    return namedPairs(this.graph.packages.length, pairs, ({ name, at }) =>
      this.fixedOutput[at] || this.functions[at] || this.unevaluable[at] || attributes.functions.has(name) || attributes.refused.has(name)
        ? NEVER
        : attributes.variants.has(name)
          ? VARIANT
          : MARKED,
    );
  }

  /**
   * What rebuilds when one package changes, kept for the next query: hovers and lenses ask about the
   * same few inputs (`stdenv`, `fetchurl`) again and again, whose closures are the costly ones. The
   * answers kept hold at most CACHED_NAMES names together, the least recently asked let go first;
   * the model (and they) go with its index.
   */
  closureOf(pkg: Package): RebuildImpact {
    const at = this.indexOf(pkg);
    const kept = at >= 0 ? this.closures.get(at) : undefined;
    if (kept) {
      // The last asked is the last let go.
      this.closures.delete(at);
      this.closures.set(at, kept);
      return kept;
    }
    const impact = this.rebuildClosure([pkg]);
    const size = namesOf(impact);
    if (at < 0 || size > CACHED_NAMES) return impact;
    for (const [key, old] of this.closures) {
      if (this.cachedNames + size <= CACHED_NAMES) break;
      this.closures.delete(key);
      this.cachedNames -= namesOf(old);
    }
    this.closures.set(at, impact);
    this.cachedNames += size;
    return impact;
  }

  private readonly closures = new Map<number, RebuildImpact>();
  private cachedNames = 0;

  /** What rebuilds when these packages change. */
  rebuildClosure(changed: readonly Package[], options: ClosureOptions = {}): RebuildImpact {
    const { graph, packages } = this.graph;
    const domain = this.analyzer.index.domain;
    const seeds = changed.map((pkg) => this.indexOf(pkg)).filter((at) => at >= 0);
    // A package given a variant (`{ w3m = w3m-batch; }`) rebuilds through it when the variant
    // does: its package's file changed, or an input its flags switch on.
    const { variantEdges } = this.graph;
    const size = graph.size;
    const attributes = topLevelAttributes(this.analyzer);
    const gate: Gate = {
      gated: (from, to) => variantEdges.has(to * size + from),
      always: this.variants.pairs(),
      open: (from, to, marked) => {
        const variant = this.variants.variant(variantEdges.get(to * size + from)!.name);
        // The walk marks what the seeds reach, not the seeds themselves.
        return (
          variant === undefined ||
          this.variants.rebuilds(
            variant,
            seeded[from] === 1,
            (node) => seeded[node] === 1,
            (input) => this.variants.changes(input, marked, seeded),
          )
        );
      },
    };
    const seeded = new Uint8Array(graph.size);
    for (const at of seeds) seeded[at] = 1;
    const walked = dependantsReaching(graph, seeds, this.barrier, variantEdges.size > 0 ? gate : undefined);
    const { marked } = walked;
    // The marked nodes, each once, beside `marked`: a query costs what the change reaches, not the domain's size.
    let reached = Array.from(walked.reached);
    // What the bootstrap stages build takes its inputs from the stages, not from the package set.
    if (this.stdenv.bootstrapped) {
      for (const at of reached) if (this.stdenv.closure[at] === 1) marked[at] = 0;
      reached = reached.filter((at) => marked[at] === 1);
    }
    for (const at of seeds) {
      if (!marked[at]) reached.push(at);
      marked[at] = 1;
    }

    let touched = options.stdenvChanged === true;
    const { closure, rebuilds } = this.stdenv;
    // A fixed output the change reaches (fetchurl, when curl changes) keeps its output: no stdenv change.
    // A bootstrapped stdenv changes when what its stages build changes, not through the other inputs
    // of those packages (coreutils' optional openssl): their formals say little about what is used.
    if (this.stdenv.bootstrapped) {
      for (const at of seeds) if (closure[at] && !this.fixedOutput[at]) touched = true;
    } else {
      touched ||= reached.some((at) => closure[at] === 1 && !this.fixedOutput[at]);
    }
    let viaStdenv = 0;
    if (touched) {
      for (let at = 0; at < marked.length; at++) {
        // Bootstrapped (nixpkgs), every derivation is built with stdenv, or with what is.
        if ((rebuilds[at] || this.stdenv.bootstrapped) && !marked[at]) {
          marked[at] = 1;
          viaStdenv++;
        }
      }
    }

    // Counted by attribute name: every top-level name of a package that rebuilds (and, when stdenv
    // changes, the stdenvs themselves); a fixed output or a function rebuilds nothing of its own.
    // When the change reaches everything (stdenv), the names are the same for every such change:
    // counted once per model, not per hover.
    const everything = touched && reached.length + viaStdenv === marked.length;
    // What stdenv adds is most of the domain: then `marked` is gone through, not the list.
    const list = touched ? undefined : reached;
    const counted = (everything && this.everything) || this.countNames(marked, list, seeded, touched, attributes, options.everyPair);
    if (everything) this.everything = counted;
    const local = [...counted.local];
    const members = [...counted.members];
    const canonical = options.foreign ? [...this.order].filter((at) => marked[at]).map((at) => packages[at]!.attrPath) : [];
    const domains: DomainRebuilds[] = [];
    if (local.length > 0 || members.length > 0)
      domains.push({ domain, count: local.length, packages: local, ...(members.length > 0 ? { members } : {}) });
    if (options.foreign) domains.push(...foreignRebuilds(domain, canonical, touched, options.foreign));
    return {
      changed: changed.map((pkg) => packageId(domain, pkg)),
      domains,
      total: domains.reduce((sum, d) => sum + d.count, 0),
      stdenv: { touched, rebuilds: viaStdenv },
    };
  }
}

/** The settings of a domain whose manifest has none: one object, so that the model is kept for it too. */
const NO_SETTINGS: ImpactSettings = {};

/** How many package names the kept closures may hold together (a few of the largest, many small ones). */
const CACHED_NAMES = 100_000;

function namesOf(impact: RebuildImpact): number {
  return impact.domains.reduce((sum, d) => sum + d.packages.length + (d.members?.length ?? 0), 1);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const models = new WeakMap<Analyzer, { graph: DomainGraph; settings: ImpactSettings; model: RebuildModel }>();

/** What rebuilds when one package changes (the figure of the code lens and the hover). */
export function rebuildImpact(analyzer: Analyzer, pkg: Package, settings?: ImpactSettings, foreign?: ForeignDependants): RebuildImpact {
  const model = RebuildModel.of(analyzer, settings);
  return foreign ? model.rebuildClosure([pkg], { foreign }) : model.closureOf(pkg);
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
  const head = `rebuilds ${formatCount(n)} package${n === 1 ? '' : 's'}`;
  const parts = impact.domains.map((d) => `${d.domain} ${formatCount(d.count)}`).join(' · ');
  const domains = impact.domains.length > 1 ? ` (${parts})` : '';
  return `${head}${domains}${impact.stdenv.touched ? ' + everything built with stdenv' : ''}`;
}
