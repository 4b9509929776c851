// How the stub store has a domain's stub: from the local checkout (a stub generated in memory),
// the disk cache, or the configured stub folder / URL / git ref, at the revision the domain is
// pinned to; each part (a shard, the reverse graph, a handle index) verified and cached by its
// hash, and files of a domain from its checkout or its "files" source. Every fetch and refusal
// is one log line; a failure is remembered for a while.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from '../analyzer';
import { StubCache } from './cache';
import { readLockedRevision } from './flakeLock';
import { domainPathProblem, revisionFolder, type PartRef, type StubRoot } from './format';
import { buildStub, gitRevision } from './generate';
import { problem, type ProblemKind } from '../problems';
import { stubSpecKind } from './manifestDomains';
import { CheckoutFileSource } from './sources/checkout';
import { FolderStubSource } from './sources/folder';
import { GitFileSource, GitStubSource } from './sources/git';
import { HttpFileSource, HttpStubSource } from './sources/http';
import { DEFAULT_MAX_BYTES, FetchError, isNotModified, type DomainFileSource, type StubTreeSource } from './sources/types';
import { parseJson, StubFormatError, validateIndex, validateRoot, verifyPart } from './validate';
import { formatBytes, StubUnavailableError, type FetchRecord, type Loaded, type StubStoreOptions } from './storeTypes';

/** Loads the stubs and files of the configured domains, lazily, and keeps what it loaded. */
export class StubLoader {
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

  /** Forgets the loaded stubs of these domains: the next access revalidates roots with their ETag and fetches refs again. */
  refresh(domains: string[]): void {
    for (const name of domains) {
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

  /** A domain's stub at the revision it resolves to: its root now, its parts on demand. */
  load(domain: string): Promise<Loaded> {
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

  /** A verified, validated part: from the in-memory stub, the cache (by hash), or the source. */
  part(loaded: Loaded, ref: PartRef, what: string, validate: (data: unknown) => unknown): Promise<unknown> {
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

  /** A file of a domain at its revision (bytes [start, end) of it, given a range); the path is confined to the domain. */
  async fileBytes(domain: string, file: string, range?: [number, number]): Promise<Buffer> {
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
