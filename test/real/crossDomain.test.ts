// The real domains together: javascript's packages where its flake defines them, and its inputs
// (openssl, zlib, libuv, …) found in core — from a checkout beside it, from core's stub in a
// folder or over HTTP at the revision the manifest names, and said plainly when the revision its
// flake.lock pins (core as it was before it had packages) defines no such package. top-level
// (core and javascript, `follows`) works the same way.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { definitionAcross } from '../../server/src/analysis/across/definition';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { referencesAcross } from '../../server/src/analysis/across/references';
import { workspaceSymbolsAcross } from '../../server/src/analysis/across/symbols';
import type { Where } from '../../server/src/analysis/across/where';
import { cloneFresh, corpusTest } from '../corpus';
import { serveFolder, type StubServer } from '../stubs/helpers';
import { at, CACHE, cli, realSession, unlimited } from './helpers';

const NODEJS = 'runtimes/nodejs/nodejs.nix';
const OPENSSL = '  open|ssl,';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-C', cwd, ...args], { stdio: 'pipe' })
    .toString()
    .trim();

describe('real cross-domain: javascript and top-level on core', corpusTest(), () => {
  let stubs: string;
  let coreHead: string;
  let corePinned: string;
  let jsHead: string;
  let jsPinned: string;
  let server: StubServer;

  before(async () => {
    // Stubs of core at its head and at the revision javascript's flake.lock pins, and of javascript
    // at its head and at the revision top-level's flake.lock pins, made by the CLI into one folder.
    stubs = path.join(CACHE, 'stubs-real');
    const core = cloneFresh('core', 'stubs/core');
    const js = cloneFresh('javascript', 'stubs/javascript');
    coreHead = git(core, 'rev-parse', 'HEAD');
    jsHead = git(js, 'rev-parse', 'HEAD');
    await cli(['stub', core, '--out', stubs]);
    await cli(['stub', js, '--out', stubs]);
    corePinned = git(core, 'rev-parse', 'cbe7a41');
    jsPinned = git(js, 'rev-parse', 'bcba613');
    git(core, 'checkout', '-q', corePinned);
    git(js, 'checkout', '-q', jsPinned);
    await cli(['stub', core, '--out', stubs]);
    await cli(['stub', js, '--out', stubs]);
    server = await serveFolder(stubs);
  });
  after(() => server?.close());

  /** A clone of a domain with a manifest naming its other domains. */
  function withManifest(domain: 'javascript' | 'top-level', name: string, domains: object): string {
    const clone = cloneFresh(domain, `${name}/${domain}`);
    writeFileSync(path.join(clone, 'nix-domains.json'), JSON.stringify({ domain, domains }, null, 2));
    return clone;
  }

  test('javascript: its packages are where its flake defines them, as nix build names them', async () => {
    const session = await realSession(withManifest('javascript', 'alone', {}));
    const attrs = session.analyzer.catalog
      .all()
      .flatMap((p) => [p.attrPath, ...(p.aliases ?? [])])
      .sort();
    assert.deepEqual(attrs, ['nodejs.latest', 'nodejs.lts', 'nodejs.v18', 'nodejs.v20', 'nodejs.v22']);
    const v20 = session.analyzer.catalog.all().find((p) => p.attrPath === 'nodejs.v20')!;
    assert.equal(v20.target.file, 'runtimes/nodejs/versions/v20.nix');
    const symbols = (await workspaceSymbolsAcross(session, 'nodejs.l', unlimited())).map((s) => s.name);
    assert.deepEqual(symbols.sort(), ['nodejs.latest', 'nodejs.lts']);
    // The builder's inputs are the package's too: core's zlib and libuv rebuild it.
    const inputs = session.analyzer.catalog.inputsOf(v20).map((i) => i.formal.name);
    for (const name of ['openssl', 'python3', 'zlib', 'libuv', 'icu']) assert.ok(inputs.includes(name), `nodejs.v20 takes ${name}`);
  });

  test("with core checked out beside it (no manifest), openssl in nodejs.nix is core's", async () => {
    const js = cloneFresh('javascript', 'beside/javascript');
    cloneFresh('core', 'beside/core');
    const session = await realSession(js);
    const found = await definitionAcross(session, NODEJS, at(session, NODEJS, OPENSSL), unlimited());
    assert.equal(found.length, 1);
    assert.equal(found[0]!.kind, 'checkout');
    assert.match((found[0] as Extract<Where, { kind: 'checkout' }>).absolute, /beside\/core\/pkgs\/by-name\/op\/openssl\//);
    // The CLI answers the same across domains.
    const pos = at(session, NODEJS, OPENSSL);
    const cliFound = JSON.parse(
      await cli(['query', 'definition', `${path.join(js, NODEJS)}:${pos.line + 1}:${pos.character + 1}`, '--root', js]),
    );
    assert.equal(cliFound.length, 1);
    assert.match(cliFound[0].file, /beside\/core\/pkgs\/by-name\/op\/openssl\//);
  });

  for (const via of ['folder', 'http'] as const) {
    test(`with core's stub from a ${via} at the revision the manifest names: definition, hover, references, bytes moved`, async () => {
      const source = via === 'folder' ? stubs : server.url;
      // A stub cache of its own: what moves is what this one session fetched.
      const session = await realSession(withManifest('javascript', `rev-${via}`, { core: { stubs: source, rev: coreHead } }), {
        stubCacheDir: path.join(CACHE, `stubs-${via}`),
      });
      const pos = at(session, NODEJS, OPENSSL);
      const definition = await definitionAcross(session, NODEJS, pos, unlimited());
      assert.equal(definition.length, 1);
      const where = definition[0]!;
      assert.ok(where.kind === 'virtual', 'a read-only document of core');
      assert.equal(where.domain, 'core');
      assert.equal(where.revision, coreHead);
      assert.match(where.file, /^pkgs\/by-name\/op\/openssl\//);
      const hover = await hoverAcross(session, NODEJS, pos, unlimited());
      assert.ok(hover);
      assert.match(hover.markdown, new RegExp(`\`core\` @ \`${coreHead.slice(0, 12)}\``));
      const references = await referencesAcross(session, NODEJS, pos, true, unlimited());
      const local = references.filter((w) => w.kind === 'local');
      const foreign = references.filter((w): w is Extract<Where, { kind: 'virtual' }> => w.kind === 'virtual');
      assert.ok(
        local.some((w) => w.kind === 'local' && w.place.file === 'runtimes/nodejs/versions/v20.nix'),
        "javascript's own users of openssl",
      );
      assert.ok(
        foreign.some((w) => w.domain === 'core' && /\/curl\//.test(w.file)),
        "core's users of openssl, from the stub",
      );
      const store = (await session.universe()).store!;
      const moved = store.bytesMoved();
      if (via === 'http') assert.ok(moved > 0 && moved < 1024 * 1024, `${moved} bytes moved`);
      process.stdout.write(`# bytes moved for definition, hover and references across domains (${via}): ${moved}\n`);
    });
  }

  test("at the revision javascript's flake.lock pins, core defines no packages, and the hover says so", async () => {
    const session = await realSession(withManifest('javascript', 'pinned', { core: { stubs } }));
    const hover = await hoverAcross(session, NODEJS, at(session, NODEJS, OPENSSL), unlimited());
    assert.ok(hover, 'a hover on openssl');
    const pin = `\`core\` at \`${corePinned.slice(0, 12)}\` \\(pinned by flake.lock\\)`;
    assert.match(hover.markdown, new RegExp(`names no package in domain \`javascript\` nor in ${pin}`));
    assert.match(hover.markdown, new RegExp(`${pin} defines no packages at all: set a newer "rev" for \`core\``));
  });

  test('top-level: core and javascript at the revisions its manifest names, and what its flake.lock pins said plainly', async () => {
    const named = await realSession(
      withManifest('top-level', 'tl-rev', { core: { stubs, rev: coreHead }, javascript: { stubs, rev: jsHead } }),
    );
    const symbols = await workspaceSymbolsAcross(named, 'nodejs.v2', unlimited());
    assert.deepEqual(symbols.map((s) => `${s.container}:${s.name}`).sort(), ['javascript:nodejs.v20', 'javascript:nodejs.v22']);
    assert.ok((await workspaceSymbolsAcross(named, 'openssl', unlimited())).some((s) => s.container === 'core'));
    const pinned = await realSession(withManifest('top-level', 'tl-pinned', { core: { stubs }, javascript: { stubs } }));
    const misses = await (await pinned.universe()).whyMissing();
    assert.deepEqual(
      misses.map((m) => [m.domain, m.revision, m.by, m.packages]),
      [
        ['core', corePinned, 'flake.lock', 0],
        ['javascript', jsPinned, 'flake.lock', 0],
      ],
    );
  });
});
