import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMANDS, DEFAULT_SETTINGS, SHOW_WAVE_PLAN_COMMAND } from '../../shared/protocol';

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

test('the commands of the protocol are the ones package.json declares, and the client registers each', () => {
  const source = readFileSync(path.join(__dirname, '..', '..', 'client', 'src', 'extension.ts'), 'utf8');
  const declared = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
  assert.deepEqual(Object.values(COMMANDS).sort(), declared);
  for (const [key, id] of Object.entries(COMMANDS)) {
    const registered =
      source.includes(`registerCommand(COMMANDS.${key},`) ||
      (id === SHOW_WAVE_PLAN_COMMAND && source.includes('registerCommand(SHOW_WAVE_PLAN_COMMAND,'));
    assert.ok(registered, `the client registers ${id}`);
  }
});
