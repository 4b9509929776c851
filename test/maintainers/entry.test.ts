import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEntryHover, parseEntry, readEntry, type MaintainerEntry } from '../../server/src/analysis/maintainers/entry';
import { bufferReader } from '../../server/src/analysis/maintainers/reader';

/** Parses src as one entry and compares every field but raw. */
function check(src: string, expected: Omit<MaintainerEntry, 'raw'>): void {
  const { raw, ...got } = parseEntry(src);
  assert.equal(raw, src);
  assert.deepEqual(got, expected);
}

test('a full maintainer entry', () =>
  check(
    `_0x4A6F = {
    email = "mail-maintainer@0x4A6F.dev";
    matrix = "@0x4a6f:matrix.org";
    name = "Joachim Ernst";
    github = "0x4A6F";
    githubId = 9675338;
    keys = [{
      fingerprint = "F466 A548 AD3F C1F1 8C88  4576 8702 7528 B006 D66D";
    }];
  };`,
    {
      handle: '_0x4A6F',
      email: 'mail-maintainer@0x4A6F.dev',
      matrix: '@0x4a6f:matrix.org',
      name: 'Joachim Ernst',
      github: '0x4A6F',
      githubId: 9675338,
      keys: ['F466 A548 AD3F C1F1 8C88  4576 8702 7528 B006 D66D'],
    },
  ));

test('quoted handle, two keys, unknown fields, comments and escapes', () =>
  check(
    `"1example" = {
    # a comment with "quotes" and { braces }
    name = "Jörg \\"J\\" Müller 🦊";
    keys = [ { fingerprint = "AAAA"; comment = "x"; } { fingerprint = "BBBB"; } ];
    futureField = { nested = [ 1 2 { a = "}"; } ]; };
    github = "1example"; /* after */
  };`,
    { handle: '1example', name: 'Jörg "J" Müller 🦊', keys: ['AAAA', 'BBBB'], github: '1example' },
  ));

test('a team entry: members by name or through lib.maintainers', () =>
  check(
    `acme = {
    members = with lib.maintainers; [ alice lib.maintainers.bob "carol" ];
    scope = ''
      Maintain ACME-related packages and modules.
    '';
    shortName = "ACME";
    enableFeatureFreezePing = true;
  };`,
    {
      handle: 'acme',
      keys: [],
      members: ['alice', 'bob', 'carol'],
      scope: 'Maintain ACME-related packages and modules.',
      shortName: 'ACME',
    },
  ));

test('malformed entries give what can be read and never throw', () => {
  check('broken = { name = "Half', { handle: 'broken', keys: [], name: 'Half' });
  check('x = { ; ] name = "X"; email = ; github = "gx" };', { handle: 'x', keys: [], name: 'X', github: 'gx' });
  check('', { handle: '', keys: [] });
  check('z = { keys = [ { fingerprint = "F"; } ; name = "Z"; };', { handle: 'z', keys: ['F'], name: 'Z' });
  check('y = "not a set";', { handle: 'y', keys: [] });
});

test('readEntry reads exactly the range it is given', async () => {
  const src = '{\n  alice = { name = "Alice"; };\n  bob = { name = "Bob"; github = "bobby"; };\n}\n';
  const bytes = Buffer.from(src);
  const reads: [number, number][] = [];
  const inner = bufferReader(bytes);
  const reader = { size: inner.size, read: (o: number, l: number) => (reads.push([o, l]), inner.read(o, l)) };
  const start = src.indexOf('bob');
  const end = src.indexOf('};', start) + 2;
  const bob = await readEntry(reader, { start, end });
  assert.deepEqual(reads, [[start, end - start]]);
  assert.equal(bob.github, 'bobby');
  const cut = await readEntry(reader, { start, end }, { maxBytes: 10 });
  assert.equal(cut.truncated, true);
  assert.equal(cut.raw.length, 10);
});

test('hover card of a maintainer and of a team', () => {
  const maintainer = parseEntry(
    'mic92 = { name = "Jörg *Thalheim*"; email = "joerg@example.org"; github = "Mic92"; githubId = 96200; matrix = "@mic92:nixos.dev"; keys = [ { fingerprint = "3DEE 1C55"; } ]; };',
  );
  assert.equal(
    formatEntryHover(maintainer),
    [
      '**Jörg \\*Thalheim\\*** `maintainers.mic92`',
      '',
      '- GitHub: [@Mic92](https://github.com/Mic92) (id 96200)',
      '- Email: `joerg@example.org`',
      '- Matrix: `@mic92:nixos.dev`',
      '- Key: `3DEE 1C55`',
    ].join('\n'),
  );
  const team = parseEntry('acme = { members = [ alice bob ]; scope = "ACME things."; shortName = "ACME"; };');
  assert.equal(formatEntryHover(team), ['**ACME** `teams.acme`', '', 'ACME things.', '', '- Members (2): `alice`, `bob`'].join('\n'));
});
