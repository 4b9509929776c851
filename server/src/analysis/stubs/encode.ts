// Turns a domain's packages (plain data) into stub files: reverse edges, closures, shards,
// hashes. Pure and deterministic: the same data gives the same bytes, whatever the order it
// came in; no clock, no locale (names compare by UTF-16 code unit).
import type { HandleIndexJson } from '../maintainers/stub';
import {
  canonicalJson,
  GENERATOR,
  sha256,
  shardFileName,
  STUB_FORMAT,
  STUB_VERSION,
  type PartRef,
  type ShardRef,
  type StubLibFunction,
  type StubPackage,
  type StubReverse,
  type StubRoot,
  type StubShard,
} from './format';

/** One input of a package: the formal's name and, when this domain resolves it, the qualified target. */
export interface InputData {
  name: string;
  ref?: string;
}

/** A package as the encoder takes it. */
export interface PackageData {
  attr: string;
  file: string;
  pos: [number, number];
  version?: string;
  description?: string;
  homepage?: string;
  license?: string;
  inputs: InputData[];
  maintainers: string[];
}

/** Everything a stub is made from. */
export interface StubData {
  domain: string;
  revision: string;
  packages: PackageData[];
  /** Other attribute paths of a package (`python3` for `pythonInterpreters.python311`): name → attr. */
  aliases?: Record<string, string>;
  lib: StubLibFunction[];
  maintainers: { file: string; size: number; index: HandleIndexJson }[];
}

/** A stub in memory: the parsed root and every file's bytes, by path inside the revision folder. */
export interface BuiltStub {
  root: StubRoot;
  files: Map<string, Buffer>;
}

export interface EncodeOptions {
  /** Shards stay under this many bytes (unless one name alone is larger). */
  shardBudget?: number;
}

/** Shards stay under this unless one name alone is larger; root + one shard ≪ 256 KB for 20,000 packages. */
const DEFAULT_SHARD_BUDGET = 48 * 1024;
/**
 * Reverse-edge lists in shards stop here: `stdenv` is taken by nearly every package, and its
 * full list would make its shard as large as the domain. Longer lists are in the reverse part.
 */
const MAX_LISTED_DEPENDANTS = 64;

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Encodes a domain's data as stub files. */
export function encodeStub(data: StubData, options: EncodeOptions = {}): BuiltStub {
  const budget = options.shardBudget ?? DEFAULT_SHARD_BUDGET;
  const { domain, revision } = data;
  // One package per attribute path; the first file (in path order) wins a clash.
  const byAttr = new Map<string, PackageData>();
  for (const p of [...data.packages].sort((a, b) => byCodeUnit(a.attr, b.attr) || byCodeUnit(a.file, b.file))) {
    if (!byAttr.has(p.attr)) byAttr.set(p.attr, p);
  }
  const names = [...byAttr.keys()];
  const idOf = new Map(names.map((n, i) => [n, i]));
  const dependants: Set<number>[] = names.map(() => new Set());
  const importTakers = new Map<string, Set<number>>();
  const local = `${domain}:`;
  names.forEach((name, i) => {
    for (const input of byAttr.get(name)!.inputs) {
      if (input.ref === undefined) {
        let takers = importTakers.get(input.name);
        if (!takers) importTakers.set(input.name, (takers = new Set()));
        takers.add(i);
      } else if (input.ref.startsWith(local)) {
        const target = idOf.get(input.ref.slice(local.length));
        if (target !== undefined && target !== i) dependants[target]!.add(i);
      }
    }
  });
  const dependantIds = dependants.map((s) => [...s].sort((a, b) => a - b));
  const closureSize = closureCounter(dependantIds);

  const packages: StubPackage[] = names.map((name, i) => {
    const p = byAttr.get(name)!;
    const pkg: StubPackage = {
      attr: name,
      file: p.file,
      pos: p.pos,
      inputs: uniqueSorted(p.inputs.filter((x) => x.ref !== undefined).map((x) => x.ref!)),
      unresolved: uniqueSorted(p.inputs.filter((x) => x.ref === undefined).map((x) => x.name)),
      maintainers: uniqueSorted(p.maintainers),
      dependants: dependantIds[i]!.slice(0, MAX_LISTED_DEPENDANTS).map((d) => names[d]!),
      direct: dependantIds[i]!.length,
      closure: closureSize([i]),
    };
    for (const key of ['version', 'description', 'homepage', 'license'] as const) if (p[key] !== undefined) pkg[key] = p[key];
    return pkg;
  });
  const importNames = [...importTakers.keys()].sort(byCodeUnit);
  const imports: Record<string, [number, number]> = {};
  const importLists: Record<string, string[]> = {};
  for (const name of importNames) {
    const takers = [...importTakers.get(name)!].sort((a, b) => a - b);
    imports[name] = [takers.length, closureSize(takers, true)];
    importLists[name] = takers.slice(0, MAX_LISTED_DEPENDANTS).map((t) => names[t]!);
  }

  const files = new Map<string, Buffer>();
  const put = (file: string, value: unknown): PartRef => {
    const bytes = Buffer.from(canonicalJson(value), 'utf8');
    files.set(file, bytes);
    return { file, sha256: sha256(bytes), size: bytes.byteLength };
  };
  // Shards and parts do not name the revision: one that did not change keeps its bytes (and its
  // git blob and cache entry) from one revision to the next. Only the root names the revision.
  const header = { format: STUB_FORMAT, version: STUB_VERSION, domain } as const;

  // An alias of a name that is itself a package would hide nothing useful; drop it.
  const aliases: Record<string, string> = {};
  for (const [name, attr] of Object.entries(data.aliases ?? {}).sort((a, b) => byCodeUnit(a[0], b[0]))) {
    if (!byAttr.has(name) && byAttr.has(attr)) aliases[name] = attr;
  }
  const shards: ShardRef[] = [];
  for (const [i, { from, items }] of planShards(packages, importLists, aliases, budget).entries()) {
    const shardPackages: StubPackage[] = [];
    const shardImports: Record<string, string[]> = {};
    const shardAliases: Record<string, string> = {};
    for (const x of items) {
      if (x.kind === 'package') shardPackages.push(x.pkg);
      else if (x.kind === 'import') shardImports[x.name] = importLists[x.name]!;
      else shardAliases[x.name] = aliases[x.name]!;
    }
    const shard: StubShard = { ...header, from, packages: shardPackages, imports: shardImports, aliases: shardAliases };
    shards.push({ from, packages: shardPackages.length, ...put(shardFileName(i), shard) });
  }
  const maintainers = data.maintainers.map((m, i) => ({
    file: m.file,
    size: m.size,
    count: m.index.handle.length,
    part: put(`parts/maintainers-${i}.json`, m.index),
  }));
  const reverseGraph: StubReverse = {
    ...header,
    names,
    dependants: dependantIds,
    imports: Object.fromEntries(importNames.map((n) => [n, [...importTakers.get(n)!].sort((a, b) => a - b)])),
  };
  const reverse = put('parts/reverse.json', reverseGraph);
  const root: StubRoot = {
    ...header,
    revision,
    generator: GENERATOR,
    packages: packages.length,
    shards,
    lib: [...data.lib].sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.file, b.file)),
    maintainers,
    imports,
    reverse,
  };
  put('root.json', root);
  return { root, files };
}

/**
 * Counts the packages rebuilt when the given ones change: their transitive dependants, plus
 * the seeds themselves when `countSeeds` (an import's takers are rebuilt; a package itself is not
 * counted in its own closure). One visit stamp array, reused, keeps it linear per call.
 */
function closureCounter(dependants: number[][]): (seeds: number[], countSeeds?: boolean) => number {
  const stamp = new Uint32Array(dependants.length);
  let generation = 0;
  return (seeds, countSeeds = false) => {
    generation++;
    const stack: number[] = [];
    let count = 0;
    for (const s of seeds) {
      if (stamp[s] === generation) continue;
      stamp[s] = generation;
      if (countSeeds) count++;
      stack.push(s);
    }
    const seedSet = countSeeds ? undefined : new Set(seeds);
    while (stack.length > 0) {
      for (const d of dependants[stack.pop()!]!) {
        if (stamp[d] === generation) continue;
        stamp[d] = generation;
        // A cycle back to a seed: the seed is rebuilt too, but it was already counted or is the changed one.
        if (!seedSet?.has(d)) count++;
        stack.push(d);
      }
    }
    return count;
  };
}

type ShardItem = { kind: 'package'; pkg: StubPackage } | { kind: 'import' | 'alias'; name: string };

/**
 * Cuts the sorted names (packages, imported names, aliases) into shards of consecutive names,
 * each under the budget. Where to cut is decided by the names themselves (content-defined, as
 * rsync does): past half the budget, a cut comes before a name whose hash ends in two zero
 * bits. So adding or removing one package moves the boundaries of its own shard only, and the
 * other shards keep their hash (the cache reuses them across revisions). Prefix shards were
 * tried first: `python3Packages.*` made thousands of tiny shards and a root over 256 KB.
 */
function planShards(
  packages: StubPackage[],
  importLists: Record<string, string[]>,
  aliases: Record<string, string>,
  budget: number,
): { from: string; items: ShardItem[] }[] {
  interface Item {
    key: string;
    bytes: number;
    value: ShardItem;
  }
  const items: Item[] = [
    ...packages.map((p) => ({ key: p.attr, bytes: canonicalJson(p).length, value: { kind: 'package', pkg: p } as ShardItem })),
    ...Object.keys(importLists).map((n) => ({
      key: n,
      bytes: canonicalJson(importLists[n]).length + n.length + 4,
      value: { kind: 'import', name: n } as ShardItem,
    })),
    ...Object.keys(aliases).map((n) => ({
      key: n,
      bytes: aliases[n]!.length + n.length + 6,
      value: { kind: 'alias', name: n } as ShardItem,
    })),
  ].sort((a, b) => byCodeUnit(a.key, b.key) || byCodeUnit(a.value.kind, b.value.kind));
  const shards: { from: string; items: ShardItem[] }[] = [];
  let current: { from: string; items: ShardItem[] } | undefined;
  let bytes = 0;
  let previousKey: string | undefined;
  for (const item of items) {
    // Never cut between two entries of one name (a package and the import of the same name).
    if (current && item.key !== previousKey) {
      const full = bytes + item.bytes > budget;
      if (full || (bytes >= budget / 2 && (fnv1a(item.key) & 3) === 0)) current = undefined;
    }
    if (!current) {
      // The first shard starts at "": it holds every name before the second's first name.
      current = { from: shards.length === 0 ? '' : item.key, items: [] };
      shards.push(current);
      bytes = 0;
    }
    current.items.push(item.value);
    bytes += item.bytes;
    previousKey = item.key;
  }
  if (shards.length === 0) shards.push({ from: '', items: [] });
  return shards;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function uniqueSorted(list: string[]): string[] {
  return [...new Set(list)].sort(byCodeUnit);
}
