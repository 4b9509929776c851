// Maintainer handles as real lists write them: quoted when they are no Nix identifier
// (`"0x4A6F" = { … };`, used as `lib.maintainers."0x4A6F"`), and lists that no `lib` binding
// leads to (a `lib` without `maintainers = import …`, or no `lib` at all), found by convention.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { completion } from '../../server/src/analysis/features/completion';
import { definition } from '../../server/src/analysis/features/definition';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';
import { hover } from '../../server/src/analysis/features/hover';
import { maintainerHandleAt } from '../../server/src/analysis/features/locate';
import { DomainMaintainers } from '../../server/src/analysis/features/maintainers';
import { references } from '../../server/src/analysis/features/references';
import { FileByteReader } from '../../server/src/analysis/maintainers/reader';
import { cursor, tempDomain } from '../helpers';

const LIST = 'maintainers/maintainer-list.nix';
const TEAMS = 'maintainers/team-list.nix';
const PKG = 'pkgs/by-name/po/potrace/package.nix';
const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const MAINTAINERS = `/* List of maintainers. */
{
  "0x4A6F" = {
    email = "mail-maintainer@0x4A6F.dev";
    name = "Joachim Ernst";
    github = "0x4A6F";
    githubId = 9675338;
  };
  pSub = {
    name = "Pascal Wittmann";
    github = "pSub";
    githubId = 83842;
  };
}
`;

const POTRACE = `{ lib, stdenv }:
stdenv.mkDerivation {
  pname = "potrace";
  version = "1.16";
  meta = with lib; {
    description = "Tracing a bitmap";
    maintainers = [ maintainers.pSub lib.maintainers."0x4A6F" ] ++ (with lib.maintainers; [ pSub ]);
    teams = [ teams.graphics ];
  };
}
`;

// Real trees have other bindings named `maintainers` (core's patch-ppd-files hook has this very
// shape); a free `maintainers` must still mean the list, not one of them.
const HOOK = `{ lib, makeSetupHook, callPackage }:
makeSetupHook {
  name = "some-hook";
  passthru.tests.test = callPackage ./test.nix { };
  meta = {
    description = "a setup hook";
    maintainers = [ lib.maintainers.pSub ];
  };
} ./hook.sh
`;

/** A domain with the list, a package naming handles three ways, and the given `lib/default.nix` (none when undefined). */
async function domain(lib: string | undefined, extra: Record<string, string> = {}): Promise<Analyzer> {
  const files: Record<string, string> = {
    [LIST]: MAINTAINERS,
    [PKG]: POTRACE,
    [TEAMS]: '{ graphics = { members = [ ]; scope = "Graphics."; }; }\n',
    'pkgs/build-support/setup-hooks/some-hook/default.nix': HOOK,
    ...extra,
  };
  if (lib !== undefined) files['lib/default.nix'] = lib;
  return tempDomain(files, temps, 'nd-handles-');
}

const BOUND = '{ maintainers = import ../maintainers/maintainer-list.nix; teams = import ../maintainers/team-list.nix; strings = { }; }\n';
const UNBOUND = '{ strings = { }; }\n';
const root = (a: Analyzer) => a.root;

/** Hover and definition at a marked place of the package file: which handle, and where F12 lands (0-based line, column range). */
async function check(analyzer: Analyzer, marked: string, handle: string, line: number, columns: [number, number]) {
  const pos = cursor(root(analyzer), PKG, marked);
  const found = await analyzer.withDocument(PKG, (doc) => hover(analyzer, doc, pos));
  assert.deepEqual(found?.maintainer, { file: LIST, handle }, `hover at ${marked}`);
  const places = await analyzer.withDocument(PKG, (doc) => definition(analyzer, doc, pos));
  assert.deepEqual(
    places?.map((p) => [p.file, p.span[0], p.span[1], p.span[3]]),
    [[LIST, line, ...columns]],
    `definition at ${marked}`,
  );
  return found!;
}

for (const [name, lib] of [
  ['lib binds the list', BOUND],
  ['lib without a maintainers binding', UNBOUND],
  ['no lib at all', undefined],
] as const) {
  test(`${name}: bare, quoted and with-scoped handles hover and go to their entries`, async () => {
    const analyzer = await domain(lib);
    const quoted = await check(analyzer, 'lib.maintainers."0x4|A6F"', '0x4A6F', 2, [2, 10]);
    // The range covers the quoted name, quotes included.
    const line = POTRACE.split('\n')[6]!;
    const at = line.indexOf('"0x4A6F"');
    assert.deepEqual(quoted.span, [6, at, 6, at + 8]);
    await check(analyzer, 'lib.maintainers."0x4A6F|"', '0x4A6F', 2, [2, 10]);
    await check(analyzer, '[ maintainers.pS|ub', 'pSub', 8, [2, 6]);
    await check(analyzer, 'lib.maintainers; [ pS|ub', 'pSub', 8, [2, 6]);
    const card = await analyzer.maintainers.card(LIST, '0x4A6F');
    assert.match(card!, /Joachim Ernst/);
    assert.match(card!, /0x4A6F/);
    // Both handles are in the list: no unknown-maintainer diagnostic.
    assert.deepEqual(
      diagnostics(analyzer, PKG).filter((d) => d.code === 'unknown-maintainer'),
      [],
    );
    // Team handles follow the same convention.
    const team = await analyzer.withDocument(PKG, (doc) => definition(analyzer, doc, cursor(root(analyzer), PKG, 'teams.graph|ics')));
    assert.deepEqual(
      team?.map((p) => [p.file, p.span[0]]),
      [[TEAMS, 0]],
    );
  });
}

test('references on a quoted handle list the packages naming it, from the package and from the list', async () => {
  const analyzer = await domain(UNBOUND, {
    'pkgs/by-name/he/hello/package.nix':
      '{ lib, stdenv }:\nstdenv.mkDerivation {\n  pname = "hello";\n  version = "1";\n  meta.maintainers = [ lib.maintainers."0x4A6F" ];\n}\n',
  });
  const fromUse = await analyzer.withDocument(PKG, (doc) => references(analyzer, doc, cursor(root(analyzer), PKG, '"0x4|A6F"'), false));
  assert.deepEqual(fromUse?.map((p) => p.file).sort(), ['pkgs/by-name/he/hello/package.nix', PKG]);
  assert.ok(
    fromUse!.every((p) => p.span[3] - p.span[1] === 8),
    'each reference spans the quoted name',
  );
});

test('references on a handle follow edits: a package that starts naming it is listed in the next answer', async () => {
  const analyzer = await domain(UNBOUND);
  const at = (a: Analyzer) => a.withDocument(PKG, (doc) => references(a, doc, cursor(root(a), PKG, '"0x4|A6F"'), false));
  assert.deepEqual(
    (await at(analyzer))?.map((p) => p.file),
    [PKG],
  );
  const added = 'pkgs/by-name/he/hello/package.nix';
  const text = '{ lib, stdenv }:\nstdenv.mkDerivation {\n  pname = "hello";\n  meta.maintainers = [ lib.maintainers."0x4A6F" ];\n}\n';
  analyzer.openDocument(added, text, 1);
  assert.deepEqual((await at(analyzer))?.map((p) => p.file).sort(), [added, PKG]);
  analyzer.openDocument(added, text.replace('"0x4A6F"', 'pSub'), 2);
  assert.deepEqual(
    (await at(analyzer))?.map((p) => p.file),
    [PKG],
  );
});

test('an unknown quoted handle is a diagnostic naming it; a handle no list has is left for other domains', async () => {
  const analyzer = await domain(UNBOUND, {
    [PKG]: POTRACE.replace('lib.maintainers."0x4A6F"', 'lib.maintainers."0xDEAD" maintainers.nobody'),
  });
  const unknown = diagnostics(analyzer, PKG)
    .filter((d) => d.code === 'unknown-maintainer')
    .map((d) => d.message);
  assert.equal(unknown.length, 2, unknown.join('\n'));
  assert.match(unknown[0]!, /`0xDEAD` is not in maintainers\/maintainer-list\.nix/);
  assert.match(unknown[1]!, /`nobody` is not in/);
  // Not in this domain's list: the server asks the other domains' stubs for these names.
  const dead = await analyzer.withDocument(PKG, (doc) => maintainerHandleAt(analyzer, doc, cursor(root(analyzer), PKG, '"0xDE|AD"')));
  assert.equal(dead?.handle, '0xDEAD');
  const nobody = await analyzer.withDocument(PKG, (doc) =>
    maintainerHandleAt(analyzer, doc, cursor(root(analyzer), PKG, 'maintainers.nob|ody')),
  );
  assert.equal(nobody?.handle, 'nobody');
  // A handle this domain's list has is answered here, not sent elsewhere.
  assert.equal(
    await analyzer.withDocument(PKG, (doc) => maintainerHandleAt(analyzer, doc, cursor(root(analyzer), PKG, '[ maintainers.pS|ub'))),
    undefined,
  );
});

test('completion: after `lib.maintainers.` a quoted handle is offered quoted; inside `with` only bare handles', async () => {
  const marked = POTRACE.replace('(with lib.maintainers; [ pSub ])', '(with lib.maintainers; [ pSub  ])').replace(
    '[ maintainers.pSub lib',
    '[ lib.maintainers. lib',
  );
  const analyzer = await domain(UNBOUND, { [PKG]: marked });
  const text = marked;
  const afterDot = (() => {
    const i = text.indexOf('[ lib.maintainers. ') + '[ lib.maintainers.'.length;
    const before = text.slice(0, i).split('\n');
    return { line: before.length - 1, character: before[before.length - 1]!.length };
  })();
  const members = await analyzer.withDocument(PKG, (doc) => completion(analyzer, doc, afterDot));
  assert.deepEqual(members?.items.map((i) => i.label).sort(), ['"0x4A6F"', 'pSub']);
  const inWith = await analyzer.withDocument(PKG, (doc) => completion(analyzer, doc, cursor(root(analyzer), PKG, '[ pSub | ]')));
  assert.deepEqual(
    inWith?.items.map((i) => i.label),
    ['pSub'],
  );
});

test('the two lists are put in together: while the team list is scanned, the maintainer list is not in alone', async () => {
  const analyzer = await domain(UNBOUND);
  const seen: Record<string, boolean> = {};
  const maintainers = new DomainMaintainers(analyzer.index, (file) => {
    // What a request would find while each list is being read.
    seen[path.basename(file)] = maintainers.has(LIST) || maintainers.has(TEAMS);
    return FileByteReader.open(file);
  });
  await maintainers.refresh();
  assert.deepEqual(seen, { 'maintainer-list.nix': false, 'team-list.nix': false });
  assert.ok(maintainers.entry(LIST, 'pSub') && maintainers.entry(TEAMS, 'graphics'), 'both are in once scanned');
});

test('an open list changed on disk since its scan (a checkout) is scanned whole from its buffer, not diffed against the new file', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers } = analyzer;
  assert.ok(maintainers.entry(LIST, 'pSub'), 'the list is scanned');
  // Every entry moves: the old scan's byte ranges no longer fit the file.
  const checkedOut = MAINTAINERS.replace(
    '{\n',
    '{\n  aNewcomer = {\n    name = "A Newcomer";\n    github = "aNewcomer";\n    githubId = 1;\n  };\n',
  );
  writeFileSync(path.join(root(analyzer), LIST), checkedOut);
  await maintainers.updateFromBuffer(LIST, checkedOut);
  assert.ok(maintainers.entry(LIST, 'aNewcomer'), 'the entry the checkout added is in');
  assert.match((await maintainers.card(LIST, 'pSub')) ?? '', /Pascal Wittmann/, "pSub's card reads its own entry");
});

test('closing the open list waits for the edits before it: the file on disk counts after the close', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers } = analyzer;
  const edited = MAINTAINERS.replace('{\n', '{\n  zzOnlyInBuffer = {\n    name = "Only In Buffer";\n    githubId = 2;\n  };\n');
  const update = maintainers.updateFromBuffer(LIST, edited);
  const close = maintainers.closeBuffer(LIST);
  await Promise.all([update, close]);
  assert.equal(maintainers.entry(LIST, 'zzOnlyInBuffer'), undefined, 'the closed buffer no longer counts');
  assert.ok(maintainers.entry(LIST, 'pSub'), 'the file on disk does');
});

/** The list with pSub's handle renamed: the same size, so only the content tells it from the old one. */
const RENAMED = MAINTAINERS.replace('  pSub = {', '  qSub = {');

/**
 * An mtime a minute ahead, in whole seconds (utimes keeps those exactly, where a fraction of a
 * millisecond may be rounded): however late the scan starts, the list counts as changed in its tick.
 */
const sameTickAsTheScan = () => Math.floor(Date.now() / 1000) + 60;

/** Sets the list's mtime to `second` and has the index scan it as it is then. */
async function scannedAt(analyzer: Analyzer, second: number): Promise<void> {
  utimesSync(path.join(root(analyzer), LIST), second, second);
  await analyzer.maintainers.refresh();
  assert.ok(analyzer.maintainers.entry(LIST, 'pSub'), 'the list is scanned');
}

/** Writes `text` over the list and puts its mtime back: a change a stat cannot see (same size, same tick). */
function changeUnseen(analyzer: Analyzer, text: string, second: number): void {
  const file = path.join(root(analyzer), LIST);
  assert.equal(Buffer.byteLength(text), statSync(file).size, 'the change keeps the size');
  writeFileSync(file, text);
  utimesSync(file, second, second);
  assert.equal(statSync(file).mtimeMs, second * 1000, 'and the mtime');
}

test('an open list whose file changed unseen by its stat since the scan is scanned whole from the buffer, not diffed against the file', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers } = analyzer;
  const second = sameTickAsTheScan();
  await scannedAt(analyzer, second);
  // The first entry's handle changes on disk; the buffer's edit is at the other end of the list.
  const renamedFirst = MAINTAINERS.replace('"0x4A6F" = {', '"0x4A6E" = {');
  changeUnseen(analyzer, renamedFirst, second);
  // The buffer holds the file as it is now, with an entry added at its end.
  const edited = renamedFirst.replace(/}\n$/, '  zzAdded = {\n    name = "Added";\n    githubId = 3;\n  };\n}\n');
  await maintainers.updateFromBuffer(LIST, edited);
  assert.ok(maintainers.entry(LIST, 'zzAdded'), 'the edit is in');
  assert.ok(maintainers.entry(LIST, '0x4A6E'), 'the handle renamed on disk is in');
  assert.equal(maintainers.entry(LIST, '0x4A6F'), undefined, 'the old handle is gone');
});

test('a list changed on disk in the tick of its scan (same size) is scanned again: its stat alone is not trusted then', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers } = analyzer;
  const second = sameTickAsTheScan();
  await scannedAt(analyzer, second);
  changeUnseen(analyzer, RENAMED, second);
  await maintainers.refresh();
  assert.ok(maintainers.entry(LIST, 'qSub'), 'the renamed handle is in');
  assert.equal(maintainers.entry(LIST, 'pSub'), undefined, 'the old one is gone');
});

/** The domain's lists read through an opener that records the name of each file it opens. */
function countingOpens(analyzer: Analyzer): { maintainers: DomainMaintainers; opened: string[] } {
  const opened: string[] = [];
  const maintainers = new DomainMaintainers(analyzer.index, (file) => {
    opened.push(path.basename(file));
    return FileByteReader.open(file);
  });
  return { maintainers, opened };
}

test('a list last changed well before its scan is trusted by its stat: a refresh opens nothing', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers, opened } = countingOpens(analyzer);
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const list of [LIST, TEAMS]) utimesSync(path.join(root(analyzer), list), hourAgo, hourAgo);
  await maintainers.refresh();
  assert.deepEqual(opened.sort(), ['maintainer-list.nix', 'team-list.nix'], 'both are scanned once');
  await maintainers.refresh();
  assert.equal(opened.length, 2, 'an unchanged list is not read again');
  // Its content still counts where the stat cannot tell: the racy case above, and here a real change.
  writeFileSync(path.join(root(analyzer), LIST), RENAMED);
  await maintainers.refresh();
  assert.ok(maintainers.entry(LIST, 'qSub'), 'a change with a new mtime is scanned');
});

test('a list hashed because it changed close to its scan, and found the same, is trusted by its stat once that change is old enough', async () => {
  const analyzer = await domain(UNBOUND);
  const { maintainers, opened } = countingOpens(analyzer);
  const list = path.join(root(analyzer), LIST);
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(path.join(root(analyzer), TEAMS), hourAgo, hourAgo);
  // Changed 1.5 s before the scan: within the two seconds its stat cannot tell.
  const changed = new Date(Date.now() - 1500);
  utimesSync(list, changed, changed);
  await maintainers.refresh();
  const lists = () => opened.filter((f) => f === 'maintainer-list.nix').length;
  assert.equal(lists(), 1, 'scanned');
  // Bounded: the change is then more than two seconds older than the next hash.
  await new Promise((resolve) => setTimeout(resolve, 700));
  await maintainers.refresh();
  assert.equal(lists(), 2, 'hashed again: the scan was too close to the change');
  await maintainers.refresh();
  assert.equal(lists(), 2, 'found the same when the change was old enough: trusted by its stat from then on');
  assert.ok(maintainers.entry(LIST, 'pSub'), 'and its index kept');
});

test('a list removed between its stat and its scan is no list: the refresh does not fail', async () => {
  const analyzer = await domain(UNBOUND);
  const maintainers = new DomainMaintainers(analyzer.index, (file) => {
    // The checkout removes it just as the scan opens it.
    if (path.basename(file) === 'maintainer-list.nix') rmSync(file);
    return FileByteReader.open(file);
  });
  await maintainers.refresh();
  assert.equal(existsSync(path.join(root(analyzer), LIST)), false, 'the list is gone');
  assert.equal(maintainers.has(LIST), false, 'and not in');
  assert.ok(maintainers.entry(TEAMS, 'graphics'), 'the team list still is');
});
