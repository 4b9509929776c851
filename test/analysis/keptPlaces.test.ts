// The places of a much-used definition are found once and kept until the index changes: asked
// again, they come from what was kept, not from another search. What is kept is only what the
// search added (a sink may already hold places of another name), at most four definitions'
// worth, the least recently asked let go first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finishSteps } from '../../server/src/analysis/budget';
import { KeptPlaces } from '../../server/src/analysis/occurrences';
import type { Place } from '../../server/src/analysis/syntax';

/** A search that adds `count` places of `name` to the sink and counts how often it ran. */
function search(name: string, count: number, runs: Map<string, number>) {
  const spans = Array.from({ length: count }, (_, i): Place['span'] => [i, 0, i, name.length]);
  return (out: Place[]) =>
    function* () {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      for (let i = 0; i < count; i++) {
        out.push({ file: `pkgs/${name}/${i}.nix`, span: spans[i]! });
        if (i % 100 === 0) yield;
      }
    };
}

function ask(
  kept: KeptPlaces,
  name: string,
  generation: number,
  find: (out: Place[]) => () => Generator<void, void, void>,
  out: Place[] = [],
) {
  return finishSteps(kept.steps(name, generation, out, find(out)));
}

test('the places of a much-used definition are found once per index generation and answered the same from what was kept', () => {
  const kept = new KeptPlaces();
  const runs = new Map<string, number>();
  const stdenv = search('stdenv', 1000, runs);
  const first = ask(kept, 'stdenv', 1, stdenv);
  const again = ask(kept, 'stdenv', 1, stdenv);
  assert.equal(runs.get('stdenv'), 1, 'asked again, the places came from another search');
  assert.deepEqual(again, first);
  assert.ok(
    again.every((place, i) => place.span === first[i]!.span),
    "the spans are the facts' own objects",
  );
  // Another index generation (an edit): found again.
  ask(kept, 'stdenv', 2, stdenv);
  assert.equal(runs.get('stdenv'), 2);
});

test('a definition with fewer than 1,000 places is found again each time', () => {
  const kept = new KeptPlaces();
  const runs = new Map<string, number>();
  const zlib = search('zlib', 999, runs);
  ask(kept, 'zlib', 1, zlib);
  ask(kept, 'zlib', 1, zlib);
  assert.equal(runs.get('zlib'), 2);
});

test('only the places the search added are kept, not what the sink held before', () => {
  const kept = new KeptPlaces();
  const runs = new Map<string, number>();
  const other: Place = { file: 'pkgs/top-level/all-packages.nix', span: [7, 2, 7, 9] };
  const first = ask(kept, 'fetchurl', 1, search('fetchurl', 1200, runs), [other]);
  assert.equal(first.length, 1201);
  const again = ask(kept, 'fetchurl', 1, search('fetchurl', 1200, runs));
  assert.equal(runs.get('fetchurl'), 1);
  assert.deepEqual(again, first.slice(1));
});

test('at most four definitions are kept, the least recently asked let go first', () => {
  const kept = new KeptPlaces();
  const runs = new Map<string, number>();
  const names = ['a', 'b', 'c', 'd', 'e'];
  const finds = new Map(names.map((n) => [n, search(n, 1000, runs)]));
  for (const n of ['a', 'b', 'c', 'd']) ask(kept, n, 1, finds.get(n)!);
  // `a` asked again is now the last to go; `e` makes five, and `b` goes.
  ask(kept, 'a', 1, finds.get('a')!);
  ask(kept, 'e', 1, finds.get('e')!);
  for (const n of ['a', 'c', 'd', 'e']) ask(kept, n, 1, finds.get(n)!);
  ask(kept, 'b', 1, finds.get('b')!);
  assert.deepEqual(
    names.map((n) => runs.get(n)),
    [1, 2, 1, 1, 1],
  );
});
