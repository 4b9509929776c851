// StubStore: the other domains of the universe, as stubs fetched lazily. Nothing happens at
// construction; the first question about a domain loads its root, each name its one shard.
// Sources per domain, in order: the local checkout (a stub generated in memory), the disk
// cache, the configured stub folder / URL / git ref. Every fetch and refusal is one log line.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from '../analyzer';
import type { HandleIndex } from '../maintainers/index';
import { handleIndexFromJson } from '../maintainers/stub';
import { StubCache } from './cache';
import { readLockedRevision } from './flakeLock';
import {
  domainPathProblem,
  revisionFolder,
  shardFor,
  type PartRef,
  type StubPackage,
  type StubReverse,
  type StubRoot,
  type StubShard,
} from './format';
import { buildStub, gitRevision } from './generate';
import { MANIFEST_FILE, readManifest } from '../manifest';
import { problem, type ProblemKind } from '../problems';
import { stubSpecKind } from './manifestDomains';
import { CheckoutFileSource } from './sources/checkout';
import { FolderStubSource } from './sources/folder';
import { GitFileSource, GitStubSource } from './sources/git';
import { HttpFileSource, HttpStubSource } from './sources/http';
import { DEFAULT_MAX_BYTES, FetchError, isNotModified, type DomainFileSource, type StubTreeSource } from './sources/types';
import { parseJson, StubFormatError, validateIndex, validateReverse, validateRoot, validateShard, verifyPart } from './validate';
import { formatBytes, StubUnavailableError, type FetchRecord, type Loaded, type StubStoreOptions, type StubSymbol } from './storeTypes';

export class StubStore {
  readonly cache: StubCache;
  /** Every fetch so far: what, from where, bytes moved. */
  readonly fetches: FetchRecord[] = [];
  private readonly loads = new Map<string, { at: number; promise: Promise<Loaded>; failed?: boolean }>();
  private readonly sources = new Map<string, StubTreeSource>();
  private forceRevalidate = new Set<string>();

  constructor(readonly options: StubStoreOptions) {
    this.cache = options.cache instanceof StubCache ? options.cache : new StubCache(options.cache);
    this.cache.onDrop = (message) => this.log(message);
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
    const loaded = await this.load(domain);
    const shard = await this.shardOf(loaded, name);
    const pkg = shard?.packages.find((p) => p.attr === name);
    if (pkg || !shard) return pkg;
    const alias = shard.aliases[name];
    if (alias === undefined) return undefined;
    return (await this.shardOf(loaded, alias))?.packages.find((p) => p.attr === alias);
  }

  /** The domain's packages taking `name` directly: its own dependants if it is a package there, else the takers of that import. Long lists need the reverse part. */
  async packagesTaking(domain: string, name: string): Promise<string[]> {
    const loaded = await this.load(domain);
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
    return this.part(loaded, loaded.root.reverse, 'reverse graph', (data) => validateReverse(data, loaded.root)) as Promise<StubReverse>;
  }

  /** Packages of a domain rebuilt when the given names change (imports it takes or its own packages); fetches the reverse graph. */
  async rebuildClosure(domain: string, names: string[]): Promise<string[]> {
    const loaded = await this.load(domain);
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

  /** Packages and lib functions of every configured domain matching a query. Loads every shard of every domain (once; cached after). */
  /** Packages of every domain whose maintainers include a handle (fetches every shard, once; then from cache). */
  async maintainedBy(handle: string): Promise<{ domain: string; revision: string; pkg: StubPackage }[]> {
    const out: { domain: string; revision: string; pkg: StubPackage }[] = [];
    for (const domain of this.domainNames()) {
      const loaded = await this.load(domain).catch(() => undefined);
      if (!loaded) continue;
      for (let i = 0; i < loaded.root.shards.length; i++) {
        const shard = await this.shard(loaded, i).catch(() => undefined);
        for (const p of shard?.packages ?? []) if (p.maintainers.includes(handle)) out.push({ domain, revision: loaded.revision, pkg: p });
      }
    }
    return out;
  }

  async search(query: string, limit = 200): Promise<StubSymbol[]> {
    const q = query.toLowerCase();
    const out: StubSymbol[] = [];
    for (const domain of this.domainNames()) {
      let loaded: Loaded;
      try {
        loaded = await this.load(domain);
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
    const loaded = await this.load(domain);
    return Promise.all(
      loaded.root.maintainers.map(async (m) => ({
        file: m.file,
        size: m.size,
        index: (await this.part(loaded, m.part, `maintainers ${m.file}`, handleIndexFromJson)) as HandleIndex,
      })),
    );
  }

  /** The root of a domain's stub at the revision it resolves to. */
  async root(domain: string): Promise<StubRoot> {
    return (await this.load(domain)).root;
  }

  /** One file of a domain at its revision, as text, for a read-only view; the path is confined to the domain. */
  async fileContent(domain: string, file: string): Promise<string> {
    return (await this.fileBytes(domain, file)).toString('utf8');
  }

  /** Bytes [start, end) of a file of a domain (one maintainer entry); never the whole file over HTTP. */
  async fileRange(domain: string, file: string, start: number, end: number): Promise<Buffer> {
    return this.fileBytes(domain, file, [start, end]);
  }

  /** Forgets loaded stubs (all, or one domain's): the next access revalidates roots with their ETag and fetches refs again. */
  refresh(domain?: string): void {
    for (const name of domain ? [domain] : this.domainNames()) {
      for (const key of [...this.loads.keys()]) if (key.startsWith(`${name}@`)) this.loads.delete(key);
      this.forceRevalidate.add(name);
      const source = this.sources.get(name);
      if (source instanceof GitStubSource) source.refresh();
    }
  }

  /** Deletes the disk cache and forgets everything loaded. */
  async clearCache(): Promise<void> {
    this.loads.clear();
    await this.cache.clear();
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  /** Logs a refusal or failure and tells it as a problem of its kind; the error to throw. */
  private refuse(kind: ProblemKind, domain: string, message: string): StubUnavailableError {
    this.log(message);
    this.options.problem?.(problem(kind, message, domain));
    return new StubUnavailableError(message);
  }

  private record(domain: string, what: string, bytes: number, from: string): void {
    this.fetches.push({ domain, what, bytes, from });
    this.log(`fetched ${domain} ${what} ${formatBytes(bytes)} from ${from}`);
  }

  private config(domain: string) {
    const config = this.options.domains[domain];
    if (!config) throw new StubUnavailableError(`domain "${domain}" is not configured in nix-domains.json (domains.${domain})`);
    return config;
  }

  private async revisionOf(domain: string): Promise<string | undefined> {
    return (await this.pinOf(domain)).revision;
  }

  /** The revision a domain is resolved at and what chose it: its `rev`, the open domain's flake.lock, or nothing (the newest published). */
  async pinOf(domain: string): Promise<{ revision?: string; by: 'rev' | 'flake.lock' | 'none' }> {
    if (this.options.revisionOf) {
      const revision = await this.options.revisionOf(domain);
      return revision ? { revision, by: 'rev' } : { by: 'none' };
    }
    const config = this.config(domain);
    if (config.rev) return { revision: config.rev, by: 'rev' };
    const locked = await readLockedRevision(path.join(this.options.workspaceRoot, 'flake.lock'), config.input ?? domain);
    return locked ? { revision: locked, by: 'flake.lock' } : { by: 'none' };
  }

  private load(domain: string): Promise<Loaded> {
    return (async () => {
      const revision = await this.revisionOf(domain);
      const key = `${domain}@${revision ?? '*'}`;
      const memo = this.loads.get(key);
      // A failure is remembered for a while: a hanging server must not be asked on every keystroke.
      if (memo && (!memo.failed || Date.now() - memo.at < (this.options.retryAfterMs ?? 30_000))) return memo.promise;
      const entry: { at: number; promise: Promise<Loaded>; failed?: boolean } = {
        at: Date.now(),
        promise: this.loadFresh(domain, revision),
      };
      entry.promise.catch(() => {
        entry.failed = true;
        entry.at = Date.now();
      });
      this.loads.set(key, entry);
      return entry.promise;
    })();
  }

  private async loadFresh(domain: string, revision: string | undefined): Promise<Loaded> {
    const config = this.config(domain);
    const reasons: string[] = [];
    const checkout = config.path ? path.resolve(this.options.workspaceRoot, config.path) : undefined;
    let checkoutHead: string | undefined;
    if (checkout && existsSync(checkout)) {
      const head = await gitRevision(checkout).catch(() => undefined);
      checkoutHead = head ? (head.dirty ? `${head.commit}-dirty` : head.commit) : undefined;
      if (revision === undefined || head?.commit === revision || !config.stubs) {
        if (revision !== undefined && head?.commit !== revision)
          this.log(
            `${domain}: local checkout ${checkout} is at ${checkoutHead?.slice(0, 12) ?? 'no commit'}, pinned ${revision.slice(0, 12)}; no stubs configured, using the checkout`,
          );
        return this.fromCheckout(domain, checkout, checkoutHead ?? revision ?? 'working-tree');
      }
      reasons.push(`local checkout ${checkout} is at ${checkoutHead?.slice(0, 12) ?? 'no commit'}, not ${revision.slice(0, 12)}`);
    } else if (checkout) reasons.push(`no local checkout at ${checkout}`);

    const revalidate = this.forceRevalidate.delete(domain);
    const cached = revision ? await this.cache.getRoot(domain, revision) : undefined;
    if (cached && !revalidate) {
      const root = this.tryRoot(cached.bytes, domain, revision, `cached root`);
      if (root) return { root, revision: root.revision, parts: new Map(), source: this.optionalSource(domain) };
      await this.cache.dropRoot(domain, revision!, 'it failed validation');
    }
    if (!config.stubs) {
      throw this.refuse('stub', domain, `${domain}: no stub available (${[...reasons, 'no "stubs" configured'].join('; ')})`);
    }
    const source = this.source(domain, config.stubs);
    try {
      const rev = revision ?? (await this.newestRevision(domain, source));
      const relative = `${revisionFolder(domain, rev)}/root.json`;
      const result = await source.read(relative, {
        maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
        ...(cached?.etag ? { etag: cached.etag } : {}),
      });
      if (isNotModified(result)) {
        this.log(`${domain} root unchanged (304) at ${result.from}`);
        const root = validateRoot(parseJson(cached!.bytes, 'cached root'), domain, rev);
        return { root, revision: rev, source, parts: new Map() };
      }
      const root = validateRoot(parseJson(result.bytes, `root from ${result.from}`), domain, rev);
      this.record(domain, 'root', result.transferred, result.from);
      await this.cache.putRoot(domain, rev, result.bytes, result.etag, result.from);
      return { root, revision: rev, source, parts: new Map() };
    } catch (err) {
      // Told even when the cache can stand in: the source is broken or unreachable.
      const refused = this.refuse('stub', domain, `refused ${domain} stub from ${source.description}: ${(err as Error).message}`);
      if (cached) {
        this.log(`${domain}: using the cached root of ${revision!.slice(0, 12)}`);
        const root = this.tryRoot(cached.bytes, domain, revision, 'cached root');
        if (root) return { root, revision: root.revision, source, parts: new Map() };
      }
      throw refused;
    }
  }

  private tryRoot(bytes: Buffer, domain: string, revision: string | undefined, what: string): StubRoot | undefined {
    try {
      return validateRoot(parseJson(bytes, what), domain, revision);
    } catch (err) {
      this.log(`${domain}: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async fromCheckout(domain: string, root: string, revision: string): Promise<Loaded> {
    const open =
      this.options.openCheckout ??
      (async (r: string, d: string) => {
        const analyzer = await Analyzer.create(r, d);
        await analyzer.indexAll();
        return analyzer;
      });
    const analyzer = await open(root, domain);
    const built = await buildStub(analyzer, revision);
    const bytes = built.files.get('root.json')!.byteLength;
    this.log(`${domain}: stub of local checkout ${root} at ${revision.slice(0, 12)} generated in memory (root ${formatBytes(bytes)})`);
    return { root: built.root, revision, built, parts: new Map() };
  }

  private async newestRevision(domain: string, source: StubTreeSource): Promise<string> {
    const result = await source.read('index.json', { maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES });
    if (isNotModified(result)) throw new FetchError('index.json: unexpected 304');
    this.record(domain, 'index', result.transferred, result.from);
    const index = validateIndex(parseJson(result.bytes, `index.json from ${result.from}`));
    const newest = index.domains[domain]?.[0];
    if (!newest) throw new FetchError(`index.json lists no revision of ${domain}`);
    this.log(`${domain}: no revision pinned; using the newest in index.json, ${newest.revision.slice(0, 12)}`);
    return newest.revision;
  }

  private optionalSource(domain: string): StubTreeSource | undefined {
    const spec = this.options.domains[domain]?.stubs;
    return spec ? this.source(domain, spec) : undefined;
  }

  private source(domain: string, spec: string): StubTreeSource {
    let source = this.sources.get(domain);
    if (source) return source;
    const kind = stubSpecKind(spec);
    if (kind === 'http') source = new HttpStubSource(spec, this.options.http);
    else if (kind === 'git') source = new GitStubSource(spec, this.cache.dir, this.options.git);
    else source = new FolderStubSource(path.resolve(this.options.workspaceRoot, spec));
    this.sources.set(domain, source);
    return source;
  }

  private async shardOf(loaded: Loaded, name: string): Promise<StubShard | undefined> {
    const ref = shardFor(loaded.root.shards, name);
    return ref ? this.shard(loaded, loaded.root.shards.indexOf(ref)) : undefined;
  }

  private shard(loaded: Loaded, i: number): Promise<StubShard> {
    const ref = loaded.root.shards[i]!;
    return this.part(loaded, ref, `shard ${i} ("${ref.from}"…)`, (data) => validateShard(data, loaded.root, i)) as Promise<StubShard>;
  }

  /** A verified, validated part: from the in-memory stub, the cache (by hash), or the source. */
  private part(loaded: Loaded, ref: PartRef, what: string, validate: (data: unknown) => unknown): Promise<unknown> {
    let promise = loaded.parts.get(ref.sha256);
    if (promise) return promise;
    const domain = loaded.root.domain;
    promise = (async () => {
      const label = `${domain}@${loaded.revision.slice(0, 12)} ${what}`;
      const local = loaded.built?.files.get(ref.file);
      if (local) return validate(parseJson(local, label));
      const cached = await this.cache.getPart(domain, ref.sha256);
      if (cached) {
        try {
          return validate(parseJson(cached, `cached ${label}`));
        } catch (err) {
          this.log(`${domain}: ${(err as Error).message}`);
        }
      }
      if (!loaded.source) throw new StubUnavailableError(`${label}: not cached, and no "stubs" source is configured`);
      try {
        const result = await loaded.source.read(`${revisionFolder(domain, loaded.revision)}/${ref.file}`, {
          maxBytes: Math.min(ref.size, this.options.maxBytes ?? DEFAULT_MAX_BYTES),
        });
        if (isNotModified(result)) throw new FetchError('unexpected 304');
        verifyPart(result.bytes, ref, `${label} from ${result.from}`);
        const value = validate(parseJson(result.bytes, `${label} from ${result.from}`));
        this.record(domain, what, result.transferred, result.from);
        await this.cache.putPart(domain, ref.sha256, result.bytes);
        return value;
      } catch (err) {
        const why = err instanceof StubFormatError || err instanceof FetchError ? err.message : String(err);
        throw this.refuse('stub', domain, `refused ${label}: ${why}`);
      }
    })();
    promise.catch(() => loaded.parts.delete(ref.sha256));
    loaded.parts.set(ref.sha256, promise);
    return promise;
  }

  private async fileBytes(domain: string, file: string, range?: [number, number]): Promise<Buffer> {
    const pathProblem = domainPathProblem(file);
    if (pathProblem) throw this.refuse('file', domain, `refused ${domain} file ${JSON.stringify(file)}: it ${pathProblem}`);
    const config = this.config(domain);
    const revision = await this.revisionOf(domain);
    const sources: DomainFileSource[] = [];
    const checkout = config.path ? path.resolve(this.options.workspaceRoot, config.path) : undefined;
    if (checkout && existsSync(checkout)) sources.push(new CheckoutFileSource(checkout));
    if (!range && revision) {
      const cached = await this.cache.getFile(domain, revision, file);
      if (cached) return cached;
    }
    if (config.files)
      sources.push(
        /^https?:/.test(config.files)
          ? new HttpFileSource(config.files, domain, this.options.http)
          : new GitFileSource(config.files, this.cache.dir, this.options.git),
      );
    const reasons: string[] = [];
    for (const source of sources) {
      try {
        const result = await source.read(revision, file, {
          maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
          ...(range ? { range } : {}),
        });
        if (result.transferred > 0)
          this.record(domain, range ? `${file} bytes ${range[0]}-${range[1]}` : file, result.transferred, result.from);
        if (!range && revision && result.transferred > 0) await this.cache.putFile(domain, revision, file, result.bytes, result.from);
        return result.bytes;
      } catch (err) {
        reasons.push((err as Error).message);
      }
    }
    const why = `${domain} ${file}${revision ? ` at ${revision.slice(0, 12)}` : ''}: ${reasons.length ? reasons.join('; ') : 'no local checkout and no "files" configured'}`;
    this.refuse('file', domain, `refused ${why}`);
    throw new StubUnavailableError(why);
  }
}
