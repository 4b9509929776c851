// Builds the three bundles (client, server, CLI) with esbuild and copies the WASM files
// next to them. Type-checking is a separate step (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const out = 'dist';
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // web-tree-sitter's CommonJS build calls createRequire(import.meta.url), which a CJS bundle lacks.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
  { entryPoints: ['client/src/extension.ts'], outfile: `${out}/client.js`, external: ['vscode'] },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: `${out}/server.js` },
  // Index worker threads; found beside server.js and cli.js at run time.
  { entryPoints: ['server/src/analysis/indexing/indexWorker.ts'], outfile: `${out}/indexWorker.js` },
  {
    entryPoints: ['server/src/cli/main.ts'],
    outfile: `${out}/cli.js`,
    banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
  },
  // The benchmark's maintainers part, so that it measures the scanner bundled as the server is
  // (scripts/bench/others.ts); not in the extension's package (.vscodeignore).
  { entryPoints: ['test/maintainers/bench.ts'], outfile: `${out}/bench/maintainers.js` },
];

const wasm = [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  require.resolve('@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm'),
];
for (const file of wasm) copyFileSync(file, path.join(out, path.basename(file)));

if (watch) {
  for (const b of builds) (await esbuild.context({ ...common, ...b })).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  chmodSync(`${out}/cli.js`, 0o755);
}
