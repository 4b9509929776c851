// StubStore: the other domains of the universe, as stubs fetched lazily. Nothing happens at
// construction; the first question about a domain loads its root, each name its one shard.
// Where a stub comes from (the local checkout, the disk cache, the configured stub folder / URL /
// git ref) and how its parts are fetched is the loader's part (loader.ts).
import type { HandleIndex } from '../maintainers/index';
import { handleIndexFromJson } from '../maintainers/stub';
import type { StubCache } from './cache';
import { shardFor, type StubPackage, type StubReverse, type StubRoot, type StubShard } from './format';
import { StubLoader } from './loader';
import { MANIFEST_FILE, readManifest } from '../manifest';
import { validateReverse, validateShard } from './validate';
import type { FetchRecord, Loaded, StubStoreOptions, StubSymbol } from './storeTypes';

export class StubStore {
  readonly cache: StubCache;
  /** Every fetch so far: what, from where, bytes moved. */
  readonly fetches: FetchRecord[];
  private readonly loader: StubLoader;

  constructor(readonly options: StubStoreOptions) {
    this.loader = new StubLoader(options);
    this.cache = this.loader.cache;
    this.fetches = this.loader.fetches;
  }

  /** A store for the domain at `root`, from its manifest (read now; its problems are logged). */
  static async forDomain(root: string, options: Omit<StubStoreOptions, 'workspaceRoot' | 'domains'> = {}): Promise<StubStore> {
    const manifest = await readManifest(root);
    for (const p of manifest.problems) options.log?.(`${MANIFEST_FILE}: ${p.message}`);
    return new StubStore({ ...options, workspaceRoot: root, domains: manifest.domains });
  }

  /** Total bytes moved by fetches (local reads count 0). */
  bytesMoved(): number {
    return this.fetches.reduce((sum, f) => sum + f.bytes, 0);
  }

  /** The configured domains. */
  domainNames(): string[] {
    return Object.keys(this.options.domains).sort();
  }

  /** A package of a domain by attribute path or alias (`python3`); fetches the root and one shard (two for an alias to another shard). */
  async lookup(domain: string, name: string): Promise<StubPackage | undefined> {
    const loaded = await this.loader.load(domain);
    const shard = await this.shardOf(loaded, name);
    const pkg = shard?.packages.find((p) => p.attr === name);
    if (pkg || !shard) return pkg;
    const alias = shard.aliases[name];
    if (alias === undefined) return undefined;
    return (await this.shardOf(loaded, alias))?.packages.find((p) => p.attr === alias);
  }

  /** The domain's packages taking `name` directly: its own dependants if it is a package there, else the takers of that import. Long lists need the reverse part. */
  async packagesTaking(domain: string, name: string): Promise<string[]> {
    const loaded = await this.loader.load(domain);
    const shard = await this.shardOf(loaded, name);
    const own = shard?.packages.find((p) => p.attr === name);
    const listed = own ? own.dependants : (shard?.imports[name] ?? []);
    const total = own ? own.direct : (loaded.root.imports[name]?.[0] ?? 0);
    if (listed.length >= total) return listed;
    const graph = await this.reverse(loaded);
    const ids = own ? (graph.dependants[graph.names.indexOf(name)] ?? []) : (graph.imports[name] ?? []);
    return ids.map((id) => graph.names[id]!);
  }

  private reverse(loaded: Loaded): Promise<StubReverse> {
    return this.loader.part(loaded, loaded.root.reverse, 'reverse graph', (data) =>
      validateReverse(data, loaded.root),
    ) as Promise<StubReverse>;
  }

  /** Packages of a domain rebuilt when the given names change (imports it takes or its own packages); fetches the reverse graph. */
  async rebuildClosure(domain: string, names: string[]): Promise<string[]> {
    const loaded = await this.loader.load(domain);
    const graph = await this.reverse(loaded);
    const idOf = new Map(graph.names.map((n, i) => [n, i]));
    const seen = new Set<number>();
    const stack: number[] = [];
    const visit = (id: number) => {
      if (!seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    };
    for (const name of names) {
      for (const id of graph.imports[name] ?? []) visit(id);
      const own = idOf.get(name);
      if (own !== undefined) for (const id of graph.dependants[own]!) visit(id);
    }
    while (stack.length > 0) for (const id of graph.dependants[stack.pop()!]!) visit(id);
    return [...seen].map((id) => graph.names[id]!).sort();
  }

  /** Packages of every domain whose maintainers include a handle (fetches every shard, once; then from cache). */
  async maintainedBy(handle: string): Promise<{ domain: string; revision: string; pkg: StubPackage }[]> {
    const out: { domain: string; revision: string; pkg: StubPackage }[] = [];
    for (const domain of this.domainNames()) {
      const loaded = await this.loader.load(domain).catch(() => undefined);
      if (!loaded) continue;
      for (let i = 0; i < loaded.root.shards.length; i++) {
        const shard = await this.shard(loaded, i).catch(() => undefined);
        for (const p of shard?.packages ?? []) if (p.maintainers.includes(handle)) out.push({ domain, revision: loaded.revision, pkg: p });
      }
    }
    return out;
  }

  /** Packages and lib functions of every configured domain matching a query. Loads every shard of every domain (once; cached after). */
  async search(query: string, limit = 200): Promise<StubSymbol[]> {
    const q = query.toLowerCase();
    const out: StubSymbol[] = [];
    for (const domain of this.domainNames()) {
      let loaded: Loaded;
      try {
        loaded = await this.loader.load(domain);
      } catch {
        continue; // already logged; search the others
      }
      const { revision } = loaded;
      for (const fn of loaded.root.lib)
        if (fn.name.toLowerCase().includes(q)) out.push({ domain, revision, name: fn.name, kind: 'function', file: fn.file, pos: fn.pos });
      for (let i = 0; i < loaded.root.shards.length; i++) {
        const shard = await this.shard(loaded, i).catch(() => undefined);
        for (const p of shard?.packages ?? [])
          if (p.attr.toLowerCase().includes(q)) out.push({ domain, revision, name: p.attr, kind: 'package', file: p.file, pos: p.pos });
      }
    }
    const rank = (s: StubSymbol) => (s.name.toLowerCase().startsWith(q) ? 0 : 1);
    return out.sort((a, b) => rank(a) - rank(b) || a.name.length - b.name.length || (a.name < b.name ? -1 : 1)).slice(0, limit);
  }

  /** The maintainer and team lists of a domain: file, and handle → byte range index (fetches one part each). */
  async maintainers(domain: string): Promise<{ file: string; size: number; index: HandleIndex }[]> {
    const loaded = await this.loader.load(domain);
    return Promise.all(
      loaded.root.maintainers.map(async (m) => ({
        file: m.file,
        size: m.size,
        index: (await this.loader.part(loaded, m.part, `maintainers ${m.file}`, handleIndexFromJson)) as HandleIndex,
      })),
    );
  }

  /** The root of a domain's stub at the revision it resolves to. */
  async root(domain: string): Promise<StubRoot> {
    return (await this.loader.load(domain)).root;
  }

  /** One file of a domain at its revision, as text, for a read-only view; the path is confined to the domain. */
  async fileContent(domain: string, file: string): Promise<string> {
    return (await this.loader.fileBytes(domain, file)).toString('utf8');
  }

  /** Bytes [start, end) of a file of a domain (one maintainer entry); never the whole file over HTTP. */
  async fileRange(domain: string, file: string, start: number, end: number): Promise<Buffer> {
    return this.loader.fileBytes(domain, file, [start, end]);
  }

  /** Forgets loaded stubs (all, or one domain's): the next access revalidates roots with their ETag and fetches refs again. */
  refresh(domain?: string): void {
    this.loader.refresh(domain ? [domain] : this.domainNames());
  }

  /** Deletes the disk cache and forgets everything loaded. */
  clearCache(): Promise<void> {
    return this.loader.clearCache();
  }

  /** The revision a domain is resolved at and what chose it: its `rev`, the open domain's flake.lock, or nothing (the newest published). */
  pinOf(domain: string): Promise<{ revision?: string; by: 'rev' | 'flake.lock' | 'none' }> {
    return this.loader.pinOf(domain);
  }

  private async shardOf(loaded: Loaded, name: string): Promise<StubShard | undefined> {
    const ref = shardFor(loaded.root.shards, name);
    return ref ? this.shard(loaded, loaded.root.shards.indexOf(ref)) : undefined;
  }

  private shard(loaded: Loaded, i: number): Promise<StubShard> {
    const ref = loaded.root.shards[i]!;
    return this.loader.part(loaded, ref, `shard ${i} ("${ref.from}"…)`, (data) =>
      validateShard(data, loaded.root, i),
    ) as Promise<StubShard>;
  }
}
