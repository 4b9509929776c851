// scripts/e2e-setup.sh installs code-server with npm running on Node 24. Run from `npm run
// test:e2e`, it inherits the outer npm's npm_config_* variables, and a child npm takes them as
// its own settings: code-server's postinstall then read the outer user agent (`node/v20`) and
// refused. This runs the script's real install step (`install_code_server`, sourced from the
// script) on a stand-in package named code-server, under a simulated outer npm, offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withoutOuterNpm } from '../npmEnv';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'e2e-setup.sh');
const major = Number(process.versions.node.split('.')[0]);

// The stand-in's postinstall does what code-server's does: read the Node major from npm's user
// agent and refuse any other than the Node npm runs on (for code-server, Node 24).
const POSTINSTALL = `
const fs = require('fs');
const agent = process.env.npm_config_user_agent || '';
const seen = /node\\/v(\\d+)/.exec(agent)?.[1];
fs.writeFileSync('seen.json', JSON.stringify({ agent, nodedir: process.env.npm_config_nodedir, global: process.env.npm_config_global ?? null }));
if (seen !== process.versions.node.split('.')[0]) {
  console.error('code-server currently requires node v' + process.versions.node.split('.')[0] + '. We have detected that you are on node v' + seen);
  process.exit(1);
}
`;

function standIn(dir: string): string {
  const pkg = path.join(dir, 'stand-in');
  mkdirSync(path.join(pkg, 'out', 'node'), { recursive: true });
  writeFileSync(path.join(pkg, 'out', 'node', 'entry.js'), '// the workbench would start here\n');
  writeFileSync(path.join(pkg, 'postinstall.js'), POSTINSTALL);
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({
      name: 'code-server',
      version: '0.0.0-stand-in',
      scripts: { postinstall: 'node postinstall.js' },
    }),
  );
  const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: pkg,
    env: withoutOuterNpm(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(packed.status, 0, `npm pack of the stand-in failed: ${packed.stderr}`);
  return path.join(dir, packed.stdout.trim().split('\n').pop()!);
}

/** Runs `install_code_server` from the sourced script; `override` is bash run after sourcing. */
function install(dir: string, name: string, tarball: string, override = '') {
  // The Node folder the script gets: this Node stands in for Node 24.
  const nodeDir = path.join(dir, `node-${name}`);
  mkdirSync(path.join(nodeDir, 'bin'), { recursive: true });
  symlinkSync(process.execPath, path.join(nodeDir, 'bin', 'node'));
  const dest = path.join(dir, `code-server-${name}`);
  const outerPrefix = path.join(dir, `outer-prefix-${name}`);
  // What `npm run test:e2e` exports: its user agent names another Node, and its settings would
  // make a child npm install globally into the outer prefix.
  const env = {
    ...process.env,
    npm_config_user_agent: `npm/10.9.0 node/v${major - 2}.0.0 linux x64 workspaces/false`,
    npm_config_global: 'true',
    npm_config_prefix: outerPrefix,
    npm_config_nodedir: '/usr',
    npm_lifecycle_event: 'test:e2e',
    INIT_CWD: dir,
  };
  const run = spawnSync(
    'bash',
    ['-c', `source "$1" && ${override} install_code_server "$2" "$3" "$4"`, 'test', SCRIPT, nodeDir, dest, tarball],
    {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { run, nodeDir, dest, outerPrefix };
}

test("the code-server install step sees none of the outer npm's settings", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nd-e2e-setup-'));
  try {
    const tarball = standIn(dir);
    const { run, nodeDir, dest, outerPrefix } = install(dir, 'clean', tarball);
    assert.equal(run.status, 0, `install_code_server failed:\n${run.stdout}\n${run.stderr}`);
    assert.ok(existsSync(path.join(dest, '.complete')), 'the install is marked complete');
    const installed = path.join(dest, 'node_modules', 'code-server');
    assert.ok(existsSync(path.join(installed, 'out', 'node', 'entry.js')));
    const seen = JSON.parse(readFileSync(path.join(installed, 'seen.json'), 'utf8')) as {
      agent: string;
      nodedir: string;
      global: string | null;
    };
    assert.match(
      seen.agent,
      new RegExp(`node/v${process.versions.node.replace(/\./g, '\\.')} `),
      'the user agent names the Node npm runs on',
    );
    assert.equal(seen.nodedir, nodeDir, 'native modules are built against the given Node');
    assert.notEqual(seen.global, 'true');
    assert.ok(!existsSync(outerPrefix), 'nothing went into the outer prefix');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the outer settings passed through, the same step fails as it did on a fresh machine', () => {
  // The control: proves the stand-in and the simulated outer npm reproduce the failure.
  const dir = mkdtempSync(path.join(tmpdir(), 'nd-e2e-setup-'));
  try {
    const tarball = standIn(dir);
    const { run } = install(dir, 'leaky', tarball, 'without_outer_npm() { env "$@"; };');
    assert.notEqual(run.status, 0, 'the install should have failed');
    assert.match(run.stderr, new RegExp(`We have detected that you are on node v${major - 2}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
