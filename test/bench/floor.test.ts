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

test('every answer over the limit is asked again, sent again whole, once per content, and replaces its time', {
  timeout: 60_000,
}, async () => {
  const recorded = new SlowAnswers(5);
  const large = locations(20_000, 'st/stdenv');
  const small = locations(3, 'zl/zlib');
  // What the server answers to each question (a question's line names its answer here).
  const answers = [locations(1, 'a/a'), large, null, small, large];
  const ask = (line: number) => ({ textDocument: { uri: 'file:///p.nix' }, position: { line, character: 0 } });
  recorded.record(1, 'textDocument/references', ask(0)); // under the limit: kept as it was
  recorded.record(1_000_000, 'textDocument/references', ask(1));
  recorded.record(2, 'textDocument/references', ask(2));
  recorded.record(900_000, 'textDocument/references', ask(3));
  recorded.record(800_000, 'textDocument/references', ask(4)); // the same content again: one copy held
  recorded.record(700_000, 'textDocument/references', ask(5), true); // a request that failed: its time stays
  const askedAgain: number[] = [];
  await recorded.collect(async (method, params) => {
    assert.equal(method, 'textDocument/references');
    const line = (params as ReturnType<typeof ask>).position.line;
    askedAgain.push(line);
    return answers[line];
  });
  assert.deepEqual(askedAgain, [1, 3, 4], 'only the slow questions that answered are asked again');
  assert.equal(recorded.slow.length, 3);
  assert.equal(recorded.distinct.length, 2);

  const floor = await protocolFloor(recorded, PEER);
  assert.equal(floor.count, 6);
  assert.equal(floor.slow, 3);
  // The failed request keeps its 700 s; the replayed ones took far less than the times recorded for them.
  assert.equal(floor.maxMs, 700_000);
  assert.ok(floor.slowWithProtocolAlone <= 3);
  // Sizes are those of the answers still over the limit once sent again (5 ms: most or all of them here).
  if (floor.slowWithProtocolAlone > 0) assert.ok(floor.mostLocations === 20_000 || floor.mostLocations === 3);
});

test('the peer sends every recorded answer back whole', { timeout: 60_000 }, async () => {
  // A limit of -1 ms: every answer stays over it, so the sizes of all of them are reported.
  const recorded = new SlowAnswers(-1);
  const answers = [locations(3, 'zl/zlib'), locations(20_000, 'st/stdenv')];
  recorded.record(0, 'textDocument/references', { position: { line: 0 } });
  recorded.record(0, 'textDocument/references', { position: { line: 1 } });
  await recorded.collect(async (_method, params) => answers[(params as { position: { line: number } }).position.line]);
  const floor = await protocolFloor(recorded, PEER);
  assert.equal(floor.slowWithProtocolAlone, 2);
  assert.equal(floor.fewestLocations, 3, 'the small answer arrived whole');
  assert.equal(floor.mostLocations, 20_000, 'the large answer arrived whole');
});
