import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../../shared/protocol';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('every setting declared in package.json exists in the server defaults, with the same default', () => {
  const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown; description?: string }>;
  assert.ok(Object.keys(properties).length > 0);
  for (const [key, spec] of Object.entries(properties)) {
    const parts = key.replace(/^nixDomains\./, '').split('.');
    let value: unknown = DEFAULT_SETTINGS;
    for (const part of parts) value = (value as Record<string, unknown> | undefined)?.[part];
    assert.notEqual(value, undefined, `${key} has no server default`);
    assert.deepEqual(value, spec.default, `${key}: package.json default differs from the server's`);
    assert.ok(spec.description, `${key} has no description`);
  }
});

test('every command the client registers is declared in package.json', () => {
  const source = readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'extension.ts'), 'utf8');
  const declared = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  for (const [, id] of source.matchAll(/registerCommand\('([^']+)'/g)) assert.ok(declared.has(id!), `${id} is not declared`);
});
