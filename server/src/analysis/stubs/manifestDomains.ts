// The `domains` section of `nix-domains.json`: the other domains, and where their stubs and
// files come from. Every key of an entry is optional:
//
//   "domains": {
//     "core": {
//       "path":  "../core",                              // a local checkout (relative to this domain)
//       "stubs": "https://stubs.example.org/",           // or "./stubs", or "git+https://host/core.git#refs/nix-domains/stubs"
//       "files": "https://host/core/raw/{rev}/{path}",   // or "git+https://host/core.git"
//       "rev":   "101d72adfef2…",                        // pin; default: the flake.lock input's locked rev
//       "input": "nixpkgs-core"                          // the flake input naming it; default: the domain's name
//     }
//   }
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isObject, kind, MANIFEST_FILE, ManifestReport, type ManifestProblem } from '../manifestValues';
import { wavesJsonSchema } from '../waves/manifest';
import { isDomainName, isRevision } from './format';

/** Where one other domain comes from. */
interface DomainSourceConfig {
  path?: string;
  stubs?: string;
  files?: string;
  rev?: string;
  input?: string;
}

export type DomainsManifest = Record<string, DomainSourceConfig>;

const KEYS = ['path', 'stubs', 'files', 'rev', 'input'] as const;

/** What a `stubs` value names: an HTTP(S) folder, a git ref, or a local folder. */
export function stubSpecKind(spec: string): 'http' | 'git' | 'folder' {
  if (/^https?:\/\//.test(spec)) return 'http';
  if (spec.startsWith('git+')) return 'git';
  return 'folder';
}

/** Checks a parsed `domains` section (`self`: this domain's name); the valid entries, and each problem at its key. */
export function validateDomainsManifest(
  value: unknown,
  self?: string,
  prefix = '',
): { domains: DomainsManifest; problems: ManifestProblem[] } {
  const report = new ManifestReport(prefix);
  const domains: DomainsManifest = {};
  if (value === undefined) return { domains, problems: [] };
  if (!isObject(value)) {
    report.at(['domains'], `must be an object from domain name to its sources, like { "core": { "path": "../core" } }, not ${kind(value)}`);
    return { domains, problems: report.problems };
  }
  for (const [name, entry] of Object.entries(value)) {
    const where = ['domains', name];
    if (!isDomainName(name)) {
      report.say(where, `domains key "${name}" is not a domain name (letters, digits, ".", "_", "-")`);
      continue;
    }
    if (name === self) report.at(where, 'names this domain itself');
    if (!isObject(entry)) {
      report.at(where, `must be an object like { "path": "../${name}" }, not ${kind(entry)}`);
      continue;
    }
    const before = report.problems.length;
    for (const key of Object.keys(entry)) {
      if (!(KEYS as readonly string[]).includes(key)) report.at([...where, key], `is not a known setting (known: ${KEYS.join(', ')})`);
    }
    for (const key of KEYS) {
      const v = entry[key];
      if (v !== undefined && (typeof v !== 'string' || v.length === 0))
        report.at([...where, key], `must be a non-empty string, not ${kind(v)}`);
    }
    const { stubs, files, rev, input } = entry as DomainSourceConfig;
    if (typeof stubs === 'string' && stubs) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(stubs) && !/^(https?:\/\/|git\+(https?|ssh|file):\/\/)/.test(stubs)) {
        report.at([...where, 'stubs'], `"${stubs}" must be an http(s) URL, git+https://…#ref, git+ssh://…, git+file://…, or a folder path`);
      }
    }
    if (typeof files === 'string' && files) {
      if (/^https?:\/\//.test(files)) {
        if (!files.includes('{path}')) report.at([...where, 'files'], `"${files}" must contain {path} (and usually {rev})`);
      } else if (!/^git\+(https?|ssh|file):\/\//.test(files)) {
        report.at(
          [...where, 'files'],
          `must be a URL template like "https://host/${name}/{rev}/{path}" or a git remote like "git+https://host/${name}.git"`,
        );
      }
    }
    if (typeof rev === 'string' && rev && !isRevision(rev)) report.at([...where, 'rev'], `"${rev}" is not a revision (a commit id)`);
    if (typeof input === 'string' && input && !/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(input))
      report.at([...where, 'input'], `"${input}" is not a flake input name`);
    if (report.problems.length === before) domains[name] = entry as DomainSourceConfig;
  }
  return { domains, problems: report.problems };
}

/**
 * Without a `domains` section, the other domains come from flake.lock: a direct input whose
 * checkout sits next to this domain (`../<input>`, a folder with a `nix-domains.json` or a
 * `pkgs/`) is a domain, resolved against the revision the lock pins. Inputs with no checkout
 * beside them cannot be fetched without a configured source and are left out.
 */
export async function domainsFromFlakeLock(root: string): Promise<DomainsManifest> {
  let lock: { nodes?: Record<string, { inputs?: Record<string, unknown> }>; root?: string };
  try {
    lock = JSON.parse(await fs.readFile(path.join(root, 'flake.lock'), 'utf8'));
  } catch {
    return {};
  }
  const inputs = lock.nodes?.[lock.root ?? 'root']?.inputs ?? {};
  const domains: DomainsManifest = {};
  for (const input of Object.keys(inputs).sort()) {
    if (!isDomainName(input)) continue;
    const sibling = path.join(path.dirname(path.resolve(root)), input);
    const looksLikeDomain = await Promise.all([
      fs.stat(path.join(sibling, MANIFEST_FILE)).then(
        () => true,
        () => false,
      ),
      fs.stat(path.join(sibling, 'pkgs')).then(
        (st) => st.isDirectory(),
        () => false,
      ),
    ]);
    if (looksLikeDomain.some(Boolean)) domains[input] = { path: `../${input}`, input };
  }
  return domains;
}

/** The JSON Schema of the whole manifest (what schemas/nix-domains.schema.json holds). */
export function manifestJsonSchema(): object {
  const { definitions: waveDefinitions, ...waves } = wavesJsonSchema;
  const paths = {
    oneOf: [
      { type: 'string', minLength: 1 },
      { type: 'array', items: { type: 'string', minLength: 1 } },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://nix-domains.invalid/schemas/nix-domains.schema.json',
    title: 'Nix Domains manifest (nix-domains.json)',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      domain: {
        type: 'string',
        pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
        description: 'The name of this domain; default: the folder name.',
      },
      packages: { ...paths, description: 'Domain-relative folders or files holding the packages; auto-detected when absent.' },
      maintainers: {
        ...paths,
        description: 'Domain-relative maintainer and team lists; default: maintainers/maintainer-list.nix and maintainers/team-list.nix.',
      },
      domains: {
        type: 'object',
        description: 'The other domains of the universe and where their stubs and files come from.',
        propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
        additionalProperties: { $ref: '#/definitions/domainSource' },
      },
      waves,
      impact: {
        type: 'object',
        additionalProperties: false,
        description: 'Rebuild impact settings.',
        properties: {
          stdenv: {
            type: 'array',
            items: { type: 'string', minLength: 1 },
            description: 'The packages stdenv is built from, when the index cannot follow how the domain builds it.',
          },
        },
      },
    },
    definitions: {
      ...waveDefinitions,
      domainSource: {
        type: 'object',
        additionalProperties: false,
        properties: {
          path: { type: 'string', minLength: 1, description: "A local checkout of the domain, relative to this domain's root." },
          stubs: {
            type: 'string',
            minLength: 1,
            description:
              'Where its stubs are: the ref its CI publishes them to with `nix-domains stub --publish` (git+https://host/repo.git#refs/nix-domains/stubs), or the URL or path of a `nix-domains stub --out` folder. The revision its flake.lock input pins is read.',
          },
          files: {
            type: 'string',
            minLength: 1,
            description: 'Where single files come from: a URL template with {rev} and {path}, or a git remote (git+https://host/repo.git).',
          },
          rev: {
            type: 'string',
            pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$',
            description: "The revision to use; default: the flake.lock input's locked rev.",
          },
          input: { type: 'string', description: "The flake input that is this domain; default: the domain's name." },
        },
      },
    },
  };
}
