// nix-domains.json, read once: the domain's name, and each section handed to its owner to
// validate (`domains` to the stub layer, `waves` to the waves, `impact` to the impact model).
// Without a manifest a repository is one domain named after its folder, and its other domains
// are the flake.lock inputs checked out beside it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { validateImpactManifest, type ImpactSettings } from './impact/manifest';
import { isObject, kind, MANIFEST_FILE, ManifestReport, type ManifestProblem } from './manifestValues';
import { domainsFromFlakeLock, validateDomainsManifest, type DomainsManifest } from './stubs/manifestDomains';
import { isDomainName } from './stubs/format';
import { validateWavesManifest, type WavesManifest } from './waves/manifest';

export { MANIFEST_FILE };

/** A domain's manifest: every section with its defaults for what is absent or invalid, and every problem at its key. */
export interface Manifest {
  /** Whether the file exists. */
  present: boolean;
  domain: string;
  domains: DomainsManifest;
  waves: WavesManifest;
  impact: ImpactSettings;
  problems: ManifestProblem[];
}

const KNOWN = ['$schema', 'domain', 'packages', 'maintainers', 'domains', 'waves', 'impact'];

/** Checks a manifest's text (undefined: no manifest); `folderName` names the domain by default. */
export function parseManifest(text: string | undefined, folderName: string): Manifest {
  const manifest: Manifest = { present: text !== undefined, domain: folderName, domains: {}, waves: {}, impact: {}, problems: [] };
  if (text === undefined) return manifest;
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    manifest.problems.push({
      path: [],
      message: `${MANIFEST_FILE} is not valid JSON: ${message}`,
      offset: at ? Number(at[1]) : text.length,
    });
    return manifest;
  }
  if (!isObject(data)) {
    manifest.problems.push({ path: [], message: `${MANIFEST_FILE} must hold an object, not ${kind(data)}` });
    return manifest;
  }
  const report = new ManifestReport();
  if (data.domain !== undefined) {
    if (typeof data.domain === 'string' && isDomainName(data.domain)) manifest.domain = data.domain;
    else report.at(['domain'], `must be a domain name (letters, digits, ".", "_", "-"), not ${kind(data.domain)}`);
  }
  for (const key of ['packages', 'maintainers'] as const) {
    const v = data[key];
    if (v !== undefined && typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
      report.at([key], `must be a path or a list of paths, not ${kind(v)}`);
    }
  }
  for (const key of Object.keys(data))
    if (!KNOWN.includes(key)) report.at([key], `is not a known setting (known: ${KNOWN.slice(1).join(', ')})`);
  const domains = validateDomainsManifest(data.domains, manifest.domain);
  const waves = validateWavesManifest(data.waves);
  const impact = validateImpactManifest(data.impact);
  manifest.domains = domains.domains;
  manifest.waves = waves.waves;
  manifest.impact = impact.settings;
  manifest.problems.push(...report.problems, ...domains.problems, ...waves.problems, ...impact.problems);
  return manifest;
}

/** Reads a domain's manifest; without a `domains` section, the flake.lock inputs checked out beside it are its other domains. */
export async function readManifest(root: string): Promise<Manifest> {
  const text = await fs.readFile(path.join(root, MANIFEST_FILE), 'utf8').catch(() => undefined);
  const manifest = parseManifest(text, path.basename(path.resolve(root)));
  if (Object.keys(manifest.domains).length === 0) manifest.domains = await domainsFromFlakeLock(root);
  return manifest;
}

/** The domain's name: `domain` in its manifest, else the folder's name. */
export async function readDomainName(root: string): Promise<string> {
  return (await readManifest(root)).domain;
}
