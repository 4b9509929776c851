// The static rebuild closure against real Nix: on a fixture domain that Nix evaluates in a
// second, each package is overridden in turn and the attributes whose derivation path changes
// are the truth. See docs/impact-accuracy.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireTool, toolTest } from '../tools';
import { measure } from './accuracy';

test('the static closure matches what Nix rebuilds on the fixture domain', toolTest('nix'), async () => {
  requireTool('nix');
  const rows = await measure();
  assert.ok(rows.length >= 40, `only ${rows.length} packages were tested`);
  for (const row of rows) {
    const detail = `${row.attr}: missed ${row.missed.join(' ') || '-'}; extra ${row.extra.join(' ') || '-'}`;
    assert.ok(row.recall >= 0.95, `recall ${row.recall.toFixed(2)} < 0.95 for ${detail}`);
    assert.ok(row.precision >= 0.9, `precision ${row.precision.toFixed(2)} < 0.9 for ${detail}`);
  }
});
