// The discussion's own example, through the real server process and a real git repository:
// glibc ← llvm ← python ← numpy (each depending on the one before), walked from Wave1.1 to
// Wave1.4. The hover on each package must give the role the thread gives it at each step.
import { WAVE_PLAN_REQUEST } from '../../shared/protocol';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const CHAIN = ['glibc', 'llvm', 'python', 'numpy'];
let root: string;
let client: LspClient;

function git(...args: string[]) {
  execFileSync('git', args, {
    cwd: root,
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  });
}

function packageFile(name: string): string {
  return path.join(root, 'pkgs', 'by-name', name.slice(0, 2), name, 'package.nix');
}

function writePackage(name: string, version: string) {
  const dep = CHAIN[CHAIN.indexOf(name) - 1];
  mkdirSync(path.dirname(packageFile(name)), { recursive: true });
  writeFileSync(
    packageFile(name),
    `{ stdenv${dep ? `, ${dep}` : ''} }:\nstdenv.mkDerivation {\n  pname = "${name}";\n  version = "${version}";\n  buildInputs = [${dep ? ` ${dep} ` : ' '}];\n}\n`,
  );
}

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'nd-waves-'));
  git('init', '-q', '-b', 'main');
  for (const name of CHAIN) writePackage(name, '0.1');
  writePackage('hello', '1.0'); // outside the chain: depends on nothing in it
  // Declared steps: the thread's pivots, one per step (hello is in none of them).
  writeFileSync(path.join(root, 'nix-domains.json'), JSON.stringify({ domain: 'core', waves: { steps: CHAIN.map((n) => [n]) } }));
  git('add', '-A');
  git('commit', '-q', '-m', 'all green, all old');
  // Each step updates its pivot to latest on a branch of its own.
  CHAIN.forEach((name, i) => {
    git('checkout', '-q', '-b', i === CHAIN.length - 1 ? `WIP-Wave1.${i + 1}` : `Wave1.${i + 1}`);
    writePackage(name, '1.0');
    git('commit', '-q', '-am', `${name} to latest`);
  });
  client = await LspClient.start(root, SERVER);
  await client.waitForIndex();
});

after(async () => {
  // Unset when the server did not start: the before hook's failure is the one to read.
  await client?.stop();
});

async function roleOf(name: string): Promise<string> {
  const file = packageFile(name);
  const uri = `file://${file}`;
  const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 4 } });
  assert.ok(hover, `no hover on ${name}`);
  const text = (hover.contents as { value: string }).value;
  // The line after "on <branch>: step m of major wave M" gives the role, in bold.
  const role = /\*\*Waves\*\* · on `[^`]+`: step \d+ of major wave \d+, (?:in progress|all green)\n\n\*\*([^*]+)\*\*: /.exec(text);
  assert.ok(role, text);
  return role[1]!;
}

const THREAD: Record<string, Record<string, string>> = {
  'Wave1.1': { glibc: 'update to latest', llvm: 'test and fix', python: 'test and fix', numpy: 'test and fix' },
  'Wave1.2': { glibc: "don't touch, don't test", llvm: 'update to latest', python: 'test and fix', numpy: 'test and fix' },
  'Wave1.3': { glibc: "don't touch, don't test", llvm: "don't touch, don't test", python: 'update to latest', numpy: 'test and fix' },
  'WIP-Wave1.4': {
    glibc: "don't touch, don't test",
    llvm: "don't touch, don't test",
    python: "don't touch, don't test",
    numpy: 'update to latest',
  },
};

test('the hover gives every package the role the discussion gives it, at every step', async () => {
  for (const [branch, roles] of Object.entries(THREAD)) {
    git('checkout', '-q', branch);
    for (const name of CHAIN) {
      const file = packageFile(name);
      await client.open(file, require('node:fs').readFileSync(file, 'utf8'));
      assert.equal(await roleOf(name), roles[name], `${name} on ${branch}`);
    }
  }
});

test('a package outside the pivots downstream is not part of the step', async () => {
  git('checkout', '-q', 'Wave1.1');
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: `file://${packageFile('hello')}` },
    position: { line: 2, character: 4 },
  });
  assert.match(
    (hover!.contents as { value: string }).value,
    /\*\*not part of this step\*\*: it depends on nothing this step updates, and no step of major wave 1 updates it\./,
  );
});

test('the hover is compact: the explanations are in the wave plan, named at its end', async () => {
  git('checkout', '-q', 'WIP-Wave1.4');
  const file = packageFile('python');
  await client.open(file, require('node:fs').readFileSync(file, 'utf8'));
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: `file://${file}` },
    position: { line: 2, character: 4 },
  });
  const waves = (hover!.contents as { value: string }).value.split('\n\n---\n\n').pop()!;
  assert.deepEqual(
    waves.split('\n\n').map((block) => block.split('\n')[0]),
    [
      '**Waves** · on `WIP-Wave1.4`: step 4 of major wave 1, in progress',
      "**don't touch, don't test**: step 3 already updated it to latest and tested what depends on it; leave it as it is.",
      '| Major wave 1 |',
      'Level 2 · at latest since `Wave1.3`',
      // This client runs no command links: the plan is named by its command.
      'The wave plan, and what waves, roles and levels mean: `nix-domains wave`',
    ],
  );
  assert.doesNotMatch(waves, /A wave is a git branch|layers of dependencies/, 'no paragraph of definitions on every hover');
});

test('a client that runs command links gets the wave plan one click away', async () => {
  git('checkout', '-q', 'WIP-Wave1.4');
  const vscodeLike = await LspClient.start(root, SERVER, { commandLinks: true });
  try {
    await vscodeLike.waitForIndex();
    const file = packageFile('numpy');
    await vscodeLike.open(file, require('node:fs').readFileSync(file, 'utf8'));
    const hover = await vscodeLike.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: `file://${file}` },
      position: { line: 2, character: 4 },
    });
    assert.match(
      (hover!.contents as { value: string }).value,
      /\n\n\[The wave plan, and what waves, roles and levels mean\]\(command:nixDomains\.showWavePlan\)$/,
    );
  } finally {
    await vscodeLike.stop();
  }
});

test('the wave plan explains the words the hover leaves out', async () => {
  const plan = await client.request(WAVE_PLAN_REQUEST, { format: 'markdown' });
  assert.match(plan, /### What the words mean\n\n- \*\*Wave\*\*: a git branch/);
});

test('editing a package frozen in the checked-out WIP wave gives a warning that says why', async () => {
  git('checkout', '-q', 'WIP-Wave1.4');
  const file = packageFile('llvm');
  const uri = `file://${file}`;
  await client.open(file, require('node:fs').readFileSync(file, 'utf8'));
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: [
      { text: '{ stdenv, glibc }:\nstdenv.mkDerivation {\n  pname = "llvm";\n  version = "1.1";\n  buildInputs = [ glibc ];\n}\n' },
    ],
  });
  // Only an edited document is checked against the frozen packages, so nothing before the edit passes this test.
  const isFrozen = (d: Diagnostic) => d.code === 'frozen-package';
  const { diagnostics } = await client.diagnosticsWhere(uri, (p) => p.diagnostics.some(isFrozen), 'a frozen-package warning is listed');
  const frozen = diagnostics.find(isFrozen)!;
  assert.match(String(typeof frozen.message === 'string' ? frozen.message : frozen.message), /frozen on WIP-Wave1\.4/);
});

test('the wave plan request lists every step', async () => {
  const plan = await client.request(WAVE_PLAN_REQUEST, { format: 'text' });
  for (const step of ['Wave1.1', 'Wave1.2', 'Wave1.3', 'WIP-Wave1.4']) assert.match(plan, new RegExp(step.replace('.', '\\.')));
});
