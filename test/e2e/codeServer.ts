// Starts and stops code-server (the real VS Code workbench and extension host, served over HTTP)
// and installs an extension into its private extensions folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import { waitUntil } from './wait';

/** Paths written by scripts/e2e-setup.sh into its cache folder. */
export interface E2EEnv {
  node: string;
  codeServer: string;
  chromium: string;
  nodeVersion: string;
  codeServerVersion: string;
}

/**
 * The extension to install: a folder laid out like an installed extension (copied, or
 * symlinked with `link` so a rebuild shows at the next start), or a .vsix.
 */
export type ExtensionSource = { folder: string; link?: boolean; only?: string[] } | { vsix: string };

/** Settings that keep the workbench quiet, offline and deterministic. */
export const quietSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.editor.enablePreview': false,
  'explorer.compactFolders': false, // one Explorer row per folder, so openFile can click each
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'window.commandCenter': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 100,
  'editor.hover.above': false, // hovers open below the line, so a tall card is not clipped by the tab bar
};

function cacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return process.env.NIX_DOMAINS_E2E_CACHE || path.join(xdg, 'nix-domains-e2e');
}

/** Reads the cache's e2e-env.json; fails with the command to run when setup has not run. */
export function loadEnv(): E2EEnv {
  const file = path.join(cacheDir(), 'e2e-env.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/e2e-setup.sh first`);
  const env = JSON.parse(readFileSync(file, 'utf8')) as E2EEnv;
  for (const p of [env.node, env.codeServer, env.chromium]) {
    if (!existsSync(p)) throw new Error(`${p} is missing: run scripts/e2e-setup.sh again`);
  }
  return env;
}

/** Asks the kernel for a port that is free right now on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface CodeServerDirs {
  /** code-server's TMPDIR: VS Code leaves its IPC sockets there, so they go with the run. */
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's own config file: without `--config` it reads (and first writes) ~/.config/code-server/config.yaml. */
  configFile: string;
  logFile: string;
}

/** Writes the user settings code-server reads at start. */
export function writeUserSettings(dirs: CodeServerDirs, settings: Record<string, unknown>): void {
  writeFileSync(dirs.configFile, 'auth: none\ncert: false\n');
  mkdirSync(dirs.tmpDir, { recursive: true });
  const userDir = path.join(dirs.userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(path.join(userDir, 'settings.json'), JSON.stringify(settings, null, 2));
}

/**
 * Installs the extension. A .vsix goes through code-server's own `--install-extension`; a
 * folder is copied (or linked) to `<publisher>.<name>-<version>` in the extensions folder,
 * where VS Code's first scan of a profile that has no extensions.json yet finds it.
 */
export function installExtension(env: E2EEnv, dirs: CodeServerDirs, source: ExtensionSource): string {
  if ('vsix' in source) {
    const result = spawnSync(
      env.node,
      [
        env.codeServer,
        '--config',
        dirs.configFile,
        '--user-data-dir',
        dirs.userDataDir,
        '--extensions-dir',
        dirs.extensionsDir,
        '--install-extension',
        source.vsix,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (result.status !== 0) {
      throw new Error(`code-server --install-extension ${source.vsix} failed:\n${result.stdout}${result.stderr}`);
    }
    return source.vsix;
  }
  const manifest = JSON.parse(readFileSync(path.join(source.folder, 'package.json'), 'utf8'));
  const target = path.join(dirs.extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  mkdirSync(dirs.extensionsDir, { recursive: true });
  if (source.link) {
    symlinkSync(path.resolve(source.folder), target, 'dir');
  } else if (source.only) {
    for (const entry of source.only.filter((e) => existsSync(path.join(source.folder, e)))) {
      cpSync(path.join(source.folder, entry), path.join(target, entry), { recursive: true, dereference: true });
    }
  } else {
    cpSync(source.folder, target, { recursive: true, dereference: true });
  }
  return target;
}

/** A running code-server in its own process group. */
export class CodeServer {
  private exited: Promise<void>;
  private exitCode: number | null = null;

  private constructor(
    readonly url: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        this.exitCode = code ?? -1;
        resolve();
      }),
    );
    // Even if the test process dies on an uncaught error, or is stopped by a signal (a CI
    // timeout), take the process group down with it.
    process.once('exit', this.killGroupNow);
    process.once('SIGTERM', this.killGroupAndExit);
    process.once('SIGINT', this.killGroupAndExit);
  }

  /** Spawns code-server on 127.0.0.1 and resolves once its HTTP endpoint answers. */
  static async start(env: E2EEnv, dirs: CodeServerDirs, flags: string[] = [], timeoutMs = 60_000): Promise<CodeServer> {
    const port = await freePort();
    const log = openSync(dirs.logFile, 'a');
    const child = spawn(
      env.node,
      [
        env.codeServer,
        '--config',
        dirs.configFile,
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--auth',
        'none',
        '--user-data-dir',
        dirs.userDataDir,
        '--extensions-dir',
        dirs.extensionsDir,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        '--log',
        'info',
        ...flags,
      ],
      {
        detached: true, // own process group, so one kill reaches the extension host and helpers
        stdio: ['ignore', log, log],
        env: { ...process.env, PATH: `${path.dirname(env.node)}:${process.env.PATH}`, TMPDIR: dirs.tmpDir },
      },
    );
    closeSync(log);
    const server = new CodeServer(`http://127.0.0.1:${port}`, dirs.logFile, child);
    try {
      await waitUntil(`code-server at ${server.url} answers`, timeoutMs, async () => {
        if (server.exitCode !== null) {
          throw new Error(`code-server exited with ${server.exitCode}:\n${readFileSync(dirs.logFile, 'utf8')}`);
        }
        try {
          const res = await fetch(`${server.url}/healthz`);
          return res.ok;
        } catch {
          return false;
        }
      });
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** SIGTERM to the whole process group, SIGKILL if it is still there after a grace period. */
  async stop(graceMs = 5_000): Promise<void> {
    process.removeListener('exit', this.killGroupNow);
    process.removeListener('SIGTERM', this.killGroupAndExit);
    process.removeListener('SIGINT', this.killGroupAndExit);
    if (this.exitCode === null) {
      this.signalGroup('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
      if ((await Promise.race([this.exited, timer])) === 'timeout') this.signalGroup('SIGKILL');
      await this.exited;
    }
    // Helpers that outlived the leader (extension host, file watcher) are in the same group.
    this.signalGroup('SIGKILL');
  }

  private readonly killGroupNow = (): void => this.signalGroup('SIGKILL');

  private readonly killGroupAndExit = (signal: NodeJS.Signals): void => {
    this.signalGroup('SIGKILL');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // the group is already gone
    }
  }
}
