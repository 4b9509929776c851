// Every accuracy figure on the real core at once: an index of a clone of the corpus' core, and the
// oracle Nix made. Shared by the test (which asserts) and scripts/real-core-accuracy.ts (which
// prints the tables of docs/impact-accuracy.md).
import { Analyzer } from '../../server/src/analysis/analyzer';
import { corpusClone } from '../corpus';
import { measureDefinitions, type DefinitionReport } from './definitions';
import { measureDiagnostics, type DiagnosticsReport } from './diagnostics';
import { measureImpact, sitesWithDependants, type ImpactRow } from './impact';
import { loadOracle, type Oracle } from './oracle';

export interface RealCoreFigures {
  oracle: Oracle;
  analyzer: Analyzer;
  definitions: DefinitionReport;
  diagnostics: DiagnosticsReport;
  impact: ImpactRow[];
}

let measured: Promise<RealCoreFigures> | undefined;

/** Indexes a clone of the corpus' core (no on-disk cache) and measures it against the oracle, once per process. */
export function realCoreFigures(): Promise<RealCoreFigures> {
  measured ??= (async () => {
    const oracle = loadOracle();
    const analyzer = await Analyzer.create(corpusClone('core'), 'core', { cacheDir: null });
    await analyzer.indexAll();
    const sites = sitesWithDependants(oracle);
    return {
      oracle,
      analyzer,
      definitions: await measureDefinitions(analyzer, oracle),
      diagnostics: measureDiagnostics(analyzer, oracle),
      impact: measureImpact(analyzer, oracle, sites),
    };
  })();
  return measured;
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
