// Checks that a built server answers at all, before a test run relies on it: starts it on an
// empty folder, asks for its status and shuts it down, each step bounded. Exits 1 saying which
// answer did not arrive.
//
//   node --import tsx scripts/check-server.ts [dist/server.js]
import { STATUS_REQUEST } from '../shared/protocol';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../server/src/cli/lspClient';

const STEP_MS = 20_000;

/** Resolves when the server at `serverPath` answers initialize, a status request and shutdown; rejects saying which did not come. */
export async function checkServer(serverPath: string): Promise<void> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'nd-check-server-'));
  const root = path.join(base, 'domain');
  mkdirSync(root);
  try {
    const env = { ...process.env, NIX_DOMAINS_CACHE_DIR: path.join(base, 'cache') };
    const client = await LspClient.start(root, serverPath, undefined, { startMs: STEP_MS, waitMs: STEP_MS, env });
    try {
      await client.request(STATUS_REQUEST);
    } finally {
      await client.stop();
    }
    if (client.process.exitCode !== 0)
      throw new Error(`the server did not shut down cleanly (${client.process.signalCode ?? `exit code ${client.process.exitCode}`})`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const serverPath = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist', 'server.js'));
  checkServer(serverPath).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`check-server: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
