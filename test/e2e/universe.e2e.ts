// The real extension, installed from its .vsix into a real VS Code workbench, on the example
// universe's `core` domain with the wave branch WIP-Wave1.3 checked out: what a contributor
// sees — the status bar, the package card and its Waves section, a maintainer, go to
// definition through an alias chain, an unknown input in Problems, the wave plan.
//
// The .vsix is NIX_DOMAINS_E2E_VSIX when set, else `npm run package` builds it here.
// With NIX_DOMAINS_E2E_SCREENSHOTS=docs/images the README's screenshots are refreshed too.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { ALLOCATOR_ENV, SERVER_NODE_OPTIONS } from '../../shared/serverEnv';
import { launch, scenarioWith, type Session } from './harness';
import { at, extensionVsix, files, prepareUniverse } from './universeScenario';

/** Screenshots worth showing in the README, by the name this test saves them under. */
const docScreenshots = ['hover-package-card', 'definition', 'problems', 'wave-plan'];

describe('the extension on the example universe (core at WIP-Wave1.3, real VS Code)', () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'nix-domains-universe-'));
  let session: Session;
  const shots = new Map<string, string>();

  const screenshot = async (name: string) => shots.set(name, await session.workbench.screenshot(`universe-${name}`));
  /** A scenario; when it fails, the screen at that moment is saved as universe-FAILED-<name>.png. */
  const scenario = scenarioWith('universe', () => session);

  before(async () => {
    const vsix = extensionVsix();
    const core = await prepareUniverse(path.join(temp, 'universe'));
    const started = Date.now();
    session = await launch({ workspace: core, extension: { vsix }, name: 'universe', timeoutMs: 90_000 });
    console.log(`code-server answered in ${session.startMs} ms; workbench ready in ${Date.now() - started} ms`);
  });

  after(async () => {
    await session?.close();
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

  scenario('opens a package file and the language reads Nix', async () => {
    await session.workbench.openFile(files.numpy);
    await session.workbench.waitForLanguage('Nix');
  });

  scenario('shows the domain and the checked-out wave in the status bar once indexed', async () => {
    // Without the indexing suffix (" · 12/80"): every later answer sees the whole domain. The wait
    // is the check: it fails, naming the text it waited for, unless the item shows exactly this.
    await session.workbench.waitForStatusBarItem(/^core · Wave1\.3 · in progress$/);
    await screenshot('status-bar');
  });

  scenario('the extension starts its server with the allocator settings and young generation', async () => {
    // The server is a child of the extension host: a Node process running the extension's
    // dist/server.js over IPC. Its environment, as Linux shows it, carries the settings.
    const servers = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((pid) => {
        try {
          return { pid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
        } catch {
          return undefined; // gone meanwhile
        }
      })
      .filter((p) => p?.args.some((a) => a.endsWith(path.join('dist', 'server.js'))) && p.args.some((a) => a.startsWith('--node-ipc')));
    assert.equal(servers.length, 1, `one server process of the extension, found ${servers.length}`);
    const environment = readFileSync(`/proc/${servers[0]!.pid}/environ`, 'utf8').split('\0');
    for (const [name, value] of Object.entries(ALLOCATOR_ENV))
      assert.ok(environment.includes(`${name}=${value}`), `the server has ${name}=${value}`);
    assert.ok(
      environment.some((v) => v.startsWith('NODE_OPTIONS=') && v.includes(SERVER_NODE_OPTIONS)),
      `the server has ${SERVER_NODE_OPTIONS} in NODE_OPTIONS`,
    );
  });

  scenario('hovers an input: the package card and its Waves section', async () => {
    const text = await session.workbench.hoverAt(at.pythonInput.line, at.pythonInput.col, /Waves/);
    assert.match(text, /pythonInterpreters\.python311/);
    assert.match(text, /High-level dynamically-typed programming language/);
    assert.match(text, /Defined in/);
    assert.match(text, /cpython\/default\.nix/);
    assert.match(text, /WIP-Wave1\.3/);
    await session.workbench.enlargeHover(300);
    await screenshot('hover-package-card');
    await session.workbench.dismissHover();
  });

  scenario('the Waves hover links to the wave plan, which explains the words', async () => {
    const text = await session.workbench.hoverAt(at.pythonInput.line, at.pythonInput.col, /The wave plan, and what/);
    assert.doesNotMatch(text, /A wave is a git branch/, 'the hover does not repeat the definitions');
    await session.workbench.clickHoverLink(/The wave plan, and what waves, roles and levels mean/);
    const plan = await session.workbench.webviewText(/What the words mean/);
    assert.match(plan, /Major wave 1/);
    assert.match(plan, /test and fix/);
    // The plan opened in the editor group: back to numpy for the scenarios that follow.
    await session.workbench.openFile(files.numpy);
    await session.workbench.waitForActiveFile(files.numpy);
  });

  scenario('the impact code lens shows how many packages rebuild', async () => {
    // The wait is the check: it fails unless a lens reads "rebuilds N package(s)".
    await session.workbench.codeLenses(1, /rebuilds \d+ packages?/);
    await screenshot('code-lens');
  });

  scenario('hovers a maintainer: the entry from the maintainers list', async () => {
    const text = await session.workbench.hoverAt(at.maintainer.line, at.maintainer.col, /GitHub/);
    assert.match(text, /Grace Hopper-Example/);
    assert.match(text, /@grace-h/);
    await screenshot('maintainer-hover');
    await session.workbench.dismissHover();
  });

  scenario('F12 on an alias (python) lands where the interpreter is built', async () => {
    await session.workbench.goTo(at.pythonInput.line, at.pythonInput.col);
    const jump = await session.workbench.goToDefinition(at.pythonDefinition);
    assert.equal(jump.tab, 'default.nix');
    await session.workbench.waitForActiveFile(files.cpython);
    await screenshot('definition');
  });

  scenario('"Nix Domains: Show Wave Plan" opens the plan', async () => {
    await session.workbench.runCommand('Nix Domains: Show Wave Plan');
    const text = await session.workbench.webviewText(/Major wave 1/);
    assert.match(text, /Wave plan/);
    assert.match(text, /WIP-Wave1\.3/);
    assert.match(text, /in progress/);
    await screenshot('wave-plan');
  });

  scenario('lists an input that names no package in Problems', async () => {
    await session.workbench.openFile(files.hello);
    await session.workbench.waitForLanguage('Nix');
    await session.workbench.waitForActiveFile(files.hello);
    const problems = await session.workbench.problems();
    const unknown = problems.find((p) => /libfrobnicate/.test(p.message));
    assert.ok(unknown, `no problem names libfrobnicate: ${JSON.stringify(problems)}`);
    assert.equal(unknown.severity, 'Warning');
    // Once core's manifest names other domains, the message names them too ("… in domain `core` nor in `rust`, `extras`").
    assert.match(unknown.message, /names no package (known )?in domain .core./);
    assert.deepEqual({ line: unknown.line, col: unknown.col }, at.unknownInput);
    await screenshot('problems');
  });
});
