// Answers from the partial index: once the files indexing reads first are in, a definition or a
// hover on an opened file reads what it reaches on demand and answers as the complete index will;
// no input is called unknown before the whole domain is read. In process, on a copy of the fixture
// domain with a package set no top-level file calls (so nothing reaches it before its turn).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { diagnosticsAcross } from '../../server/src/analysis/across/diagnostics';
import { Budget } from '../../server/src/analysis/budget';
import { definition } from '../../server/src/analysis/features/definition';
import { hover } from '../../server/src/analysis/features/hover';
import { hoverAcross } from '../../server/src/analysis/across/hover';
import { DomainSession } from '../../server/src/analysis/session';
import { cursor } from '../helpers';
import { CPYTHON, EXTRAS, NUMPY, partialDomain as domain, WIDGET } from '../partialDomain';

async function complete(root: string): Promise<Analyzer> {
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  await analyzer.indexAll();
  return analyzer;
}

const session = (analyzer: Analyzer) => new DomainSession(analyzer, { trusted: false, stubLog: () => undefined, problem: () => undefined });
const unknownInputs = async (analyzer: Analyzer, file: string) =>
  (await diagnosticsAcross(session(analyzer), file, { unknownInputs: true, edited: false }, new Budget()))
    .filter((d) => d.code === 'unknown-input')
    .map((d) => d.name);

test('the partial index answers a definition and a hover on an opened file as the complete index does, reading what they reach', {
  timeout: 60_000,
}, async () => {
  const root = domain();
  const full = await complete(root);
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  const indexing = analyzer.indexAll();
  await analyzer.ready;
  // What follows runs before indexing takes its next step: the index stays as partial as it is now.
  assert.ok(analyzer.index.reading, 'the domain is still being indexed');
  const loaded = (file: string) => analyzer.index.files.loaded(file) !== undefined;
  assert.ok(loaded('pkgs/top-level/all-packages.nix') && loaded('pkgs/top-level/python-packages.nix'), 'the top-level sets are read first');
  assert.ok(!loaded(CPYTHON) && !loaded(EXTRAS), 'files reached only through others are not read yet');

  const text = readFileSync(path.join(root, NUMPY), 'utf8');
  const doc = analyzer.openDocument(NUMPY, text, 1);
  const fullDoc = full.openDocument(NUMPY, text, 1);
  const at = cursor(root, NUMPY, 'pyth|on3 # the');
  const place = definition(analyzer, doc, at);
  assert.deepEqual(place, definition(full, fullDoc, at));
  assert.equal(place[0]?.file, CPYTHON, 'python3 → python311 → pythonInterpreters → cpython');
  assert.ok(loaded(CPYTHON), 'read on demand on the way');
  assert.ok(!loaded(EXTRAS), 'and nothing it did not need');
  const card = hover(analyzer, doc, at);
  assert.equal(card?.markdown, hover(full, fullDoc, at)?.markdown, 'the same package card');
  assert.match(card!.markdown, /^\*\*pythonInterpreters\.python311\*\*/);
  assert.ok(analyzer.index.reading, 'all of it before the index was complete');
  await indexing;
});

test('no input is called unknown before the whole domain is read; once it is, only the one nothing defines', {
  timeout: 60_000,
}, async () => {
  const root = domain();
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  const indexing = analyzer.indexAll();
  await analyzer.ready;
  assert.ok(analyzer.index.reading && !analyzer.index.files.loaded(EXTRAS), "gadget's set is not read yet");
  analyzer.openDocument(WIDGET, readFileSync(path.join(root, WIDGET), 'utf8'), 1);
  assert.deepEqual(await unknownInputs(analyzer, WIDGET), [], 'nothing said while partial');
  await indexing;
  assert.ok(!analyzer.index.reading);
  assert.deepEqual(await unknownInputs(analyzer, WIDGET), ['libfrobnicate'], 'gadget is defined after all');
});

test('a file indexing lists is read on demand once, and indexing does not read it again', { timeout: 60_000 }, async () => {
  const root = domain();
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  const indexing = analyzer.indexAll();
  await analyzer.ready;
  assert.ok(analyzer.index.isPending(EXTRAS));
  const before = analyzer.index.generation;
  assert.equal(analyzer.index.files.get(EXTRAS)?.path, EXTRAS, 'asked for, it is read');
  assert.ok(!analyzer.index.isPending(EXTRAS) && analyzer.index.generation > before);
  const facts = analyzer.index.files.get(EXTRAS);
  await indexing;
  assert.equal(analyzer.index.files.get(EXTRAS), facts, 'the same facts: not read a second time');
  assert.equal(analyzer.lastIndex?.parsed, analyzer.lastIndex?.files, 'every file parsed once (no cache)');
  assert.ok(!analyzer.index.files.has('pkgs/misc/absent.nix'), 'a file that is not listed is not there');
});

test('the maintainer list is scanned while the rest of the domain is read, not after it', { timeout: 60_000 }, async () => {
  const root = domain();
  // A pause after each file read in process keeps the run going long enough to look in on it.
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null, indexPauseMs: 50 });
  const indexing = analyzer.indexAll();
  await analyzer.ready;
  const list = 'maintainers/maintainer-list.nix';
  const until = Date.now() + 20_000;
  while (!analyzer.maintainers.has(list) && analyzer.index.reading && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(analyzer.maintainers.has(list), 'the list was not scanned within 20 s, nor by the end of the run');
  assert.ok(analyzer.index.reading && analyzer.index.pendingCount > 0, 'the list was scanned only once no file was left to read');
  assert.equal(analyzer.maintainers.entry(list, 'alice')?.line, 2, "alice's entry, from the scan");
  assert.equal(analyzer.maintainers.entry(list, 'carol'), undefined);
  // The list changes on disk while the rest is read (a checkout): the end of the run scans it again.
  const absolute = path.join(root, list);
  const text = readFileSync(absolute, 'utf8');
  writeFileSync(absolute, text.replace('{\n', '{\n  carol = {\n    name = "Carol";\n    github = "carol";\n    githubId = 3;\n  };\n'));
  assert.ok(analyzer.index.reading, 'changed before the run was over');
  await indexing;
  assert.ok(analyzer.isIndexed);
  assert.equal(analyzer.maintainers.entry(list, 'carol')?.line, 2, "carol's entry, from the second scan");
  assert.equal(analyzer.maintainers.entry(list, 'alice')?.line, 7);
});

test('an index run that fails ends: not indexing any more, its failure kept, and answers from the files read say so', {
  timeout: 60_000,
}, async () => {
  const root = domain();
  const analyzer = await Analyzer.create(root, 'core', { indexWorkers: 0, cacheDir: null });
  // A stand-in for a bug in the run: the parser throws on a file read in its turn, not first.
  const parse = analyzer.parser.parse.bind(analyzer.parser);
  analyzer.parser.parse = (text: string) => {
    if (text.includes('gadget = callPackage')) throw new Error('the parser broke');
    return parse(text);
  };
  await assert.rejects(analyzer.indexAll(), /the parser broke/);
  assert.equal(analyzer.indexing, false, 'the run is over');
  assert.equal(analyzer.isIndexed, false);
  assert.equal(analyzer.indexFailure, 'the parser broke');
  assert.ok(analyzer.index.reading && analyzer.index.pendingCount > 0, 'the files not read yet are still read when reached');

  const s = session(analyzer);
  assert.equal(await s.prepareAt(new Budget(), ['packages', 'dependants']), 'partial');
  const answer = await hoverAcross(s, NUMPY, cursor(root, NUMPY, 'pyth|on3 # the'), new Budget());
  assert.match(answer?.markdown ?? '', /^\*\*pythonInterpreters\.python311\*\*/, 'the hover still answers');
  assert.match(
    answer?.markdown ?? '',
    /Indexing domain `core` failed \(\d+ of \d+ files read\): this answer may be incomplete/,
    'and says the index is incomplete because its run failed',
  );
});

test('a request waiting for the files read first when the run fails is answered as partial, not from maps of what was read', {
  timeout: 60_000,
}, async () => {
  const analyzer = await Analyzer.create(domain(), 'core', { indexWorkers: 0, cacheDir: null });
  // The run fails on its first file, before the files read first are in.
  analyzer.parser.parse = () => {
    throw new Error('the parser broke at once');
  };
  const s = session(analyzer);
  const run = analyzer.indexAll();
  const waiting = s.prepareAt(new Budget(), ['packages', 'dependants']);
  await assert.rejects(run, /the parser broke at once/);
  assert.equal(await waiting, 'partial');
  assert.match(s.indexingNote() ?? '', /^Indexing domain `core` failed/, 'the note says the run failed');
  assert.ok(analyzer.maintainers.has('maintainers/maintainer-list.nix'), 'the maintainer list is scanned all the same');
});
