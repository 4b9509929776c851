import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HandleIndex } from '../../server/src/analysis/maintainers/index';
import { handleIndexFromJson, handleIndexToJson, type HandleIndexJson } from '../../server/src/analysis/maintainers/stub';

const index = HandleIndex.from([
  { handle: '_0x4A6F', start: 10, end: 50, line: 2, column: 2, name: 'Joachim', github: '0x4A6F' },
  { handle: 'alice', start: 52, end: 90, line: 5, column: 2, name: 'Alice Ødegaard 🦊', github: 'alice' },
  { handle: 'bob', start: 92, end: 100, line: 8, column: 2 },
]);

test('encodes columns in file order, GitHub handles equal to the handle as 0', () => {
  assert.deepEqual(handleIndexToJson(index), {
    format: 'nix-domains/handle-index',
    version: 1,
    handle: ['_0x4A6F', 'alice', 'bob'],
    start: [10, 52, 92],
    length: [40, 38, 8],
    line: [2, 5, 8],
    column: [2, 2, 2],
    name: ['Joachim', 'Alice Ødegaard 🦊', null],
    github: ['0x4A6F', 0, null],
  });
  assert.deepEqual([...handleIndexFromJson(JSON.parse(JSON.stringify(handleIndexToJson(index))))], [...index]);
});

/** Corrupts a copy of the encoded index and expects it refused with a message matching why. */
function checkRefused(corrupt: (json: HandleIndexJson) => unknown, why: RegExp): void {
  const json = structuredClone(handleIndexToJson(index));
  assert.throws(() => handleIndexFromJson(corrupt(json) ?? json), why);
}

test('refuses corrupt or truncated stub data with a clear message', () => {
  checkRefused(() => 'a string', /not an object/);
  checkRefused((j) => ({ ...j, format: 'other' }), /format is "other"/);
  checkRefused((j) => ({ ...j, version: 2 }), /version 2 is not supported/);
  checkRefused((j) => void j.start.pop(), /"start" has 2 items, "handle" has 3/);
  checkRefused((j) => ({ ...j, line: 'x' }), /"line" is not an array/);
  checkRefused((j) => void (j.start[1] = -5), /start of entry 1 is not a valid count/);
  checkRefused((j) => void (j.length[0] = 1.5), /length of entry 0/);
  checkRefused((j) => void (j.start[2] = 60), /entry 2 \(bob\) overlaps/);
  checkRefused((j) => void ((j.handle as unknown[])[0] = 7), /handle of entry 0 is not a valid string/);
  checkRefused((j) => void (j.name[1] = 'x'.repeat(5000)), /name of entry 1/);
  checkRefused((j) => void (j.line[2] = 1), /line before the one before/);
});

test('lookups: by handle, by byte offset', () => {
  assert.equal(index.get('alice')?.name, 'Alice Ødegaard 🦊');
  assert.equal(index.get('carol'), undefined);
  assert.equal(index.find('bob'), 2);
  assert.equal(index.entryAtOffset(60), 1);
  assert.equal(index.entryAtOffset(91), -1);
  assert.deepEqual(index.handleList(), ['_0x4A6F', 'alice', 'bob']);
});
