import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMaintainers } from '../../server/src/analysis/maintainers/scan';
import { bufferReader } from '../../server/src/analysis/maintainers/reader';
import { byteOffsetAt, updateIndex, type ByteEdit } from '../../server/src/analysis/maintainers/incremental';
import type { HandleIndex } from '../../server/src/analysis/maintainers/index';
import { generateMaintainerList, prng } from './generate';

const SNIPPETS = [
  '"',
  '{',
  '}',
  ';',
  '/*',
  '*/',
  '#',
  '\n',
  "''",
  '${',
  '}',
  'x',
  ' = {',
  '\r\n',
  'ü',
  '🦊',
  '\n  newbie = {\n    name = "New Bie";\n    github = "newbie";\n  };',
  'name = "Renamed";',
  '# comment with { and "\n',
  "''\n  x ''",
  '  "quoted" = { };\n',
];

/** Applies edit to bytes: [start, end) becomes text. */
function apply(bytes: Buffer, start: number, end: number, text: string): { bytes: Buffer; edit: ByteEdit } {
  const inserted = Buffer.from(text);
  return {
    bytes: Buffer.concat([bytes.subarray(0, start), inserted, bytes.subarray(end)]),
    edit: { start, end, newLength: inserted.length },
  };
}

/** Updates index for the edit and checks the result against a full scan of the new bytes. */
async function check(index: HandleIndex, bytes: Buffer, edit: ByteEdit, why: string): Promise<HandleIndex> {
  const update = await updateIndex(index, edit, bufferReader(bytes), { chunkSize: 13 });
  const full = await scanMaintainers(bufferReader(bytes));
  assert.deepEqual([...update.index], [...full], why);
  for (const e of full) assert.equal(update.index.get(e.handle)?.handle, e.handle, why);
  return update.index;
}

test('random edits: the updated index equals a full rescan after every edit', async () => {
  const random = prng(42);
  let bytes: Buffer = Buffer.from(generateMaintainerList({ entries: 120, seed: 7 }).text);
  let index = await scanMaintainers(bufferReader(bytes));
  for (let step = 0; step < 400; step++) {
    // Keep the file from decaying into one unterminated string: restart from a fresh list.
    if (step % 100 === 0) {
      bytes = Buffer.from(generateMaintainerList({ entries: 120, seed: step + 1, crlf: step === 200 }).text);
      index = await scanMaintainers(bufferReader(bytes));
    }
    const at = Math.floor(random() * (bytes.length + 1));
    const r = random();
    const end = r < 0.4 ? at : Math.min(bytes.length, at + Math.floor(random() * (r < 0.9 ? 20 : 600)));
    let text = r < 0.2 ? '' : SNIPPETS[Math.floor(random() * SNIPPETS.length)];
    if (r > 0.95) {
      // Paste a copy of some other part of the file (whole entries, usually).
      const from = Math.floor(random() * bytes.length);
      text = bytes.subarray(from, from + 400).toString('latin1');
    }
    const next = apply(bytes, at, end, text);
    index = await check(index, next.bytes, next.edit, `step ${step}: [${at}, ${end}) ← ${JSON.stringify(text)}`);
    bytes = next.bytes;
  }
});

test('typing inside one entry rescans that entry only', async () => {
  const bytes = Buffer.from(generateMaintainerList({ entries: 2000, seed: 3 }).text);
  const index = await scanMaintainers(bufferReader(bytes));
  const target = index.at(1000);
  const at = bytes.indexOf('name = "', target.start) + 8;
  const next = apply(bytes, at, at, 'Dr. ');
  const update = await updateIndex(index, next.edit, bufferReader(next.bytes));
  assert.equal(update.rescanned.start, target.start);
  assert.equal(update.rescanned.end, index.at(1001).start + 4);
  assert.equal(update.index.get(target.handle)?.name, `Dr. ${target.name}`);
  assert.equal(update.index.at(1999).start, index.at(1999).start + 4);
});

test('a new entry, then deleting it again', async () => {
  const src = '{\n  alice = { name = "A"; };\n  carol = { name = "C"; };\n}\n';
  let bytes: Buffer = Buffer.from(src);
  let index = await scanMaintainers(bufferReader(bytes));
  const at = src.indexOf('  carol');
  let next = apply(bytes, at, at, '  bob = {\n    name = "B";\n  };\n');
  index = await check(index, next.bytes, next.edit, 'insert bob');
  assert.deepEqual(index.handleList(), ['alice', 'bob', 'carol']);
  assert.equal(index.get('carol')?.line, 5);
  bytes = next.bytes;
  next = apply(bytes, at, at + 31, '');
  index = await check(index, next.bytes, next.edit, 'delete bob');
  assert.deepEqual(index.handleList(), ['alice', 'carol']);
});

test('opening a comment hides the entries after it, closing it brings them back', async () => {
  const src = '{\n  a = { };\n  b = { };\n  c = { };\n}\n';
  let bytes: Buffer = Buffer.from(src);
  let index = await scanMaintainers(bufferReader(bytes));
  let next = apply(bytes, src.indexOf('  b'), src.indexOf('  b'), '/*');
  index = await check(index, next.bytes, next.edit, 'open');
  assert.deepEqual(index.handleList(), ['a']);
  bytes = next.bytes;
  const close = bytes.indexOf('  c');
  next = apply(bytes, close, close, '*/');
  index = await check(index, next.bytes, next.edit, 'close');
  assert.deepEqual(index.handleList(), ['a', 'c']);
});

/** LSP position → byte offset, checked against the obvious computation over the whole text. */
test('byteOffsetAt turns LSP positions into byte offsets, reading from the nearest entry', async () => {
  const src = '/* héader 🦊 */\n{\n  léa = { name = "Léa 🦊 x"; };\r\n  bob = { };\n}\n';
  const bytes = Buffer.from(src);
  const index = await scanMaintainers(bufferReader(bytes));
  const lines = src.split('\n');
  for (let line = 0; line < lines.length; line++) {
    for (let character = 0; character <= lines[line].length + 1; character++) {
      if (/[\uD800-\uDBFF]/.test(lines[line][character - 1] ?? '')) continue; // inside a surrogate pair
      const before = lines.slice(0, line).join('\n') + (line ? '\n' : '') + lines[line].slice(0, character).replace(/\r$/, '');
      const expected = Buffer.byteLength(before);
      assert.equal(await byteOffsetAt(index, bufferReader(bytes), { line, character }), expected, `${line}:${character}`);
    }
  }
});
