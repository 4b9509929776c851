// The universe scenarios in desktop VS Code through @vscode/test-electron, for machines that
// can download VS Code (or have one: NIX_DOMAINS_VSCODE_PATH). Run by
// scripts/run-electron-tests.mjs, which bundles this file and suite/index.ts first; not by CI
// (this machine cannot download VS Code; the code-server tests in test/e2e/ cover it there).
//
//   NIX_DOMAINS_VSCODE_VERSION   VS Code version to download (default: stable)
//   NIX_DOMAINS_VSCODE_PATH      an installed VS Code executable to use instead
import { runTests } from '@vscode/test-electron';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prepareUniverse } from '../e2e/universeScenario';

async function main(): Promise<void> {
  // The bundle runs from .e2e/electron/; the repo root is where the runner script runs it.
  const root = process.cwd();
  const temp = mkdtempSync(path.join(tmpdir(), 'nix-domains-electron-'));
  try {
    const core = await prepareUniverse(path.join(temp, 'universe'), path.join(root, 'examples', 'universe'));
    await runTests({
      version: process.env.NIX_DOMAINS_VSCODE_VERSION ?? 'stable',
      ...(process.env.NIX_DOMAINS_VSCODE_PATH ? { vscodeExecutablePath: process.env.NIX_DOMAINS_VSCODE_PATH } : {}),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      extensionTestsEnv: { NIX_DOMAINS_TEST_WORKSPACE: core },
      launchArgs: [
        core,
        '--disable-extensions', // every other extension; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--user-data-dir',
        path.join(temp, 'user-data'),
      ],
    });
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error('electron tests failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
