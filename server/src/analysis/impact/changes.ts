// From a branch's changes to the packages they change. The changes are those of the working
// tree against the merge base of the base ref and HEAD: what the branch committed (as a pull
// request shows it, `REF...HEAD`) plus what is not committed yet (staged, unstaged and untracked
// files), so a reviewer sees the same answer before and after committing. In CI the working
// tree is clean and this is exactly the pull request's diff.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Analyzer } from '../analyzer';
import type { Binding } from '../domainIndex';
import type { Package } from '../packages';
import type { RebuildModel } from './closure';

const run = promisify(execFile);

/** One changed file, relative to the domain root. */
interface ChangedFile {
  /** git's status letter: A(dded), M(odified), D(eleted), R(enamed), T(ype change); U for untracked. */
  status: string;
  path: string;
}

/** The changed files and, for files whose lines matter (package sets), the changed line ranges. */
export interface BranchChanges {
  base: string;
  mergeBase: string;
  files: ChangedFile[];
  /** 0-based inclusive line ranges of the new text, by file; an empty range [l, l-1] is a deletion after line l-1. */
  lines: Map<string, [number, number][]>;
}

/** What a changed file changes. */
export interface FileImpact extends ChangedFile {
  /** Attribute paths of the packages it changes. */
  packages: string[];
  /** The file is part of stdenv itself. */
  stdenv: boolean;
  /** How the file was mapped: a package's file, lines of a package set, the folder of a package, or nothing. */
  via: 'package file' | 'package set lines' | 'package folder' | 'stdenv' | 'none';
}

/** The packages a branch changes. */
export interface ChangedPackages {
  files: FileImpact[];
  packages: Package[];
  stdenvChanged: boolean;
}

async function git(root: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: root, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** The files (and package-set lines) the working tree changes against the merge base of `base` and HEAD. */
export async function branchChanges(root: string, base: string): Promise<BranchChanges> {
  const mergeBase = (await git(root, ['merge-base', base, 'HEAD'])).trim();
  // --relative limits the diff to the domain's folder and gives paths relative to it.
  const nameStatus = await git(root, ['diff', '--relative', '--name-status', '-z', '--no-renames', mergeBase, '--']);
  const parts = nameStatus.split('\0').filter((p) => p.length > 0);
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) files.push({ status: parts[i]!.charAt(0), path: parts[i + 1]! });
  const untracked = await git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  for (const file of untracked.split('\0')) if (file) files.push({ status: 'U', path: file });
  files.sort((a, b) => a.path.localeCompare(b.path));
  const nix = files.filter((f) => f.status !== 'D' && f.status !== 'U' && f.path.endsWith('.nix')).map((f) => f.path);
  const lines =
    nix.length > 0 ? parseHunks(await git(root, ['diff', '--relative', '-U0', '--no-renames', mergeBase, '--', ...nix])) : new Map();
  return { base, mergeBase, files, lines };
}

/** The changed line ranges of a unified diff with no context (`-U0`), by file (0-based, new side). */
export function parseHunks(diff: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  let current: [number, number][] | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const name = line.slice(4);
      current = name === '/dev/null' ? undefined : [];
      if (current) out.set(name.replace(/^b\//, ''), current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      // With count 0 (a deletion), start is the line before the deleted ones.
      current.push(count === 0 ? [start, start - 1] : [start - 1, start + count - 2]);
    }
  }
  return out;
}

/** Maps changed files to the packages they change, with the current index of the domain. */
export function changedPackages(analyzer: Analyzer, model: RebuildModel, changes: Pick<BranchChanges, 'files' | 'lines'>): ChangedPackages {
  const { index, catalog } = analyzer;
  const byFolder = packagesByFolder(analyzer);
  const changed = new Map<Package, true>();
  let stdenvChanged = false;
  const files = changes.files.map((file): FileImpact => {
    const found = new Set<Package>();
    let via: FileImpact['via'] = 'none';
    const stdenv = model.stdenv.files.has(file.path);
    if (stdenv) {
      stdenvChanged = true;
      via = 'stdenv';
    }
    const bindings = index.bindingsOf(file.path);
    if (bindings.length > 0) {
      for (const pkg of bindingsOnLines(analyzer, bindings, changes.lines.get(file.path) ?? wholeFile(file))) found.add(pkg);
      // A change outside every binding (a `let` helper the bindings share, openssl's `common`):
      // every package the file defines.
      if (found.size === 0 && file.status !== 'D')
        for (const pkg of bindingsOnLines(analyzer, bindings, [[0, Number.MAX_SAFE_INTEGER]])) found.add(pkg);
      via = 'package set lines';
    } else if (!stdenv) {
      const own = index.files.has(file.path) ? catalog.packagesInFile(file.path) : [];
      if (own.length > 0) {
        for (const p of own) found.add(p);
        via = 'package file';
      } else {
        // A patch, a `common.nix`, a deleted file: the packages of the nearest folder that has some.
        for (let dir = path.posix.dirname(file.path); ; dir = path.posix.dirname(dir)) {
          const inFolder = byFolder.get(dir === '.' ? '' : dir);
          if (inFolder) {
            for (const p of inFolder) found.add(p);
            via = 'package folder';
            break;
          }
          if (dir === '.' || dir === '' || dir === '/') break;
        }
      }
    }
    for (const pkg of found) changed.set(pkg, true);
    return { ...file, packages: [...found].map((p) => p.attrPath).sort(), stdenv, via };
  });
  return { files, packages: [...changed.keys()], stdenvChanged };
}

// A file with no hunks (added, or not diffed): every line counts.
function wholeFile(file: ChangedFile): [number, number][] {
  return file.status === 'D' ? [] : [[0, Number.MAX_SAFE_INTEGER]];
}

// The packages whose binding spans a changed line: a nested binding wins over the set around it,
// and a set that is no package (`xorg = { … }`) counts only through its members.
function bindingsOnLines(analyzer: Analyzer, bindings: readonly Binding[], ranges: readonly [number, number][]): Package[] {
  const out: Package[] = [];
  for (const binding of bindings) {
    const first = binding.span[0];
    const last = Math.max(binding.span[2], binding.val.span[2]);
    // A deletion ([l, l-1]) hits a binding that spans both sides of it.
    const hit = ranges.some(([from, to]) => (to < from ? first <= to && from <= last : from <= last && to >= first));
    if (!hit) continue;
    const target = analyzer.resolver.resolveBinding(binding);
    const pkg = target && analyzer.catalog.packageAt(target);
    if (pkg && !out.includes(pkg)) out.push(pkg);
  }
  return out;
}

// Folders of package files (by-name folders, `pkgs/…/openssl/`), with their packages. Package-set
// files are left out: their folder (pkgs/top-level) is no package's folder.
function packagesByFolder(analyzer: Analyzer): Map<string, Package[]> {
  const map = new Map<string, Package[]>();
  for (const pkg of analyzer.catalog.all()) {
    const file = pkg.target.file;
    if (pkg.binding?.val.k === 'inline' || (analyzer.index.bindingsOf(file).length > 0 && !analyzer.index.groupFiles.has(file))) continue;
    const dir = path.posix.dirname(file);
    const key = dir === '.' ? '' : dir;
    const list = map.get(key);
    if (list) list.push(pkg);
    else map.set(key, [pkg]);
  }
  return map;
}
