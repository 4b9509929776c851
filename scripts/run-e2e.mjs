// Runs the end-to-end tests: scripts/e2e-setup.sh (a no-op once its cache is warm), then every
// test/e2e/*.e2e.ts with Node's own test runner, one file at a time (each starts its own
// code-server and Chromium). `node scripts/run-e2e.mjs [filter]` runs only matching files.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const setup = spawnSync('bash', ['scripts/e2e-setup.sh'], { stdio: 'inherit' });
if (setup.status !== 0) {
  console.error('e2e: scripts/e2e-setup.sh failed');
  process.exit(setup.status ?? 1);
}

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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
