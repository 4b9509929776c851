// The checked-in oracle of the real core (test/fixtures/real-core-oracle/, written by
// scripts/real-core-oracle.ts with Nix): what the accuracy tests compare the static answers with.
// Reading it needs no Nix.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ORACLE_DIR = path.join(__dirname, '..', 'fixtures', 'real-core-oracle');

/** The values an input received: attribute names (`=zlib`), derivation keys, kinds. */
export function inputValues(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

interface OracleSource {
  bundle: string;
  commit: string;
  nix: string;
  system: string;
  universe: string;
}

/** What Nix says one attribute is. */
interface OracleAttribute {
  /** `derivation`, `set`, `recursive set`, `lambda`, …; `throws` (caught by tryEval); `fails` (aborts evaluation). */
  kind: string;
  name?: string;
  /** Hashes of the drvPath and the output path. */
  drv?: string;
  out?: string;
  /** `meta.position` (file:line, relative to core's root). */
  position?: string;
  /** Where the attribute is bound (`builtins.unsafeGetAttrPos`). */
  binding?: string;
  /** The files callPackage was given on the way to the value, outermost first. */
  fns?: string[];
  fixedOutput?: true;
  error?: string;
}

/**
 * What one package file was called with, over every call of it: the attributes it made, the
 * inputs callPackage could not find, and each input — `=attr` (a derivation that is that
 * attribute), `=name@position` (another derivation, in `derivations`), else the kind of value;
 * a list when calls gave different values.
 */
interface OracleFile {
  by: string[];
  missing?: string[];
  inputs: Record<string, string | string[]>;
}

interface OracleInputDerivation {
  name?: string;
  position?: string;
  fns?: string[];
}

/** What one edit (an attribute added to a package's mkDerivation call) rebuilds. */
interface OracleEdit {
  /** The attributes whose derivation is made at this site (by their meta.position). */
  packages: string[];
  /** Top-level attributes whose output path changed: `rebuilds`, or all but `allBut`. */
  count: number;
  rebuilds?: string[];
  allBut?: string[];
  /** Members of recursive sets that changed, counted per set. */
  members?: Record<string, number>;
  broken?: string[];
}

export interface Oracle {
  source: OracleSource;
  lib: { maintainers: string[]; teams: string[] };
  attributes: Record<string, OracleAttribute>;
  files: Record<string, OracleFile>;
  derivations: Record<string, OracleInputDerivation>;
  sites: Record<string, OracleEdit>;
  noSite: Record<string, string>;
}

function read<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(ORACLE_DIR, name), 'utf8')) as T;
}

let cached: Oracle | undefined;

/** The oracle, read once per process. */
export function loadOracle(): Oracle {
  if (cached) return cached;
  const attributes = read<Pick<Oracle, 'source' | 'lib' | 'attributes'>>('attributes.json');
  const calls = read<Pick<Oracle, 'files' | 'derivations'>>('calls.json');
  const rebuilds = read<Pick<Oracle, 'sites' | 'noSite'>>('rebuilds.json');
  cached = { ...attributes, files: calls.files, derivations: calls.derivations, sites: rebuilds.sites, noSite: rebuilds.noSite };
  return cached;
}

/** The attributes that evaluate to derivations: the names a rebuild is counted in. */
export function universe(oracle: Oracle, options: { topLevelOnly?: boolean } = {}): string[] {
  return Object.keys(oracle.attributes)
    .filter((a) => oracle.attributes[a]!.kind === 'derivation' && (!options.topLevelOnly || !a.includes('.')))
    .sort();
}

/** The top-level attributes an edit rebuilds, as a set. */
export function rebuildsOf(oracle: Oracle, site: string): Set<string> {
  const edit = oracle.sites[site];
  if (!edit) throw new Error(`the oracle has no edit at ${site}`);
  if (edit.rebuilds) return new Set(edit.rebuilds);
  const spared = new Set(edit.allBut ?? []);
  return new Set(universe(oracle, { topLevelOnly: true }).filter((a) => !spared.has(a)));
}

/** `file:line` → file. */
export function fileOf(position: string): string {
  return position.replace(/:\d+$/, '');
}
