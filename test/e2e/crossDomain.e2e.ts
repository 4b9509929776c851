// Cross-domain navigation in a real VS Code: the example universe's `rust` domain uses packages
// and maintainers of `core`. Three workspaces, one code-server each:
//   - core known only by its stubs and files, served over loopback HTTP (no local checkout):
//     the hover card names core and its revision, F12 opens a read-only `nix-domains:` document
//     of core's file at the definition, a maintainer hover shows core's entry;
//   - core as a local checkout next to rust (`"path": "../core"`): F12 opens core's own file;
//   - the stub server gone: a notification says which stub could not be fetched, and from where.
//
// The .vsix is NIX_DOMAINS_E2E_VSIX when set, else `npm run package` builds it here.
// With NIX_DOMAINS_E2E_SCREENSHOTS=docs/images the README's screenshot of it is refreshed too.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { createExampleUniverse, type ExampleUniverse } from '../../scripts/example-universe';
import { launch, scenarioWith, type Session } from './harness';
import { crossAt, crossFiles, extensionVsix, serveDomain, writeRustManifest, writeStubs, type DomainServer } from './universeScenario';

/** Screenshots worth showing in the README, by the name this test saves them under. */
const docScreenshots = ['cross-domain-definition'];

describe('cross-domain navigation from rust to core (real VS Code)', () => {
  const temp = realpathSync(mkdtempSync(path.join(tmpdir(), 'nix-domains-cross-')));
  const shots = new Map<string, string>();
  let vsix: string;
  let universe: ExampleUniverse;
  let stubs: string;
  let coreRev: string;
  let session: Session | undefined;
  let sessions = 0;

  /**
   * Opens `rust` in a fresh code-server. Each session gets its own stub cache
   * (NIX_DOMAINS_CACHE, inherited by the language server), so nothing fetched by an earlier
   * session — or by the user — answers for this one.
   */
  const launchRust = async (name: string): Promise<Session> => {
    process.env.NIX_DOMAINS_CACHE = path.join(temp, `cache-${++sessions}`);
    const started = Date.now();
    session = await launch({ workspace: universe.rust, extension: { vsix }, name: `cross-${name}`, timeoutMs: 90_000 });
    console.log(`${name}: code-server answered in ${session.startMs} ms; workbench ready in ${Date.now() - started} ms`);
    return session;
  };
  const wb = () => session!.workbench;
  const screenshot = async (name: string, options?: { keepPointer?: boolean }) =>
    shots.set(name, await wb().screenshot(`cross-${name}`, options));
  /** A scenario; when it fails, the screen at that moment is saved as cross-FAILED-<name>.png. */
  const scenario = scenarioWith('cross', () => session);
  /** Opens cargo-audit's package.nix in rust and waits for the language and the finished index. */
  const openCargoAudit = async () => {
    await wb().openFile(crossFiles.cargoAudit);
    await wb().waitForLanguage('Nix');
    // "rust · main" once indexed; while indexing a progress count (" · 3/9") follows.
    const item = await wb().waitForStatusBarItem(/^rust\b(?!.*\d+\/\d+)/);
    assert.match(item.label, /rust/);
  };

  before(() => {
    vsix = extensionVsix();
  });

  before(async () => {
    universe = await createExampleUniverse(path.join(temp, 'universe'));
    coreRev = universe.revisions.core!;
    stubs = path.join(temp, 'stubs');
    writeStubs(universe.core, stubs);
  });

  after(() => {
    rmSync(temp, { recursive: true, force: true });
    const docs = process.env.NIX_DOMAINS_E2E_SCREENSHOTS;
    if (docs) {
      mkdirSync(docs, { recursive: true });
      for (const name of docScreenshots) {
        const file = shots.get(name);
        if (file) copyFileSync(file, path.join(docs, `${name}.png`));
      }
    }
  });

  describe('core known by its stubs and files over HTTP (no local checkout)', () => {
    let server: DomainServer;

    before(async () => {
      server = await serveDomain(universe.core, stubs);
      writeRustManifest(universe.rust, server.source);
      await launchRust('stubs');
    });

    after(async () => {
      await session?.close();
      session = undefined;
      await server?.close();
    });

    scenario('opens cargo-audit in rust: language Nix, rust indexed', async () => {
      await openCargoAudit();
    });

    scenario('hovers openssl: the card names core and its revision', async () => {
      const text = await wb().hoverAt(crossAt.opensslInput.line, crossAt.opensslInput.col, /core @ /);
      assert.match(text, /openssl/);
      assert.match(text, new RegExp(`core @ ${coreRev.slice(0, 12)}`));
      assert.match(text, /Cryptographic library/);
      assert.match(text, /Defined in core:pkgs\/by-name\/op\/openssl\/package\.nix/);
      assert.ok(
        server.requests.some((r) => r.startsWith(`/core/${coreRev}/`)),
        `the stub came from the server: ${server.requests.join(' ')}`,
      );
      await wb().dismissHover();
    });

    scenario("F12 on openssl opens core's file read-only, at the definition", async () => {
      await wb().goTo(crossAt.opensslInput.line, crossAt.opensslInput.col);
      const jump = await wb().goToDefinition({ ...crossAt.opensslDefinition });
      assert.match(jump.tab, /package\.nix/);
      const before = await wb().editorText();
      assert.match(before, /pname = "openssl"/);
      // The tab is labelled with the document's path, /core/<rev>/…, marked "(read-only)" by the
      // extension's label formatter for the `nix-domains:` scheme; a file on disk would be
      // labelled with its absolute path.
      const foreignPath = `/core/${coreRev}/${crossFiles.openssl}`;
      assert.equal(await wb().activeFile(), `${foreignPath} (read-only)`);
      assert.ok(server.requests.includes(`/files/${coreRev}/${crossFiles.openssl}`), server.requests.join(' '));
      // Read-only: typing changes nothing, and VS Code says why.
      const message = await wb().typeIntoReadOnlyEditor('xyz');
      assert.match(message, /read-only/i);
      assert.equal(await wb().editorText(), before);
      await wb().waitForCursor(crossAt.opensslDefinition);
      // For the README: the tab's tooltip names the domain and revision, the message says read-only.
      const tooltip = new RegExp(`^${foreignPath.replace(/[.]/g, '\\.')}( \\(read-only\\))?$`);
      assert.match(await wb().hoverActiveTab(tooltip), tooltip);
      await screenshot('cross-domain-definition', { keepPointer: true });
    });

    scenario('hovers a maintainer (_0x4A6F): the entry from core', async () => {
      await wb().openFile(crossFiles.cargoAudit);
      await wb().waitForActiveFile(crossFiles.cargoAudit);
      await wb().waitForLanguage('Nix');
      const text = await wb().hoverAt(crossAt.maintainer.line, crossAt.maintainer.col, /From domain/);
      assert.match(text, /Joachim Ernst-Example/);
      assert.match(text, /_0x4A6F/);
      assert.match(text, /@0x4A6F/);
      assert.match(text, /From domain core's maintainers\/maintainer-list\.nix/);
      await screenshot('maintainer-hover');
      await wb().dismissHover();
    });
  });

  describe('core as a local checkout ("path": "../core")', () => {
    before(async () => {
      writeRustManifest(universe.rust, { path: '../core' });
      await launchRust('path');
    });

    after(async () => {
      await session?.close();
      session = undefined;
    });

    scenario('F12 on zlib lands in core/pkgs/by-name/zl/zlib/package.nix', async () => {
      await openCargoAudit();
      await wb().goTo(crossAt.zlibInput.line, crossAt.zlibInput.col);
      await wb().goToDefinition({ ...crossAt.zlibDefinition });
      await wb().waitForActiveFile(path.join(universe.core, crossFiles.zlib));
      assert.match(await wb().editorText(), /pname = "zlib"/);
      await screenshot('local-definition');
    });
  });

  describe('the stub server unreachable', () => {
    let gone: DomainServer;

    before(async () => {
      // A port that answered a moment ago and now refuses connections.
      gone = await serveDomain(universe.core, stubs);
      await gone.close();
      writeRustManifest(universe.rust, gone.source);
      await launchRust('unreachable');
    });

    after(async () => {
      await session?.close();
      session = undefined;
    });

    scenario('a notification names the stub and where it was fetched from, once', async () => {
      await openCargoAudit();
      // Asking about openssl needs core's stub (opening the file may already have asked).
      await wb().goTo(crossAt.opensslInput.line, crossAt.opensslInput.col);
      await wb().page.keyboard.press('F12');
      const toast = await wb().waitForNotification(/core/);
      assert.match(toast, /^Nix Domains: /);
      assert.match(toast, /\bcore\b/);
      assert.ok(toast.includes(gone.base), `the message names ${gone.base}: ${toast}`);
      await screenshot('stub-unreachable');
      // Asking again (zlib needs the same stub) tells nothing new: still one such notification.
      // (VS Code replaces a notification with an identical new one, so this cannot see whether
      // the server sent the same message twice; only a second, different message would show.)
      await wb().goTo(crossAt.zlibInput.line, crossAt.zlibInput.col);
      await wb().page.keyboard.press('F12');
      await wb().waitForEditorMessage(/No definition found/i);
      const told = (await wb().notifications()).filter((text) => text.includes(gone.base));
      assert.equal(told.length, 1, JSON.stringify(told));
    });
  });
});
