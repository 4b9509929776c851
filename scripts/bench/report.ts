// The benchmark's results: every figure with its unit and target (issues 3, 5 and 6), printed
// as a Markdown table (ready for the README's Performance section) and kept in the JSON.
import type { Machine } from './machine';
import type { CliIndexFigures, MaintainersBench, WavesFigures } from './others';
import { REAL_KINDS, type RealFigures } from './real';
import { REFERENCES_P95_TARGET_MS, REQUEST_KINDS, type FirstAnswers, type ServerFigures } from './server';

/** A limit a figure should stay under. */
export interface Target {
  op: '<=' | '<';
  limit: number;
}

/** One row of the table. */
export interface Figure {
  id: string;
  label: string;
  /** NaN (null in the JSON) when the part that measures it failed. */
  value: number;
  unit: 'ms' | 'MB' | 'KB' | 'B' | 'requests';
  target?: Target;
  /** Whether the value meets the target; absent without a target. */
  meets?: boolean;
}

export interface Results {
  machine: Machine;
  options: {
    scale: string;
    universe: string;
    domain: string;
    requests: number;
    edits: number;
    openFiles: number;
    seed: number;
    /** `all` inputs of real core, a number of them, or `none`. */
    real: string;
    only?: string;
  };
  server?: ServerFigures;
  cli?: CliIndexFigures;
  maintainers?: MaintainersBench;
  waves: { generated?: WavesFigures; domain?: WavesFigures & { indexMs: number; graphMs: number } };
  /** The figures on the real core domain (absent with `--real none`). */
  real?: RealFigures;
  figures: Figure[];
  /** Parts that failed; the run exits with 1 when there are any. */
  errors: string[];
}

const MB = 1024 * 1024;
const at = (limit: number, op: Target['op'] = '<='): Target => ({ op, limit });

/** The table rows, in the order of the issues' targets. */
export function figuresOf(r: Omit<Results, 'figures'>): Figure[] {
  const rows = r.options.only === 'real' ? [] : syntheticRows(r);
  if (r.options.only !== 'synthetic' && (r.real !== undefined || r.options.real !== 'none')) rows.push(...realRows(r.real));
  return rows.map((row) => (row.target ? { ...row, meets: meets(row.value, row.target) } : row));
}

/** The rows of the generated universe. */
function syntheticRows(r: Omit<Results, 'figures'>): Omit<Figure, 'meets'>[] {
  const s = r.server;
  const o = r.options;
  const rows: Omit<Figure, 'meets'>[] = [
    ...firstRows('first', 'cold start', s?.cold.first),
    {
      id: 'cold.wall',
      label: `cold start, spawn → index of ${o.domain} complete, wall`,
      value: s?.cold.wallMs ?? NaN,
      unit: 'ms',
      target: at(8000),
    },
    { id: 'cold.cpu', label: `cold start, spawn → index of ${o.domain} complete, CPU`, value: s?.cold.cpuMs ?? NaN, unit: 'ms' },
    {
      id: 'warm.firstAnswer',
      label: 'warm start, spawn → first hover with content',
      value: s?.warm.firstAnswerMs ?? NaN,
      unit: 'ms',
      target: at(1000),
    },
    ...firstRows('warm.first', 'warm start', s?.warm.first, false),
    { id: 'warm.indexReady', label: 'warm start, spawn → index complete', value: s?.warm.indexReadyMs ?? NaN, unit: 'ms' },
    {
      id: 'rss.afterIndex',
      label: 'server peak RSS, cold start to index complete',
      value: (s?.cold.peakRssAfterIndexBytes ?? NaN) / MB,
      unit: 'MB',
      target: at(300),
    },
    {
      id: 'rss.end',
      label: `server peak RSS through start, indexing, ${o.requests.toLocaleString('en-US')} requests of each kind and ${o.edits} edits`,
      value: (s?.cold.peakRssEndBytes ?? NaN) / MB,
      unit: 'MB',
      target: at(300),
    },
    { id: 'rss.steady', label: 'server RSS after them, idle (steady state)', value: (s?.cold.steadyRssBytes ?? NaN) / MB, unit: 'MB' },
    {
      id: 'rss.warm',
      label: 'server peak RSS, warm start to index complete',
      value: (s?.warm.peakRssBytes ?? NaN) / MB,
      unit: 'MB',
      target: at(300),
    },
  ];
  for (const kind of REQUEST_KINDS) {
    const q = s?.requests[kind];
    const limit = kind === 'hover' || kind === 'definition' ? 10 : 30;
    rows.push(
      { id: `${kind}.p50`, label: `${kind} p50`, value: q?.p50Ms ?? NaN, unit: 'ms' },
      { id: `${kind}.p95`, label: `${kind} p95`, value: q?.p95Ms ?? NaN, unit: 'ms', target: at(limit) },
      { id: `${kind}.max`, label: `${kind} max`, value: q?.maxMs ?? NaN, unit: 'ms' },
    );
  }
  const floor = s?.referencesFloor;
  rows.push(
    {
      id: 'references.floor.slow',
      label: `references over ${REFERENCES_P95_TARGET_MS} ms with the protocol alone (of ${floor?.slow ?? NaN} over it, each sent again three times by a peer that does no work, the fastest counted)`,
      value: floor?.slowWithProtocolAlone ?? NaN,
      unit: 'requests',
    },
    { id: 'references.floor.p95', label: 'references p95 with the protocol alone (a lower bound)', value: floor?.p95Ms ?? NaN, unit: 'ms' },
  );
  const m = r.maintainers;
  rows.push(
    { id: 'reindex.p50', label: 're-index after one edit (→ document symbols) p50', value: s?.reindex.symbols.p50Ms ?? NaN, unit: 'ms' },
    {
      id: 'reindex.p95',
      label: 're-index after one edit (→ document symbols) p95',
      value: s?.reindex.symbols.p95Ms ?? NaN,
      unit: 'ms',
      target: at(50),
    },
    {
      id: 'reindex.diagnostics.p95',
      label: 'edit → diagnostics published p95 (150 ms debounce)',
      value: s?.reindex.diagnostics.p95Ms ?? NaN,
      unit: 'ms',
    },
    { id: 'cli.index.wall', label: `CLI index of ${r.options.domain}, wall`, value: r.cli?.wallMs ?? NaN, unit: 'ms' },
    { id: 'cli.index.cpu', label: `CLI index of ${r.options.domain}, CPU`, value: r.cli?.cpuMs ?? NaN, unit: 'ms' },
    {
      id: 'maintainers.build',
      label: `maintainers: handle index of ${m?.entries ?? 30000} entries, build`,
      value: m?.buildMs ?? NaN,
      unit: 'ms',
      target: at(300),
    },
    { id: 'maintainers.buildWarm', label: 'maintainers: handle index, rebuild (best of 3)', value: m?.buildWarmMs ?? NaN, unit: 'ms' },
    { id: 'maintainers.hover.p95', label: 'maintainers: hover p95', value: m?.hoverP95Ms ?? NaN, unit: 'ms', target: at(5) },
    {
      id: 'maintainers.bytesPerHover',
      label: 'maintainers: bytes read per hover (max)',
      value: (m?.bytesPerHoverMax ?? NaN) / 1024,
      unit: 'KB',
      target: at(8),
    },
    {
      id: 'maintainers.extraRss',
      label: 'maintainers: extra RSS of the index',
      value: (m?.indexRssBytes ?? NaN) / MB,
      unit: 'MB',
      target: at(5),
    },
    {
      id: 'waves.generated',
      label: `waves: levels + roles, generated ${r.waves.generated?.nodes ?? 20000}-package graph`,
      value: r.waves.generated?.totalMs ?? NaN,
      unit: 'ms',
      target: at(1000, '<'),
    },
    {
      id: 'waves.domain',
      label: `waves: levels + roles, ${r.options.domain}'s own graph (${r.waves.domain?.nodes ?? '?'} packages)`,
      value: r.waves.domain?.totalMs ?? NaN,
      unit: 'ms',
      target: at(1000, '<'),
    },
  );
  return rows;
}

/** The rows of the real core domain: every request kind at every input (p95 ≤ 50 ms, max ≤ 1 s), stub, impact, index, memory. */
function realRows(real: RealFigures | undefined): Omit<Figure, 'meets'>[] {
  const where = `real core${real ? ` (${real.inputs} inputs of ${real.packageFiles} package files)` : ''}`;
  const rows: Omit<Figure, 'meets'>[] = [
    ...firstRows('real.first', 'real core: cold start', real?.coldFirst),
    {
      id: 'real.warm.firstAnswer',
      label: 'real core: warm start, spawn → first hover with content',
      value: real?.warmFirstAnswerMs ?? NaN,
      unit: 'ms',
      target: at(1000),
    },
  ];
  for (const kind of REAL_KINDS) {
    const q = real?.requests[kind];
    rows.push(
      { id: `real.${kind}.p50`, label: `${where}: ${kind} p50`, value: q?.p50Ms ?? NaN, unit: 'ms' },
      { id: `real.${kind}.p95`, label: `${where}: ${kind} p95`, value: q?.p95Ms ?? NaN, unit: 'ms', target: at(50) },
      { id: `real.${kind}.max`, label: `${where}: ${kind} max`, value: q?.maxMs ?? NaN, unit: 'ms', target: at(1000) },
    );
  }
  rows.push(
    { id: 'real.stub', label: 'real core: `stub`', value: real?.cli.stubMs ?? NaN, unit: 'ms', target: at(10_000) },
    {
      id: 'real.impact',
      label: 'real core: `impact --base` for a one-package change',
      value: real?.cli.impactMs ?? NaN,
      unit: 'ms',
      target: at(2000),
    },
    { id: 'real.index.cold', label: 'real core: CLI index, cold', value: real?.cli.coldIndexMs ?? NaN, unit: 'ms' },
    { id: 'real.index.warm', label: 'real core: CLI index, warm (cache present)', value: real?.cli.warmIndexMs ?? NaN, unit: 'ms' },
    { id: 'real.server.cold', label: 'real core: server spawn → index ready, cold', value: real?.serverColdMs ?? NaN, unit: 'ms' },
    {
      id: 'real.rss',
      label: 'real core: server peak RSS through start, indexing and every request',
      value: (real?.serverPeakRssBytes ?? NaN) / MB,
      unit: 'MB',
      target: at(300),
    },
    {
      id: 'real.rss.steady',
      label: 'real core: server RSS after them, idle (steady state)',
      value: (real?.serverSteadyRssBytes ?? NaN) / MB,
      unit: 'MB',
    },
  );
  return rows;
}

/**
 * The first answers after a start, from `initialized`: with a target of 2 s on a cold start, where
 * the label says whether they came before the index was complete.
 */
function firstRows(id: string, what: string, first: FirstAnswers | undefined, targeted = true): Omit<Figure, 'meets'>[] {
  const when = first
    ? first.beforeIndexComplete
      ? `, before the index was complete (at ${first.indexReadyMs.toLocaleString('en-US')} ms)`
      : ', once the index was complete'
    : '';
  return [
    {
      id: `${id}.hover`,
      label: `${what}, initialized → first hover with content on the opened file${when}`,
      value: first?.hoverMs ?? NaN,
      unit: 'ms',
      ...(targeted ? { target: at(2000) } : {}),
    },
    {
      id: `${id}.definition`,
      label: `${what}, initialized → first definition on the opened file`,
      value: first?.definitionMs ?? NaN,
      unit: 'ms',
      ...(targeted ? { target: at(2000) } : {}),
    },
  ];
}

function meets(value: number, target: Target): boolean {
  return target.op === '<=' ? value <= target.limit : value < target.limit;
}

const show = (value: number, unit: Figure['unit'], exact = false): string => {
  if (!Number.isFinite(value)) return 'failed';
  const digits = exact || unit === 'requests' ? 0 : unit === 'MB' || unit === 'KB' ? 1 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

/** The results as a Markdown table plus a line on the machine. */
export function renderTable(r: Results): string {
  const m = r.machine;
  const lines = [
    `${m.cores} cores (${m.cpuModel}), ${(m.totalMemoryBytes / 1024 ** 3).toFixed(1)} GB, Node ${m.node}, ${m.platform}; ` +
      `commit ${m.commit.slice(0, 12)}${m.dirty ? ' (with uncommitted changes)' : ''}; ${m.date}`,
    `scale ${r.options.scale}, ${r.options.requests} requests of each kind on ${r.options.openFiles} open files, ${r.options.edits} edits, seed ${r.options.seed}`,
    '',
    '| figure | measured | target | met |',
    '|---|--:|--:|:-:|',
  ];
  for (const f of r.figures) {
    const target = f.target ? `${f.target.op === '<=' ? '≤' : '<'} ${show(f.target.limit, f.unit, Number.isInteger(f.target.limit))}` : '—';
    const met = f.meets === undefined ? '' : f.meets ? 'yes' : '**no**';
    lines.push(`| ${f.label} | ${show(f.value, f.unit)} | ${target} | ${met} |`);
  }
  if (r.errors.length > 0) lines.push('', ...r.errors.map((e) => `error: ${e}`));
  return lines.join('\n');
}
