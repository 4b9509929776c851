import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listNixFiles } from '../workspace';
import { gitBlobId } from './fileFacts';

const run = promisify(execFile);

/** The `.nix` files of a domain and, for each one whose content is known, its git blob id. */
export interface DomainListing {
  /** Domain-relative paths, sorted: the same files `listNixFiles` gives. */
  files: string[];
  /** Blob id by file; a file without one could not be identified and is always re-read. */
  blobByFile: Map<string, string>;
}

/**
 * Lists a domain's files with the blob ids git already knows: one `git ls-files` run reports
 * tracked files with their staged blob and tags the deleted and modified ones; a second,
 * concurrent run walks the worktree for untracked ones. A tracked regular file git reports
 * unchanged has exactly its staged content (git compares stat data and, when that is racy, the
 * content); every other file is hashed here like git would. Outside git, every file is hashed.
 */
export async function listDomainFiles(root: string, useGit = true): Promise<DomainListing> {
  const { tracked, untracked } = await listDomainFilesInTwo(root, useGit);
  const rest = await untracked;
  if (rest.files.length === 0) return tracked;
  for (const [file, blob] of rest.blobByFile) tracked.blobByFile.set(file, blob);
  return { files: [...tracked.files, ...rest.files].sort(), blobByFile: tracked.blobByFile };
}

/**
 * The same in two parts: the tracked files at once, the untracked ones when `untracked` settles.
 * Walking a 40,000-file worktree for untracked files takes git most of a second, more than
 * everything else about a start; the files indexed first are tracked ones.
 */
export async function listDomainFilesInTwo(
  root: string,
  useGit = true,
): Promise<{ tracked: DomainListing; untracked: Promise<DomainListing> }> {
  const none = Promise.resolve({ files: [], blobByFile: new Map<string, string>() });
  if (useGit) {
    const fromGit = await gitTracked(root).catch(() => undefined);
    if (fromGit) {
      // Started after the tracked listing, so the two walks of the worktree do not slow each other down.
      const others = gitUntracked(root).then(
        (files) => hashUnknown(root, files, new Map()),
        () => none,
      );
      return { tracked: await hashUnknown(root, fromGit.files, fromGit.blobByFile), untracked: others };
    }
  }
  return { tracked: await hashUnknown(root, await listNixFiles(root, useGit), new Map()), untracked: none };
}

/** Keeps the files that exist and hashes those without a known blob id, yielding as it goes. */
async function hashUnknown(root: string, files: string[], blobByFile: Map<string, string>): Promise<DomainListing> {
  const present: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    if (blobByFile.has(file)) {
      present.push(file);
      continue;
    }
    const absolute = path.join(root, file);
    // The same filter as listNixFiles: only what is (or links to) a file.
    let isFile = false;
    try {
      isFile = statSync(absolute).isFile();
    } catch {
      /* gone */
    }
    if (!isFile) continue;
    present.push(file);
    try {
      blobByFile.set(file, gitBlobId(readFileSync(absolute)));
    } catch {
      /* unreadable: parsed, never cached */
    }
    // Hashing a whole domain (outside git) must not stall the event loop.
    if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
  }
  return { files: present, blobByFile };
}

async function gitTracked(root: string): Promise<DomainListing> {
  const { stdout: bytes } = await run(
    'git',
    ['-C', root, 'ls-files', '-z', '-t', '--stage', '--cached', '--deleted', '--modified', '--', '*.nix'],
    { maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' },
  );
  const stdout = records(bytes);
  const staged = new Map<string, string | undefined>(); // undefined: tracked, content not known
  const gone = new Set<string>();
  const changed = new Set<string>();
  for (const record of stdout) {
    if (record.length < 3) continue;
    const tag = record[0];
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const file = record.slice(tab + 1);
    const [mode, blob, stage] = record.slice(2, tab).split(' ');
    if (tag === 'H') {
      // Only regular files at stage 0 have their content in the blob (not links, submodules, conflicts).
      const regular = (mode === '100644' || mode === '100755') && stage === '0';
      staged.set(file, staged.has(file) || !regular ? undefined : blob);
    } else if (tag === 'R') gone.add(file);
    else if (tag === 'C') changed.add(file);
    else staged.set(file, undefined); // unmerged, skip-worktree: look at the file itself
  }
  const blobByFile = new Map<string, string>();
  const files: string[] = [];
  for (const [file, blob] of staged) {
    if (gone.has(file)) continue;
    files.push(file);
    if (blob !== undefined && !changed.has(file)) blobByFile.set(file, blob);
  }
  return { files: files.sort(), blobByFile };
}

/** The untracked files git does not ignore. */
async function gitUntracked(root: string): Promise<string[]> {
  const { stdout } = await run('git', ['-C', root, 'ls-files', '-z', '--others', '--exclude-standard', '--', '*.nix'], {
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'buffer',
  });
  return records(stdout)
    .filter((f) => f.length > 0)
    .sort();
}

/**
 * The NUL-separated records of git's output, each a string of its own: split from one string,
 * the paths would be slices of it and keep all of it (3.7 MB on a 40,000-file domain) alive.
 */
function records(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(0, start);
    const stop = end < 0 ? bytes.length : end;
    out.push(bytes.toString('utf8', start, stop));
    start = stop + 1;
  }
  return out;
}
