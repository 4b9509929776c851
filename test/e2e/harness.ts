// End-to-end harness: a real VS Code workbench (code-server) with one extension installed,
// opened on a workspace folder in headless Chromium, driven through `Workbench`.
//
//   const session = await launch({ workspace, extension: { folder } });
//   try { await session.workbench.openFile('pkgs/hello/default.nix'); … } finally { await session.close(); }
//
// Needs scripts/e2e-setup.sh to have run (it writes the paths this reads).
import { cpSync, existsSync, mkdtempSync, realpathSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import {
  CodeServer,
  installExtension,
  loadEnv,
  quietSettings,
  writeUserSettings,
  type CodeServerDirs,
  type E2EEnv,
  type ExtensionSource,
} from './codeServer';
import { Workbench } from './workbench';

/** Where screenshots and logs of a run go (relative to the repo root, where tests run). */
/**
 * A scenario (a test) that, when it fails, saves the screen at that moment as
 * `<prefix>-FAILED-<name>.png`: `session` gives the session the scenario ran in.
 */
export function scenarioWith(prefix: string, session: () => Session | undefined): (name: string, check: () => Promise<void>) => void {
  return (name, check) =>
    it(name, async () => {
      try {
        await check();
      } catch (err) {
        await session()
          ?.workbench.screenshot(`${prefix}-FAILED-${name}`)
          .catch(() => undefined);
        throw err;
      }
    });
}

const resultsDir = path.resolve(process.env.NIX_DOMAINS_E2E_RESULTS ?? 'test-results/e2e');

export interface LaunchOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** Extension to install; omit to run the bare workbench. */
  extension?: ExtensionSource;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  /** Names this run's files in test-results/e2e: `<name>-code-server.log`, `<name>-logs/`. */
  name?: string;
  /**
   * Keep VS Code's workspace trust on (the folder then opens in Restricted Mode until trusted).
   * Off by default: the harness turns trust off so no prompt stands in the way.
   */
  workspaceTrust?: boolean;
  /** How long each Workbench helper waits for what it expects (default 30 s). */
  timeoutMs?: number;
}

export interface Session {
  workbench: Workbench;
  server: CodeServer;
  /** Milliseconds from spawning code-server to its HTTP endpoint answering. */
  startMs: number;
  /** Closes Chromium, stops code-server's process group and removes the temp folders. */
  close(): Promise<void>;
}

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

/** Starts code-server with the extension installed, opens the workspace in Chromium, waits for the Explorer. */
export async function launch(options: LaunchOptions): Promise<Session> {
  const env: E2EEnv = loadEnv();
  const workspace = realpathSync(options.workspace); // the Explorer labels rows with real paths
  const name = options.name ?? 'e2e';
  const root = mkdtempSync(path.join(tmpdir(), 'nix-domains-e2e-'));
  mkdirSync(resultsDir, { recursive: true });
  const dirs: CodeServerDirs = {
    tmpDir: path.join(root, 'tmp'),
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    configFile: path.join(root, 'code-server.yaml'),
    logFile: path.join(resultsDir, `${name}-code-server.log`),
  };
  writeFileSync(dirs.logFile, '');
  rmSync(path.join(resultsDir, `${name}-logs`), { recursive: true, force: true });
  const trust = options.workspaceTrust ?? false;
  writeUserSettings(dirs, { ...quietSettings, 'security.workspace.trust.enabled': trust, ...options.settings });
  if (options.extension) installExtension(env, dirs, options.extension);

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    // VS Code's own logs (extension host, output channels such as the language client's) outlive the run.
    const logs = path.join(dirs.userDataDir, 'logs');
    if (existsSync(logs)) cpSync(logs, path.join(resultsDir, `${name}-logs`), { recursive: true });
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    server = await CodeServer.start(env, dirs, trust ? [] : ['--disable-workspace-trust']);
    const startMs = Date.now() - started;
    // playwright-core gives every launch() a fresh temporary profile of its own.
    browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: chromiumArgs });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    const workbench = new Workbench(page, workspace, resultsDir, options.timeoutMs);
    await workbench.ready();
    return { workbench, server, startMs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
