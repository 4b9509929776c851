// The protocol floor of the benchmark (scripts/bench/floor.ts): the slow answers it recorded are
// sent again, whole, by the peer that does no work, to the benchmark's own client over stdio, and
// their times replace the recorded ones. Times are never asserted: what arrives is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { protocolFloor, SlowAnswers } from '../../scripts/bench/floor';

const PEER = path.resolve(__dirname, '../../scripts/bench/floorPeer.ts');

function locations(count: number, file: string): unknown[] {
  return Array.from({ length: count }, (_, i) => ({
    uri: `file:///domain/pkgs/by-name/${file}/package.nix`,
    range: { start: { line: i, character: 2 }, end: { line: i, character: 8 } },
  }));
}

test('every answer over the limit is sent again whole, once per content, and replaces its time', { timeout: 60_000 }, async () => {
  const recorded = new SlowAnswers(5);
  const large = locations(20_000, 'st/stdenv');
  const small = locations(3, 'zl/zlib');
  recorded.record(1, locations(1, 'a/a')); // under the limit: kept as it was
  recorded.record(1_000_000, large);
  recorded.record(2, null);
  recorded.record(900_000, small);
  recorded.record(800_000, large); // the same content again: one copy held
  recorded.record(700_000, undefined); // a request that failed: its time stays
  assert.equal(recorded.slow.length, 3);
  assert.equal(recorded.distinct.length, 2);

  const floor = await protocolFloor(recorded, PEER);
  assert.equal(floor.count, 6);
  assert.equal(floor.slow, 3);
  assert.equal(floor.fewestLocations, 3, 'the small answer arrived whole');
  assert.equal(floor.mostLocations, 20_000, 'the large answer arrived whole');
  // The failed request keeps its 700 s; the replayed ones took far less than the times recorded for them.
  assert.equal(floor.maxMs, 700_000);
  assert.ok(floor.slowWithProtocolAlone >= 0 && floor.slowWithProtocolAlone <= 3);
});
