// Levels as docs/DESIGN.md defines them, computed from the planned inputs alone: 0 without inputs
// inside the universe, else 1 + the highest level of the inputs, with strongly connected
// components collapsed. The generator checks the planned levels against this.
import type { Package } from './plan.js';

/** Level of every package, with cycles collapsed (Tarjan's algorithm). */
export function computeLevels(packages: readonly Package[]): Map<Package, number> {
  const index = new Map<Package, number>();
  const low = new Map<Package, number>();
  const onStack = new Set<Package>();
  const stack: Package[] = [];
  const component = new Map<Package, Package[]>();
  const level = new Map<Package, number>();
  let counter = 0;

  // Tarjan emits components in reverse topological order, so every input's level is known
  // by the time its dependents' component is emitted.
  const visit = (p: Package): void => {
    index.set(p, counter);
    low.set(p, counter++);
    stack.push(p);
    onStack.add(p);
    for (const d of p.deps) {
      if (!index.has(d)) {
        visit(d);
        low.set(p, Math.min(low.get(p)!, low.get(d)!));
      } else if (onStack.has(d)) {
        low.set(p, Math.min(low.get(p)!, index.get(d)!));
      }
    }
    if (low.get(p) !== index.get(p)) return;
    const members: Package[] = [];
    let m: Package;
    do {
      m = stack.pop()!;
      onStack.delete(m);
      members.push(m);
    } while (m !== p);
    const inside = new Set(members);
    let l = 0;
    for (const member of members) {
      component.set(member, members);
      for (const d of member.deps) if (!inside.has(d)) l = Math.max(l, level.get(d)! + 1);
    }
    for (const member of members) level.set(member, l);
  };
  for (const p of packages) if (!index.has(p)) visit(p);
  return level;
}

/** A longest chain of inputs, from a package of the highest level down to level 0. */
export function deepestChain(packages: readonly Package[]): Package[] {
  let top = packages[0];
  for (const p of packages) if (p.level > top.level) top = p;
  const chain = [top];
  let current = top;
  while (current.level > 0) {
    current = current.deps.find((d) => d.level === current.level - 1)!;
    chain.push(current);
  }
  return chain;
}
