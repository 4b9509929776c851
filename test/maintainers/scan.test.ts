import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanMaintainers } from '../../server/src/analysis/maintainers/scan';
import { bufferReader } from '../../server/src/analysis/maintainers/reader';
import type { HandleEntry } from '../../server/src/analysis/maintainers/index';

/** handle, line, column (UTF-16), name, github. */
type Expected = [string, number, number, string?, string?];

/** Scans src with chunk sizes from 1 byte up, expects the same entries from each. */
async function check(src: string, expected: Expected[]): Promise<void> {
  await checkEntries(src, expected);
}

/** check(), returning the entries for further assertions. */
async function checkEntries(src: string, expected: Expected[]): Promise<HandleEntry[]> {
  const bytes = Buffer.from(src, 'utf8');
  let reference: HandleEntry[] | undefined;
  for (const chunkSize of [1, 2, 3, 7, 64, 65536]) {
    const got = [...(await scanMaintainers(bufferReader(bytes), { chunkSize }))];
    if (!reference) reference = got;
    else assert.deepEqual(got, reference, `chunk size ${chunkSize} differs`);
  }
  const entries = reference!;
  const pad = (e: Expected) => [e[0], e[1], e[2], e[3], e[4]];
  assert.deepEqual(
    entries.map((e) => [e.handle, e.line, e.column, e.name, e.github]),
    expected.map(pad),
  );
  for (const e of entries) {
    // The range is the whole binding: from the handle (maybe quoted) to its `;`.
    const text = bytes.subarray(e.start, e.end).toString('utf8');
    assert.ok(text.startsWith(e.handle) || text.startsWith(`"${e.handle}"`), `range of ${e.handle}: ${text}`);
    assert.match(text, /=\s*\{[\s\S]*\}\s*;?$/);
  }
  return entries;
}

test('a plain entry: its range runs from the handle to the `;`', async () => {
  const src = '{\n  alice = {\n    name = "Alice";\n    github = "alice-gh";\n  };\n}\n';
  const [alice] = await checkEntries(src, [['alice', 1, 2, 'Alice', 'alice-gh']]);
  assert.equal(src.slice(alice.start, alice.end), 'alice = {\n    name = "Alice";\n    github = "alice-gh";\n  };');
});

test('a header comment full of braces, `=` and quotes is skipped', () =>
  check(
    `/* List of maintainers.
    handle = {
      name = "Your name";
      keys = [{ fingerprint = "AAAA"; }];
    };
    don't { be } fooled "by ''this'' ;
*/
{
  bob = { name = "Bob"; };
}
`,
    [['bob', 8, 2, 'Bob']],
  ));

test('comments between entries, with braces, quotes and `/*` in them', () =>
  check(
    `{
  # carol = { name = "not an entry"; };
  carol = { name = "Carol"; }; # trailing } " '' {
  /* dave = { }; */ dave = { github = "dave"; };
  # an unclosed /* in a line comment is nothing
  erin = { name = "Erin"; };
}`,
    [
      ['carol', 2, 2, 'Carol'],
      ['dave', 3, 20, undefined, 'dave'],
      ['erin', 5, 2, 'Erin'],
    ],
  ));

test('quoted and underscore-prefixed handles', () =>
  check(
    `{
  "1example" = { github = "1example"; name = "One Example"; };
  _0x4A6F = { github = "0x4A6F"; name = "Joachim"; };
  "with space" = { name = "Spaced"; };
  it's-fine' = { name = "Primes"; };
}`,
    [
      ['1example', 1, 2, 'One Example', '1example'],
      ['_0x4A6F', 2, 2, 'Joachim', '0x4A6F'],
      ['with space', 3, 2, 'Spaced'],
      ["it's-fine'", 4, 2, 'Primes'],
    ],
  ));

test('nested keys, and a `name` deeper down does not count', () =>
  check(
    `{
  frank = {
    keys = [ { name = "not me"; fingerprint = "AAAA BBBB"; } { fingerprint = "CCCC"; } ];
    name = "Frank";
    extra = { github = "nested"; };
    github = "frank";
  };
}`,
    [['frank', 1, 2, 'Frank', 'frank']],
  ));

test('strings holding `{`, `}`, `;`, `#`, `/*`, escaped quotes and backslashes', () =>
  check(
    [
      '{',
      '  grace = { name = "Grace \\"G\\" {Hopper}; #1 /* */"; email = "g\\\\"; };',
      '  heidi = { name = "Heidi\\\\\\"x\\""; email = "${"a}b"}@example.org"; };',
      '  ivan = { email = "$${not interpolation"; name = "Ivan"; };',
      '}',
    ].join('\n'),
    [
      ['grace', 1, 2, 'Grace "G" {Hopper}; #1 /* */'],
      ['heidi', 2, 2, 'Heidi\\"x"'],
      ['ivan', 3, 2, 'Ivan'],
    ],
  ));

test("indented strings with `''` escapes and `};` inside", () =>
  check(
    `{
  judy = {
    name = ''
      Judy '''the''' ''\${x} };
    '';
    bio = ''it's }; here $ { '' + "x";
  };
  karl = { name = "Karl"; };
}`,
    [
      ['judy', 1, 2, "Judy ''the'' ${x} };"],
      ['karl', 7, 2, 'Karl'],
    ],
  ));

test('unicode names; columns count UTF-16 units and offsets count bytes', async () => {
  const src = `{\n  /* ü 🦊 */ leo = { name = "Léo 山田 🦊"; };\n  mia = { name = "Mia"; };\n}\n`;
  const [leo, mia] = await checkEntries(src, [
    ['leo', 1, 13, 'Léo 山田 🦊'],
    ['mia', 2, 2, 'Mia'],
  ]);
  const bytes = Buffer.from(src);
  assert.equal(bytes.subarray(leo.start, leo.start + 3).toString(), 'leo');
  assert.equal(mia.start, Buffer.byteLength(src.slice(0, src.indexOf('mia'))));
});

test('CRLF line endings', () =>
  check('{\r\n  nina = {\r\n    name = "Nina";\r\n  };\r\n  otto = { name = "Otto"; };\r\n}\r\n', [
    ['nina', 1, 2, 'Nina'],
    ['otto', 4, 2, 'Otto'],
  ]));

test('several entries on one line, and one missing its `;` at the end', () =>
  check('{ a = { name = "A"; }; b = { name = "B"; };c={name="C";}}', [
    ['a', 0, 2, 'A'],
    ['b', 0, 23, 'B'],
    ['c', 0, 43, 'C'],
  ]));

test('bindings that are not entries are not indexed', () =>
  check(
    `{
  inherit (lib) foo;
  version = "1.0";
  nested.path = { name = "no"; };
  list = [ { name = "no"; } ];
  merged = { name = "Merged"; } // { github = "ignored"; };
  peter = { name = "Peter"; };
}`,
    [
      ['merged', 5, 2, 'Merged'],
      ['peter', 6, 2, 'Peter'],
    ],
  ));

test('a team list: function header, `with`, member lists; shortName is the name', () =>
  check(
    `/* List of maintainer teams.
    name = { members = [ maintainer1 ]; };
*/
{ lib }:
with lib.maintainers;
{
  acme = {
    members = [ alice bob ];
    scope = "Maintain ACME-related packages; {and} modules.";
    shortName = "ACME";
    enableFeatureFreezePing = true;
  };
  "rust-lang" = { members = with lib.maintainers; [ carol ]; shortName = "Rust"; github = "rust-team"; };
}
`,
    [
      ['acme', 6, 2, 'ACME'],
      ['rust-lang', 12, 2, 'Rust', 'rust-team'],
    ],
  ));

test('empty and header-only files have no entries', async () => {
  await check('', []);
  await check('/* only { a = { }; } a header */\n', []);
  await check('{ }', []);
});

test('an unterminated string or comment swallows the rest, and the scan still ends', async () => {
  await check('{ a = { name = "A"; };\n  b = { name = "unterminated; };\n  c = { }; }', [['a', 0, 2, 'A']]);
  await check('{ a = { }; /* c = { }; }', [['a', 0, 2]]);
});
