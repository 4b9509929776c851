import { Analyzer, type AnalyzerOptions } from './analyzer';
import type { Budget } from './budget';
import { prepareDomainGraph } from './dependencyGraph';
import { RebuildModel } from './impact/closure';
import { prepareRebuildModel } from './impact/failures';
import { DomainWaves } from './features/waves';
import type { ImpactSettings } from './impact/manifest';
import { readManifest, type Manifest } from './manifest';
import type { ProblemSink } from './problems';
import type { CatalogPart } from './packages';
import { Universe } from './universe';
import { formatCount } from './counts';

/**
 * What a request may need built before it runs: maps of the catalog, the dependency graphs (and
 * what the rebuild model's failures read), or also what a package's hover reads of them ('impact':
 * the rebuild model, its sorted names and the waves' levels).
 */
export type Need = CatalogPart | 'graph' | 'impact';

/** What a package's hover reads beyond the card: the names its impact lists, and the impact and waves. */
export const HOVER_NEEDS: readonly Need[] = ['names', 'impact'];

export interface SessionOptions {
  /** False in an untrusted workspace: the domain is read, but nothing is fetched and git never runs. */
  trusted: boolean;
  /** Where stub fetches and decisions are logged. */
  stubLog: (message: string) => void;
  /** What the user should know once (a stub or file of another domain refused or unavailable). */
  problem: ProblemSink;
  /** Where the Waves hover links the full wave plan (a `command:` link the client runs), if the client follows links. */
  wavePlanLink?: string;
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
  private manifestValue?: Promise<Manifest>;
  private universeValue?: Promise<Universe>;
  private wavesValue?: Promise<DomainWaves>;
  /** The structure generation for which a hover's wait for the impact ran out (`prepareHoverImpact`). */
  private impactWaitRanOut?: number;

  constructor(
    readonly analyzer: Analyzer,
    readonly options: SessionOptions,
  ) {}

  /** Opens the domain rooted at `root` (its name from the manifest, else the folder); indexing is the caller's. */
  static async open(root: string, options: SessionOptions): Promise<DomainSession> {
    const manifest = await readManifest(root);
    const analyzer = await Analyzer.create(root, manifest.domain, { ...options.analyzer, useGit: options.trusted });
    const session = new DomainSession(analyzer, options);
    session.manifestValue = Promise.resolve(manifest);
    return session;
  }

  get trusted(): boolean {
    return this.options.trusted;
  }

  /** The domain's manifest, read once (`manifestChanged` reads it again). */
  manifest(): Promise<Manifest> {
    this.manifestValue ??= readManifest(this.analyzer.root);
    return this.manifestValue;
  }

  /** nix-domains.json changed: the next use reads it again, and the universe and waves built on it are made anew. */
  manifestChanged(): void {
    this.manifestValue = undefined;
    this.universeValue = undefined;
    this.wavesValue = undefined;
  }

  /** The other domains (created on first use; nothing is fetched until a name needs it). */
  universe(): Promise<Universe> {
    this.universeValue ??= this.manifest().then((manifest) =>
      Universe.create(this.analyzer, {
        log: this.options.stubLog,
        problem: this.options.problem,
        fetch: this.options.trusted,
        manifest,
        ...(this.options.stubCacheDir ? { cacheDir: this.options.stubCacheDir } : {}),
      }),
    );
    return this.universeValue;
  }

  /** The domain's waves, or undefined in an untrusted workspace (they read git branches). */
  async waves(): Promise<DomainWaves | undefined> {
    if (!this.options.trusted) return undefined;
    this.wavesValue ??= this.manifest().then((manifest) => DomainWaves.create(this.analyzer, manifest));
    return this.wavesValue;
  }

  /** The manifest's `impact` settings (its problems are shown in the manifest itself). */
  async impactSettings(): Promise<ImpactSettings> {
    return (await this.manifest()).impact;
  }

  /**
   * Builds what a request needs within its budget, in slices; true when all of it is ready. While
   * the domain is being indexed it first waits for the index (whole-domain maps of a partial
   * index would be wrong, and rebuilt with every file read).
   */
  async prepare(budget: Budget, needs: readonly Need[]): Promise<boolean> {
    if (
      this.analyzer.indexing &&
      !(await budget.race(
        this.analyzer.indexed.then(
          () => true,
          () => true,
        ),
      ))
    )
      return false;
    const parts = needs.filter((n): n is CatalogPart => n !== 'graph' && n !== 'impact');
    const impact = needs.includes('impact');
    for (;;) {
      const generation = this.analyzer.index.structureGeneration;
      if (!(await this.analyzer.catalog.prepare(budget, parts))) return false;
      if (!impact && !needs.includes('graph')) return true;
      if (!(await prepareDomainGraph(this.analyzer, budget)) || !(await prepareRebuildModel(this.analyzer, budget))) return false;
      const ready = !impact || (await this.prepareImpact(budget));
      // An edit of the structure meanwhile: all of it again, for the structure of now.
      if (generation === this.analyzer.index.structureGeneration) return ready;
      if (budget.stopped) return false;
    }
  }

  /**
   * Prepares what a package's hover reads ('names' and 'impact'), waiting at most `waitMs` of the
   * budget (the whole budget without it) — once per structure of the index. After one wait ran out,
   * the hovers that follow do not wait and do none of the work (a budget already stopped takes no
   * step) until the impact is ready: the server prepares it in the background meanwhile. On the
   * generated 40,000-file core it takes seconds after the index, and every package hover of that
   * time used to wait its half second before saying it was still being computed. An edit of the
   * structure gives the next hover its wait again (one that lands during a wait is recorded as the
   * structure before it, so the next hover waits once more). A wait cut by the request's own
   * cancellation or deadline is not recorded. True when the impact is ready.
   */
  async prepareHoverImpact(budget: Budget, waitMs?: number): Promise<boolean> {
    if (waitMs === undefined) return this.prepare(budget, HOVER_NEEDS);
    const generation = this.analyzer.index.structureGeneration;
    const wait = budget.atMost(this.impactWaitRanOut === generation ? 0 : waitMs);
    if (await this.prepare(wait, HOVER_NEEDS)) return true;
    if (!budget.stopped) this.impactWaitRanOut = generation;
    return false;
  }

  /**
   * What a package's hover reads once the graphs are ready: the rebuild model, the (name, node)
   * pairs its queries keep sorted, and the levels of the waves' graph. The model and the sort are
   * one piece each (about 0.07 s each on the generated core, in process), with a yield between
   * them; the levels (0.056 s in one piece) come in slices. Before, a hover that came as the graphs
   * were ready built all three itself, in one piece, after its wait. False when the budget stops or
   * the structure changes before the model is made (`prepare` then starts again).
   */
  private async prepareImpact(budget: Budget): Promise<boolean> {
    const { analyzer } = this;
    const generation = analyzer.index.structureGeneration;
    const settings = await this.impactSettings();
    // The graphs of another structure would be built in one piece here.
    if (generation !== analyzer.index.structureGeneration) return false;
    // Not made by a budget already out of time (a hover that does not wait): the model is one piece.
    if (budget.stopped && !RebuildModel.made(analyzer, settings)) return false;
    const model = RebuildModel.of(analyzer, settings);
    if (!model.queriesPrepared) {
      if (budget.due && !(await budget.pause())) return false;
      if (generation !== analyzer.index.structureGeneration) return false;
      model.prepareQueries();
    }
    // A change of the structure during the levels: `prepare` compares generations and starts again.
    const waves = await this.waves();
    return !waves || waves.prepare(budget);
  }

  /**
   * Prepares a request about one place (a hover, a definition): with the index complete, the maps
   * of `needs`; while it is being indexed, only the files indexing reads first, since the answer
   * then comes from the partial index, which reads the files it reaches on demand. After a failed
   * run the index stays partial and nothing is prepared: whole-domain maps of it would be rebuilt
   * with every file read on demand. 'partial' says the answer may be incomplete; 'cut' that the
   * budget ran out first.
   */
  async prepareAt(budget: Budget, needs: readonly Need[]): Promise<'ready' | 'partial' | 'cut'> {
    const { analyzer } = this;
    if (analyzer.indexing) {
      await budget.race(analyzer.ready);
      if (budget.stopped) return 'cut';
    }
    if (analyzer.indexing || analyzer.indexFailure !== undefined) return 'partial';
    return (await this.prepare(budget, needs)) ? 'ready' : 'cut';
  }

  /** While the domain is being indexed (or after its indexing failed): how far it is, as a sentence for an answer that may be incomplete. */
  indexingNote(): string | undefined {
    const { index, indexFailure, indexing } = this.analyzer;
    const read = index.files.size;
    const counts = `(${formatCount(read)} of ${formatCount(read + index.pendingCount)} files read)`;
    if (indexFailure !== undefined && !indexing)
      return (
        `Indexing domain \`${index.domain}\` failed${index.reading ? ` ${counts}` : ''}: this answer may be incomplete. ` +
        'The server log has the error; Nix Domains: Restart Server indexes the domain again.'
      );
    if (!index.reading) return undefined;
    return (
      `Domain \`${index.domain}\` is still being indexed ${counts}: ` +
      'this answer may be incomplete; direct dependants, impact and waves follow once it is complete.'
    );
  }

  /** Forgets the other domains' lookups (after their stubs were refreshed). */
  async forgetOtherDomains(): Promise<void> {
    if (this.universeValue) (await this.universeValue).forget();
  }
}
