// Runs the end-to-end tests: scripts/e2e-setup.sh (a no-op once its cache is warm), then every
// test/e2e/*.e2e.ts with Node's own test runner, one file at a time (each starts its own
// code-server and Chromium). `node scripts/run-e2e.mjs [filter]` runs only matching files.
// Exits non-zero on any failure, after naming the step that failed and where its logs are.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const results = path.join('test-results', 'e2e');
/** Bounds: one test, and one file (its code-server, Chromium and every test). */
const TEST_MS = 5 * 60_000;
const FILE_MS = 15 * 60_000;
const seconds = (since) => `${Math.round((Date.now() - since) / 1000)} s`;

let started = Date.now();
const setup = spawnSync('bash', ['scripts/e2e-setup.sh'], { stdio: 'inherit' });
if (setup.status !== 0) {
  console.error(`e2e: FAILED in setup: scripts/e2e-setup.sh exited with ${setup.status ?? setup.signal} (its output is above)`);
  process.exit(setup.status ?? 1);
}
console.log(`e2e: setup ${seconds(started)}`);

const dir = path.join('test', 'e2e');
const filter = process.argv[2];
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.e2e.ts') && (!filter || name.includes(filter)))
  .sort()
  .map((name) => path.join(dir, name));
if (files.length === 0) {
  console.error('e2e: no test/e2e/*.e2e.ts files found');
  process.exit(1);
}
const failed = [];
for (const file of files) {
  started = Date.now();
  // The spec reporter lists the failing tests, with their errors, once more at the end.
  // Each file is bounded (a test that hangs past its own timeout still ends here), and so is each test.
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-timeout=${TEST_MS}`, file], {
    stdio: 'inherit',
    timeout: FILE_MS,
    killSignal: 'SIGKILL',
  });
  const bound = result.error?.code === 'ETIMEDOUT' ? ` (killed: still running after ${FILE_MS / 60_000} min)` : '';
  console.log(`e2e: ${file} ${result.status === 0 ? 'passed' : 'FAILED'} in ${seconds(started)}${bound}`);
  if (result.status !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`e2e: FAILED: ${failed.join(', ')}`);
  console.error(`e2e: screenshots (*-FAILED-*.png at the moment of failure), code-server logs and VS Code's logs are in ${results}/`);
  process.exit(1);
}
console.log(`e2e: all ${files.length} file(s) passed`);
