import type { Analyzer } from '../analyzer';
import type { Budget } from '../budget';
import { domainGraph, packageId } from '../dependencyGraph';
import { MANIFEST_FILE, readManifest, type Manifest } from '../manifest';
import type { Package } from '../packages';
import {
  BranchCache,
  buildWavePlan,
  describePackageWaves,
  frozenEditWarning,
  parseWaveBranch,
  renderWavesHover,
  wavePatternsOf,
  WaveModel,
  type BranchSnapshot,
  type FrozenEditWarning,
  type WavePlanOptions,
  type WavePlanResult,
  type WavesManifest,
} from '../waves';

const MORE = 'The wave plan, and what waves, roles and levels mean';

/** The wave state shown in the status bar: the checked-out branch and whether it is a wave. */
export interface WaveStatus {
  branch: string | null;
  wave: string | null;
  state: 'green' | 'in progress' | 'no wave' | 'detached' | 'no repository';
}

/**
 * Waves for one domain: the dependency graph from the index, the manifest's `waves` section,
 * and the branches git knows (cached; re-read only when HEAD or refs change).
 */
export class DomainWaves {
  readonly branches: BranchCache;
  private model?: WaveModel;
  private generation = -1;
  private manifest: WavesManifest = {};
  readonly manifestErrors: string[] = [];

  private constructor(readonly analyzer: Analyzer) {
    this.branches = new BranchCache(analyzer.root);
  }

  /** The waves of a domain, from its manifest's `waves` section (read when not given; invalid parts are left out and listed). */
  static async create(analyzer: Analyzer, manifest?: Manifest): Promise<DomainWaves> {
    const waves = new DomainWaves(analyzer);
    const read = manifest ?? (await readManifest(analyzer.root));
    waves.manifest = read.waves;
    waves.manifestErrors.push(...read.problems.filter((p) => p.path[0] === 'waves').map((p) => `${MANIFEST_FILE}: ${p.message}`));
    return waves;
  }

  /** The graph id of a package: `domain:attrPath`. */
  idOf(pkg: Package): string {
    return packageId(this.analyzer.index.domain, pkg);
  }

  /**
   * Works out within a budget what every package's Waves section reads of the whole graph (its
   * levels), so that no hover does it in one piece; true once ready. Asked for once the dependency
   * graph is ready (the model reads it).
   */
  prepare(budget: Budget): Promise<boolean> {
    return this.currentModel().graph.levelsValue().prepare(budget);
  }

  /** The wave model over the current index, rebuilt when the index changed. */
  currentModel(): WaveModel {
    if (this.model && this.generation === this.analyzer.index.structureGeneration) return this.model;
    const catalog = this.analyzer.catalog;
    const { graph } = domainGraph(this.analyzer);
    // A step may name a package by any name it is known by (`python` for an alias): resolve it.
    const resolveStep = (names: string[]) =>
      names.map((name) => {
        const target = this.analyzer.resolver.lookupGlobal(name);
        const pkg = target && catalog.packageAt(target);
        return pkg ? this.idOf(pkg) : name;
      });
    const waves: WavesManifest = { ...this.manifest };
    if (waves.steps) waves.steps = waves.steps.map(resolveStep);
    if (waves.stepsByMajor) {
      waves.stepsByMajor = Object.fromEntries(Object.entries(waves.stepsByMajor).map(([m, steps]) => [m, steps.map(resolveStep)]));
    }
    this.model = new WaveModel(graph, waves);
    this.generation = this.analyzer.index.structureGeneration;
    return this.model;
  }

  /** The **Waves** section of a package's hover; `planLink` is a link to the wave plan, for clients that run one. */
  async hoverSection(pkg: Package, planLink?: string): Promise<string> {
    const snapshot = await this.branches.get();
    // The explanations live with the plan: one click away in VS Code, one command elsewhere.
    const more = planLink ? `[${MORE}](${planLink})` : `${MORE}: \`nix-domains wave\``;
    return renderWavesHover(describePackageWaves(this.currentModel(), snapshot, this.idOf(pkg)), 'markdown', { more });
  }

  /** The warning for editing a package that the checked-out WIP wave has frozen, if any. */
  async frozenWarning(pkg: Package): Promise<FrozenEditWarning | null> {
    const snapshot = await this.branches.get();
    return frozenEditWarning(this.currentModel(), snapshot, this.idOf(pkg));
  }

  /** The wave plan (for the CLI and the client's command). */
  async plan(options: WavePlanOptions = {}): Promise<WavePlanResult> {
    const snapshot = await this.branches.get();
    return buildWavePlan(this.currentModel(), snapshot, options);
  }

  /** The checked-out branch and its wave state. */
  async status(): Promise<WaveStatus> {
    return waveStatus(await this.branches.get(), this.manifest);
  }
}

function waveStatus(snapshot: BranchSnapshot, manifest: WavesManifest): WaveStatus {
  if (!snapshot.repository) return { branch: null, wave: null, state: 'no repository' };
  if (snapshot.detached || !snapshot.current) return { branch: null, wave: null, state: 'detached' };
  const wave = parseWaveBranch(snapshot.current, wavePatternsOf(manifest));
  if (!wave) return { branch: snapshot.current, wave: null, state: 'no wave' };
  return { branch: snapshot.current, wave: `${wave.major}.${wave.minor}`, state: wave.green ? 'green' : 'in progress' };
}
