// The manifest's `impact` section: `"impact": { "stdenv": ["gcc", "glibc", "bash"] }` names the
// packages stdenv is built from when the domain builds it in a way the index cannot follow.
import { ManifestReport, type ManifestProblem } from '../manifestValues';

/** What the manifest says about rebuild impact. */
export interface ImpactSettings {
  /** The packages stdenv is built from (their dependencies are followed); replaces the derived set. */
  stdenv?: string[];
}

const KNOWN_KEYS = new Set(['stdenv']);

/** Checks an `impact` section; invalid parts are left out and reported at their key (`prefix` before each message). */
export function validateImpactManifest(value: unknown, prefix = ''): { settings: ImpactSettings; problems: ManifestProblem[] } {
  const report = new ManifestReport(prefix);
  const settings: ImpactSettings = {};
  if (value === undefined) return { settings, problems: [] };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report.at(['impact'], 'must be an object like { "stdenv": ["gcc", "bash"] }');
    return { settings, problems: report.problems };
  }
  for (const key of Object.keys(value)) {
    if (!KNOWN_KEYS.has(key)) report.at(['impact', key], `is not a known setting (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const stdenv = (value as Record<string, unknown>).stdenv;
  if (stdenv !== undefined) {
    if (!Array.isArray(stdenv)) {
      report.at(['impact', 'stdenv'], 'must be a list of attribute names, like ["gcc", "glibc", "bash"]');
    } else {
      const names: string[] = [];
      stdenv.forEach((name, i) => {
        if (typeof name === 'string' && name.trim().length > 0) names.push(name.trim());
        else report.at(['impact', 'stdenv', i], `must be a non-empty attribute name, not ${JSON.stringify(name)}`);
      });
      settings.stdenv = names;
    }
  }
  return { settings, problems: report.problems };
}
