import { Analyzer, type AnalyzerOptions } from './analyzer';
import type { Budget } from './budget';
import { prepareDomainGraph } from './dependencyGraph';
import { DomainWaves } from './features/waves';
import { readImpactSettings, type ImpactSettings } from './impact/manifest';
import { readDomainName } from './manifest';
import type { CatalogPart } from './packages';
import { Universe } from './universe';

/** What a request may need built before it runs: maps of the catalog, or the dependency graph. */
export type Need = CatalogPart | 'graph';

export interface SessionOptions {
  /** False in an untrusted workspace: the domain is read, but nothing is fetched and git never runs. */
  trusted: boolean;
  /** Where stub fetches and refusals are told (the server sorts them into the log and the user's notices). */
  stubLog: (message: string) => void;
  /** Where the Waves hover links the full wave plan (a `command:` link the client runs), if the client follows links. */
  wavePlanLink?: string;
  /** Where problems of the manifest's sections are told. */
  report: (message: string) => void;
  analyzer?: Partial<AnalyzerOptions>;
  /** Folder of the stub cache (default: the platform cache folder). */
  stubCacheDir?: string;
}

/**
 * One open domain with everything around it: its analyzer, the other domains of its universe
 * (through their stubs), its waves and its impact settings. The editor and the CLI open one per
 * domain; cross-domain features are plain functions of a session.
 */
export class DomainSession {
  private universeValue?: Promise<Universe>;
  private wavesValue?: Promise<DomainWaves>;
  private impactValue?: Promise<ImpactSettings>;

  constructor(readonly analyzer: Analyzer, readonly options: SessionOptions) {}

  /** Opens the domain rooted at `root` (its name from the manifest, else the folder); indexing is the caller's. */
  static async open(root: string, options: SessionOptions): Promise<DomainSession> {
    const analyzer = await Analyzer.create(root, await readDomainName(root), { ...options.analyzer, useGit: options.trusted });
    return new DomainSession(analyzer, options);
  }

  get trusted(): boolean {
    return this.options.trusted;
  }

  /** The other domains (created on first use; nothing is fetched until a name needs it). */
  universe(): Promise<Universe> {
    this.universeValue ??= Universe.create(this.analyzer, {
      log: this.options.stubLog, fetch: this.options.trusted, ...(this.options.stubCacheDir ? { cacheDir: this.options.stubCacheDir } : {}),
    });
    return this.universeValue;
  }

  /** The domain's waves, or undefined in an untrusted workspace (they read git branches). */
  async waves(): Promise<DomainWaves | undefined> {
    if (!this.options.trusted) return undefined;
    this.wavesValue ??= DomainWaves.create(this.analyzer);
    return this.wavesValue;
  }

  /** The manifest's `impact` settings, read once; problems in them are reported. */
  impactSettings(): Promise<ImpactSettings> {
    this.impactValue ??= readImpactSettings(this.analyzer.root).then(({ settings, errors }) => {
      for (const error of errors) this.options.report(`invalid ${error}`);
      return settings;
    });
    return this.impactValue;
  }

  /**
   * Builds what a request needs within its budget, in slices; true when all of it is ready. While
   * the domain is being indexed it first waits for the index (whole-domain maps of a partial
   * index would be wrong, and rebuilt with every file read).
   */
  async prepare(budget: Budget, needs: readonly Need[]): Promise<boolean> {
    if (this.analyzer.indexing && !(await budget.race(this.analyzer.indexed.then(() => true, () => true)))) return false;
    const parts = needs.filter((n): n is CatalogPart => n !== 'graph');
    if (!(await this.analyzer.catalog.prepare(budget, parts))) return false;
    return needs.includes('graph') ? prepareDomainGraph(this.analyzer, budget) : true;
  }

  /**
   * Prepares a request about one place (a hover, a definition): with the index complete, the maps
   * of `needs`; while it is being indexed, only the files indexing reads first, since the answer
   * then comes from the partial index, which reads the files it reaches on demand. 'partial' says
   * the answer may be incomplete; 'cut' that the budget ran out first.
   */
  async prepareAt(budget: Budget, needs: readonly Need[]): Promise<'ready' | 'partial' | 'cut'> {
    if (!this.analyzer.indexing) return (await this.prepare(budget, needs)) ? 'ready' : 'cut';
    await budget.race(this.analyzer.ready);
    if (budget.stopped) return 'cut';
    return this.analyzer.indexing ? 'partial' : (await this.prepare(budget, needs)) ? 'ready' : 'cut';
  }

  /** While the domain is being indexed: how far it is, as a sentence for an answer that may be incomplete. */
  indexingNote(): string | undefined {
    const { index } = this.analyzer;
    if (!index.reading) return undefined;
    const read = index.files.size;
    return `Domain \`${index.domain}\` is still being indexed (${read.toLocaleString('en-US')} of ${(read + index.pendingCount).toLocaleString('en-US')} files read): `
      + 'this answer may be incomplete; direct dependants, impact and waves follow once it is complete.';
  }

  /** Forgets the other domains' lookups (after their stubs were refreshed). */
  async forgetOtherDomains(): Promise<void> {
    if (this.universeValue) (await this.universeValue).forget();
  }
}
