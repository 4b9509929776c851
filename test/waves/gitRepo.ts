// Real temporary git repositories for the wave tests: `git init`, commits, branches and a bare
// `file://` remote, all through execFile with argument arrays.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A temporary repository and a git runner inside it. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): Promise<string>;
  commit(message: string): Promise<void>;
  remove(): Promise<void>;
}

// Identity and defaults on the command line, so the tests ignore the machine's git config.
const CONFIG = [
  '-c',
  'user.name=Wave Test',
  '-c',
  'user.email=waves@example.invalid',
  '-c',
  'commit.gpgsign=false',
  '-c',
  'init.defaultBranch=main',
];

/** Runs git in a folder with a fixed identity. */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...CONFIG, ...args], { cwd, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

/** A fresh folder in the system temp directory. */
export function tempDir(prefix = 'waves-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A new repository with one commit on `main`. */
export async function makeRepo(): Promise<TempRepo> {
  const dir = await tempDir();
  let n = 0;
  const repo: TempRepo = {
    dir,
    git: (...args) => git(dir, ...args),
    async commit(message) {
      await writeFile(path.join(dir, 'change.txt'), `${message} ${n++}\n`);
      await repo.git('add', 'change.txt');
      await repo.git('commit', '-q', '-m', message);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await repo.git('init', '-q');
  await repo.commit('initial');
  return repo;
}

/** Creates each branch at HEAD. */
export async function branches(repo: TempRepo, ...names: string[]): Promise<void> {
  for (const name of names) await repo.git('branch', name);
}
