// Where the benchmark asks its questions: random package files of the domain and meaningful
// places in them (function inputs, `lib.` selections, names in build-input lists), drawn from
// a seeded generator so two runs ask the same questions.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Random } from '../bench-gen/random';

/** A package file of the domain. */
export interface PackageFile {
  /** Absolute path. */
  file: string;
  /** The package's name (its folder). */
  name: string;
}

/** A place worth asking about: a name, where it starts, and what kind of name it is. */
export interface Spot {
  file: string;
  line: number;
  character: number;
  name: string;
  kind: 'input' | 'lib' | 'build-input';
}

/** An opened file with the spots found in it. */
export interface OpenFile {
  file: string;
  text: string;
  spots: Spot[];
}

const PACKAGE_FILE = /^pkgs\/(?:by-name\/[^/]+\/([^/]+)\/package\.nix|development\/(?:[^/]+\/)*([^/]+)\/(?:default|package)\.nix)$/;

/** Every package file of the domain at `root` (by-name packages and `pkgs/development`), sorted. */
export function listPackageFiles(root: string): PackageFile[] {
  const out: PackageFile[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else {
        const match = PACKAGE_FILE.exec(child);
        if (match) out.push({ file: path.join(root, child), name: (match[1] ?? match[2])! });
      }
    }
  };
  for (const top of ['pkgs/by-name', 'pkgs/development']) walk(top);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const IDENT = /[A-Za-z_][\w'-]*/g;

/** The spots of a package file: its formals, `lib.x` selections and names in `…Inputs = [ … ]` lists. */
export function spotsOf(file: string, text: string): Spot[] {
  const spots: Spot[] = [];
  const lines = text.split('\n');
  let inFormals = lines[0]?.trim() === '{';
  lines.forEach((line, index) => {
    if (inFormals) {
      if (/^\s*\}\s*:/.test(line)) inFormals = false;
      const formal = /^(\s*)([A-Za-z_][\w'-]*)\s*,?\s*$/.exec(line);
      if (formal) spots.push({ file, line: index, character: formal[1]!.length, name: formal[2]!, kind: 'input' });
      return;
    }
    for (const m of line.matchAll(/\blib\.([A-Za-z_][\w'-]*)/g)) {
      spots.push({ file, line: index, character: m.index! + 4, name: m[1]!, kind: 'lib' });
    }
    const list = /^(\s*\w*[bB]uildInputs = \[)([^\]]*)\]/.exec(line);
    if (list) {
      for (const m of list[2]!.matchAll(IDENT)) {
        spots.push({ file, line: index, character: list[1]!.length + m.index!, name: m[0], kind: 'build-input' });
      }
    }
  });
  return spots;
}

/** Reads `count` distinct random package files (or all of them) with their spots. */
export function sampleFiles(files: readonly PackageFile[], count: number, random: Random): OpenFile[] {
  return random
    .shuffled(files)
    .slice(0, count)
    .map(({ file }) => {
      const text = readFileSync(file, 'utf8');
      return { file, text, spots: spotsOf(file, text) };
    })
    .filter((f) => f.spots.length > 0);
}

/** A random spot: a random file, then a random kind of spot it has, then one of those. */
export function randomSpot(files: readonly OpenFile[], random: Random): Spot {
  const { spots } = random.pick(files);
  const kinds = [...new Set(spots.map((s) => s.kind))];
  const kind = random.pick(kinds);
  return random.pick(spots.filter((s) => s.kind === kind));
}

/** A position inside the spot's name (for hover, definition and references). */
export function inside(spot: Spot, random: Random): { line: number; character: number } {
  return { line: spot.line, character: spot.character + random.int(0, spot.name.length - 1) };
}

/**
 * A position where a user would ask for completion: after a prefix of the name (right after
 * the dot, for `lib.`).
 */
export function completionPoint(spot: Spot, random: Random): { line: number; character: number } {
  return { line: spot.line, character: spot.character + random.int(spot.kind === 'lib' ? 0 : 1, spot.name.length) };
}

/** A workspace-symbol query: the first 2–5 characters of a random package's name. */
export function symbolQuery(files: readonly PackageFile[], random: Random): string {
  const name = random.pick(files).name;
  return name.slice(0, Math.min(name.length, random.int(2, 5)));
}
