// Which binding a name means when several sets bind it: those of the top-level package sets
// first, then top-level bindings of files nothing calls, then the rest; ties in file order, so
// the choice is the same whatever order the files were read in.
import { compareBindings, type Binding, type DomainIndex } from './domainIndex';

/** Preference among bindings of the same name: top-level package sets first. */
export function rankOf(binding: Binding, index: DomainIndex): number {
  const topLevel = binding.pathInFile.length === 1;
  if (topLevel && index.isTopLevelFile(binding.file)) return 0;
  if (topLevel && index.callersOf(binding.file).length === 0) return 1;
  return topLevel ? 2 : 3;
}

/** The bindings of a name in order of preference. */
export function rankBindings(candidates: readonly Binding[], index: DomainIndex): Binding[] {
  const ranks = new Map(candidates.map((b) => [b, rankOf(b, index)]));
  return [...candidates].sort((a, b) => ranks.get(a)! - ranks.get(b)! || compareBindings(a, b));
}
