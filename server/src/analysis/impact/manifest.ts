// The manifest's `impact` section: `"impact": { "stdenv": ["gcc", "glibc", "bash"] }` names the
// packages stdenv is built from when the domain builds it in a way the index cannot follow.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MANIFEST_FILE } from '../manifest';

/** What the manifest says about rebuild impact. */
export interface ImpactSettings {
  /** The packages stdenv is built from (their dependencies are followed); replaces the derived set. */
  stdenv?: string[];
}

const KNOWN_KEYS = new Set(['stdenv']);

/** Checks an `impact` section; invalid parts are left out and reported with where they are. */
export function validateImpactManifest(value: unknown, where = `${MANIFEST_FILE}: impact`): { settings: ImpactSettings; errors: string[] } {
  const errors: string[] = [];
  const settings: ImpactSettings = {};
  if (value === undefined) return { settings, errors };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { settings, errors: [`${where} must be an object like { "stdenv": ["gcc", "bash"] }`] };
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) errors.push(`${where}.${key} is not a known setting (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const stdenv = (value as Record<string, unknown>).stdenv;
  if (stdenv !== undefined) {
    if (!Array.isArray(stdenv)) {
      errors.push(`${where}.stdenv must be a list of attribute names, like ["gcc", "glibc", "bash"]`);
    } else {
      const names: string[] = [];
      stdenv.forEach((name, i) => {
        if (typeof name === 'string' && name.trim().length > 0) names.push(name.trim());
        else errors.push(`${where}.stdenv[${i}] must be a non-empty attribute name, not ${JSON.stringify(name)}`);
      });
      settings.stdenv = names;
    }
  }
  return { settings, errors };
}

/** Reads the `impact` section of the domain's manifest (no manifest: no settings, no errors). */
export async function readImpactSettings(root: string): Promise<{ settings: ImpactSettings; errors: string[] }> {
  let text: string;
  try {
    text = await fs.readFile(path.join(root, MANIFEST_FILE), 'utf8');
  } catch {
    return { settings: {}, errors: [] };
  }
  try {
    return validateImpactManifest((JSON.parse(text) as { impact?: unknown }).impact);
  } catch {
    // The manifest's own validation reports JSON errors; impact falls back to the derived model.
    return { settings: {}, errors: [] };
  }
}
