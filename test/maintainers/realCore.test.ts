// Maintainer handles on the real Aux core (git bundle): its `lib/default.nix` binds
// `maintainers = import ../maintainers/maintainer-list.nix;`, and its list is real but empty, so
// two entries are added to it — one quoted, as nixpkgs writes `"0x4A6F"` — and potrace, which
// already names `maintainers.pSub`, also names `lib.maintainers."0x4A6F"`. Then the same with the
// binding removed from lib: the list is found by convention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { definition } from '../../server/src/analysis/features/definition';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';
import { hover } from '../../server/src/analysis/features/hover';
import { cloneFresh, corpusTest } from '../corpus';
import { cursor } from '../helpers';

const LIST = 'maintainers/maintainer-list.nix';
const POTRACE = 'pkgs/by-name/po/potrace/default.nix';
const BINDING = '    maintainers = import ../maintainers/maintainer-list.nix;\n';
const ENTRIES = `
  "0x4A6F" = {
    email = "mail-maintainer@0x4A6F.dev";
    name = "Joachim Ernst";
    github = "0x4A6F";
    githubId = 9675338;
  };
  pSub = {
    email = "mail@pascal-wittmann.de";
    name = "Pascal Wittmann";
    github = "pSub";
    githubId = 83842;
  };
`;

function edit(root: string, file: string, from: string, to: string): void {
  const text = readFileSync(path.join(root, file), 'utf8');
  assert.equal(text.split(from).length, 2, `${file} of the real core should contain ${JSON.stringify(from)} once`);
  writeFileSync(path.join(root, file), text.replace(from, to));
}

async function answers(root: string) {
  const analyzer = await Analyzer.create(root, 'core', { cacheDir: null });
  await analyzer.indexAll();
  const at = async (marked: string) => {
    const pos = cursor(root, POTRACE, marked);
    const found = await analyzer.withDocument(POTRACE, (doc) => hover(analyzer, doc, pos));
    const places = await analyzer.withDocument(POTRACE, (doc) => definition(analyzer, doc, pos));
    const card = found?.maintainer && (await analyzer.maintainers.card(found.maintainer.file, found.maintainer.handle));
    return { handle: found?.maintainer?.handle, card, places: places?.map((p) => `${p.file}:${p.span[0] + 1}:${p.span[1] + 1}`) };
  };
  const quoted = await at('lib.maintainers."0x4|A6F"');
  const bare = await at('maintainers.pS|ub');
  const unknown = diagnostics(analyzer, POTRACE).filter((d) => d.code === 'unknown-maintainer');
  return { quoted, bare, unknown };
}

test('the real core: a quoted handle and a bare one, with lib binding the list and without', corpusTest(), async () => {
  const root = cloneFresh('core', 'core-maintainers');
  // The real list ends in an empty set: `{\n\n}`.
  edit(root, LIST, '{\n\n}', `{${ENTRIES}}`);
  edit(root, POTRACE, 'maintainers = [ maintainers.pSub ];', 'maintainers = [ maintainers.pSub lib.maintainers."0x4A6F" ];');
  const listLine = (handle: string) =>
    readFileSync(path.join(root, LIST), 'utf8')
      .split('\n')
      .findIndex((l) => l.startsWith(`  ${handle} =`)) + 1;
  const expected = {
    quoted: { handle: '0x4A6F', places: [`${LIST}:${listLine('"0x4A6F"')}:3`] },
    bare: { handle: 'pSub', places: [`${LIST}:${listLine('pSub')}:3`] },
  };

  const bound = await answers(root);
  assert.deepEqual(
    {
      quoted: { handle: bound.quoted.handle, places: bound.quoted.places },
      bare: { handle: bound.bare.handle, places: bound.bare.places },
    },
    expected,
  );
  assert.match(bound.quoted.card ?? '', /Joachim Ernst/);
  assert.match(bound.bare.card ?? '', /Pascal Wittmann/);
  assert.deepEqual(bound.unknown, []);

  edit(root, 'lib/default.nix', BINDING, '');
  const byConvention = await answers(root);
  assert.deepEqual(
    {
      quoted: { handle: byConvention.quoted.handle, places: byConvention.quoted.places },
      bare: { handle: byConvention.bare.handle, places: byConvention.bare.places },
    },
    expected,
  );
  assert.match(byConvention.quoted.card ?? '', /Joachim Ernst/);
  assert.deepEqual(byConvention.unknown, []);
});
