// The real extension, installed from its .vsix into a real VS Code workbench, on the real core
// domain (a clone of the Aux bundle, 1,560 Nix files): a contributor opens curl through Quick
// Open, hovers an input, jumps to its definition, finds the references of stdenv (the request
// that once froze the server) and reads the impact lens of curl's package group.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { cloneFresh, corpusTest } from '../corpus';
import { launch, scenarioWith, type Session } from './harness';
import { extensionVsix } from './universeScenario';

const CURL = 'pkgs/by-name/cu/curl/default.nix';
const GROUP = 'pkgs/by-name/cu/curl/packages.nix';

describe('the extension on the real core domain (real VS Code)', corpusTest(), () => {
  let session: Session;
  let root: string;

  /** A scenario; when it fails, the screen at that moment is saved as realCore-FAILED-<name>.png. */
  const scenario = scenarioWith('realCore', () => session);

  before(async () => {
    const vsix = extensionVsix();
    root = cloneFresh('core', 'e2e/core');
    session = await launch({ workspace: root, extension: { vsix }, name: 'realCore', timeoutMs: 120_000 });
  });

  after(async () => {
    await session?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  scenario('opens curl through Quick Open once the domain is indexed', async () => {
    await session.workbench.quickOpen(CURL);
    await session.workbench.waitForLanguage('Nix');
    await session.workbench.waitForStatusBarItem(/^core · main$/);
  });

  scenario('hovers the openssl input: the package card of core', async () => {
    // `, opensslSupport ? zlibSupport, openssl` on line 21; the input starts at column 36.
    // The impact itself, not the note that it is still being computed (the card is shown again until it comes).
    const text = await session.workbench.hoverAt(21, 38, /Impact:\s+changing it rebuilds/);
    assert.match(text, /openssl/);
    assert.match(text, /core/);
    await session.workbench.dismissHover();
  });

  scenario("F12 on openssl lands in openssl's files", async () => {
    await session.workbench.goTo(21, 38);
    const jump = await session.workbench.goToDefinition();
    assert.match(await session.workbench.activeFile(), /pkgs\/by-name\/op\/openssl\//);
    assert.ok(jump.line >= 1);
  });

  scenario('Find References on stdenv lists hundreds of package files', async () => {
    await session.workbench.quickOpen(CURL);
    await session.workbench.goTo(1, 9);
    const found = await session.workbench.findReferences(100);
    assert.ok(found.count > 500, `${found.count} references`);
    assert.ok(
      found.files.some((row) => /pkgs\/by-name\//.test(row)),
      found.files.slice(0, 5).join(' | '),
    );
    await session.workbench.screenshot('realCore-references');
    await session.workbench.closePeek();
  });

  scenario("the impact lens of curl's package group says what rebuilds", async () => {
    await session.workbench.quickOpen(GROUP);
    const lenses = await session.workbench.codeLenses(3, /rebuilds [\d,]+ packages/);
    assert.ok(
      lenses.some((l) => /rebuilds [\d,]+ packages/.test(l)),
      lenses.join(' | '),
    );
  });
});
