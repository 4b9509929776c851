// The test runner (scripts/run-tests.mjs) ends what hangs: a hung test file at the file bound, a
// hung suite at the suite's, and every process the run started goes with it; a server that does
// not answer stops the run before any test. Run on test/fixtures/runner/, whose test waits
// forever. The bounds here (10 s) leave the fixture time to start on a loaded machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-runner-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the runner on the fixture folder with `env`; bounded itself, so this test cannot hang either. */
function runner(name: string, env: NodeJS.ProcessEnv): { status: number | null; output: string; pidFile: string } {
  const pidFile = path.join(tmp, `${name}.pid`);
  const outer = { ...process.env };
  // Set by the test runner this file runs in; left in, the inner runner would refuse to run files.
  delete outer.NODE_TEST_CONTEXT;
  const run = spawnSync(process.execPath, ['scripts/run-tests.mjs'], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
    env: { ...outer, NIX_DOMAINS_TEST_DIR: path.join('test', 'fixtures', 'runner'), RUNNER_FIXTURE_PID_FILE: pidFile, ...env },
  });
  assert.equal(run.signal, null, `the runner itself did not end within 120 s:\n${run.stdout}\n${run.stderr}`);
  return { status: run.status, output: `${run.stdout}\n${run.stderr}`, pidFile };
}

/** Resolves once process `pid` is gone; fails after 10 s saying so. */
async function gone(pid: number): Promise<void> {
  for (const deadline = Date.now() + 10_000; ; ) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`process ${pid}, started by the hung test, is still running`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('a test file that hangs fails at the file bound, named, and what it started is killed', async () => {
  const run = runner('file-bound', { NIX_DOMAINS_TEST_FILE_TIMEOUT_MS: '10000', NIX_DOMAINS_TEST_SUITE_MS: '100000' });
  assert.equal(run.status, 1, run.output);
  assert.match(run.output, /not ok \d+ - .*test\/fixtures\/runner\/hangs\.test\.ts\n[\s\S]*test timed out after 10000ms/);
  assert.doesNotMatch(run.output, /did not finish within/, 'ended by the file bound, not the suite bound');
  await gone(Number(readFileSync(run.pidFile, 'utf8')));
});

test('a suite that hangs is ended at the suite bound, with every process it started', async () => {
  const run = runner('suite-bound', { NIX_DOMAINS_TEST_FILE_TIMEOUT_MS: '600000', NIX_DOMAINS_TEST_SUITE_MS: '10000' });
  assert.equal(run.status, 1, run.output);
  assert.match(run.output, /run-tests: FAILED: the suite did not finish within 10 s/);
  await gone(Number(readFileSync(run.pidFile, 'utf8')));
});

test('a server that does not answer stops the run before any test', () => {
  // A stand-in for a broken build of dist/server.js: it exits at once.
  const broken = path.join(tmp, 'broken-server.js');
  writeFileSync(broken, 'process.exit(2);\n');
  const run = runner('no-server', { NIX_DOMAINS_TEST_SERVER: broken });
  assert.equal(run.status, 1, run.output);
  assert.match(run.output, /check-server: the answer to initialize from .*broken-server\.js did not arrive: the server exited with code 2/);
  assert.match(run.output, /run-tests: FAILED before any test/);
  assert.equal(existsSync(run.pidFile), false, 'no test ran');
});
