// The CLI on the real core domain: index, query, stub, impact and wave, as a contributor or a
// domain's CI runs them (the built dist/cli.js, in clones of the Aux bundle).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { cloneFresh, corpusClone, corpusTest } from '../corpus';
import { CACHE, cli, realSession, unlimited, at } from './helpers';

const CURL = 'pkgs/by-name/cu/curl/default.nix';
const ZLIB = 'pkgs/by-name/zl/zlib/default.nix';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, ...args], { stdio: 'pipe' })
    .toString()
    .trim();

describe('the CLI on real core', corpusTest(), () => {
  test('index reports the files, the packages and how many inputs resolve', async () => {
    const report = JSON.parse(await cli(['index', corpusClone('core')]));
    assert.equal(report.files, 1560);
    assert.ok(report.packages > 1400);
    assert.ok(report.inputs.resolved / report.inputs.total > 0.85, JSON.stringify(report.inputs));
  });

  test('query definition, hover and references answer on curl', async () => {
    const root = corpusClone('core');
    const where = `${path.join(root, CURL)}:21:38`; // `openssl` in `, opensslSupport ? zlibSupport, openssl`
    const definition = JSON.parse(await cli(['query', 'definition', where, '--root', root])) as { file: string }[];
    assert.equal(definition.length, 1);
    assert.match(definition[0]!.file, /pkgs\/by-name\/op\/openssl\//);
    const hover = JSON.parse(await cli(['query', 'hover', where, '--root', root])) as { markdown: string };
    assert.match(hover.markdown, /\*\*openssl[\w.]*\*\* · `core`/);
    const references = JSON.parse(await cli(['query', 'references', `${path.join(root, CURL)}:1:9`, '--root', root])) as unknown[];
    assert.ok(references.length > 500, `${references.length} references to stdenv`);
  });

  test('stub writes a verifiable stub of core that finds its packages', async () => {
    const out = path.join(CACHE, 'stub-core');
    const summary = JSON.parse(await cli(['stub', corpusClone('core'), '--out', out]));
    assert.equal(summary.domain, 'core');
    assert.match(summary.revision, /^fe3e015/);
    assert.ok(summary.packages > 1000 && summary.shards > 1);
    const root = JSON.parse(readFileSync(path.join(out, 'core', summary.revision, 'root.json'), 'utf8'));
    for (const shard of root.shards as { file: string }[]) assert.ok(existsSync(path.join(out, 'core', summary.revision, shard.file)));
  });

  test('impact --base reports a one-package change: the package, its rebuilds per domain and their bucket', async () => {
    const clone = cloneFresh('core', 'core-impact');
    git(clone, 'checkout', '-q', '-b', 'zlib-change');
    const file = path.join(clone, ZLIB);
    writeFileSync(file, readFileSync(file, 'utf8').replace('  pname = "zlib";', '  pname = "zlib";\n  passthru.nixDomainsTest = true;'));
    git(clone, 'commit', '-qam', 'zlib: a change');
    const report = JSON.parse(await cli(['impact', '--base', 'main', '--format', 'json', clone]));
    assert.deepEqual(report.changed, ['zlib']);
    const core = report.domains[0];
    assert.ok(core.count > 100 && core.packages.includes('curl'), `${core.count} rebuilds`);
    const markdown = await cli(['impact', '--base', 'main', '--format', 'markdown', clone]);
    assert.match(markdown, /10\.rebuild-linux: (101-500|501-1000|1001-2500)/);
  });

  test('wave and the Waves hover on wave branches made in a clone', async () => {
    const clone = cloneFresh('core', 'core-waves');
    git(clone, 'branch', 'Wave1.1');
    git(clone, 'checkout', '-q', '-b', 'WIP-Wave1.2');
    const plan = JSON.parse(await cli(['wave', clone, '--package', 'zlib', '--format', 'json']));
    assert.deepEqual(plan.checkedOut, { branch: 'WIP-Wave1.2', detached: false, wave: '1.2', green: false });
    const text = await cli(['wave', clone, '--package', 'zlib']);
    assert.match(text, /Checked out: WIP-Wave1\.2 \(wave 1\.2, in progress\)/);
    assert.match(text, /Package core-waves:zlib: level \d+/);
    const session = await realSession(clone);
    const hover = await hoverAcross(session, CURL, at(session, CURL, ', zlibSupport ? true, z|lib'), unlimited());
    assert.ok(hover);
    assert.match(hover.markdown, /\*\*Waves\*\*/);
    assert.match(hover.markdown, /WIP-Wave1\.2/);
  });
});
