// Runs every test/**/*.test.ts with Node's own test runner (TypeScript through tsx).
// `node scripts/run-tests.mjs [filter]` runs only the files whose path contains filter.
//
// Nothing waits forever. The waits inside tests have their own bounds (LspClient's); on top, each
// test file is bounded as a whole (NIX_DOMAINS_TEST_FILE_TIMEOUT_MS, default 10 min: Node 20's
// --test-timeout bounds a file, not each of its tests) and ends when its tests have
// (--test-force-exit); the whole run is bounded too (NIX_DOMAINS_TEST_SUITE_MS, default 20 min),
// after which the runner and every process it started are killed. Before any test, the built
// server must answer at all (scripts/check-server.ts): one that never answers would otherwise
// make every test that talks to it wait for its bound.
//
// The tests make their folders (clones, caches, small domains) under the system's temporary
// folder. The run gives them one of their own (TMPDIR, which os.tmpdir() and git read) and removes
// it when the tests end, passed, failed or killed at a bound: a test file killed at its bound cannot
// clean up after itself. (This runner killed with SIGKILL leaves it behind.)
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const testDir = env.NIX_DOMAINS_TEST_DIR ?? 'test';
const fileTimeoutMs = Number(env.NIX_DOMAINS_TEST_FILE_TIMEOUT_MS) || 10 * 60_000;
const suiteMs = Number(env.NIX_DOMAINS_TEST_SUITE_MS) || 20 * 60_000;
const server = env.NIX_DOMAINS_TEST_SERVER ?? path.join(repo, 'dist', 'server.js');
const seconds = (ms) => `${Math.round(ms / 1000)} s`;

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    if (statSync(full).isDirectory()) return find(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const filter = process.argv[2];
const files = find(testDir)
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

if (existsSync(server)) {
  const check = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'scripts', 'check-server.ts'), server], {
    stdio: 'inherit',
    cwd: repo,
  });
  if (check.status !== 0) {
    console.error(
      `run-tests: FAILED before any test: ${server} does not answer (above); the tests that talk to it would each wait for their bound.`,
    );
    process.exit(1);
  }
} else {
  console.error(`run-tests: ${server} is not built (npm run build): the tests that talk to the server will fail.`);
}

const runTemp = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-tests-'));
const removeRunTemp = () => {
  try {
    rmSync(runTemp, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    console.error(`run-tests: could not remove ${runTemp}: ${e instanceof Error ? e.message : e}`);
  }
};

// Its own process group, so that on the suite's bound every process it started (test files,
// servers, git) goes with it.
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', `--test-timeout=${fileTimeoutMs}`, '--test-force-exit', ...files],
  { stdio: 'inherit', detached: true, env: { ...env, TMPDIR: runTemp } },
);
const killGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
let timedOut = false;
const bound = setTimeout(() => {
  timedOut = true;
  console.error(
    `\nrun-tests: FAILED: the suite did not finish within ${seconds(suiteMs)} (NIX_DOMAINS_TEST_SUITE_MS); killing it and every process it started. The last files reported above were still running.`,
  );
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 5_000).unref();
}, suiteMs);
// Ctrl-C reaches this process's group only; pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => killGroup(signal));
child.on('error', (err) => {
  console.error(`run-tests: FAILED: the test runner could not start: ${err.message}`);
  removeRunTemp();
  process.exit(1);
});
child.on('exit', (code, signal) => {
  clearTimeout(bound);
  // Whatever a test file left behind in the group (a server, a git) goes too.
  killGroup('SIGKILL');
  removeRunTemp();
  process.exit(timedOut ? 1 : (code ?? (signal ? 1 : 0)));
});
