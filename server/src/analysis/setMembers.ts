// The packages of sets that have no bindings of their own: a folder of
// packagesFromDirectoryRecursive, or a set laid over one (`versions // { lts = …; }`). Their
// members are files, found by name in the folder and selected through the resolver.
import type { DomainIndex, SetVal } from './domainIndex';
import type { Val } from './facts';
import type { Resolver, Target } from './resolve';
import type { Span } from './syntax';

/** A package of such a set: its attribute path and name, and the file that builds it. */
export interface Member {
  attrPath: string;
  name: string;
  declFile: string;
  declSpan: Span;
  target: Target;
}

/** How deep nested folders of packagesFromDirectoryRecursive are followed. */
const MAX_MEMBER_DEPTH = 4;

/** What a set is laid over (`versions // { lts = …; }`: `versions`), when it is a folder or a named set. */
export function overOthers(set: SetVal | undefined): Val[] {
  return set?.also?.filter((v) => v.k === 'dir' || v.k === 'ref' || v.k === 'sel') ?? [];
}

/**
 * The packages of a set that has no bindings of its own: each file of a packagesFromDirectoryRecursive
 * folder (`<name>.nix`, `<name>/package.nix`; a folder without package.nix is a nested set), and
 * each attribute of a set over such a folder that leads to a file.
 */
export function setMembers(index: DomainIndex, resolver: Resolver, target: Target, prefix: string, depth = 0): Member[] {
  if (depth > MAX_MEMBER_DEPTH) return [];
  const out: Member[] = [];
  const names = new Set<string>();
  if (target.set) {
    // The folder's names first: on a tie in length the folder's name (`v20`) names the package, the set's (`lts`) is its alias.
    for (const other of overOthers(target.set)) {
      const base = resolver.resolveVal(other, { file: target.file, set: target.set, parents: target.parents ?? [] });
      if (base?.dir !== undefined) for (const name of folderMembers(index, base.dir)) names.add(name);
    }
    for (const attr of target.set.attrs) names.add(attr.name);
  } else if (target.dir !== undefined) {
    for (const name of folderMembers(index, target.dir)) names.add(name);
  }
  for (const name of names) {
    const member = resolver.select(target, name);
    if (!member || member.missing) continue;
    const attrPath = `${prefix}.${name}`;
    if (member.dir !== undefined || overOthers(member.set).length > 0)
      out.push(...setMembers(index, resolver, member, attrPath, depth + 1));
    else if (member.whole && !member.set) out.push({ attrPath, name, declFile: member.file, declSpan: [0, 0, 0, 0], target: member });
  }
  return out;
}

/** The attribute names packagesFromDirectoryRecursive makes of a folder: `<name>.nix` files and subfolders. */
function folderMembers(index: DomainIndex, dir: string): string[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const names = new Set<string>();
  for (const file of index.files.keys()) {
    if (!file.startsWith(prefix)) continue;
    const rest = file.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      if (rest.endsWith('.nix')) names.add(rest.slice(0, -4));
    } else names.add(rest.slice(0, slash));
  }
  return [...names].sort();
}
