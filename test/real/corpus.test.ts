// The corpus helper itself: a damaged or truncated bundle is a clear error naming the bundle,
// never a hang; the real bundles clone to their documented heads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CORPUS_DIR, CORPUS_HEAD, cloneBundle, corpusClone, corpusTest } from '../corpus';

test('a damaged bundle is refused with a message that names it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nix-domains-bad-bundle-'));
  const garbage = path.join(dir, 'garbage.bundle');
  writeFileSync(garbage, 'this is not a git bundle\n');
  assert.throws(
    () => cloneBundle(garbage, path.join(dir, 'a')),
    (err: Error) => err.message.startsWith(`could not clone ${garbage}`),
  );
});

test('a truncated real bundle is refused with a message that names it', corpusTest(), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'nix-domains-bad-bundle-'));
  const truncated = path.join(dir, 'core.bundle');
  const bytes = readFileSync(path.join(CORPUS_DIR, 'core.bundle'));
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  assert.throws(
    () => cloneBundle(truncated, path.join(dir, 'core')),
    (err: Error) => err.message.startsWith(`could not clone ${truncated}`),
  );
});

test('the real bundles clone to the heads the corpus documents', corpusTest(), () => {
  for (const [domain, head] of Object.entries(CORPUS_HEAD)) {
    const clone = corpusClone(domain as keyof typeof CORPUS_HEAD);
    assert.match(execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }), new RegExp(`^${head}`));
  }
});
