// From what Nix printed to the oracle's checked-in form: paths relative to core's root (package
// groups are evaluated from their copies in the store), store paths reduced to their hash, one
// attribute per line so a diff of two oracles reads like a list of changes.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { RawAttribute, RawCall, RawInput } from './collect';

/** Maps the paths Nix prints back to paths relative to core's root. */
export class PathMapper {
  private readonly prefixes: Array<[string, string]>;

  /**
   * `roots` are the copies of core that were evaluated; `storeFolders` pairs a folder (relative)
   * with the store path of its copy (one pair per copy of core whose folder differs).
   */
  constructor(
    private readonly pristine: string,
    roots: readonly string[],
    storeFolders: ReadonlyArray<[string, string]>,
    storeRoot = '',
  ) {
    // A store of its own (`local?root=…`) keeps its paths under that root on disk; Nix prints either.
    const stores = storeRoot ? ['', storeRoot] : [''];
    this.prefixes = [
      ...roots.map((r): [string, string] => [`${r}/`, '']),
      ...stores.flatMap((s) => storeFolders.map(([folder, store]): [string, string] => [`${s}${store}/`, `${folder}/`])),
      ...(storeRoot ? [[`${storeRoot}/`, '/'] as [string, string]] : []),
    ].sort((a, b) => b[0].length - a[0].length);
  }

  /** A file path (or `file:line`) relative to core's root, when it lies inside core. */
  file(printed: string): string {
    // `callPackage ./. { }` inside a package group names the group's folder itself.
    const folder = /^(.*?)(:\d+)?$/.exec(printed)!;
    const withSlash = folder[2] === undefined && !printed.endsWith('/') ? `${printed}/` : printed;
    for (const [prefix, replacement] of this.prefixes) {
      if (withSlash.startsWith(prefix)) return this.withDefaultNix((replacement + withSlash.slice(prefix.length)).replace(/\/$/, ''));
    }
    return printed;
  }

  /** Every path inside a message, relative. */
  message(text: string): string {
    let out = text;
    for (const [prefix, replacement] of this.prefixes) out = out.split(prefix).join(replacement);
    return out;
  }

  // `callPackage ./cpython { }` names a folder; Nix reads its default.nix.
  private withDefaultNix(relative: string): string {
    if (/:\d+$/.test(relative)) return relative;
    const full = path.join(this.pristine, relative);
    return existsSync(full) && statSync(full).isDirectory() ? `${relative}/default.nix` : relative;
  }
}

/** The hash part of a store path (`/nix/store/<hash>-name`). */
function storeHash(storePath: string): string {
  return path.basename(storePath).slice(0, 32);
}

export interface OracleAttribute {
  kind: string;
  name?: string;
  drv?: string;
  out?: string;
  position?: string;
  binding?: string;
  fns?: string[];
  fixedOutput?: true;
  error?: string;
}

/** The checked-in form of one attribute. */
export function shapeAttribute(raw: RawAttribute, paths: PathMapper): OracleAttribute {
  const out: OracleAttribute = { kind: raw.kind };
  if (raw.name) out.name = raw.name;
  if (raw.drvPath) out.drv = storeHash(raw.drvPath);
  if (raw.out) out.out = storeHash(raw.out);
  if (raw.position) out.position = paths.file(raw.position);
  if (raw.binding) out.binding = paths.file(raw.binding);
  // A call of a function (not a file) has no file to name.
  const fns = (raw.fns ?? []).filter((f): f is string => typeof f === 'string');
  if (fns.length > 0) out.fns = fns.map((f) => paths.file(f));
  if (raw.fixedOutput) out.fixedOutput = true;
  if (raw.error) out.error = paths.message(raw.error);
  return out;
}

/**
 * What one package file was called with, over every call of it the oracle saw: the attributes
 * it made, the inputs callPackage could not find, and each input's value — `=attr` for a
 * derivation that is an attribute (same name and meta.position), `=name@position` for another
 * derivation (listed in `derivations`), else the kind of value; a list when calls differed. A file
 * no attribute reaches has `by` empty: the oracle called it from the top level and did not
 * evaluate its inputs (`unevaluated`).
 */
export interface OracleFile {
  by: string[];
  missing?: string[];
  inputs: Record<string, string | string[]>;
}
export interface OracleInputDerivation {
  name?: string;
  position?: string;
  fns?: string[];
}

/** The checked-in form of the calls, by package file. `sameAs` maps an alias to the attribute whose inputs stand for it. */
export function shapeCalls(
  calls: Record<string, RawCall[]>,
  inputs: Record<string, RawInput>,
  sameAs: ReadonlyMap<string, string>,
  attributes: Record<string, OracleAttribute>,
  paths: PathMapper,
  uncalled: Record<string, { missing: string[]; inputs: string[] } | null> = {},
): { files: Record<string, OracleFile>; derivations: Record<string, OracleInputDerivation> } {
  const attributeByKey = new Map<string, string>();
  for (const [attr, a] of Object.entries(attributes).sort(([x], [y]) => x.length - y.length || x.localeCompare(y))) {
    if (a.kind === 'derivation' && a.name && a.position && !attributeByKey.has(`${a.name}@${a.position}`))
      attributeByKey.set(`${a.name}@${a.position}`, attr);
  }
  const derivations: Record<string, OracleInputDerivation> = {};
  const files = new Map<string, { by: Set<string>; missing: Set<string>; inputs: Map<string, Set<string>> }>();
  for (const [attr, list] of Object.entries(calls)) {
    list.forEach((call, i) => {
      if (call.fn === null) return;
      const fn = paths.file(call.fn);
      let file = files.get(fn);
      if (!file) files.set(fn, (file = { by: new Set(), missing: new Set(), inputs: new Map() }));
      if (i === 0) file.by.add(attr);
      for (const m of call.missing) file.missing.add(m);
      for (const name of call.inputs) {
        const input = inputs[`${sameAs.get(attr) ?? attr}#${i}#${name}`];
        let value = input?.kind ?? 'unknown';
        if (input?.kind === 'derivation') {
          const position = input.position ? paths.file(input.position) : undefined;
          const key = `${input.name ?? '?'}@${position ?? '?'}`;
          const named = attributeByKey.get(key);
          if (!named) {
            derivations[key] ??= {
              ...(input.name ? { name: input.name } : {}),
              ...(position ? { position } : {}),
              ...(fnsOf(input.fns).length > 0 ? { fns: fnsOf(input.fns).map((f) => paths.file(f)) } : {}),
            };
          }
          value = `=${named ?? key}`;
        }
        if (!file.inputs.has(name)) file.inputs.set(name, new Set());
        file.inputs.get(name)!.add(value);
      }
    });
  }
  // Files no attribute reaches, called by the oracle from the top level: inputs by name only.
  for (const [fn, call] of Object.entries(uncalled)) {
    if (!call || files.has(fn)) continue;
    files.set(fn, {
      by: new Set(),
      missing: new Set(call.missing),
      inputs: new Map(call.inputs.map((n) => [n, new Set(['unevaluated'])])),
    });
  }
  const shaped: Record<string, OracleFile> = {};
  for (const fn of [...files.keys()].sort()) {
    const file = files.get(fn)!;
    const entries = [...file.inputs]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, values]): [string, string | string[]] => [name, values.size === 1 ? [...values][0]! : [...values].sort()]);
    shaped[fn] = {
      by: [...file.by].sort(),
      ...(file.missing.size > 0 ? { missing: [...file.missing].sort() } : {}),
      inputs: Object.fromEntries(entries),
    };
  }
  return { files: shaped, derivations: Object.fromEntries(Object.entries(derivations).sort(([a], [b]) => a.localeCompare(b))) };
}

function fnsOf(fns: ReadonlyArray<string | null> | null | undefined): string[] {
  return (fns ?? []).filter((f): f is string => typeof f === 'string');
}

/** JSON with one entry of each named top-level map per line: reviewable diffs, no pretty-printed sprawl. */
export function stringifyByLine(value: Record<string, unknown>): string {
  const parts = Object.entries(value).map(([key, inner]) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length > 0) {
      const lines = Object.entries(inner as Record<string, unknown>).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
      return `  ${JSON.stringify(key)}: {\n${lines.join(',\n')}\n  }`;
    }
    return `  ${JSON.stringify(key)}: ${JSON.stringify(inner)}`;
  });
  return `{\n${parts.join(',\n')}\n}\n`;
}
