// The machine a run happened on, so figures from different runs can be compared fairly.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Cores, memory, Node, platform, CPU, date and the repository's commit. */
export interface Machine {
  cores: number;
  totalMemoryBytes: number;
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  date: string;
  commit: string;
  /** Whether the working tree had uncommitted changes (the bundle was built from them). */
  dirty: boolean;
}

/** Describes this machine and the repository at `repo`. */
export function describeMachine(repo: string): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    cores: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    date: new Date().toISOString(),
    commit: git('rev-parse', 'HEAD') ?? 'unknown',
    dirty: status === undefined ? false : status.length > 0,
  };
}
