// The benchmark keeps working: a small run (a generated small universe, 20 requests of each
// kind) exits cleanly and writes every figure as a finite number. Times are never asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Results } from '../../scripts/bench/report';
import { corpusMissing } from '../corpus';

const REPO = path.resolve(__dirname, '../..');

/** Every number in a value, with its path, so a failure names the figure. */
function numbers(value: unknown, at = ''): [string, number][] {
  if (typeof value === 'number') return [[at, value]];
  if (value === null) return [[at, NaN]];
  if (typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => numbers(v, at ? `${at}.${key}` : key));
}

// spawnSync blocks this process, so the test's own timeout could not fire while it runs: the
// child gets the bound itself.
const BENCH_MS = 480_000;

test('npm run bench -- --scale small --requests 20 --edits 5 writes every figure', { timeout: 500_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-bench-test-'));
  try {
    const json = path.join(dir, 'results.json');
    const run = spawnSync(
      process.execPath,
      // The real core part on two package files' inputs (it clones, indexes, stubs and diffs core); none without the corpus.
      [
        '--import',
        'tsx',
        'scripts/bench.ts',
        '--scale',
        'small',
        '--requests',
        '20',
        '--edits',
        '5',
        '--out',
        path.join(dir, 'universe'),
        '--json',
        json,
        '--real',
        corpusMissing() ? 'none' : '2',
      ],
      { cwd: REPO, encoding: 'utf8', timeout: BENCH_MS, killSignal: 'SIGKILL' },
    );
    assert.equal(
      run.signal,
      null,
      `the benchmark did not finish within ${BENCH_MS / 1000} s and was killed; its output so far:\n${run.stdout}\n${run.stderr}`,
    );
    assert.equal(run.status, 0, `the benchmark failed:\n${run.stderr}`);
    assert.match(run.stdout, /\| figure \| measured \| target \| met \|/);
    const results = JSON.parse(readFileSync(json, 'utf8')) as Results;

    assert.deepEqual(results.errors, []);
    assert.ok(results.machine.cores >= 1 && results.machine.totalMemoryBytes > 0);
    assert.match(results.machine.node, /^v\d+/);
    assert.match(results.machine.commit, /^[0-9a-f]{40}$/);
    const ids = results.figures.map((f) => f.id);
    for (const id of [
      'first.hover',
      'first.definition',
      'cold.wall',
      'cold.cpu',
      'warm.firstAnswer',
      'warm.first.hover',
      'warm.first.definition',
      'warm.indexReady',
      'rss.afterIndex',
      'rss.end',
      'rss.steady',
      'rss.warm',
      'hover.p95',
      'definition.p95',
      'references.p95',
      'references.floor.slow',
      'references.floor.p95',
      'completion.p95',
      'workspaceSymbol.p95',
      'reindex.p95',
      'cli.index.wall',
      'cli.index.cpu',
      'maintainers.build',
      'maintainers.hover.p95',
      'maintainers.bytesPerHover',
      'maintainers.extraRss',
      'waves.generated',
      'waves.domain',
      ...(corpusMissing()
        ? []
        : [
            'real.first.hover',
            'real.first.definition',
            'real.warm.firstAnswer',
            'real.hover.p95',
            'real.references.max',
            'real.stub',
            'real.impact',
            'real.index.warm',
            'real.rss',
            'real.rss.steady',
          ]),
    ])
      assert.ok(ids.includes(id), `figure ${id} is in the table`);
    for (const f of results.figures) {
      assert.ok(Number.isFinite(f.value), `${f.id} is a finite number (got ${f.value})`);
      if (f.target) assert.equal(typeof f.meets, 'boolean', `${f.id} says whether it meets its target`);
    }
    for (const [at, value] of numbers({
      server: results.server,
      cli: results.cli,
      maintainers: results.maintainers,
      waves: results.waves,
      real: results.real,
    })) {
      assert.ok(Number.isFinite(value), `${at} is a finite number (got ${value})`);
    }
    assert.equal(results.server!.requests.hover.count, 20);
    assert.equal(results.server!.reindex.edits, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
