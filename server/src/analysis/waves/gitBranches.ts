// Reads the branches of a git work tree: local and remote-tracking refs and the checked-out
// branch. git runs with argument arrays (never a shell string), and the cache re-reads only
// when HEAD or the refs change on disk, so a hover never costs a git process.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Runs git with an argument array in a folder and resolves with its stdout (rejects on a non-zero exit). */
export type GitRunner = (args: readonly string[], cwd: string) => Promise<string>;

/** The default runner: `execFile('git', args)`. */
export const runGit: GitRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });

/** A branch name, with where it exists: locally and/or on remotes (as remote-tracking refs). */
interface GitBranch {
  name: string;
  local: boolean;
  remotes: string[];
}

/** What a folder's git repository says about branches at one moment. */
export interface BranchSnapshot {
  /** False when the folder is not inside a git work tree (or git is missing). */
  repository: boolean;
  /** The checked-out branch; null on a detached HEAD or outside a repository. */
  current: string | null;
  /** True when HEAD points at a commit, not at a branch. */
  detached: boolean;
  /** Every branch, local and remote-tracking, deduplicated by name, sorted by name. */
  branches: GitBranch[];
  /** Why the snapshot is empty, for a folder that is no repository. */
  problem?: string;
}

/** A snapshot of a folder that is no git repository. */
function noRepository(problem: string): BranchSnapshot {
  return { repository: false, current: null, detached: false, branches: [], problem };
}

/** Reads the branches of the git work tree containing `folder`; a folder that is no repository gives an empty snapshot, never an error. */
export async function readBranches(folder: string, run: GitRunner = runGit): Promise<BranchSnapshot> {
  try {
    await run(['rev-parse', '--git-dir'], folder);
  } catch (error) {
    return noRepository(describeGitFailure(error));
  }
  let refs: string;
  let remotesOut: string;
  let head: string;
  try {
    [refs, remotesOut, head] = await Promise.all([
      run(['for-each-ref', '--format=%(refname)%09%(symref)', 'refs/heads', 'refs/remotes'], folder),
      run(['remote'], folder).catch(() => ''),
      // Exit code 1 with no output means HEAD is detached; other failures mean the same to us.
      run(['symbolic-ref', '-q', '--short', 'HEAD'], folder).catch(() => ''),
    ]);
  } catch (error) {
    // A repository git cannot list (corrupt refs, a lock held mid-rewrite) shows no waves, not an error.
    return { ...noRepository(`git could not list the branches: ${firstLine(error)}`), repository: true };
  }
  // Longest remote first, so a remote named `a/b` wins over one named `a`.
  const remotes = lines(remotesOut).sort((a, b) => b.length - a.length);
  const byName = new Map<string, GitBranch>();
  const entry = (name: string): GitBranch => {
    let branch = byName.get(name);
    if (!branch) byName.set(name, (branch = { name, local: false, remotes: [] }));
    return branch;
  };
  for (const line of lines(refs)) {
    const [ref = '', symref = ''] = line.split('\t');
    if (symref) continue; // refs/remotes/origin/HEAD and the like point at another ref
    if (ref.startsWith('refs/heads/')) {
      entry(ref.slice('refs/heads/'.length)).local = true;
    } else if (ref.startsWith('refs/remotes/')) {
      const rest = ref.slice('refs/remotes/'.length);
      const remote = remotes.find((r) => rest.startsWith(`${r}/`)) ?? rest.split('/')[0]!;
      const name = rest.slice(remote.length + 1);
      if (name) entry(name).remotes.push(remote);
    }
  }
  const current = head.trim() || null;
  return {
    repository: true,
    current,
    detached: current === null,
    branches: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

/** Caches one folder's branch snapshot; re-reads only after `.git/HEAD` or the refs change on disk, or after `invalidate()`. */
export class BranchCache {
  private snapshot: BranchSnapshot | null = null;
  private stamp = '';
  private pending: Promise<BranchSnapshot> | null = null;
  private gitDirs: { gitDir: string; commonDir: string } | null | undefined;
  private readonly run: GitRunner;

  constructor(
    readonly folder: string,
    options: { run?: GitRunner } = {},
  ) {
    this.run = options.run ?? runGit;
  }

  /** The current snapshot; costs a few `stat` calls when nothing changed, git processes only when something did. */
  async get(): Promise<BranchSnapshot> {
    // A read already in flight may have looked at HEAD before this call (a checkout just now):
    // wait for it, then look again (a few stat calls when nothing changed since).
    if (this.pending) await this.pending.catch(() => undefined);
    if (this.pending) return this.pending;
    this.pending = this.refresh().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Forgets the snapshot, so the next `get()` reads git again. */
  invalidate(): void {
    this.snapshot = null;
    this.gitDirs = undefined;
  }

  private async refresh(): Promise<BranchSnapshot> {
    if (this.gitDirs === undefined) this.gitDirs = await this.locateGitDirs();
    const stamp = await this.currentStamp();
    if (this.snapshot && stamp === this.stamp) return this.snapshot;
    const snapshot = await readBranches(this.folder, this.run);
    // A folder that became (or stopped being) a repository needs its git dirs looked up again.
    if (snapshot.repository !== (this.gitDirs !== null)) this.gitDirs = undefined;
    this.snapshot = snapshot;
    this.stamp = this.gitDirs === undefined ? '' : stamp;
    return snapshot;
  }

  private async locateGitDirs(): Promise<{ gitDir: string; commonDir: string } | null> {
    try {
      const out = await this.run(['rev-parse', '--git-dir', '--git-common-dir'], this.folder);
      const [gitDir = '.git', commonDir = gitDir] = lines(out);
      return { gitDir: path.resolve(this.folder, gitDir), commonDir: path.resolve(this.folder, commonDir) };
    } catch {
      return null;
    }
  }

  // Modification time, size and inode of HEAD, packed-refs and every directory under refs/:
  // git replaces a ref by renaming a lock file over it, which changes its directory's mtime.
  private async currentStamp(): Promise<string> {
    const dirs = this.gitDirs;
    if (!dirs) return `none:${await statKey(path.join(this.folder, '.git'))}`;
    const parts = [await statKey(path.join(dirs.gitDir, 'HEAD')), await statKey(path.join(dirs.commonDir, 'packed-refs'))];
    const queue = [path.join(dirs.commonDir, 'refs')];
    for (let head = 0; head < queue.length; head++) {
      const dir = queue[head]!;
      parts.push(`${dir}=${await statKey(dir)}`);
      const children = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const child of children) if (child.isDirectory()) queue.push(path.join(dir, child.name));
    }
    return parts.join('|');
  }
}

async function statKey(file: string): Promise<string> {
  try {
    const s = await fs.stat(file, { bigint: true });
    return `${s.mtimeNs}:${s.size}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function firstLine(error: unknown): string {
  const e = error as { stderr?: unknown; message?: unknown };
  const text = typeof e.stderr === 'string' && e.stderr.trim() ? e.stderr : String(e.message ?? error);
  return text.trim().split('\n')[0] ?? '';
}

function describeGitFailure(error: unknown): string {
  const e = error as { code?: unknown; stderr?: unknown; message?: unknown };
  if (e.code === 'ENOENT') return 'git is not installed (or not on PATH)';
  return 'this folder is not inside a git repository';
}
