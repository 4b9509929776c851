// Where a package's inputs come from besides its own formals: the lists a call passes, the
// members of package sets a body names, the names a derivation written in a set takes from around
// it, what a function that makes a derivation names, and the attributes an overlay beside the
// package's file sets anew. `usedInputs` (dependencyGraph.ts) puts them together.
import path from 'node:path';
import type { Analyzer } from './analyzer';
import type { Binding } from './domainIndex';
import type { Formal, Val } from './facts';
import { memberName } from './memberUses';
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

/**
 * What a function that makes a derivation takes from around it (trivial-builders' `symlinkJoin`,
 * whose script runs lndir): a package built by calling it is built with those.
 */
export function helperInputs(analyzer: Analyzer, target: Target, counts: (use: Formal['use']) => boolean): UsedInput[] {
  const helper = target.binding;
  if (helper?.val.k !== 'fn' || !helper.val.uses) return [];
  const scope = { file: helper.file, set: helper.set, parents: helper.parentSets };
  const out: UsedInput[] = [];
  for (const [name, named] of Object.entries(helper.val.uses)) {
    const use = named === 'build' ? undefined : named;
    if (!counts(use) || name === helper.name) continue;
    const found = analyzer.resolver.resolveName(name, scope, helper);
    if (found && !found.missing && !found.set && analyzer.catalog.packageAt(found)) out.push({ target: found, use });
  }
  return out;
}

/** An input as the derivation uses it; `via`: the variant made by `.override` it is given, when it is one. */
export interface UsedInput {
  target: Target;
  use: Formal['use'];
  via?: Binding;
}

/**
 * The members of a package set an input names (`perlPackages.LWP`, `python3.pkgs.pytest`): the
 * package of that name the set's own files define, with the member's use.
 */
export function memberInputs(analyzer: Analyzer, formal: Formal, counts: (use: Formal['use']) => boolean): UsedInput[] {
  if (!formal.members) return [];
  const members = setMembersByName(analyzer);
  const out: UsedInput[] = [];
  for (const [name, named] of Object.entries(formal.members)) {
    const use = named === 'build' ? undefined : named;
    const pkg = counts(use) ? members.get(name) : undefined;
    if (pkg) out.push({ target: pkg.target, use });
  }
  return out;
}

/**
 * The inputs a derivation written in a package set names (`propagatedBuildInputs = [ HTMLParser ];`
 * in perl-packages.nix): the packages those names resolve to from where it is bound.
 */
export function namedInputs(analyzer: Analyzer, binding: Binding, counts: (use: Formal['use']) => boolean): UsedInput[] {
  if (binding.val.k !== 'inline' || (!binding.val.drv.uses && !binding.val.drv.members)) return [];
  const { resolver, catalog } = analyzer;
  const scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
  const out: UsedInput[] = [];
  for (const [name, named] of Object.entries(binding.val.drv.members ?? {})) {
    const use = named === 'build' ? undefined : named;
    const member = counts(use) ? setMembersByName(analyzer).get(name) : undefined;
    if (member) out.push({ target: member.target, use });
  }
  const uses = Object.entries(binding.val.drv.uses ?? {});
  // Made by a function bound beside it (`buildPerlModule { … }`): what that function takes from around it too.
  for (const [name, named] of [...uses]) {
    const helper = named === 'build' ? analyzer.index.bindingIn(binding.set, name) : undefined;
    if (helper?.val.k === 'fn' && helper.val.uses)
      for (const entry of Object.entries(helper.val.uses)) if (entry[0] !== name) uses.push(entry);
  }
  for (const [name, named] of uses) {
    const use = named === 'build' ? undefined : named;
    if (!counts(use) || name === binding.name) continue;
    const target = resolver.resolveName(name, scope, binding);
    if (target && !target.missing && !target.set && catalog.packageAt(target)) out.push({ target, use });
  }
  return out;
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
