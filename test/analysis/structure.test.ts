import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FileFacts } from '../../server/src/analysis/facts';
import { structureHash } from '../../server/src/analysis/structure';

const facts = (patch: Partial<FileFacts> = {}): FileFacts => ({
  path: 'pkgs/by-name/he/hello/package.nix',
  errors: [],
  value: {
    k: 'inline',
    span: [1, 0, 9, 1],
    drv: { pname: 'hello', version: '1.0', maintainers: [] },
  } as unknown as FileFacts['value'],
  formals: [
    { name: 'stdenv', span: [0, 2, 0, 8], hasDefault: false },
    { name: 'zlib', span: [0, 10, 0, 14], hasDefault: false },
  ],
  ...patch,
});

test('the structure hash ignores positions, derivation literals and doc comments', () => {
  const moved = facts({
    value: {
      k: 'inline',
      span: [3, 0, 12, 1],
      drv: { pname: 'hello', version: '2.0' },
      doc: 'Says hello.',
    } as unknown as FileFacts['value'],
    formals: [
      { name: 'stdenv', span: [2, 2, 2, 8], hasDefault: false },
      { name: 'zlib', span: [2, 10, 2, 14], hasDefault: false },
    ],
  });
  assert.equal(structureHash(moved), structureHash(facts()));
});

test('the structure hash tells apart what a file defines: names, kinds, defaults, shapes', () => {
  const base = structureHash(facts());
  const variants: FileFacts[] = [
    facts({ formals: [{ name: 'stdenv', span: [0, 2, 0, 8], hasDefault: false }] }),
    facts({
      formals: [
        { name: 'stdenv', span: [0, 2, 0, 8], hasDefault: false },
        { name: 'zlib', span: [0, 10, 0, 14], hasDefault: true },
      ],
    }),
    facts({
      formals: [
        { name: 'stdenv', span: [0, 2, 0, 8], hasDefault: false },
        { name: 'zlib-ng', span: [0, 10, 0, 14], hasDefault: false },
      ],
    }),
    facts({ value: { k: 'other', span: [1, 0, 9, 1] } as FileFacts['value'] }),
    facts({ imports: ['../zlib'] } as Partial<FileFacts>),
    facts({ large: true }),
  ];
  const hashes = variants.map(structureHash);
  for (const [i, h] of hashes.entries()) assert.notEqual(h, base, `variant ${i} hashes like the original`);
  assert.equal(new Set(hashes).size, hashes.length, 'two variants hash alike');
  // Strings and arrays of the same characters are different shapes.
  assert.notEqual(
    structureHash(facts({ imports: ['ab'] } as Partial<FileFacts>)),
    structureHash(facts({ imports: ['a', 'b'] } as Partial<FileFacts>)),
  );
});
