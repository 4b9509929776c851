// A long references answer over stdio is written from each location's JSON, made without the
// location (`whereToLocationJson`). That text must be the very text `JSON.stringify` gives of the
// location the same place makes (`whereToLocation`): the bytes an editor reads do not depend on
// the answer's length.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Where } from '../../server/src/analysis/across/where';
import type { Span } from '../../server/src/analysis/syntax';
import { whereToLocation, whereToLocationJson } from '../../server/src/lsp/convert';
import { packageFile, tempDomain } from '../helpers';

test('a location written as JSON is the JSON of the location, for every kind of place', async () => {
  const temps: string[] = [];
  try {
    // The root's folder holds characters its URI escapes (a space, a plus, a quote, a backslash, a
    // percent sign, a non-ASCII letter), so the root's part of the JSON is not the path itself.
    const analyzer = await tempDomain({ 'pkgs/by-name/he/hello/package.nix': packageFile('hello') }, temps, 'nd loc+"\\%é-');
    const span: Span = [3, 4, 3, 9];
    const wheres: Where[] = [
      { kind: 'local', place: { file: 'pkgs/by-name/he/hello/package.nix', span } },
      // The same span again (its range's JSON is made once), and a span of several lines.
      { kind: 'local', place: { file: 'pkgs/by-name/he/hello/package.nix', span } },
      { kind: 'local', place: { file: 'pkgs/by-name/he/hello/package.nix', span: [0, 0, 12, 1] } },
      // Paths that are not the URI's path: escaped characters, `./` segments.
      { kind: 'local', place: { file: 'pkgs/tools/c++/plus/default.nix', span } },
      { kind: 'local', place: { file: 'pkgs/tools/a b/"q"/default.nix', span } },
      { kind: 'local', place: { file: 'pkgs/./tools/../x/default.nix', span } },
      { kind: 'local', place: { file: 'pkgs/x/..', span } },
      { kind: 'local', place: { file: 'pkgs/ünï/default.nix', span } },
      // Other domains' places: a checkout file and a read-only document.
      { kind: 'checkout', absolute: '/srv/rust domain/pkgs/by-name/ri/ripgrep/package.nix', line: 2, character: 5 },
      { kind: 'virtual', domain: 'rust', revision: 'abc123', file: 'pkgs/by-name/ri/ripgrep/package.nix', line: 0, character: 0 },
    ];
    for (const where of wheres) {
      const json = whereToLocationJson(analyzer, where);
      assert.equal(json, JSON.stringify(whereToLocation(analyzer, where)), JSON.stringify(where));
    }
    // The root's URI did escape something: the check above compared text that needed it.
    const root = JSON.parse(whereToLocationJson(analyzer, wheres[0]!)).uri as string;
    assert.match(root, /%20/);
    assert.match(root, /%22/);
  } finally {
    for (const temp of temps) rmSync(temp, { recursive: true, force: true });
  }
});
