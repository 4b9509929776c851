import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCount } from '../../server/src/analysis/counts';

test('a count is written with thousands separators as en-US writes it', () => {
  for (const n of [0, 1, 7, 42, 999, 1000, 1001, 9999, 12345, 40589, 100000, 999999, 1000000, 1234567, 34577, -1234, -999])
    assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
});
