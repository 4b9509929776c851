// Where a package's inputs come from besides its own formals: the lists a call passes, the
// members of package sets a body names, the names a derivation written in a set takes from around
// it, what a function that makes a derivation names, and the attributes an overlay beside the
// package's file sets anew. `usedInputs` (dependencyGraph.ts) puts them together.
import path from 'node:path';
import type { Analyzer } from './analyzer';
import type { Binding } from './domainIndex';
import type { Formal, Val } from './facts';
import { memberName } from './memberUses';
import { PACKAGE_SET_NAMES } from './setNames';
import type { Package } from './packages';
import type { Target } from './resolve';

/** The packages a short list names (`[ perlPackages.libnet perlPackages.IOSocketSSL ]`), from where `binding` is bound. */
export function listedTargets(analyzer: Analyzer, items: readonly Val[], binding: Binding): Target[] {
  const scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
  const out: Target[] = [];
  for (const item of items) {
    // A member of a package set the index cannot follow (`perlPackages.libnet`) by its name, as a formal's members are.
    const member = item.k === 'ref' && item.path.length > 1 ? memberName(item.path[0]!, item.path.slice(1)) : undefined;
    const listed =
      analyzer.resolver.resolveVal(item, scope, binding) ?? (member ? setMembersByName(analyzer).get(member)?.target : undefined);
    if (listed) out.push(listed);
  }
  return out;
}

/**
 * The attributes an overlay beside a package's file sets anew in it (xorg's `overrides.nix`: `lndir
 * = super.lndir.overrideAttrs (attrs: { buildInputs = [ ]; … })`), applied to the set the file makes.
 */
export function overlayReplaced(analyzer: Analyzer, binding: Binding): Set<string> | undefined {
  const folder = path.posix.dirname(binding.file);
  for (const other of analyzer.index.bindingsByName.get(binding.name) ?? []) {
    const val = other.val;
    if (other === binding || val.k !== 'ref' || !val.replaces || path.posix.dirname(other.file) !== folder) continue;
    if (val.path.length === 2 && val.path[1] === binding.name && (val.path[0] === 'super' || val.path[0] === 'prev'))
      return new Set(val.replaces);
  }
  return undefined;
}

/** An input as the derivation uses it; `via`: the variant made by `.override` it is given, when it is one. */
export interface UsedInput {
  target: Target;
  use: Formal['use'];
  via?: Binding;
}

/**
 * What a function that makes a derivation takes from around it (trivial-builders' `symlinkJoin`,
 * whose script runs lndir; perl's `buildPerlModule`, with ModuleBuild): what it builds is built with those.
 */
export function helperInputs(analyzer: Analyzer, helper: Binding | undefined, counts: Counts): UsedInput[] {
  return helper?.val.k === 'fn' && helper.val.uses ? namesAsInputs(analyzer, helper.val.uses, helper, counts) : [];
}

/**
 * The members of a package set an input names (`perlPackages.LWP`, `python3.pkgs.pytest`): the
 * package of that name the set's own files define, with the member's use.
 */
export function memberInputs(analyzer: Analyzer, formal: Formal, counts: Counts): UsedInput[] {
  // `buildPackages.cargo`: a member of the whole package set is its top-level package, not a set's member of that name.
  const whole = PACKAGE_SET_NAMES.has(formal.name);
  return formal.members ? membersAsInputs(analyzer, formal.members, counts, whole) : [];
}

/**
 * The inputs a derivation written in a package set names (`propagatedBuildInputs = [ HTMLParser ];`
 * in perl-packages.nix): the packages those names resolve to from where it is bound, those of a
 * function bound beside it that makes it (`buildPerlModule { … }`), and the set members it names.
 */
export function namedInputs(analyzer: Analyzer, binding: Binding, counts: Counts): UsedInput[] {
  if (binding.val.k !== 'inline') return [];
  const { uses, members } = binding.val.drv;
  const out = [
    ...(members ? membersAsInputs(analyzer, members, counts) : []),
    ...(uses ? namesAsInputs(analyzer, uses, binding, counts) : []),
  ];
  for (const [name, use] of Object.entries(uses ?? {})) {
    if (use === 'build') out.push(...helperInputs(analyzer, analyzer.index.bindingIn(binding.set, name), counts));
  }
  return out;
}

type Counts = (use: Formal['use']) => boolean;
type Uses = Record<string, 'build' | 'forced' | 'checked' | 'maybe'>;

/** The packages names resolve to from where `from` is bound (its own name left out), each with its use. */
function namesAsInputs(analyzer: Analyzer, uses: Uses, from: Binding, counts: Counts): UsedInput[] {
  const scope = { file: from.file, set: from.set, parents: from.parentSets };
  const out: UsedInput[] = [];
  for (const [name, named] of Object.entries(uses)) {
    const use = named === 'build' ? undefined : named;
    if (!counts(use) || name === from.name) continue;
    const target = analyzer.resolver.resolveName(name, scope, from);
    if (target && !target.missing && !target.set && analyzer.catalog.packageAt(target)) out.push({ target, use });
  }
  return out;
}

/** The packages of package sets' files that members name, by name, each with its use. */
function membersAsInputs(analyzer: Analyzer, members: Uses, counts: Counts, whole = false): UsedInput[] {
  const byName = setMembersByName(analyzer);
  const out: UsedInput[] = [];
  for (const [name, named] of Object.entries(members)) {
    const use = named === 'build' ? undefined : named;
    if (!counts(use)) continue;
    const global = whole ? analyzer.resolver.lookupGlobal(name) : undefined;
    const target = global && analyzer.catalog.packageAt(global) ? global : byName.get(name)?.target;
    if (target) out.push({ target, use });
  }
  return out;
}

/**
 * What a member of a package set made for another libc is built with besides its own inputs
 * (`busybox = pkgsStatic.busybox`, `nixStatic = pkgsStatic.nix`): that set's libc (`musl`), the
 * package its libc string names. The sets are those the files make for such a platform
 * (`FileFacts.libcSets`, read from stage.nix), not a list of names.
 */
export function libcInputs(analyzer: Analyzer, val: Val | undefined, use: Formal['use']): UsedInput[] {
  if (val?.k !== 'ref' || val.path.length < 2) return [];
  return (libcOfSets(analyzer).get(val.path[0]!) ?? []).map((target) => ({ target, use }));
}

/**
 * The package sets made for another libc, each with the packages its stdenv adds: the one its libc
 * names (`pkgsStatic` → musl) and what the bootstrap stages add for that libc (fortify-headers).
 */
function libcOfSets(analyzer: Analyzer): Map<string, Target[]> {
  return analyzer.catalog.memo('libcOfSets', () => {
    const files = [...analyzer.index.files.values()];
    const out = new Map<string, Target[]>();
    for (const [set, libc] of files.flatMap((facts) => Object.entries(facts.libcSets ?? {}))) {
      const names = new Set([libc, ...files.flatMap((facts) => facts.libcStageNames?.[libc] ?? [])]);
      const targets = [...names].map((name) => analyzer.resolver.lookupGlobal(name));
      out.set(
        set,
        targets.filter((t): t is Target => t !== undefined && !t.missing && !t.set && analyzer.catalog.packageAt(t) !== undefined),
      );
    }
    return out;
  });
}

/** Packages bound in a package set's files (not the top-level ones), by attribute name. */
function setMembersByName(analyzer: Analyzer): Map<string, Package> {
  return analyzer.catalog.memo('setMembersByName', () => {
    const byName = new Map<string, Package>();
    for (const pkg of analyzer.catalog.all()) {
      const binding = pkg.binding;
      if (binding && !analyzer.index.isTopLevelFile(binding.file) && !byName.has(binding.name)) byName.set(binding.name, pkg);
    }
    return byName;
  });
}
