import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readManifest } from '../../server/src/analysis/manifest';
import { createExampleUniverse } from '../../scripts/example-universe';

test('without a manifest, flake.lock inputs checked out next to the domain are its other domains', async () => {
  const universe = await createExampleUniverse(path.join(mkdtempSync(path.join(os.tmpdir(), 'nd-flake-')), 'u'));
  unlinkSync(path.join(universe.extras, 'nix-domains.json'));
  const found = await readManifest(universe.extras);
  assert.equal(found.domain, 'extras');
  assert.deepEqual(found.domains, { core: { path: '../core', input: 'core' }, rust: { path: '../rust', input: 'rust' } });
});
