import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer } from './analyzer';
import type { Manifest } from './manifest';
import { problem, type ProblemSink } from './problems';
import { formatEntryHover, parseEntry } from './maintainers/entry';
import type { StubPackage } from './stubs/format';
import { StubStore } from './stubs/store';
import type { StubSymbol } from './stubs/storeTypes';

/** Where a universe reads its other domains from, and where it tells what happens. */
export interface UniverseOptions {
  log: (message: string) => void;
  problem?: ProblemSink;
  /** The open domain's manifest, when already read (else it is read here). */
  manifest?: Manifest;
  cacheDir?: string;
  /** False in an untrusted workspace: nothing is fetched, no checkout is read. */
  fetch?: boolean;
}

/** A package of another domain, as its stub describes it. */
export interface ForeignPackage {
  domain: string;
  revision: string;
  pkg: StubPackage;
}

/** Where a file of another domain is shown: a file of a local checkout, or a read-only virtual document. */
export type ForeignLocation =
  | { kind: 'checkout'; absolute: string; line: number; character: number }
  | { kind: 'virtual'; domain: string; revision: string; file: string; line: number; character: number };

/** How another domain answered a name it does not have (see `Universe.whyMissing`). */
export interface DomainMiss {
  domain: string;
  revision?: string;
  /** What chose the revision: the manifest's `rev`, the open domain's flake.lock, or nothing (the newest). */
  by: 'rev' | 'flake.lock' | 'none';
  /** Packages the stub of that revision has. */
  packages?: number;
  /** Why no stub could be had. */
  unavailable?: string;
}

/**
 * One sentence on why a name is in no domain: this one, and each other domain at its revision.
 * A revision with no packages at all (a pin older than the domain's packages) is said plainly,
 * with what to change.
 */
export function missingEverywhere(name: string, here: string, misses: readonly DomainMiss[]): string {
  const head = `\`${name}\` names no package in domain \`${here}\``;
  if (misses.length === 0) return `${head}: callPackage cannot fill this input.`;
  const at = (m: DomainMiss) =>
    m.revision
      ? `\`${m.domain}\` at \`${m.revision.slice(0, 12)}\`${m.by === 'flake.lock' ? ' (pinned by flake.lock)' : m.by === 'rev' ? ' (its "rev" in nix-domains.json)' : ''}`
      : `\`${m.domain}\``;
  const sentences = [`${head} nor in ${misses.map(at).join(', ')}: callPackage cannot fill this input.`];
  for (const m of misses) {
    if (m.unavailable) sentences.push(`${at(m)} could not be read: ${m.unavailable}.`);
    else if (m.packages === 0) {
      sentences.push(
        `${at(m)} defines no packages at all: set a newer "rev" for \`${m.domain}\` in nix-domains.json, update the pin, or check \`${m.domain}\` out beside this domain.`,
      );
    }
  }
  return sentences.join(' ');
}

/**
 * The other domains of the universe, seen from the open one: looked up lazily through their
 * stubs (nothing is fetched until a name from another domain is needed), in the order the
 * manifest lists them.
 */
export class Universe {
  private readonly misses = new Set<string>();
  private readonly hits = new Map<string, ForeignPackage | undefined>();

  private constructor(
    readonly analyzer: Analyzer,
    readonly store: StubStore | undefined,
  ) {}

  /** The universe of the domain an analyzer indexes; `fetch: false` (an untrusted workspace) reads local checkouts only. */
  static async create(analyzer: Analyzer, options: UniverseOptions): Promise<Universe> {
    // Untrusted: not even a local checkout is read (that would run git); other domains stay unknown.
    if (options.fetch === false) return new Universe(analyzer, undefined);
    const base = {
      log: options.log,
      ...(options.problem ? { problem: options.problem } : {}),
      ...(options.cacheDir ? { cache: options.cacheDir } : {}),
    };
    try {
      const store = options.manifest
        ? new StubStore({ ...base, workspaceRoot: analyzer.root, domains: options.manifest.domains })
        : await StubStore.forDomain(analyzer.root, base);
      return new Universe(analyzer, store);
    } catch (err) {
      const message = `other domains unavailable: ${err instanceof Error ? err.message : String(err)}`;
      options.log(message);
      options.problem?.(problem('stub', message));
      return new Universe(analyzer, undefined);
    }
  }

  /** The other domains, as the manifest names them. */
  domains(): string[] {
    return this.store?.domainNames() ?? [];
  }

  /** A package of another domain by name (first domain that has it); each name is looked up once per session. */
  async lookup(name: string): Promise<ForeignPackage | undefined> {
    if (!this.store || this.misses.has(name)) return undefined;
    if (this.hits.has(name)) return this.hits.get(name);
    for (const domain of this.domains()) {
      try {
        const pkg = await this.store.lookup(domain, name);
        if (pkg) {
          const found = { domain, revision: (await this.store.root(domain)).revision, pkg };
          this.hits.set(name, found);
          return found;
        }
      } catch {
        // The store logged why; another domain may still have it.
      }
    }
    this.misses.add(name);
    return undefined;
  }

  /** Where to show a package of another domain: its local checkout when there is one, else a read-only document. */
  location(found: ForeignPackage): ForeignLocation {
    return this.locationOfFile(found.domain, found.revision, found.pkg.file, found.pkg.pos[0], found.pkg.pos[1]);
  }

  /** Where to show a place in a file of another domain. */
  locationOfFile(domain: string, revision: string, file: string, line: number, character: number): ForeignLocation {
    const checkout = this.store?.options.domains[domain]?.path;
    if (checkout) {
      const absolute = path.resolve(this.analyzer.root, checkout, ...file.split('/'));
      if (existsSync(absolute)) return { kind: 'checkout', absolute, line, character };
    }
    return { kind: 'virtual', domain, revision, file, line, character };
  }

  /** The text of one file of another domain (for a read-only document); the path is confined to that domain. */
  async fileContent(domain: string, file: string): Promise<string> {
    if (!this.store || !this.domains().includes(domain)) throw new Error(`'${domain}' is not a domain of this universe`);
    return this.store.fileContent(domain, file);
  }

  /** Packages and lib functions of other domains matching a query (fetches their shards once). */
  async search(query: string, limit = 200): Promise<StubSymbol[]> {
    if (!this.store || this.domains().length === 0) return [];
    return this.store.search(query, limit).catch(() => []);
  }

  /** Packages of other domains that take a package of this domain directly (by one of its names). */
  async takers(name: string): Promise<{ domain: string; attr: string }[]> {
    if (!this.store) return [];
    const out: { domain: string; attr: string }[] = [];
    for (const domain of this.domains()) {
      const takers = await this.store.packagesTaking(domain, name).catch(() => []);
      out.push(...takers.map((attr) => ({ domain, attr })));
    }
    return out;
  }

  /** A package of one named other domain. */
  async lookupIn(domain: string, attr: string): Promise<ForeignPackage | undefined> {
    if (!this.store) return undefined;
    const pkg = await this.store.lookup(domain, attr).catch(() => undefined);
    if (!pkg) return undefined;
    return { domain, revision: (await this.store.root(domain)).revision, pkg };
  }

  /**
   * A maintainer (or team) handle of another domain: the stub's handle index says where its entry
   * is, and only that entry's bytes are read (an HTTP Range request, or the checkout's file).
   */
  async maintainer(
    handle: string,
  ): Promise<{ domain: string; revision: string; file: string; line: number; character: number; card: string } | undefined> {
    if (!this.store) return undefined;
    for (const domain of this.domains()) {
      const lists = await this.store.maintainers(domain).catch(() => []);
      for (const list of lists) {
        const entry = list.index.get(handle);
        if (!entry) continue;
        const bytes = await this.store.fileRange(domain, list.file, entry.start, entry.end).catch(() => undefined);
        const card = bytes
          ? formatEntryHover(parseEntry(bytes.toString('utf8')), list.file.includes('team') ? 'teams' : 'maintainers')
          : `**${handle}**`;
        const revision = (await this.store.root(domain)).revision;
        return { domain, revision, file: list.file, line: entry.line, character: entry.column, card };
      }
    }
    return undefined;
  }

  /** The handles of every maintainer and team list of the other domains (their stubs' indexes). */
  async handles(): Promise<Set<string> | undefined> {
    if (!this.store || this.domains().length === 0) return undefined;
    let found: Set<string> | undefined;
    for (const domain of this.domains()) {
      for (const list of await this.store.maintainers(domain).catch(() => [])) {
        found ??= new Set();
        for (const handle of list.index.handleList()) found.add(handle);
      }
    }
    return found;
  }

  /**
   * Why a name is in no other domain, domain by domain: the revision each was looked up at and
   * what chose it, how many packages that revision has, or why its stub is unavailable.
   */
  async whyMissing(): Promise<DomainMiss[]> {
    if (!this.store) return [];
    const out: DomainMiss[] = [];
    for (const domain of this.domains()) {
      const pin: { revision?: string; by: DomainMiss['by'] } = await this.store.pinOf(domain).catch(() => ({ by: 'none' }));
      try {
        const root = await this.store.root(domain);
        out.push({ domain, revision: root.revision, by: pin.by, packages: root.packages });
      } catch (err) {
        out.push({ domain, ...(pin.revision ? { revision: pin.revision } : {}), by: pin.by, unavailable: (err as Error).message });
      }
    }
    return out;
  }

  /** Forgets what was looked up (after a refresh of the stubs). */
  forget(): void {
    this.misses.clear();
    this.hits.clear();
  }
}

/** The markdown card of a package of another domain. */
export function foreignCard(found: ForeignPackage, lookedUp: string): string {
  const { pkg } = found;
  const title = [`**${pkg.attr}**`, `\`${found.domain}\` @ \`${found.revision.slice(0, 12)}\``, pkg.version].filter(Boolean).join(' · ');
  const lines = [title];
  if (lookedUp !== pkg.attr) lines.push(`\`${lookedUp}\` resolves to \`${pkg.attr}\` in domain \`${found.domain}\`.`);
  if (pkg.description) lines.push(pkg.description);
  const facts: string[] = [];
  if (pkg.homepage) facts.push(`Homepage: ${pkg.homepage}`);
  if (pkg.license) facts.push(`License: ${pkg.license}`);
  facts.push(`Defined in \`${found.domain}:${pkg.file}:${pkg.pos[0] + 1}\` (revision ${found.revision.slice(0, 12)})`);
  if (pkg.maintainers.length > 0) facts.push(`Maintainers: ${pkg.maintainers.join(', ')}`);
  facts.push(`Inputs: ${pkg.inputs.length + pkg.unresolved.length} · Direct dependants in ${found.domain}: ${pkg.dependants.length}`);
  lines.push(facts.join('  \n'));
  return lines.join('\n\n');
}
