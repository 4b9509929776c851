// Restricted Mode: in an untrusted workspace the server reads the domain but fetches nothing
// and runs no git command. To prove the second, PATH starts with a `git` that only records that
// it was called (the one stand-in here: a recorder for a call that must not happen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import { createExampleUniverse } from '../../scripts/example-universe';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('an untrusted workspace is read, but nothing is fetched and git never runs', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'nd-restricted-'));
  const universe = await createExampleUniverse(path.join(tmp, 'universe'));
  let requests = 0;
  const stubServer = http.createServer((_req, res) => {
    requests++;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => stubServer.listen(0, '127.0.0.1', resolve));
  const port = (stubServer.address() as AddressInfo).port;
  writeFileSync(
    path.join(universe.rust, 'nix-domains.json'),
    JSON.stringify({ domain: 'rust', domains: { core: { stubs: `http://127.0.0.1:${port}/` } } }),
  );
  const bin = path.join(tmp, 'bin');
  const calls = path.join(tmp, 'git-calls');
  require('node:fs').mkdirSync(bin);
  writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
  chmodSync(path.join(bin, 'git'), 0o755);

  const client = await LspClient.start(
    universe.rust,
    SERVER,
    { trusted: false },
    {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, XDG_CACHE_HOME: path.join(tmp, 'cache') },
    },
  );
  try {
    await client.waitForIndex();
    const file = path.join(universe.rust, 'pkgs/by-name/ca/cargo-audit/package.nix');
    const text = readFileSync(file, 'utf8');
    const uri = await client.open(file, text);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => /^\s*openssl,/.test(l));
    const position = { line, character: lines[line]!.indexOf('openssl') + 1 };
    // The domain itself is read: symbols of the open file are there.
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length > 0);
    // Another domain's package stays unknown rather than being fetched.
    const locations = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position });
    assert.deepEqual(locations, []);
    await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    // The diagnostics are where an unknown input would send for other domains' stubs; they may
    // have come before the requests above were answered. openssl stays unknown: nothing was asked.
    const { diagnostics } = await client.diagnosticsWhere(
      uri,
      (p) => p.diagnostics.some((d) => d.code === 'unknown-input'),
      'an unknown input is listed',
    );
    assert.ok(
      diagnostics.some((d) => d.code === 'unknown-input' && /`openssl`/.test(String(d.message))),
      JSON.stringify(diagnostics),
    );
    assert.equal(requests, 0, 'no request reached the stub server');
    assert.equal(existsSync(calls) ? readFileSync(calls, 'utf8') : '', '', 'git was run');
  } finally {
    await client.stop();
    stubServer.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
