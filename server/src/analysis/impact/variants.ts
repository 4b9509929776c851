// Variants a package set makes with `.override` (`curl = curlMinimal.override { pslSupport = true; }`,
// `libkrb5 = krb5.override { type = "lib"; }`): each is built with the inputs its own flags switch
// on, so it rebuilds when one of those changes, or its package's own file, and what is given the
// variant rebuilds with it. The rebuild model asks here whether a gated edge is crossed.
import type { Analyzer } from '../analyzer';
import { nodeOfTarget, usedInputs, variantArgs, variantFormals, type DomainGraph, type UsedInput } from '../dependencyGraph';
import type { Target } from '../resolve';
import { topLevelAttributes } from './attributes';
import { lacksMember, namesNothing } from './failures';

/**
 * A variant's inputs as its flags make them (graph nodes), those given as another variant with
 * that variant's name, and whether it cannot evaluate.
 */
export interface Variant {
  inputs: number[];
  given: [number, string][];
  broken: boolean;
}

/** The variants of one rebuild model: their inputs, read once each, and whether one rebuilds. */
export class Variants {
  constructor(
    private readonly analyzer: Analyzer,
    private readonly graph: DomainGraph,
    private readonly failing: { broken: Uint8Array; unevaluable: Uint8Array; unlessPassed: Map<number, string[]>; barrier: Uint8Array },
  ) {}

  private readonly known = new Map<string, Variant | null>();

  /**
   * A variant's inputs as its flags make them (the nodes it is built with), and whether it cannot
   * evaluate: an input it is surely built with cannot (`gitFull`'s `svnSupport`). Undefined when
   * the index cannot tell which package it varies.
   */
  variant(name: string): Variant | undefined {
    const attributes = topLevelAttributes(this.analyzer);
    const known = this.known.get(name);
    if (known !== undefined) return known ?? undefined;
    const binding = attributes.variants.get(name)!;
    const { analyzer } = this;
    const target = analyzer.resolver.resolveBinding(binding);
    const pkg = target && !target.missing ? analyzer.catalog.packageAt(target) : undefined;
    if (!pkg) {
      this.known.set(name, null);
      return undefined;
    }
    const nodeOf = (input: { target: Target }) => nodeOfTarget(analyzer, this.graph, input.target);
    this.known.set(name, { inputs: [], given: [], broken: false }); // what a cycle of variants sees
    const used = usedInputs(analyzer, pkg, 'built', false, binding);
    // An input given as a variant (curl's `libkrb5 = krb5.override { type = "lib"; }`) changes when that variant does.
    const isGiven = (input: UsedInput) => input.via !== undefined && attributes.variants.has(input.via.name);
    const inputs = used.filter((input) => !isGiven(input)).map(nodeOf);
    const given = used.filter(isGiven).map((input): [number, string] => [nodeOf(input), input.via!.name]);
    const sure = usedInputs(analyzer, pkg, 'built', 'evaluated', binding).filter((input) => input.use !== 'forced');
    // Also an input built with that is itself a variant: one of a package whose call lacks a
    // required input (`subversionClient`, which `gitSVN`'s flag switches on) fails whatever the
    // flags; another fails as its own inputs do (`w3m-nox` is given `imlib2-nox`, built with libwebp).
    const broken =
      sure.map(nodeOf).some((at) => at >= 0 && (this.failing.broken[at] === 1 || this.failing.unevaluable[at] === 1)) ||
      used.some(
        (input) =>
          input.use === undefined &&
          (this.failing.unevaluable[nodeOf(input)] === 1 ||
            (input.via !== undefined && attributes.variants.has(input.via.name) && this.variant(input.via.name)?.broken === true)),
      );
    // Or a set member its flags switch on that no file binds (`llvm-manpages`' `python3Packages.recommonmark`).
    // Or one whose arguments name what nothing binds (`doxygen_gui`'s `inherit qt5;`).
    const flagged = variantFormals(analyzer, pkg, binding) ?? [];
    const lacking =
      lacksMember(analyzer, flagged) || (binding.val.k === 'ref' && namesNothing(analyzer, binding, binding.val.overrides ?? [], flagged));
    // Or it leaves a flag at a default that fails its package (`gdbHostCpuOnly` keeps gdb's `enableDebuginfod`).
    const passed = variantArgs(analyzer, binding);
    const defaulted = this.failing.unlessPassed.get(nodeOf(pkg))?.some((flag) => !passed.some((a) => a.name === flag)) === true;
    const value = {
      inputs: inputs.filter((at) => at >= 0),
      given: given.filter(([at]) => at >= 0),
      broken: broken || lacking || defaulted,
    };
    this.known.set(name, value);
    return value;
  }

  /**
   * Whether an input of a variant changes: a seed, or what the change reaches and goes through.
   * A fixed output it reaches keeps its output (curl's variants take fetchurl, which curl reaches).
   */
  changes(input: number, marked: Uint8Array, seeds: Uint8Array): boolean {
    return seeds[input] === 1 || (marked[input] === 1 && this.failing.barrier[input] !== 1);
  }

  /**
   * Whether a variant rebuilds: its package's own file changed (`own`), or an input it is built
   * with, or a variant it is given that rebuilds in turn (a few levels deep).
   */
  rebuilds(
    variant: Variant,
    ownFileChanged: boolean,
    own: (node: number) => boolean,
    changed: (input: number) => boolean,
    depth = 0,
  ): boolean {
    if (ownFileChanged || variant.inputs.some(changed)) return true;
    return (
      depth < 4 &&
      variant.given.some(([at, name]) => {
        const given = this.variant(name);
        return given ? this.rebuilds(given, own(at), own, changed, depth + 1) : changed(at);
      })
    );
  }

  private edgePairs?: number[];

  /** Every edge to a package given a variant, as (package varied, taker) pairs: asked about wherever the walk goes. */
  pairs(): number[] {
    if (this.edgePairs) return this.edgePairs;
    const size = this.graph.graph.size;
    const pairs: number[] = [];
    for (const key of this.graph.variantEdges.keys()) pairs.push(key % size, Math.floor(key / size));
    return (this.edgePairs = pairs);
  }
}
