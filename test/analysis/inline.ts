// A domain written inline in a test: files as text, one `|` marking the cursor. The files are
// opened in an analyzer over an empty folder (nothing read from disk, no git), so a test reads
// like the situation it checks, as rust-analyzer's and yaml-language-server's do.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { Budget } from '../../server/src/analysis/budget';
import type { Position } from '../../server/src/analysis/features/locate';
import { DomainSession } from '../../server/src/analysis/session';

/** A domain built from inline files, and where the cursor is. */
export interface Situation {
  session: DomainSession;
  file: string;
  pos: Position;
}

/** The files of a domain, path → text; exactly one text holds the cursor `|`. */
export type Files = Record<string, string>;

/** Builds the domain: every file opened in one analyzer, the cursor found and removed. */
export async function situation(files: Files, domain = 'core'): Promise<Situation> {
  const root = mkdtempSync(path.join(tmpdir(), 'nix-domains-inline-'));
  const analyzer = await Analyzer.create(root, domain, { cacheDir: null, indexWorkers: 0, useGit: false });
  let cursor: { file: string; pos: Position } | undefined;
  let version = 1;
  for (const [file, marked] of Object.entries(files)) {
    const at = marked.indexOf('|');
    if (at >= 0) {
      if (cursor) throw new Error(`two cursors: ${cursor.file} and ${file}`);
      const before = marked.slice(0, at).split('\n');
      cursor = { file, pos: { line: before.length - 1, character: before[before.length - 1]!.length } };
    }
    analyzer.openDocument(file, at >= 0 ? marked.slice(0, at) + marked.slice(at + 1) : marked, version++);
  }
  if (!cursor) throw new Error('no cursor (|) in any file');
  analyzer.isIndexed = true;
  const session = new DomainSession(analyzer, { trusted: false, stubLog: () => undefined, problem: () => undefined });
  return { session, ...cursor };
}

/** A budget with no deadline. */
export const unlimited = (): Budget => new Budget();

/** A small package set: a top-level file calling a by-name package and an alias chain. */
export const TOP = 'pkgs/top-level/all-packages.nix';

/**
 * A top-level file binding `count` packages, each built from the one before it, and a by-name
 * `hello` taking `p0` (the cursor on it). An open document of more than about 250 KB is not
 * analysed: 4,000 bindings at most.
 */
export function chainedPackages(count: number): Files {
  const lines = ['{ callPackage, stdenv }:', '{'];
  for (let i = 0; i < count; i++) lines.push(`  p${i} = callPackage ../pkg.nix { ${i > 0 ? `dep = p${i - 1}; ` : ''}};`);
  lines.push('}');
  return {
    [TOP]: lines.join('\n'),
    'pkgs/pkg.nix': '{ stdenv, dep ? null }:\nstdenv.mkDerivation { pname = "p"; version = "1"; buildInputs = [ dep ]; }\n',
    'pkgs/by-name/he/hello/package.nix':
      '{ stdenv, p0 }:\nstdenv.mkDerivation { pname = "hello"; version = "1"; buildInputs = [ p|0 ]; }\n',
  };
}
