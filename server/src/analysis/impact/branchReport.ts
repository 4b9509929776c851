// The whole `impact --base REF` answer from an indexed domain: changes → packages → closure →
// buckets and wave steps. The CLI renders it; the server can offer the same as a command.
import type { Analyzer } from '../analyzer';
import { packageId } from '../dependencyGraph';
import type { DomainWaves } from '../features/waves';
import { RebuildModel, type ForeignDependants } from './closure';
import { branchChanges, changedPackages, type BranchChanges } from './changes';
import { MANIFEST_FILE, readManifest } from '../manifest';
import { domainRows, touchedWaveSteps, type ImpactReport } from './report';

/** Options of a branch report. */
export interface BranchReportOptions {
  /** The domain's waves (graph and branches), for the steps the change touches. */
  waves?: DomainWaves;
  foreign?: ForeignDependants;
  /** The branch's changes, when the caller started listing them ahead (the CLI does, while it indexes the domain). */
  changes?: Promise<BranchChanges>;
}

/** The impact of the working tree (committed or not) against the merge base of `base` and HEAD. */
export async function branchImpactReport(analyzer: Analyzer, base: string, options: BranchReportOptions = {}): Promise<ImpactReport> {
  // git runs while the rebuild model is built (a second of CPU on a real core); failures are met where awaited.
  const listing = options.changes ?? branchChanges(analyzer.root, base);
  const branches = options.waves?.branches.get();
  for (const pending of [listing, branches]) pending?.catch(() => undefined);
  const manifest = await readManifest(analyzer.root);
  const errors = manifest.problems.filter((p) => p.path[0] === 'impact').map((p) => `${MANIFEST_FILE}: ${p.message}`);
  const model = RebuildModel.of(analyzer, manifest.impact);
  const changes = await listing;
  const mapped = changedPackages(analyzer, model, changes);
  const rebuild = model.rebuildClosure(mapped.packages, {
    stdenvChanged: mapped.stdenvChanged,
    ...(options.foreign ? { foreign: options.foreign } : {}),
  });
  const domain = analyzer.index.domain;
  const notes = [...errors, ...model.stdenv.problems];
  const unmapped = mapped.files.filter((f) => f.via === 'none').map((f) => f.path);
  if (unmapped.length > 0)
    notes.push(
      `${unmapped.length} changed file${unmapped.length === 1 ? '' : 's'} map${unmapped.length === 1 ? 's' : ''} to no package: ${unmapped.slice(0, 10).join(', ')}${unmapped.length > 10 ? ', …' : ''}.`,
    );
  if (model.stdenv.source === 'none')
    notes.push(
      'No stdenv found in this domain: implicit dependencies on stdenv are not counted (set "impact": { "stdenv": [...] } in nix-domains.json).',
    );
  let waves: ImpactReport['waves'] = [];
  if (options.waves && branches) {
    const touched = touchedWaveSteps(
      options.waves.currentModel(),
      await branches,
      mapped.packages.map((p) => packageId(domain, p)),
    );
    waves = touched.majors;
    notes.push(...touched.notes);
  }
  return {
    base,
    mergeBase: changes.mergeBase,
    files: mapped.files,
    changed: mapped.packages.map((p) => p.attrPath).sort(),
    stdenvChanged: mapped.stdenvChanged,
    domains: domainRows(domain, rebuild),
    total: rebuild.total,
    stdenv: rebuild.stdenv,
    waves,
    notes,
  };
}
