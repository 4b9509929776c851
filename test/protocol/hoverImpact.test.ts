// A package's hover whose wait for the impact ran out leaves the impact to the server: the hovers
// that follow answer at once, and the server prepares the impact in the background, so that
// hovering again shows it — with the warm-up turned off too (NIX_DOMAINS_WARMUP=0), as after an
// edit of the structure once the warm-up is over. The real server runs on a domain of a chain of
// 1,000 packages; every step of long work yields for a millisecond (NIX_DOMAINS_SLICE_MS=0,
// NIX_DOMAINS_PAUSE_MS=1), so building the graphs takes over a second whatever the machine, and the first
// hover's half-second wait for them runs out (after the dependants it reads first, which take
// seconds too: its own budget is two minutes). Nothing is timed but the bounded waits of the test.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import { chainedPackages } from '../analysis/inline';
import { cursor, writeFiles } from '../helpers';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
const HELLO = 'pkgs/by-name/he/hello/package.nix';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-hover-impact-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('after a wait for the impact ran out, the server prepares it in the background: hovering again shows it', {
  timeout: 300_000,
}, async () => {
  const root = path.join(tmp, 'core');
  writeFiles(root, Object.fromEntries(Object.entries(chainedPackages(1000)).map(([file, text]) => [file, text.replace('|', '')])));
  // Slowed down, the dependants a hover reads first take seconds: a request may take two minutes here.
  const client = await LspClient.start(
    root,
    SERVER,
    { requestTimeoutMs: 120_000 },
    {
      env: {
        ...process.env,
        NIX_DOMAINS_CACHE_DIR: path.join(tmp, 'cache'),
        NIX_DOMAINS_SLICE_MS: '0',
        NIX_DOMAINS_PAUSE_MS: '1',
        NIX_DOMAINS_WARMUP: '0',
      },
    },
  );
  try {
    await client.waitForIndex();
    const uri = await client.open(path.join(root, HELLO), readFileSync(path.join(root, HELLO), 'utf8'));
    const at = { textDocument: { uri }, position: cursor(root, HELLO, 'p|0 ]') };
    const text = async () =>
      ((await client.request<Hover | null>('textDocument/hover', at))?.contents as { value: string } | undefined)?.value ?? '';
    const first = await text();
    assert.match(first, /\*\*p0\*\*/);
    assert.match(first, /still being computed/, 'the graphs of 1,000 packages were built within one wait of a step per millisecond');
    // Hovering again now and then, as a person would, until the impact comes; no hover waits for it
    // any more, so without the server's own preparation it would never come.
    const until = Date.now() + 200_000;
    let seen = first;
    while (!/\*\*Impact:\*\* changing it rebuilds 1,001 packages/.test(seen)) {
      assert.ok(Date.now() < until, `no hover showed the impact within 200 s; the last said: ${seen}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await text();
    }
    assert.doesNotMatch(client.log.join('\n'), /failed/);
  } finally {
    await client.stop();
  }
});
