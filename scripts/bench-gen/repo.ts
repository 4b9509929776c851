// Writing a domain to disk as a git repository whose commit id depends only on its files:
// fixed author, committer and date, and no user or system git configuration.
import { execFile, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { OutFile } from './package-file.js';

const run = promisify(execFile);

const FIXED_TIME = 1735689600; // 2025-01-01T00:00:00Z

const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Nix Domains Bench',
  GIT_AUTHOR_EMAIL: 'bench@nix-domains.invalid',
  GIT_AUTHOR_DATE: `@${FIXED_TIME} +0000`,
  GIT_COMMITTER_NAME: 'Nix Domains Bench',
  GIT_COMMITTER_EMAIL: 'bench@nix-domains.invalid',
  GIT_COMMITTER_DATE: `@${FIXED_TIME} +0000`,
};

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Writes files under `root`, at most `concurrency` at a time. */
export async function writeFiles(root: string, files: readonly OutFile[], concurrency = 64): Promise<void> {
  // Recursive mkdir tolerates a parent made concurrently by another worker.
  const dirs = [...new Set(files.map((f) => path.dirname(path.join(root, f.path))))];
  await pool(dirs, concurrency, (dir) => mkdir(dir, { recursive: true }));
  await pool(files, concurrency, (file) => writeFile(path.join(root, file.path), file.content));
}

/** The fast-import stream of one root commit holding `files`, with a fixed author and date. */
function* importStream(files: readonly OutFile[], message: string): Generator<Buffer | string> {
  const who = `${GIT_ENV.GIT_AUTHOR_NAME} <${GIT_ENV.GIT_AUTHOR_EMAIL}> ${FIXED_TIME} +0000`;
  yield `commit refs/heads/main\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(message)}\n${message}\n`;
  for (const file of files) {
    const content = Buffer.from(file.content);
    yield `M 100644 inline ${file.path}\ndata ${content.length}\n`;
    yield content;
    yield '\n';
  }
  yield 'done\n';
}

/**
 * Makes `root` a repository on `main` whose one commit holds `files` (already written there);
 * returns the commit id.
 */
export async function commitAll(root: string, files: readonly OutFile[], message: string): Promise<string> {
  await git(root, ['init', '-q', '-b', 'main']);
  // fast-import writes one pack instead of 40,000 loose objects, which `git add -A` and
  // `git commit` would write one file at a time (minutes on a slow disk, not seconds).
  const child = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: root, env: GIT_ENV, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  await pipeline(Readable.from(importStream(files, message)), child.stdin);
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import failed in ${root}: ${stderr}`);
  // Fill the index from the commit and stat the files, so `git status` is clean.
  await git(root, ['reset', '-q']);
  return git(root, ['rev-parse', 'HEAD']);
}
