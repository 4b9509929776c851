// Runs the universe scenarios in desktop VS Code through @vscode/test-electron (test/electron/):
// builds the extension, bundles the test runner and the suite with esbuild into .e2e/electron/,
// and runs the runner, which downloads VS Code (or uses NIX_DOMAINS_VSCODE_PATH). Needs a
// machine where VS Code can be downloaded; CI runs the code-server tests instead (run-e2e.mjs).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const out = path.join('.e2e', 'electron');

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('electron tests: npm run build failed');
  process.exit(build.status ?? 1);
}

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  esbuild.build({ ...common, entryPoints: ['test/electron/runTest.ts'], outfile: path.join(out, 'runTest.js') }),
  esbuild.build({
    ...common,
    entryPoints: ['test/electron/suite/index.ts'],
    outfile: path.join(out, 'suite', 'index.js'),
    external: ['vscode'],
  }),
]);

const result = spawnSync(process.execPath, [path.join(out, 'runTest.js')], { stdio: 'inherit' });
process.exit(result.status ?? 1);
