// The `domains` section of nix-domains.json, flake.lock revisions, and the manifest's JSON Schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockedRevisionOf } from '../../server/src/analysis/stubs/flakeLock';
import { messagesOf } from '../../server/src/analysis/manifestValues';
import { manifestJsonSchema, stubSpecKind, validateDomainsManifest } from '../../server/src/analysis/stubs/manifestDomains';

/** One check: a `domains` value and the messages it must produce (none for a valid one). */
function check(value: unknown, expected: RegExp[]): void {
  const errors = messagesOf(validateDomainsManifest(value, 'rust').problems);
  assert.equal(errors.length, expected.length, errors.join('\n'));
  expected.forEach((pattern, i) => {
    assert.match(errors[i]!, pattern);
  });
}

test('valid domains sections', () => {
  check({ core: { path: '../core', stubs: 'https://stubs.example.org/', files: 'https://h/core/{rev}/{path}' } }, []);
  check(
    { core: { stubs: 'git+https://host/core.git#refs/nix-domains/stubs', files: 'git+https://host/core.git', rev: 'a'.repeat(40) } },
    [],
  );
  check({ core: { stubs: './stubs', input: 'nixpkgs-core' } }, []);
  check(undefined, []);
});

test('wrong types and values name their key', () => {
  check([], [/^domains must be an object/]);
  check({ core: 'https://x' }, [/^domains\.core must be an object/]);
  check({ core: { path: 3 } }, [/^domains\.core\.path must be a non-empty string, not number 3/]);
  check({ core: { stub: './x' } }, [/^domains\.core\.stub is not a known setting/]);
  check({ core: { stubs: 'ftp://x/' } }, [/^domains\.core\.stubs "ftp:\/\/x\/" must be an http\(s\) URL/]);
  check({ core: { files: 'https://x/core' } }, [/^domains\.core\.files .* must contain \{path\}/]);
  check({ core: { rev: '../../x' } }, [/^domains\.core\.rev .* is not a revision/]);
  check({ '../evil': {} }, [/^domains key "\.\.\/evil" is not a domain name/]);
  check({ rust: {} }, [/^domains\.rust names this domain itself/]);
});

test('what a stubs value names', () => {
  assert.equal(stubSpecKind('https://x/'), 'http');
  assert.equal(stubSpecKind('git+file:///x#refs/y'), 'git');
  assert.equal(stubSpecKind('../stubs'), 'folder');
});

test('locked revisions from a flake.lock, following `follows`', () => {
  const rev = (c: string) => c.repeat(40);
  const lock = {
    version: 7,
    root: 'root',
    nodes: {
      root: { inputs: { core: 'core', rust: 'rust', alias: ['rust', 'core'] } },
      core: { locked: { rev: rev('a'), type: 'github' } },
      rust: { inputs: { core: ['core'] }, locked: { rev: rev('b') } },
    },
  };
  assert.equal(lockedRevisionOf(lock, 'core'), rev('a'));
  assert.equal(lockedRevisionOf(lock, 'rust'), rev('b'));
  assert.equal(lockedRevisionOf(lock, 'alias'), rev('a'));
  assert.equal(lockedRevisionOf(lock, 'missing'), undefined);
  assert.equal(lockedRevisionOf({ nodes: { root: { inputs: { x: 'x' } }, x: { locked: { rev: '; rm -rf /' } } } }, 'x'), undefined);
  assert.equal(lockedRevisionOf('nonsense', 'core'), undefined);
});

test('schemas/nix-domains.schema.json is the schema the code describes', () => {
  const file = path.join(__dirname, '..', '..', 'schemas', 'nix-domains.schema.json');
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(manifestJsonSchema())));
});
