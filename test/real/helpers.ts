// Shared pieces of the tests on the real domains: sessions over clones of the Aux bundles, indexed
// once per test process with their own index cache, and the real CLI.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Budget } from '../../server/src/analysis/budget';
import { DomainSession } from '../../server/src/analysis/session';
import { corpusClone, type CorpusDomain } from '../corpus';
import { cursor } from '../helpers';

const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');
export const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');

/** A folder for index and stub caches of this test process (tests never share the user's cache). */
export const CACHE = mkdtempSync(path.join(tmpdir(), 'nix-domains-real-cache-'));

const sessions = new Map<string, Promise<DomainSession>>();

/** What a session reported (stub fetches and refusals, manifest problems). */
const reported: string[] = [];

/** An indexed session over a clone of a real domain (or any folder), made once per process. */
export function realSession(domainOrRoot: CorpusDomain | string, options: { stubCacheDir?: string } = {}): Promise<DomainSession> {
  const root = path.isAbsolute(domainOrRoot) ? domainOrRoot : corpusClone(domainOrRoot as CorpusDomain);
  let session = sessions.get(root);
  if (!session) {
    session = DomainSession.open(root, {
      trusted: true,
      stubLog: (m) => reported.push(m),
      problem: (p) => reported.push(p.message),
      stubCacheDir: options.stubCacheDir ?? path.join(CACHE, 'stubs'),
      analyzer: { cacheDir: path.join(CACHE, 'index'), log: (m) => reported.push(m) },
    }).then(async (s) => {
      await s.analyzer.indexAll();
      return s;
    });
    sessions.set(root, session);
  }
  return session;
}

/** A budget with no deadline (these tests check answers, not time). */
export function unlimited(): Budget {
  return new Budget();
}

/** The cursor of a marked needle (`'std|env'`) in a file of a session's domain. */
export function at(session: DomainSession, file: string, marked: string): { line: number; character: number } {
  return cursor(session.analyzer.root, file, marked);
}

/** Runs the built CLI; its stdout, or the failure with stderr. */
export async function cli(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], {
    ...(cwd ? { cwd } : {}),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
    env: { ...process.env, NIX_DOMAINS_CACHE_DIR: path.join(CACHE, 'cli') },
  });
  return stdout;
}
