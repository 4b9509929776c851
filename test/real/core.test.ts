// Every feature on the real core domain (a clone of the Aux bundle), through the analysis a
// request runs: answers that a contributor would recognise, and none that never ends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completionAcross } from '../../server/src/analysis/across/completion';
import { definitionAcross } from '../../server/src/analysis/across/definition';
import { diagnosticsAcross } from '../../server/src/analysis/across/diagnostics';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { impactAcross } from '../../server/src/analysis/across/impact';
import { referencesAcross } from '../../server/src/analysis/across/references';
import { workspaceSymbolsAcross } from '../../server/src/analysis/across/symbols';
import type { Where } from '../../server/src/analysis/across/where';
import { documentSymbols } from '../../server/src/analysis/features/symbols';
import { impactSites } from '../../server/src/analysis/impact/sites';
import { corpusTest } from '../corpus';
import { at, realSession, unlimited } from './helpers';

const CURL = 'pkgs/by-name/cu/curl/default.nix';
const MAINTAINERS = 'maintainers/maintainer-list.nix';

const files = (found: Where[]) =>
  found.map((w) => (w.kind === 'local' ? w.place.file : `${w.kind}:${w.kind === 'virtual' ? w.file : w.absolute}`));

describe('real core: every feature answers', corpusTest(), () => {
  test('the index finds the packages of by-name folders, package groups and the top-level sets', async () => {
    const { analyzer } = await realSession('core');
    assert.equal(analyzer.index.files.size, 1560);
    const attrs = new Set(analyzer.catalog.all().map((p) => p.attrPath));
    assert.ok(attrs.size > 1300, `only ${attrs.size} packages`);
    // A package is named by the binding that makes it; its top-level aliases and variants are names of it.
    for (const name of ['curlMinimal', 'openssl_3', 'zlib']) assert.ok(attrs.has(name), `no package ${name}`);
    const named = new Map(analyzer.catalog.all().flatMap((p) => (p.aliases ?? []).map((alias) => [alias, p.attrPath] as const)));
    assert.equal(named.get('curl'), 'curlMinimal');
    assert.equal(named.get('openssl'), 'openssl_3');
    assert.ok(named.get('perl')?.endsWith('perl538'), named.get('perl'));
  });

  test('references on stdenv in curl complete, listing the package files that take it', async () => {
    const session = await realSession('core');
    const found = await referencesAcross(session, CURL, at(session, CURL, '{ lib, std|env'), true, unlimited());
    const inFiles = new Set(files(found));
    assert.ok(found.length > 500, `only ${found.length} references`);
    assert.ok(inFiles.has(CURL), 'curl itself takes stdenv');
    assert.ok(inFiles.has('pkgs/by-name/zl/zlib/package.nix') || [...inFiles].some((f) => f.includes('/zlib/')), 'zlib takes stdenv');
  });

  test('references on which complete', async () => {
    const session = await realSession('core');
    const file = [...session.analyzer.index.files.values()].find(
      (f) => f.formals?.some((x) => x.name === 'which') && f.path.includes('by-name'),
    )!;
    const text = await session.analyzer.withDocument(file.path, (doc) => doc.text);
    const formal = file.formals!.find((x) => x.name === 'which')!;
    assert.ok(text);
    const found = await referencesAcross(session, file.path, { line: formal.span[0], character: formal.span[1] + 1 }, true, unlimited());
    assert.ok(found.length > 10, `only ${found.length} references to which`);
  });

  test('definition of an input lands in the file that builds it', async () => {
    const session = await realSession('core');
    const found = await definitionAcross(session, CURL, at(session, CURL, ', opensslSupport ? zlibSupport, open|ssl'), unlimited());
    assert.equal(found.length, 1);
    assert.match(files(found)[0]!, /^pkgs\/by-name\/op\/openssl\//);
  });

  test('hover on an input shows the package card, its impact and its waves', async () => {
    const session = await realSession('core');
    const answer = await hoverAcross(session, CURL, at(session, CURL, ', opensslSupport ? zlibSupport, open|ssl'), unlimited());
    assert.ok(answer);
    assert.match(answer.markdown, /\*\*openssl[\w.]*\*\* · `core`/);
    assert.match(answer.markdown, /Direct dependants: [1-9]/);
    assert.match(answer.markdown, /\*\*Impact:\*\* changing it rebuilds [\d,]+ packages/);
    assert.match(answer.markdown, /\*\*Waves\*\*/);
  });

  test('document symbols outline curl: its inputs and its derivation', async () => {
    const { analyzer } = await realSession('core');
    const symbols = (await analyzer.withDocument(CURL, documentSymbols))!;
    const names = symbols.map((s) => s.name);
    for (const name of ['lib', 'stdenv', 'openssl', 'zlib']) assert.ok(names.includes(name), `no symbol ${name}`);
  });

  test('workspace symbols find packages by name, prefix matches first', async () => {
    const session = await realSession('core');
    const names = (await workspaceSymbolsAcross(session, 'curl', unlimited())).map((s) => s.name);
    const prefixed = names.filter((n) => n.startsWith('curl'));
    assert.deepEqual(names.slice(0, prefixed.length), prefixed, 'prefix matches come first');
    for (const name of ['curl', 'curlMinimal']) assert.ok(names.includes(name), `no symbol ${name}`);
  });

  test('completion after `pkgs.` offers packages of the domain', async () => {
    const session = await realSession('core');
    const file = 'pkgs/by-name/cu/curl/packages.nix';
    const answer = await completionAcross(session, file, at(session, file, 'openssl = quic|tls'), unlimited());
    assert.ok(answer);
    assert.ok(
      answer.items.some((i) => i.label === 'quictls'),
      'quictls is offered',
    );
  });

  test('diagnostics of curl: no syntax error, and only inputs nothing defines', async () => {
    const session = await realSession('core');
    const found = await diagnosticsAcross(session, CURL, { unknownInputs: true, edited: false }, unlimited());
    assert.equal(found.filter((d) => d.code === 'syntax').length, 0);
    for (const d of found.filter((x) => x.code === 'unknown-input')) {
      assert.equal(session.analyzer.resolver.resolveInput(CURL, d.name!), undefined, `${d.name} resolves, yet is reported`);
    }
  });

  test('the code lens sits on the file and on each override, and the rebuild list behind it names what rebuilds', async () => {
    const session = await realSession('core');
    const file = 'pkgs/by-name/cu/curl/packages.nix';
    const sites = (await session.analyzer.withDocument(file, (doc) => impactSites(session.analyzer, doc)))!;
    assert.ok(
      sites.some((s) => s.kind === 'override' && s.package.attrPath === 'curlMinimal'),
      sites.map((s) => `${s.kind}:${s.package.attrPath}`).join(),
    );
    const list = await impactAcross(session, (pkgs) => pkgs.find((p) => p.attrPath === 'curlMinimal'), unlimited());
    assert.ok(list);
    assert.match(list.title, /^rebuilds [\d,]+ packages/);
    const core = list.groups.find((g) => g.domain === 'core')!;
    assert.ok(core.count > 1 && core.items.some((i) => i.place), 'places of the packages that rebuild');
  });

  test('maintainers: the real list is empty, so every handle of core is unknown, and said so', async () => {
    const session = await realSession('core');
    assert.equal(session.analyzer.maintainers.entry(MAINTAINERS, 'lovek323'), undefined);
    const found = await diagnosticsAcross(session, CURL, { unknownInputs: true, edited: false }, unlimited());
    const unknown = found.filter((d) => d.code === 'unknown-maintainer');
    assert.deepEqual(
      unknown.map((d) => d.message),
      ['`lovek323` is not in maintainers/maintainer-list.nix (or team-list.nix) of domain `core`.'],
    );
  });
});
