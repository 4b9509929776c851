// The real server answers from the partial index: on a cold start, a hover and a definition on the
// opened file are answered while the rest of the domain is still being indexed (the hover says
// so, the log too), and no input is called unknown until the whole domain is read. Indexing is
// slowed down by NIX_DOMAINS_INDEX_PAUSE_MS (a pause after each file read once the files read
// first are in), so the partial index lasts long enough to be asked, whatever the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import type { Hover, Location } from 'vscode-languageserver-protocol';
import { LspClient } from '../../server/src/cli/lspClient';
import type { ServerStatus } from '../../shared/protocol';
import { cursor, within } from '../helpers';
import { CPYTHON, NUMPY, partialDomain, WIDGET } from '../partialDomain';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

test('a cold start answers hover and definition from the partial index, and calls no input unknown before the index is complete', {
  timeout: 120_000,
}, async () => {
  const root = partialDomain();
  const client = await LspClient.start(root, SERVER, undefined, {
    env: {
      ...process.env,
      NIX_DOMAINS_INDEX_PAUSE_MS: '400',
      NIX_DOMAINS_INDEX_WORKERS: '0',
      NIX_DOMAINS_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'nd-partial-cache-')),
    },
  });
  try {
    const uriOf = (file: string) => URI.file(path.join(root, file)).toString();
    const status = () => client.request<ServerStatus>('nixDomains/status', null);
    const widgetDiagnostics = client.nextDiagnostics(uriOf(WIDGET));
    await client.open(path.join(root, NUMPY), readFileSync(path.join(root, NUMPY), 'utf8'));
    await client.open(path.join(root, WIDGET), readFileSync(path.join(root, WIDGET), 'utf8'));
    const position = cursor(root, NUMPY, 'pyth|on3 # the');

    const hover = await within(
      client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(NUMPY) }, position }),
      'the first hover',
    );
    const definition = await within(
      client.request<Location[]>('textDocument/definition', { textDocument: { uri: uriOf(NUMPY) }, position }),
      'the first definition',
    );
    const first = await within(widgetDiagnostics, 'the first diagnostics of widget');
    assert.notEqual((await status()).indexing, null, 'all three came while the domain was being indexed');

    const text = (hover.contents as { value: string }).value;
    assert.match(text, /^\*\*pythonInterpreters\.python311\*\*/, 'the package card');
    assert.match(text, /still being indexed \(\d+ of \d+ files read\): this answer may be incomplete/);
    assert.deepEqual(
      definition.map((l) => path.relative(root, URI.parse(l.uri).fsPath)),
      [CPYTHON],
    );
    assert.deepEqual(
      first.diagnostics.filter((d) => d.code === 'unknown-input'),
      [],
      'no unknown input before the index is complete',
    );
    assert.ok(
      client.log.some((l) => /answering from the partial index/.test(l)),
      'the log says when the partial index answers',
    );
    assert.ok(
      client.log.some((l) => /definition at .*numpy.*: Domain `core` is still being indexed/.test(l)),
      'and that a definition may be incomplete',
    );

    const complete = client.nextDiagnostics(uriOf(WIDGET));
    await within(client.waitForIndex(), 'the complete index');
    const after = await within(complete, 'the diagnostics of widget once the index is complete');
    assert.deepEqual(
      after.diagnostics.filter((d) => d.code === 'unknown-input').map((d) => String(d.message).match(/`([^`]+)`/)?.[1]),
      ['libfrobnicate'],
      'gadget is defined (in a set read late); libfrobnicate is not',
    );
    const again = await within(
      client.request<Hover>('textDocument/hover', { textDocument: { uri: uriOf(NUMPY) }, position }),
      'the hover after indexing',
    );
    assert.doesNotMatch((again.contents as { value: string }).value, /still being indexed/);
  } finally {
    await client.stop();
  }
});

// The maintainer lists are read as soon as the files read first are in, so an open list's edits
// count from then on too, not only from the first edit after the index is complete.
test('an edit to the open maintainer list while the domain is indexed counts at once, and still after the index is complete', {
  timeout: 120_000,
}, async () => {
  const root = partialDomain();
  const list = path.join(root, 'maintainers', 'maintainer-list.nix');
  const widget =
    '{ lib, stdenv, gadget }:\nstdenv.mkDerivation {\n  pname = "widget";\n  version = "0.1";\n  meta.maintainers = with lib.maintainers; [ alice zz-newcomer zz-nobody ];\n}\n';
  writeFileSync(path.join(root, WIDGET), widget);
  const client = await LspClient.start(root, SERVER, undefined, {
    env: {
      ...process.env,
      NIX_DOMAINS_INDEX_PAUSE_MS: '400',
      NIX_DOMAINS_INDEX_WORKERS: '0',
      NIX_DOMAINS_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'nd-partial-cache-')),
    },
  });
  try {
    const status = () => client.request<ServerStatus>('nixDomains/status', null);
    const widgetUri = await client.open(path.join(root, WIDGET), widget);
    const text = readFileSync(list, 'utf8');
    const listUri = await client.open(list, text);
    // A new entry right after the set's opening brace, as a contributor would add it.
    const at = text.indexOf('{');
    const line = text.slice(0, at).split('\n').length - 1;
    const character = text.slice(0, at).split('\n').pop()!.length + 1;
    const entry = '\n  zz-newcomer = {\n    name = "New Comer";\n    github = "zz-newcomer";\n    githubId = 42;\n  };';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: listUri, version: 2 },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: entry }],
    });
    const position = cursor(root, WIDGET, 'zz-new|comer');
    const hover = await within(
      client.request<Hover | null>('textDocument/hover', { textDocument: { uri: widgetUri }, position }),
      'the hover on the new handle',
    );
    assert.notEqual((await status()).indexing, null, 'the edit and the hover came while the domain was being indexed');
    assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /New Comer/, 'the hover reads the edited list');

    await within(client.waitForIndex(), 'the complete index');
    // Diagnostics asked for after the index is complete (an edit of widget's buffer, its text kept):
    // those published while it was partial never name an unknown handle, so they would prove nothing.
    const complete = client.nextDiagnostics(widgetUri);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: widgetUri, version: 2 },
      contentChanges: [{ text: widget }],
    });
    const after = await within(complete, 'the diagnostics of widget after an edit once the index is complete');
    assert.deepEqual(
      after.diagnostics.filter((d) => d.code === 'unknown-maintainer').map((d) => String(d.message).match(/zz-[a-z]+/)?.[0]),
      ['zz-nobody'],
      'zz-newcomer is in the open list, though not on disk; zz-nobody is in no list',
    );
  } finally {
    await client.stop();
  }
});
