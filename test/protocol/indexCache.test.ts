// The real server writes its index cache once the domain is indexed, with the warm-up (the cache
// waits for the status that says so: `Analyzer.indexAll`'s saveAfter, tested in
// test/indexing/cache.test.ts) and without it; a server shut down at once still writes it before
// it answers `shutdown`; and the next start finds that cache current: it does not write it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../../server/src/cli/lspClient';
import { cacheFileFor } from '../../server/src/analysis/indexing/cache';
import type { ServerStatus } from '../../shared/protocol';
import { within } from '../helpers';
import { partialDomain } from '../partialDomain';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

for (const warmUp of [true, false]) {
  test(`a cold start writes the index cache once the domain is indexed, or when shut down, and the next start finds it current (warm-up ${warmUp ? 'on' : 'off'})`, {
    timeout: 180_000,
  }, async () => {
    const root = partialDomain();
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'nd-cache-protocol-'));
    const cacheFile = cacheFileFor(cacheDir, root);
    const env = { ...process.env, NIX_DOMAINS_CACHE_DIR: cacheDir, NIX_DOMAINS_WARMUP: warmUp ? '1' : '0' };
    const start = async (): Promise<ServerStatus> => {
      const client = await LspClient.start(root, SERVER, undefined, { env });
      try {
        await within(client.waitForIndex(), 'the complete index');
        return await within(client.request<ServerStatus>('nixDomains/status', null), 'the status');
      } finally {
        await client.stop();
      }
    };

    const cold = await start();
    assert.ok(existsSync(cacheFile), 'the server shut down right after the index still wrote its cache');
    assert.equal(cold.indexing, null);
    if (warmUp) assert.ok(cold.packages > 0, 'the status that says the domain is indexed counts its packages');
    const written = statSync(cacheFile).mtimeMs;

    const warm = await start();
    assert.equal(warm.files, cold.files, 'the same files');
    assert.equal(statSync(cacheFile).mtimeMs, written, 'the cache the cold start wrote was current: the warm start did not write it again');
  });
}
