// Implicit dependencies. Every package built with stdenv depends on what stdenv is built from
// (compiler, libc, shell, coreutils), although no formal of the package says so: changing one of
// those rebuilds nearly everything. The model: the "stdenv closure" is the set of packages the
// name `stdenv` resolves to and its inputs, transitively (or the manifest's `impact.stdenv` and
// their dependencies); a package "built with stdenv" is one that takes a stdenv-like input
// (`stdenv`, `stdenvNoCC`, `gcc12Stdenv`, …) or is an inline derivation in a package set.
// Packages of the stdenv closure are themselves built by bootstrap stages, so they get no
// implicit edge (that would make stdenv depend on itself).
import type { Analyzer } from '../analyzer';
import type { DomainGraph } from '../dependencyGraph';
import { nodeOfTarget, usedInputs } from '../dependencyGraph';
import type { Binding } from '../domainIndex';
import { calledFormals } from '../calledFormals';
import { markDependants, markDependencies } from '../waves/graph';
import type { Target } from '../resolve';
import { PACKAGE_SET_NAMES, STDENV_INPUT } from '../setNames';
import { STDENV_FILES } from '../fileTraits';
import { PROVIDED_NAMES } from '../features/diagnostics';

/** How stdenv is modelled in one index generation. */
export interface StdenvModel {
  /** Where the closure came from: the manifest, the domain's `stdenv`, or nowhere (no stdenv in the domain). */
  source: 'manifest' | 'derived' | 'none';
  /**
   * Marks (by node index) the packages stdenv is built from, and their dependencies: 1, or 2 for a
   * package the bootstrap stages build only as a variant (`libffiBoot = libffi.override { doCheck =
   * false; }`): a change to its file changes stdenv, but the package itself is built as any other.
   */
  closure: Uint8Array;
  /** Files that define stdenv itself (not packages): a change to one changes stdenv. */
  files: Set<string>;
  /** Marks the packages that rebuild when stdenv changes: those built with it, and their dependants. */
  rebuilds: Uint8Array;
  /** Manifest names that are no package, and the like. */
  problems: string[];
  /**
   * stdenv is built by bootstrap stages (nixpkgs' layout): what the stages bring forward is rebuilt
   * by the last of them, so it rebuilds with stdenv too.
   */
  bootstrapped: boolean;
}

/** What the top-level `stdenv` is bound to in the domain, when a top-level file binds it (the example universe's `stdenv = callPackage ./stdenv { … }`). */
function topLevelStdenv(analyzer: Analyzer): Target | undefined {
  const { index, resolver } = analyzer;
  const bound = (index.bindingsByName.get('stdenv') ?? []).some((b) => b.pathInFile.length === 1 && index.isTopLevelFile(b.file));
  return bound || index.byNameByName.has('stdenv') ? resolver.lookupGlobal('stdenv') : undefined;
}

/** Derives the stdenv model of a domain graph (or takes the manifest's list instead). */
export function stdenvModel(
  analyzer: Analyzer,
  domainGraph: DomainGraph,
  declared?: readonly string[],
  fixedOutput?: Uint8Array,
): StdenvModel {
  const { graph, packages } = domainGraph;
  const { resolver, index } = analyzer;
  const domain = index.domain;
  const problems: string[] = [];
  const seeds = new Set<number>();
  const indexOfTarget = (target: Target): number => nodeOfTarget(analyzer, domainGraph, target);

  // The files of stdenv itself: the definition `stdenv` resolves to and the non-package files it takes in.
  const files = new Set<string>();
  const root = topLevelStdenv(analyzer);
  const derivedSeeds: number[] = [];
  if (!root) {
    // nixpkgs' stdenv is built by bootstrap stages (pkgs/stdenv/linux): what they build and bring
    // forward (`inherit (prevStage) zlib …` in their overlays) is what stdenv is built from.
    for (const [file, facts] of index.files) {
      if (!STDENV_FILES.test(file)) continue;
      files.add(file);
      // The derivations a stage makes from a file it imports (`import ../../build-support/cc-wrapper
      // { … }`: the compiler wrapper stdenv is built with) are stdenv too; a fetcher keeps its outputs.
      for (const imported of facts.imports ?? []) {
        const target = index.resolveFile(imported);
        const made = target === undefined ? undefined : index.files.get(target);
        if (made?.drv && !made.fixedOutput && !STDENV_FILES.test(target!)) files.add(target!);
      }
      // The tarballs of bootstrap tools are built by hand, not by the stages.
      if (/make-bootstrap-tools/.test(file)) continue;
      // Passed to a file the stage imports: when that file is surely built with it (the compiler
      // wrapper's `cc`, not its `fortify-headers`, which it uses only for musl).
      const passed = (facts.stageArgs ?? []).filter((arg) => {
        const callee = index.resolveFile(arg.file);
        const formal = callee === undefined ? undefined : index.files.get(callee)?.formals?.find((f) => f.name === arg.formal);
        return formal !== undefined && (formal.use === undefined || formal.use === 'checked');
      });
      for (const name of [...(facts.stageNames ?? []), ...passed.map((arg) => arg.name)]) {
        // `config`, `lib`, `stdenv`: what the package set provides, no package a stage builds.
        if (PROVIDED_NAMES.has(name)) continue;
        const target = resolver.lookupGlobal(name);
        const at = target && !target.missing && !target.global ? indexOfTarget(target) : -1;
        if (at >= 0) derivedSeeds.push(at);
      }
    }
  }
  if (root && !root.missing && !root.global) {
    const queue = [root.file];
    const rootIndex = indexOfTarget(root);
    if (rootIndex >= 0) derivedSeeds.push(rootIndex);
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (files.has(file) || !index.files.has(file)) continue;
      files.add(file);
      const facts = index.files.get(file)!;
      if (facts.value.k === 'call' && facts.value.target !== undefined) {
        const next = index.resolveFile(facts.value.target);
        if (next) queue.push(next);
      }
      for (const formal of facts.formals ?? []) {
        // lib is code, not something stdenv is built from: a lib change is no stdenv change.
        if (formal.name === 'lib' || PACKAGE_SET_NAMES.has(formal.name)) continue;
        const target = resolver.resolveInput(file, formal.name);
        if (!target || target.missing || target.global) continue;
        const at = indexOfTarget(target);
        if (at >= 0) derivedSeeds.push(at);
        else queue.push(target.file);
      }
    }
  }

  let source: StdenvModel['source'] = derivedSeeds.length > 0 ? 'derived' : 'none';
  if (declared) {
    source = 'manifest';
    for (const name of declared) {
      const target = resolver.lookupGlobal(name);
      const at = target ? indexOfTarget(target) : -1;
      if (at < 0) problems.push(`impact.stdenv names "${name}", which is no package of the domain ${domain}`);
      else seeds.add(at);
    }
  } else {
    for (const at of derivedSeeds) seeds.add(at);
  }

  // Derived from a stdenv package (a domain whose stdenv is a package of its own), stdenv is built
  // from that package's dependencies. Derived from bootstrap stages, from what they name only: the
  // stages pass most inputs of what they build themselves, or leave them out, and a package's
  // formals (flags, platform-specific inputs) say little about what the stage really uses.
  const closure = root || declared ? markDependencies(graph, seeds) : builtFrom(analyzer, domainGraph, seeds, fixedOutput);
  for (const at of seeds) closure[at] = 1;

  const users: number[] = [];
  if (source !== 'none') {
    packages.forEach((pkg, at) => {
      if (closure[at] === 1) return;
      const inline = pkg.binding?.val.k === 'inline';
      const formals = inline ? [] : (calledFormals(analyzer.index, pkg) ?? []);
      if (inline || formals.some((f) => STDENV_INPUT.test(f.name))) users.push(at);
    });
  }
  const rebuilds = markDependants(graph, users, fixedOutput);
  for (const at of users) rebuilds[at] = 1;
  return { source, closure, files, rebuilds, problems, bootstrapped: !root && !declared && source === 'derived' };
}

/**
 * What the packages the stages build are built from, transitively: the stages call the same
 * package files, with the inputs the derivations are built with ('built' edges). A fixed output
 * (a fetcher, the sources it fetches) keeps its output whatever it is built with: not followed.
 */
function builtFrom(analyzer: Analyzer, domainGraph: DomainGraph, seeds: Iterable<number>, fixedOutput?: Uint8Array): Uint8Array {
  const { graph, packages } = domainGraph;
  const marked = new Uint8Array(graph.size);
  // Each node with the variant it is built as (python3Minimal's `libffi = libffiBoot`, libffi
  // without its tests: its own flags say what it is built with), undefined for the package itself.
  const queue: [number, Binding | undefined][] = [];
  const visit = (at: number, variant?: Binding) => {
    if (at < 0 || marked[at] === 1 || (variant && marked[at] === 2)) return;
    // A package the stages build only as a variant is marked 2: its file is stdenv's, not its plain build.
    marked[at] = variant ? 2 : 1;
    // What a fetcher is built with (curl for fetchurl) does not change its outputs.
    if (!fixedOutput?.[at]) queue.push([at, variant]);
  };
  for (const at of seeds) visit(at);
  const nodeOf = (target: Target) => nodeOfTarget(analyzer, domainGraph, target);
  for (let head = 0; head < queue.length; head++) {
    const [at, variant] = queue[head]!;
    const pkg = packages[at]!;
    // Only the inputs a derivation is surely built with: the stages build for one platform, with
    // the flags left at their defaults; an input under a condition the index cannot read is left out.
    for (const input of usedInputs(analyzer, pkg, 'built', 'built', variant)) visit(nodeOf(input.target));
    // And a variant it is given, with that variant's flags.
    for (const input of usedInputs(analyzer, pkg, 'built', false, variant)) {
      if (input.via !== undefined && input.use === undefined) visit(nodeOf(input.target), input.via);
    }
  }
  return marked;
}
