// Packs the command-line tool alone as an npm package (`nix-domains-<version>.tgz`): the CLI
// bundle with its index worker and WASM files, no dependencies, nothing else. This is what a
// domain's CI installs to publish its stub (`npm install --global nix-domains-<version>.tgz`).
//
//   node scripts/pack-cli.mjs [--out DIR]   (after npm run build; npm run pack:cli does both)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : repo);
const manifest = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));
const files = ['cli.js', 'indexWorker.js', ...readdirSync(path.join(repo, 'dist')).filter((f) => f.endsWith('.wasm'))];
for (const file of files) {
  if (!existsSync(path.join(repo, 'dist', file))) {
    console.error(`pack-cli: dist/${file} is missing; run npm run build first`);
    process.exit(1);
  }
}

const stage = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-pack-'));
try {
  mkdirSync(path.join(stage, 'dist'));
  for (const file of files) copyFileSync(path.join(repo, 'dist', file), path.join(stage, 'dist', file));
  copyFileSync(path.join(repo, 'LICENSE'), path.join(stage, 'LICENSE'));
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({
    name: manifest.name,
    version: manifest.version,
    description: 'The nix-domains command line: index, query, wave plan, rebuild impact, stubs (write and publish), and the language server on stdio.',
    license: manifest.license,
    bin: { 'nix-domains': 'dist/cli.js' },
    files: ['dist'],
    engines: { node: manifest.engines.node },
  }, null, 2)}\n`);
  writeFileSync(path.join(stage, 'README.md'), [
    '# nix-domains (command line)',
    '',
    'The command line of Nix Domains, packed alone: `nix-domains --help` lists the commands.',
    'In a domain\'s CI, `nix-domains stub --publish origin` publishes the domain\'s stub on',
    '`refs/nix-domains/stubs` of its repository, beside the revisions published before.',
    '',
  ].join('\n'));
  mkdirSync(out, { recursive: true });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }));
  console.log(path.join(out, packed[0].filename));
} finally {
  rmSync(stage, { recursive: true, force: true });
}
