// The benchmark universe generator: deterministic to the byte and to the commit id, with the
// shapes issue 3 asks for, and every generated file valid Nix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { generateUniverse, type Summary } from '../../scripts/bench-gen';
import { NameSource } from '../../scripts/bench-gen/names';
import { planUniverse, SIZES, type Layout, type Pool } from '../../scripts/bench-gen/plan';
import { Random } from '../../scripts/bench-gen/random';
import { blankTrailingCommas } from '../../server/src/analysis/parser';

const DOMAINS = ['core', 'rust', 'extras'] as const;

/** Every file under `dir` except `.git`, as relative path → content hash. */
function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(child);
      else
        out.set(
          child,
          createHash('sha256')
            .update(readFileSync(path.join(dir, child)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return out;
}

const head = (repo: string) => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
const read = (root: string, domain: string, file: string) => readFileSync(path.join(root, domain, file), 'utf8');
const names = (text: string, name: string) => new RegExp(`(^|[^\\w'-])${name.replace(/[.]/g, '\\.')}($|[^\\w'-])`, 'm').test(text);

const roots = [mkdtempSync(path.join(os.tmpdir(), 'bench-gen-a-')), mkdtempSync(path.join(os.tmpdir(), 'bench-gen-b-'))];
let first: Summary;
let second: Summary;

test.after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

test('the same seed and scale give the same files and the same commits', async () => {
  first = await generateUniverse({ out: roots[0], scale: 'small', seed: 7 });
  second = await generateUniverse({ out: roots[1], scale: 'small', seed: 7 });
  for (const d of DOMAINS) {
    assert.deepEqual(tree(path.join(roots[1], d)), tree(path.join(roots[0], d)), `files of ${d}`);
    assert.equal(second.domains[d].commit, first.domains[d].commit, `commit of ${d}`);
    assert.equal(head(path.join(roots[0], d)), first.domains[d].commit);
  }
  assert.deepEqual({ ...second, elapsedMs: 0 }, { ...first, elapsedMs: 0 });
});

test('small has the shapes of full at a twentieth of the size', () => {
  const root = roots[0];
  assert.ok(first.domains.core.nixFiles >= 2_000, `core has ${first.domains.core.nixFiles} .nix files`);
  // Full is planned here, not written: its package graph is what small must be a twentieth of.
  const random = new Random(7);
  const full = planUniverse(random, 'full', new NameSource(random));
  const count = (pool: Pool, layout?: Layout) => full.packages.filter((p) => p.pool === pool && (!layout || p.layout === layout)).length;
  const fullKinds = {
    byName: count('top', 'by-name'),
    callPackage: count('top', 'call-package'),
    python: count('python'),
    tcl: count('tcl'),
    rust: count('rust'),
    extras: count('extras'),
  };
  for (const [kind, n] of Object.entries(fullKinds))
    assert.equal(
      first.packages[kind as keyof typeof fullKinds] * 20,
      n,
      `${kind}: small ${first.packages[kind as keyof typeof fullKinds]}, full ${n}`,
    );
  for (const [kind, n] of Object.entries(SIZES.full))
    assert.equal(SIZES.small[kind as keyof typeof SIZES.small] * 20, n, `size of ${kind}`);
  // The same graph shape: as deep, every level of both populated, the same deliberate cycles.
  const fullLevels = new Set(full.packages.map((p) => p.level));
  assert.equal(first.maxLevel, Math.max(...fullLevels));
  assert.deepEqual(
    [...fullLevels].sort((a, b) => a - b),
    first.packagesPerLevel.map((_, level) => level),
  );
  assert.ok(
    first.packagesPerLevel.every((n) => n > 0),
    'every level of small has packages',
  );
  assert.equal(first.cycleCount, full.cycles.length);
  assert.deepEqual(
    { byName: first.packages.byName, callPackage: first.packages.callPackage, rust: first.packages.rust, extras: first.packages.extras },
    { byName: SIZES.small.byName, callPackage: SIZES.small.callPackage, rust: SIZES.small.rust, extras: SIZES.small.extras },
  );
  const byName = readdirSync(path.join(root, 'core/pkgs/by-name')).flatMap((shard) =>
    readdirSync(path.join(root, 'core/pkgs/by-name', shard)).map((name) => {
      assert.equal(shard, name.slice(0, 2).toLowerCase(), `shard of ${name}`);
      return name;
    }),
  );
  assert.equal(byName.length, SIZES.small.byName);
  const allPackages = read(root, 'core', 'pkgs/top-level/all-packages.nix');
  assert.match(allPackages, /^self: super:\s+with self;\s+\{/m);
  assert.equal(allPackages.match(/^ {2}[\w'-]+ = callPackage \.\.\/development\/\S+(?<!\.nix) \{/gm)?.length, SIZES.small.callPackage);
  assert.match(allPackages, /openssl = openssl_3;/);
  assert.match(allPackages, /inherit \(darwin\) Security;/);
  assert.match(allPackages, /\{ stdenv = gcc12Stdenv; \}/);
  assert.match(allPackages, /lib\.packagesFromDirectoryRecursive/);
  const maintainers = read(root, 'core', 'maintainers/maintainer-list.nix');
  assert.equal(maintainers.match(/^ {2}("[^"]+"|[\w'-]+) = \{$/gm)?.length, SIZES.small.maintainers);
  assert.match(maintainers, /^ {2}"\d\w+" = \{$/m);
  assert.match(maintainers, /^ {2}_0x[0-9A-F]{4} = \{$/m);
  assert.match(maintainers, /keys = \[\n\s+\{ fingerprint = "[0-9A-F ]+"; \}/);
  assert.ok(first.libFunctions >= 30);
});

test('the graph is at least 30 levels deep and has cycles and missing inputs', () => {
  const root = roots[0];
  assert.ok(first.maxLevel >= 30, `max level ${first.maxLevel}`);
  assert.equal(first.deepestChain.length, first.maxLevel + 1);
  // Each package of the chain names the next one in its own file.
  for (let i = 0; i + 1 < first.deepestChain.length; i++) {
    const [p, input] = [first.deepestChain[i], first.deepestChain[i + 1]];
    assert.ok(names(read(root, p.domain, p.file), input.attr.split('.').pop()!), `${p.attr} names ${input.attr}`);
  }
  assert.ok(first.cycleCount >= 3);
  for (const cycle of first.cycles) {
    cycle.forEach((p, i) => {
      const next = cycle[(i + 1) % cycle.length];
      assert.ok(names(read(root, p.domain, p.file), next.attr), `${p.attr} names ${next.attr}`);
    });
  }
  assert.ok(first.missingRefs.length >= 3);
});

test('rust and extras pin the commits of the domains they depend on', () => {
  const root = roots[0];
  const lock = (d: string) => JSON.parse(read(root, d, 'flake.lock'));
  assert.equal(lock('rust').nodes.core.locked.rev, head(path.join(root, 'core')));
  assert.equal(lock('extras').nodes.core.locked.rev, head(path.join(root, 'core')));
  assert.equal(lock('extras').nodes.rust.locked.rev, head(path.join(root, 'rust')));
  assert.deepEqual(JSON.parse(read(root, 'rust', 'nix-domains.json')), { domain: 'rust', domains: { core: { path: '../core' } } });
  assert.deepEqual(JSON.parse(read(root, 'core', 'nix-domains.json')), { domain: 'core' });
  assert.match(read(root, 'extras', 'flake.nix'), /core\.url = /);
});

test('a sample of 200 generated files parses without syntax errors', async () => {
  const root = roots[0];
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load('node_modules/@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm'));
  const files = DOMAINS.flatMap((d) =>
    [...tree(path.join(root, d)).keys()]
      .filter((f) => f.endsWith('.nix'))
      .sort()
      .map((f) => [d, f] as const),
  );
  const step = Math.floor(files.length / 196);
  const sample = [
    ...files.filter((_, i) => i % step === 0).slice(0, 196),
    ['core', 'pkgs/top-level/all-packages.nix'] as const,
    ['core', 'pkgs/top-level/python-packages.nix'] as const,
    ['core', 'maintainers/maintainer-list.nix'] as const,
    ['core', 'lib/default.nix'] as const,
  ];
  assert.equal(sample.length, 200);
  for (const [d, f] of sample) {
    // This grammar wrongly rejects a trailing comma in formals (`{ a, b, }:`), which Nix accepts:
    // the server's own rewrite blanks it.
    const text = blankTrailingCommas(read(root, d, f));
    const parsed = parser.parse(text);
    assert.ok(parsed && !parsed.rootNode.hasError, `syntax error in ${d}/${f}`);
  }
});
