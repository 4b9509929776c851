// The names a rebuild is counted in, as Nix and nixpkgs' CI count them: every attribute of the
// top-level package set, aliases and versions included (`boost` and `boost181` are two attributes
// that rebuild), each with the package it evaluates to. A package no top-level name reaches
// (`python3Packages.six`) is listed by its attribute path, apart. Members of sets marked
// recurseIntoAttrs count as CI counts them (`xorg.libX11`), where the index can see the set;
// sets made at evaluation time (`python311Packages = recurseIntoAttrs python311.pkgs`) it cannot.
import type { Analyzer } from '../analyzer';
import { everyNth, perStructure, type Budget, type Steps } from '../budget';
import { isTopLevelVariant } from '../dependencyGraph';
import type { Binding } from '../domainIndex';
import { targetKey } from '../packages';
import type { Target } from '../resolve';
import { brokenWhenStatic } from './staticSet';
import { fromStaticSet } from '../flaggedFormals';
import type { Val } from '../factTypes';
import { PACKAGE_SET_NAMES, STDENV_INPUT } from '../setNames';

/** The top-level attribute names of a domain. */
export interface TopLevelAttributes {
  /** Names by package (`targetKey`), sorted. */
  byPackage: Map<string, string[]>;
  /**
   * Top-level names that evaluate to a standard environment (`stdenv`, `gccStdenv`, `clang16Stdenv`):
   * derivations that rebuild with stdenv, though the index knows them as no package.
   */
  stdenvs: string[];
  /**
   * Names bound to a variant made by `.override { … }` (`imagemagick_light = imagemagick.override
   * { libX11Support = false; … }`): the same package to the index, built with other flags. A
   * name bound to a variant made in a package set (`clang-manpages = llvmPackages.clang-manpages`,
   * `clang-manpages = lowPrio (tools.libclang.override { enableManpages = true; })` in the set) is
   * given that set's binding.
   */
  variants: Map<string, Binding>;
  /** The compiler of each stdenv made by `overrideCC stdenv cc` (`clangStdenv`, `gcc49Stdenv`): the stdenv rebuilds with it. */
  stdenvCompilers: Map<string, Target>;
  /** Names bound to functions (`wrapCC = cc: wrapCCWith { … };`): no derivation, though the index follows them to a file. */
  functions: Set<string>;
  /**
   * Names Nix refuses: the static set's packages broken there (`lixStatic = pkgsStatic.lix`), and values
   * that assert what does not hold on x86_64-linux (`gccWithoutTargetLibc = assert stdenv.targetPlatform != stdenv.hostPlatform; …`).
   */
  refused: Set<string>;
}

/** The top-level attribute names of the analyzer's current index (computed once per structure generation). */
export function topLevelAttributes(analyzer: Analyzer): TopLevelAttributes {
  return attributesValue(analyzer).get();
}

/**
 * Works them out within a budget, ahead of the first query (the warm-up, or a request that waits
 * for the rebuild model): a walk of every binding took a quarter of a second in one piece on the
 * generated core. True once they are known.
 */
export function prepareTopLevelAttributes(analyzer: Analyzer, budget: Budget): Promise<boolean> {
  return attributesValue(analyzer).prepare(budget);
}

/** Per analyzer, the attributes of one structure generation, in steps whoever advances them. */
const attributesValue = perStructure((analyzer: Analyzer) => attributesSteps(analyzer));

function* attributesSteps(analyzer: Analyzer): Steps<TopLevelAttributes> {
  const due = everyNth();
  const { index, resolver, catalog } = analyzer;
  const names = new Set<string>(index.byNameByName.keys());
  const recursive = new Set<string>();
  const variants = new Map<string, Binding>();
  const functions = new Set<string>();
  const statics: Binding[] = [];
  const refused = new Set<string>();
  const topLevel: Binding[] = [];
  for (const binding of index.allBindings()) {
    if (binding.pathInFile.length !== 1 || !index.isTopLevelFile(binding.file)) continue;
    topLevel.push(binding);
    names.add(binding.name);
    if (binding.lambda) functions.add(binding.name);
    // `gccWithoutTargetLibc = assert stdenv.targetPlatform != stdenv.hostPlatform; …`: it throws, as a function evaluates to no derivation.
    if (binding.throws) refused.add(binding.name);
    const isStatic = fromStaticSet(binding);
    if (isStatic) statics.push(binding);
    // A package of the static set is built with the inputs its file uses on a static platform.
    const variant = isTopLevelVariant(analyzer, binding) || isStatic ? binding : aliasedVariant(analyzer, binding);
    if (variant) variants.set(binding.name, variant);
    if (binding.recurse) recursive.add(binding.name);
    if (due()) yield;
  }
  // Members of sets marked recurseIntoAttrs that the index can see (`xorg.libX11`,
  // `llvmPackages_17.clang`); sets made at evaluation time (`python311.pkgs`) it cannot.
  for (const name of recursive) {
    const set = resolver.lookupGlobal(name);
    if (!set?.set) continue;
    for (const attr of set.set.attrs) names.add(`${name}.${attr.name}`);
  }
  const byPackage = new Map<string, string[]>();
  const stdenvs: string[] = [];
  for (const name of [...names].sort()) {
    const [head, member] = name.split('.');
    const found = resolver.lookupGlobal(head!);
    const target = member === undefined ? found : found && resolver.select(found, member);
    const pkg = target && !target.global && !target.missing ? catalog.packageAt(target) : undefined;
    if (pkg) {
      const key = targetKey(pkg.target);
      const list = byPackage.get(key);
      if (list) list.push(name);
      else byPackage.set(key, [name]);
    } else if (STDENV_INPUT.test(name) && !/^(mk|make|override|with)/.test(name)) {
      stdenvs.push(name);
    }
    if (due()) yield;
  }
  // The top-level set's own stdenv comes from the stage that builds it, not from a binding.
  if (!names.has('stdenv')) stdenvs.unshift('stdenv');
  const stdenvCompilers = new Map<string, Target>();
  for (const name of stdenvs) {
    const found = resolver.lookupGlobal(name);
    const cc = found?.set ? resolver.select(found, 'cc') : undefined;
    if (cc && !cc.missing && !cc.global && catalog.packageAt(cc)) stdenvCompilers.set(name, cc);
  }
  for (const binding of statics) {
    const target = resolver.resolveBinding(binding);
    const pkg = target && !target.missing ? catalog.packageAt(target) : undefined;
    if (pkg && brokenWhenStatic(analyzer, pkg)) refused.add(binding.name);
  }
  refuseWhatIsMadeOfRefused(topLevel, refused);
  return { byPackage, stdenvs, variants, stdenvCompilers, functions, refused };
}

/**
 * Adds to `refused` the top-level names made of one it holds, to a fixed point: an alias
 * (`crossLibcStdenv = gccCrossLibcStdenv` on x86_64-linux) or an override of a refused name; a
 * stdenv whose compiler is (`gccCrossLibcStdenv = overrideCC stdenv buildPackages.gccWithoutTargetLibc`);
 * and a package built with a refused stdenv (`glibcCross = callPackage ./. { stdenv = gccCrossLibcStdenv; }`,
 * `muslCross = musl.override { stdenv = crossLibcStdenv; }`): evaluating each forces what throws.
 */
function refuseWhatIsMadeOfRefused(topLevel: readonly Binding[], refused: Set<string>): void {
  const isRefused = (val: Val | undefined) => {
    if (val?.k !== 'ref') return false;
    const path = val.path.length === 2 && PACKAGE_SET_NAMES.has(val.path[0]!) ? val.path.slice(1) : val.path;
    return path.length === 1 && refused.has(path[0]!);
  };
  const madeOfRefused = ({ val, name }: Binding): boolean => {
    if (isRefused(val)) return true;
    const args = val.k === 'call' ? val.args : val.k === 'ref' ? val.overrides : undefined;
    if (args?.some((a) => STDENV_INPUT.test(a.name) && isRefused(a.val))) return true;
    return STDENV_INPUT.test(name) && val.k === 'set' && val.attrs.some((a) => a.name === 'cc' && isRefused(a.val));
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const binding of topLevel) {
      if (refused.has(binding.name) || !madeOfRefused(binding)) continue;
      refused.add(binding.name);
      grew = true;
    }
  }
}

/** The variant a top-level alias names: a package set's member (`llvmPackages.clang-manpages`) or a top-level variant (`libuuid`). */
function aliasedVariant(analyzer: Analyzer, alias: Binding): Binding | undefined {
  const { val } = alias;
  if (val.k !== 'ref' || val.overrides) return undefined;
  // `libuuid = if stdenv.isLinux then util-linuxMinimal else null;`: a top-level variant under another name.
  if (val.path.length === 1)
    return val.path[0] === alias.name
      ? undefined
      : analyzer.index.bindingsByName.get(val.path[0]!)?.find((b) => b !== alias && isTopLevelVariant(analyzer, b));
  const scope = { file: alias.file, set: alias.set, parents: alias.parentSets };
  const set = analyzer.resolver.resolveVal({ k: 'ref', span: val.span, path: val.path.slice(0, -1) }, scope, alias)?.set;
  const member = set && analyzer.index.bindingIn(set, val.path.at(-1)!);
  return member?.val.k === 'ref' && (member.val.overrides?.length ?? 0) > 0 ? member : undefined;
}
