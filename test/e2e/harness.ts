// End-to-end harness: a real VS Code workbench (code-server) with one extension installed,
// opened on a workspace folder in headless Chromium, driven through `Workbench`.
//
//   const session = await launch({ workspace, extension: { folder } });
//   try { await session.workbench.openFile('pkgs/hello/default.nix'); … } finally { await session.close(); }
//
// Needs scripts/e2e-setup.sh to have run (it writes the paths this reads).
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import {
  CodeServer, installExtension, loadEnv, quietSettings, writeUserSettings,
  type CodeServerDirs, type E2EEnv, type ExtensionSource,
} from './codeServer';
import { Workbench } from './workbench';

export { Workbench, type Jump, type Position, type Problem, type StatusBarItem } from './workbench';
export { waitUntil } from './wait';
export type { ExtensionSource } from './codeServer';

/** Where screenshots and logs of a run go (relative to the repo root, where tests run). */
export const resultsDir = path.resolve(process.env.NIX_DOMAINS_E2E_RESULTS ?? 'test-results/e2e');

export interface LaunchOptions {
  /** Folder opened as the workspace. */
  workspace: string;
  /** Extension to install; omit to run the bare workbench. */
  extension?: ExtensionSource;
  /** User settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  /** Names this run's log and screenshot files. */
  name?: string;
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
  const name = options.name ?? 'e2e';
  const root = mkdtempSync(path.join(tmpdir(), 'nix-domains-e2e-'));
  mkdirSync(resultsDir, { recursive: true });
  const dirs: CodeServerDirs = {
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    configFile: path.join(root, 'code-server.yaml'),
    logFile: path.join(resultsDir, `${name}-code-server.log`),
  };
  writeFileSync(dirs.logFile, '');
  writeUserSettings(dirs, { ...quietSettings, ...options.settings });
  if (options.extension) installExtension(env, dirs, options.extension);

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    server = await CodeServer.start(env, dirs);
    const startMs = Date.now() - started;
    // playwright-core gives every launch() a fresh temporary profile of its own.
    browser = await chromium.launch({ executablePath: env.chromium, headless: true, args: chromiumArgs });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(options.workspace)}`);
    const workbench = new Workbench(page, resultsDir);
    await workbench.ready();
    return { workbench, server, startMs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
