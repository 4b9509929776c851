// Equal pieces of different files' facts become one object while a domain is read, and the facts
// read the same as before: on the fixture domain, every file's facts are deep-equal to a fresh
// extraction, and the inputs two package files have alike are one object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { Interner } from '../../server/src/analysis/intern';
import { FIXTURE } from '../helpers';

test('interned facts are deep-equal to fresh ones, and equal inputs and spans are shared', { timeout: 60_000 }, async () => {
  const interned = await Analyzer.create(FIXTURE, 'core', { indexWorkers: 0, cacheDir: null });
  await interned.indexAll();
  const fresh = await Analyzer.create(FIXTURE, 'core', { indexWorkers: 0, cacheDir: null });
  for (const file of interned.index.files.keys()) await fresh.indexFileFromDisk(file);
  assert.ok(interned.index.files.size > 10);
  for (const [file, facts] of interned.index.files) assert.deepEqual(facts, fresh.index.files.get(file), file);

  // Two package files whose first input is `lib` at the same place share that input.
  const alike = libInputsAlike(interned);
  assert.ok(
    alike.every((formal) => formal === alike[0]),
    'one object',
  );
});

test("an analyzer told not to share (the CLI) puts in each file's facts as they were read", { timeout: 60_000 }, async () => {
  const analyzer = await Analyzer.create(FIXTURE, 'core', { indexWorkers: 0, cacheDir: null, shareFacts: false });
  await analyzer.indexAll();
  const alike = libInputsAlike(analyzer);
  assert.notEqual(alike[0], alike[1], 'two objects');
  assert.deepEqual(alike[0], alike[1]);
});

/** The `lib` inputs of two package files that have it first at the same place. */
function libInputsAlike(analyzer: Analyzer): unknown[] {
  const byPlace = new Map<string, unknown[]>();
  for (const f of analyzer.index.files.values()) {
    if (f.formals?.[0]?.name !== 'lib') continue;
    const key = f.formals[0].span.join(',');
    byPlace.set(key, [...(byPlace.get(key) ?? []), f.formals[0]]);
  }
  const alike = [...byPlace.values()].find((list) => list.length > 1);
  assert.ok(alike, 'the fixture has two files with `lib` first at the same place');
  return alike;
}

test('spans too large to key, and inputs with more fields, are kept as they are', () => {
  const interner = new Interner();
  const big = { path: 'a.nix', errors: [[200_000, 1, 200_000, 5]], value: { k: 'other', span: [0, 0, 0, 9000] } } as never;
  const again = { path: 'b.nix', errors: [[200_000, 1, 200_000, 5]], value: { k: 'other', span: [0, 0, 0, 9000] } } as never;
  interner.facts(big);
  interner.facts(again);
  const errorsOf = (f: { errors: unknown[] }) => f.errors[0];
  assert.notEqual(errorsOf(big), errorsOf(again), 'a start line past 2^17 is not keyed');
  assert.deepEqual(errorsOf(big), errorsOf(again));
  const small = { path: 'c.nix', errors: [[1, 2, 3, 4]], value: { k: 'other', span: [1, 2, 3, 4] } } as never as {
    errors: unknown[];
    value: { span: unknown };
  };
  interner.facts(small as never);
  assert.equal(small.errors[0], small.value.span, 'equal spans of one file are one too');
});
