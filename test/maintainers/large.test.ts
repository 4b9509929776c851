// The file is never read whole: a 30,000-entry list, with every read recorded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileByteReader, type ByteReader } from '../../server/src/analysis/maintainers/reader';
import { DEFAULT_CHUNK_SIZE, scanMaintainers } from '../../server/src/analysis/maintainers/scan';
import { readEntry } from '../../server/src/analysis/maintainers/entry';
import { handleIndexFromJson, handleIndexToJson } from '../../server/src/analysis/maintainers/stub';
import type { HandleIndex } from '../../server/src/analysis/maintainers/index';
import { benchMaintainers } from './bench';
import { prng, writeMaintainerList, type GeneratedList } from './generate';

let dir: string;
let list: GeneratedList;
let disk: FileByteReader;
const reads: { offset: number; length: number }[] = [];
/** The file on disk, with every read's offset and byte count recorded. */
let reader: ByteReader;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'maintainers-test-'));
  const file = path.join(dir, 'maintainer-list.nix');
  list = writeMaintainerList(file, { entries: 30000, seed: 11 });
  disk = await FileByteReader.open(file);
  reader = {
    size: () => disk.size(),
    read: (offset, length, into) => {
      reads.push({ offset, length });
      return disk.read(offset, length, into);
    },
  };
});

after(async () => {
  await disk.close();
  rmSync(dir, { recursive: true, force: true });
});

let index: HandleIndex;

test('the 30,000-entry list: every entry found, reads are chunks, each byte read once', async () => {
  reads.length = 0;
  index = await scanMaintainers(reader);
  assert.equal(index.size, 30000);
  assert.deepEqual([...index], list.expected);
  const size = await reader.size();
  assert.ok(size > 2_000_000, `the list is ${size} bytes`);
  assert.ok(Math.max(...reads.map((r) => r.length)) <= DEFAULT_CHUNK_SIZE);
  assert.equal(
    reads.reduce((sum, r) => sum + r.length, 0),
    size,
  );
  reads.forEach((r, i) => {
    assert.equal(r.offset, i * DEFAULT_CHUNK_SIZE);
  });
});

test('a small chunk size gives the same index', async () => {
  reads.length = 0;
  const small = await scanMaintainers(reader, { chunkSize: 1000 });
  assert.ok(Math.max(...reads.map((r) => r.length)) <= 1000);
  assert.deepEqual([...small], [...index]);
});

test('reading an entry reads that entry’s bytes and nothing else', async () => {
  const random = prng(5);
  for (let k = 0; k < 300; k++) {
    const expected = list.expected[Math.floor(random() * list.expected.length)];
    const range = index.get(expected.handle)!;
    reads.length = 0;
    const entry = await readEntry(reader, range);
    assert.deepEqual(reads, [{ offset: expected.start, length: expected.end - expected.start }]);
    assert.ok(reads[0].length <= 8 * 1024);
    assert.equal(entry.handle, expected.handle);
    assert.equal(entry.name, expected.name);
    assert.equal(entry.github, expected.github);
  }
});

test('the stub form round-trips and is the same every time', () => {
  const json = JSON.stringify(handleIndexToJson(index));
  assert.equal(JSON.stringify(handleIndexToJson(index)), json);
  const back = handleIndexFromJson(JSON.parse(json));
  assert.deepEqual([...back], [...index]);
  assert.ok(json.length < 2_000_000, `stub handle index is ${json.length} bytes`);
});

test('the benchmark runs and reports its figures', async () => {
  const figures = await benchMaintainers({ entries: 500, hovers: 50 });
  assert.equal(figures.entries, 500);
  assert.equal(figures.chunkSize, DEFAULT_CHUNK_SIZE);
  assert.ok(figures.largestReadBytes <= figures.chunkSize);
  assert.ok(figures.bytesPerHoverMax <= 8 * 1024);
  // Every figure is a measurement (times are reported, never asserted), and they agree with each other.
  for (const [name, value] of Object.entries(figures)) assert.ok(Number.isFinite(value), `${name} is a finite number (got ${value})`);
  assert.ok(figures.hoverP50Ms <= figures.hoverP95Ms, `p50 ${figures.hoverP50Ms} ms is at most p95 ${figures.hoverP95Ms} ms`);
  assert.ok(
    figures.bytesPerHoverMean > 0 && figures.bytesPerHoverMean <= figures.bytesPerHoverMax,
    'every hover reads its entry, the mean at most the largest',
  );
});
