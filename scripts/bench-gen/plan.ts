// The package graph of the universe, before any file is written: names, where each package
// lives, its level and its inputs. Inputs only point to lower levels (so the graph is a DAG with
// a known depth), except for a few deliberate cycles inside one level and a few inputs that
// name no package at all, because real trees have both.
import type { Random } from './random.js';
import { type NameSource, PYTHON_KNOWN, WELL_KNOWN } from './names.js';

export type Scale = 'small' | 'full';
export type DomainName = 'core' | 'rust' | 'extras';
/** A naming scope: packages of one pool see inputs from the pools in ALLOWED_INPUTS. */
export type Pool = 'top' | 'python' | 'tcl' | 'rust' | 'extras';
export type Layout = 'by-name' | 'call-package' | 'python' | 'tcl';

export interface Package {
  name: string;
  /** Attribute path in the package set, e.g. `python3Packages.foo`. */
  attr: string;
  domain: DomainName;
  pool: Pool;
  layout: Layout;
  /** Path of the package file inside its domain repository. */
  file: string;
  level: number;
  /** Inputs inside the universe; deps[0] is at level - 1, which fixes this package's level. */
  deps: Package[];
  /** The inputs that close a deliberate cycle (also listed in deps). */
  cyclePartners: Package[];
  /** Inputs that name no package. */
  missing: string[];
  /** For `callPackage` lines: the arguments the line overrides. */
  override?: Override;
}

/** The overrides all-packages.nix passes in `callPackage path { … }`. */
type Override = 'openssl' | 'darwin' | 'stdenv';

export interface Sizes {
  byName: number;
  callPackage: number;
  python: number;
  tcl: number;
  rust: number;
  extras: number;
  maintainers: number;
}

export const SIZES: Record<Scale, Sizes> = {
  full: { byName: 20_000, callPackage: 15_000, python: 2_500, tcl: 1_000, rust: 2_000, extras: 3_000, maintainers: 25_000 },
  small: { byName: 1_000, callPackage: 750, python: 125, tcl: 50, rust: 100, extras: 150, maintainers: 1_250 },
};

const LEVELS: Record<Pool, [number, number]> = {
  top: [0, 39],
  python: [0, 20],
  tcl: [1, 12],
  rust: [1, 43],
  extras: [1, 46],
};

const ALLOWED_INPUTS: Record<Pool, Pool[]> = {
  top: ['top'],
  python: ['python', 'top'],
  tcl: ['top'],
  rust: ['rust', 'top'],
  extras: ['extras', 'rust', 'top', 'python'],
};

const CATEGORIES = [
  'development/libraries',
  'development/tools',
  'development/tools/misc',
  'development/compilers',
  'development/interpreters',
  'development/web',
  'development/embedded',
  'development/tools/analysis',
];
const APP_CATEGORIES = ['applications/misc', 'applications/networking', 'applications/editors', 'tools/system'];
const TCL_GROUPS = ['tk', 'sql', 'net'];

export interface Plan {
  packages: Package[];
  cycles: Package[][];
  missingRefs: string[];
}

/** nixpkgs' by-name shard: the first two characters, lower-cased. */
function shard(name: string): string {
  return name.slice(0, 2).toLowerCase();
}

function place(name: string, pool: Pool, layout: Layout, random: Random): { attr: string; file: string; domain: DomainName } {
  const domain: DomainName = pool === 'rust' ? 'rust' : pool === 'extras' ? 'extras' : 'core';
  switch (layout) {
    case 'by-name':
      return { attr: name, file: `pkgs/by-name/${shard(name)}/${name}/package.nix`, domain };
    case 'call-package': {
      const category = random.pick(domain === 'core' ? CATEGORIES : APP_CATEGORIES);
      return { attr: name, file: `pkgs/${category}/${name}/default.nix`, domain };
    }
    case 'python':
      return { attr: `python3Packages.${name}`, file: `pkgs/development/python-modules/${name}/default.nix`, domain };
    case 'tcl': {
      // packagesFromDirectoryRecursive: `dir/<n>/package.nix`, `dir/<n>.nix`, nested sets.
      const roll = random.next();
      if (roll < 0.2) {
        const group = random.pick(TCL_GROUPS);
        return { attr: `tclPackages.${group}.${name}`, file: `pkgs/development/tcl-modules/${group}/${name}/package.nix`, domain };
      }
      if (roll < 0.3) return { attr: `tclPackages.${name}`, file: `pkgs/development/tcl-modules/${name}.nix`, domain };
      return { attr: `tclPackages.${name}`, file: `pkgs/development/tcl-modules/${name}/package.nix`, domain };
    }
  }
}

/** Spreads `count` packages over [lo, hi]: every level gets a few, lower levels get more. */
function levelsFor(count: number, [lo, hi]: [number, number], random: Random): number[] {
  const span = hi - lo + 1;
  const minimum = 3;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i < span * minimum) out.push(lo + (i % span));
    else out.push(lo + Math.floor(span * ((random.next() + random.next()) / 2) ** 1.3));
  }
  return random.shuffled(out);
}

/** Plans every package of the universe with its inputs. */
export function planUniverse(random: Random, scale: Scale, names: NameSource): Plan {
  const sizes = SIZES[scale];
  const packages: Package[] = [];
  const make = (pool: Pool, layout: Layout, count: number, style: 'top' | 'python' | 'tcl' | 'rust', fixedNames: string[] = []) => {
    const levels = levelsFor(count, LEVELS[pool], random);
    for (let i = 0; i < count; i++) {
      const name = i < fixedNames.length ? fixedNames[i] : names.fresh(style);
      // Well-known packages sit at the bottom, like zlib and openssl do.
      const level = i < fixedNames.length ? Math.min(2, Math.floor(i / 12)) : levels[i];
      packages.push({ name, ...place(name, pool, layout, random), pool, layout, level, deps: [], cyclePartners: [], missing: [] });
    }
  };
  make(
    'top',
    'by-name',
    sizes.byName,
    'top',
    WELL_KNOWN.filter((_, i) => i % 2 === 0),
  );
  make(
    'top',
    'call-package',
    sizes.callPackage,
    'top',
    WELL_KNOWN.filter((_, i) => i % 2 === 1),
  );
  make('python', 'python', sizes.python, 'python', PYTHON_KNOWN);
  make('tcl', 'tcl', sizes.tcl, 'tcl');
  make('rust', 'by-name', Math.round(sizes.rust * 0.9), 'rust');
  make('rust', 'call-package', sizes.rust - Math.round(sizes.rust * 0.9), 'rust');
  make('extras', 'by-name', Math.round(sizes.extras * 0.9), 'top');
  make('extras', 'call-package', sizes.extras - Math.round(sizes.extras * 0.9), 'top');

  const byPoolLevel = new Map<Pool, Package[][]>();
  for (const p of packages) {
    const levels = byPoolLevel.get(p.pool) ?? [];
    (levels[p.level] ??= []).push(p);
    byPoolLevel.set(p.pool, levels);
  }
  const wellKnown = packages.filter((p) => WELL_KNOWN.includes(p.name));
  const at = (pool: Pool, level: number) => byPoolLevel.get(pool)?.[level] ?? [];

  for (const p of packages) {
    if (p.level === 0) continue;
    const pools = ALLOWED_INPUTS[p.pool];
    const anchorPools = pools.filter((q) => at(q, p.level - 1).length > 0);
    // Prefer the own pool so that rust and extras build chains deeper than core's.
    const anchorPool = anchorPools.includes(p.pool) && random.chance(0.6) ? p.pool : random.pick(anchorPools);
    const deps = new Set<Package>([random.pick(at(anchorPool, p.level - 1))]);
    const extra = random.int(0, p.pool === 'top' ? 5 : 4);
    for (let i = 0; i < extra; i++) {
      if (random.chance(0.3)) {
        const known = wellKnown.filter((w) => w.level < p.level);
        if (known.length > 0) deps.add(random.pick(known));
        continue;
      }
      // Python packages are rarely an input of packages outside the Python set.
      const pool = random.pick(pools.filter((q) => q !== 'python' || p.pool === 'python' || random.chance(0.1)));
      const level = random.int(0, p.level - 1);
      const candidates = at(pool, level);
      if (candidates.length > 0) deps.add(random.pick(candidates));
    }
    // Python packages build with setuptools, a level-0 package, so levels stay as planned.
    const setuptools = at('python', 0).find((q) => q.name === 'setuptools');
    if (p.pool === 'python' && setuptools) deps.add(setuptools);
    p.deps = [...deps];
    if (p.layout === 'call-package') {
      const roll = random.next();
      if (roll < 0.3 && p.deps.some((d) => d.name === 'openssl')) p.override = 'openssl';
      else if (roll > 0.97) p.override = 'darwin';
      else if (roll > 0.94) p.override = 'stdenv';
    }
  }

  const cycles = closeCycles(random, byPoolLevel.get('top') ?? []);
  const missingRefs: string[] = [];
  const missingCount = Math.max(3, Math.round(packages.length * 0.005));
  for (const p of random.shuffled(packages).slice(0, missingCount)) {
    const name = names.fresh('top');
    p.missing.push(name);
    missingRefs.push(name);
  }
  return { packages, cycles, missingRefs };
}

/** Makes three pairs and two triples of same-level packages that name each other. */
function closeCycles(random: Random, topLevels: Package[][]): Package[][] {
  const cycles: Package[][] = [];
  const used = new Set<Package>();
  const levels = topLevels.map((ps, level) => ({ ps, level })).filter(({ ps, level }) => level >= 2 && ps.length >= 3);
  for (const size of [2, 2, 2, 3, 3]) {
    const { ps } = random.pick(levels);
    const members = random.shuffled(ps.filter((p) => !used.has(p))).slice(0, size);
    if (members.length < size) continue;
    members.forEach((m, i) => {
      const next = members[(i + 1) % size];
      used.add(m);
      if (!m.deps.includes(next)) m.deps.push(next);
      m.cyclePartners.push(next);
    });
    cycles.push(members);
  }
  return cycles;
}
