// The oracle's passes over real core: what every attribute is, the calls and inputs that made
// it, and — for each edit site — which attributes get a new output path. Each pass keeps its
// result in the work folder, so an interrupted run picks up where it stopped.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bisect, nixEval } from './nixEval';
import { callFiles, describeAttributes, describeCalls, describeInputs, importCore, memberNames, outPaths } from './expressions';

/** What Nix says about one attribute (paths still as Nix prints them). */
export interface RawAttribute {
  kind: string;
  binding?: string | null;
  drvPath?: string;
  out?: string;
  name?: string;
  position?: string | null;
  fns?: Array<string | null> | null;
  fixedOutput?: boolean | null;
  /** Why evaluating the attribute aborts (not caught by `tryEval`). */
  error?: string;
}

export interface RawCall {
  fn: string | null;
  missing: string[];
  inputs: string[];
}

export interface RawInput {
  kind: string;
  name?: string | null;
  position?: string | null;
  fns?: Array<string | null> | null;
}

/** Logs one line of progress to stderr. */
export function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** Runs `compute` unless the work folder already holds its result. */
export async function checkpoint<T>(work: string, name: string, compute: () => Promise<T>): Promise<T> {
  const file = path.join(work, `${name}.json`);
  if (existsSync(file)) {
    log(`${name}: reusing ${file}`);
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  }
  const value = await compute();
  writeFileSync(file, JSON.stringify(value));
  return value;
}

function progress(label: string, total: number): (done: number) => void {
  let last = 0;
  return (done) => {
    if (done - last >= 100 || done === total) {
      last = done;
      log(`${label}: ${done}/${total}`);
    }
  };
}

/**
 * Describes the top-level attributes and, recursively, the members of sets marked
 * `recurseForDerivations` (as nixpkgs' CI walks the package set). `knownFailures` (from the
 * previous oracle) are evaluated one by one instead of being bisected out of a batch again.
 */
export async function describeAll(root: string, knownFailures: ReadonlySet<string>): Promise<Record<string, RawAttribute>> {
  const result: Record<string, RawAttribute> = {};
  let level = (await nixEval(`builtins.attrNames (${importCore(root)})`)) as string[];
  for (let depth = 0; level.length > 0 && depth < 3; depth++) {
    const doubtful = level.filter((a) => knownFailures.has(a));
    const likely = level.filter((a) => !knownFailures.has(a));
    for (const [items, size] of [
      [likely, 48],
      [doubtful, 1],
    ] as const) {
      const described = await bisect(
        items,
        (b) => nixEval(describeAttributes(root, b)) as Promise<Record<string, RawAttribute>>,
        size,
        progress(`attributes (depth ${depth}, batch ${size})`, items.length),
      );
      for (const [attr, value] of described.ok) result[attr] = value;
      for (const [attr, error] of described.failed) result[attr] = { kind: 'fails', error };
    }
    const sets = level.filter((a) => result[a]?.kind === 'recursive set');
    if (sets.length === 0) break;
    const members = (await nixEval(memberNames(root, sets))) as Record<string, string[]>;
    level = sets.flatMap((set) => members[set]!.filter((m) => !m.includes('.')).map((m) => `${set}.${m}`));
  }
  return result;
}

/** The callPackage calls of every attribute that is a set (a derivation, or a failing package's stand-in). */
export async function callsOfAll(root: string, attrs: readonly string[]): Promise<Record<string, RawCall[]>> {
  const described = await bisect(
    attrs,
    (b) => nixEval(describeCalls(root, b)) as Promise<Record<string, RawCall[]>>,
    64,
    progress('calls', attrs.length),
  );
  const result: Record<string, RawCall[]> = {};
  for (const [attr, calls] of described.ok) if (calls.length > 0) result[attr] = calls;
  for (const [attr, error] of described.failed) log(`calls: ${attr} aborts: ${error}`);
  return result;
}

/**
 * What each input of each call was (items `attr#call#input`); an input that aborts is recorded as
 * such. Attributes with the same derivation (aliases) share their calls: only `attrs` are asked.
 */
export async function inputsOfAll(
  root: string,
  calls: Record<string, RawCall[]>,
  attrs: ReadonlySet<string>,
): Promise<Record<string, RawInput>> {
  const items = Object.entries(calls)
    .filter(([attr]) => attrs.has(attr))
    .flatMap(([attr, list]) => list.flatMap((call, i) => call.inputs.map((input) => `${attr}#${i}#${input}`)));
  const described = await bisect(
    items,
    (b) => nixEval(describeInputs(root, b)) as Promise<Record<string, RawInput>>,
    400,
    progress('inputs', items.length),
  );
  const result: Record<string, RawInput> = Object.fromEntries(described.ok);
  for (const [item, error] of described.failed) result[item] = { kind: 'fails', name: error };
  return result;
}

/** The output path of every attribute of `universe` in the tree at `root`; attributes that abort are left out. */
export async function outPathsOf(root: string, universe: readonly string[]): Promise<Record<string, string>> {
  try {
    return (await nixEval(outPaths(root, universe))) as Record<string, string>;
  } catch {
    const described = await bisect(universe, (b) => nixEval(outPaths(root, b)) as Promise<Record<string, string>>, 64);
    return Object.fromEntries(described.ok);
  }
}

/**
 * The package files no evaluated attribute calls (tests, fetchers of other backends, unused
 * versions), called from the top-level set: what callPackage passes them and cannot find.
 * Files that are no package function (callPackage cannot call them) come back as null.
 */
export async function callsOfUncalled(
  root: string,
  files: readonly string[],
): Promise<Record<string, { missing: string[]; inputs: string[] } | null>> {
  const described = await bisect(
    files,
    (b) => nixEval(callFiles(root, b)) as Promise<Record<string, { missing: string[]; inputs: string[] } | null>>,
    32,
    progress('uncalled files', files.length),
  );
  return Object.fromEntries([...described.ok, ...[...described.failed.keys()].map((f): [string, null] => [f, null])]);
}
