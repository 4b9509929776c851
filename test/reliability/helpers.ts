// Shared pieces of the reliability tests: temporary domains (real git repositories where it
// matters), a session with the real server over stdio that records every problem it tells the
// user, and positions of needles in fixture text.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { LspClient } from '../../server/src/cli/lspClient';
import { PROBLEM_NOTIFICATION, type ProblemParams } from '../../shared/protocol';

const SERVER = path.join(__dirname, '..', '..', 'dist', 'server.js');
export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

const temps: string[] = [];

/** A fresh temporary folder, removed by `removeTemps`. */
export function temp(prefix = 'nd-rel-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Writes files (domain-relative path → content) under `root`. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

/** Commits everything in `root` to a new git repository. */
function gitCommitAll(root: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
      stdio: 'pipe',
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'domain');
}

/** Two small packages: `hello` takes `zlib`. Every bad-input domain has them, to ask the next request. */
export const HELLO = 'pkgs/by-name/he/hello/package.nix';
export const ZLIB = 'pkgs/by-name/zl/zlib/package.nix';
export const GOOD_FILES: Record<string, string> = {
  [HELLO]: '{ stdenv, zlib }:\nstdenv.mkDerivation {\n  pname = "hello";\n  version = "2.12";\n  buildInputs = [ zlib ];\n}\n',
  [ZLIB]: '{ stdenv }:\nstdenv.mkDerivation {\n  pname = "zlib";\n  version = "1.3";\n}\n',
};

/** A domain in a temporary folder: the good files plus `files`; a git repository unless `git: false`. */
export function domain(files: Record<string, string | Buffer>, options: { git?: boolean; name?: string } = {}): string {
  const root = path.join(temp(), options.name ?? 'dom');
  mkdirSync(root);
  writeFiles(root, { ...GOOD_FILES, ...files });
  if (options.git !== false) gitCommitAll(root);
  return root;
}

/** The position just inside `needle` (its second character) in `text`. */
export function at(text: string, needle: string, offset = 1): { line: number; character: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** A running server on a domain: every problem it told the user, in order. */
export interface Session {
  client: LspClient;
  root: string;
  problems: string[];
  cacheHome: string;
  /** Resolves with the first problem (already told or still to come) matching `pattern`; fails naming it when none comes in time. */
  problem(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts the real server on `root` with its own cache folder (XDG_CACHE_HOME), and waits for the
 * index. HTTP keeps the server's own timeouts: a test that needs a short one passes
 * `NIX_DOMAINS_HTTP_TIMEOUT_MS` in `env`, so fetches that should succeed are never cut short.
 */
export async function startSession(
  root: string,
  options: { cacheHome?: string; env?: NodeJS.ProcessEnv; waitForIndex?: boolean } = {},
): Promise<Session> {
  const cacheHome = options.cacheHome ?? temp('nd-cache-');
  const client = await LspClient.start(root, SERVER, undefined, {
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, NIX_DOMAINS_CACHE_DIR: '', NIX_DOMAINS_INDEX_WORKERS: '0', ...options.env },
  });
  const problems: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: string) => void }[] = [];
  client.connection.onNotification(PROBLEM_NOTIFICATION, (p: ProblemParams) => {
    // As the user reads it: what happened, then what to check.
    const told = p.hint ? `${p.message}. ${p.hint}` : p.message;
    problems.push(told);
    for (const w of [...waiters]) {
      if (w.pattern.test(told)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(told);
      }
    }
  });
  if (options.waitForIndex !== false) {
    // A session that never gets going leaves no server behind.
    await client.waitForIndex().catch(async (err: unknown) => {
      await client.stop();
      throw err;
    });
  }
  return {
    client,
    root,
    problems,
    cacheHome,
    problem: (pattern) => {
      const told = problems.find((m) => pattern.test(m));
      if (told) return Promise.resolve(told);
      const waiter = { pattern, resolve: (_: string) => {} };
      const arrived = new Promise<string>((resolve) => {
        waiter.resolve = resolve;
        waiters.push(waiter);
      });
      return client
        .within(arrived, `a nixDomains/problem matching ${pattern}`)
        .catch((err: Error) => {
          throw new Error(`${err.message} (problems told: ${problems.join(' | ') || 'none'})`);
        })
        .finally(() => waiters.includes(waiter) && waiters.splice(waiters.indexOf(waiter), 1));
    },
    stop: () => client.stop(),
  };
}

export const uriOf = (file: string) => URI.file(file).toString();

/** Sends a whole-text change of an open document. */
export async function change(client: LspClient, uri: string, version: number, text: string): Promise<void> {
  await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
}

/** Opens a document and returns its first published diagnostics, messages as plain strings. */
export async function diagnosticsOf(
  s: Session,
  file: string,
  text: string,
): Promise<{ code?: string | number; message: string; range: { start: { line: number } } }[]> {
  const uri = uriOf(path.join(s.root, file));
  const published = s.client.nextDiagnostics(uri);
  await s.client.open(path.join(s.root, file), text);
  return (await published).diagnostics.map((d) => ({ ...d, message: typeof d.message === 'string' ? d.message : d.message.value }));
}
