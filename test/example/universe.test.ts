// The example universe: real git repositories, locks pinning real commits, wave branches,
// and Nix sources that parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Parser, Language } from 'web-tree-sitter';
import { createExampleUniverse, exampleDomains, type ExampleUniverse } from '../../scripts/example-universe';
// The server's own rewrite of trailing commas in formals (this grammar build rejects them).
import { blankTrailingCommas } from '../../server/src/analysis/parser';
import { requireTool, toolTest } from '../tools';

const execFileAsync = promisify(execFile);
const grammar = path.resolve('node_modules/@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm');

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execFileAsync('git', args, { cwd })).stdout.trim();
}

async function nixFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === '.git' ? [] : nixFiles(full);
      return e.name.endsWith('.nix') ? [full] : [];
    }),
  );
  return nested.flat();
}

let universe: ExampleUniverse;
let tmp: string;

test('the example universe', async (t) => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'nix-domains-universe-'));
  t.after(() => fs.rm(tmp, { recursive: true, force: true }));
  const started = Date.now();
  universe = await createExampleUniverse(path.join(tmp, 'universe'));
  // Reported, never asserted: the time depends on the machine and its load (the budget is 2 s).
  t.diagnostic(`the example universe was created in ${Date.now() - started} ms`);

  await t.test('holds three git repositories on main with clean trees', async () => {
    for (const domain of exampleDomains) {
      const dir = universe[domain];
      assert.equal(await git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', domain);
      assert.equal(await git(dir, 'status', '--porcelain'), '', `${domain} has uncommitted changes`);
      assert.equal(await git(dir, 'rev-parse', 'HEAD'), universe.revisions[domain]);
      const manifest = JSON.parse(await fs.readFile(path.join(dir, 'nix-domains.json'), 'utf8'));
      assert.equal(manifest.domain, domain);
    }
  });

  await t.test('flake.lock of rust pins core at the tip of core main', async () => {
    const coreHead = await git(universe.core, 'rev-parse', 'main');
    const lock = JSON.parse(await fs.readFile(path.join(universe.rust, 'flake.lock'), 'utf8'));
    assert.equal(lock.nodes.root.inputs.core, 'core');
    assert.equal(lock.nodes.core.locked.rev, coreHead);
    assert.match(lock.nodes.core.locked.narHash, /^sha256-[A-Za-z0-9+/]{43}=$/);
  });

  await t.test('flake.lock of extras pins core and rust at their tips', async () => {
    const lock = JSON.parse(await fs.readFile(path.join(universe.extras, 'flake.lock'), 'utf8'));
    assert.equal(lock.nodes.core.locked.rev, await git(universe.core, 'rev-parse', 'main'));
    assert.equal(lock.nodes.rust.locked.rev, await git(universe.rust, 'rev-parse', 'main'));
    assert.deepEqual(lock.nodes.rust.inputs, { core: ['core'] });
  });

  await t.test('core has the wave branches, each one commit on its base', async () => {
    const branches = (await git(universe.core, 'branch', '--format=%(refname:short)')).split('\n').sort();
    assert.deepEqual(branches, ['WIP-Wave1.3', 'WIP-Wave2.2', 'WIP-Wave3.1', 'Wave1.1', 'Wave1.2', 'Wave2.1', 'main']);
    assert.equal(await git(universe.core, 'rev-parse', 'Wave1.2~1'), universe.revisions['core/Wave1.1']);
    assert.equal(await git(universe.core, 'rev-parse', 'WIP-Wave3.1~1'), universe.revisions.core);
    const diff = await git(universe.core, 'diff', '--name-only', 'main', 'Wave1.1');
    assert.equal(diff, 'pkgs/by-name/gl/glibc/package.nix');
  });

  await t.test('is deterministic and can be recreated in place', async () => {
    const again = await createExampleUniverse(path.join(tmp, 'universe'));
    assert.deepEqual(again.revisions, universe.revisions);
  });

  await t.test('every .nix file parses with the tree-sitter Nix grammar', async () => {
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    const files = await nixFiles(tmp);
    assert.ok(files.length >= 40 && files.length <= 70, `${files.length} .nix files`);
    const broken: string[] = [];
    for (const file of files) {
      const tree = parser.parse(blankTrailingCommas(await fs.readFile(file, 'utf8')));
      if (!tree || tree.rootNode.hasError) broken.push(path.relative(tmp, file));
    }
    assert.deepEqual(broken, []);
  });

  await t.test('the trailing-comma rewrite is what makes formals parse', async () => {
    await Parser.init();
    const parser = new Parser();
    parser.setLanguage(await Language.load(grammar));
    const source = '{\n  a,\n  # why\n  b ? "x, }",\n}:\n"${a}, ${b}"';
    const rewritten = blankTrailingCommas(source);
    assert.equal(rewritten.length, source.length);
    assert.equal(rewritten, source.replace('",\n}', '" \n}'));
    assert.equal(parser.parse(rewritten)!.rootNode.hasError, false);
  });

  await t.test('every .nix file parses with nix-instantiate --parse', toolTest('nix-instantiate'), async () => {
    requireTool('nix-instantiate');
    for (const file of await nixFiles(tmp)) {
      await execFileAsync('nix-instantiate', ['--parse', file]);
    }
  });
});
