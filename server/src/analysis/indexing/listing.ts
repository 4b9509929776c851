import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { listNixFiles } from '../workspace';
import { gitBlobId } from '../blobId';

/**
 * What a git command prints, written to a temporary file rather than a pipe: git lists a
 * 40,000-file domain in 150 ms, but through a 64 KB pipe it waited for this thread to read each
 * part of its 3 MB, and a start keeps this thread busy (the grammar, the cache), so the listing took
 * 500–700 ms. The file is removed as soon as it is open (where the system allows; else once read),
 * so a process that dies meanwhile leaves nothing, and it is read through its descriptor. Rejects
 * when git fails or its output cannot be read.
 */
async function gitOutput(args: readonly string[]): Promise<Buffer> {
  const file = path.join(os.tmpdir(), `nix-domains-git-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(file, 'wx+', 0o600);
  } catch {
    // No temporary file here: through a pipe, then.
    return (await promisify(execFile)('git', args, { maxBuffer: 512 * 1024 * 1024, encoding: 'buffer' })).stdout;
  }
  const removed = unlinked(file);
  try {
    await new Promise<void>((resolve, reject) => {
      const stderr: Buffer[] = [];
      const child = spawn('git', args, { stdio: ['ignore', fd, 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(`git ${args.join(' ')} failed (${signal ?? `exit code ${code}`}): ${Buffer.concat(stderr).toString('utf8').trim()}`),
          );
      });
    });
    // git wrote through a copy of the descriptor, which moved the shared offset: read from the start.
    const bytes = Buffer.allocUnsafe(fstatSync(fd).size);
    for (let at = 0; at < bytes.length; ) {
      const read = readSync(fd, bytes, at, bytes.length - at, at);
      if (read === 0) throw new Error(`git's output ended at ${at} of ${bytes.length} bytes`);
      at += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
    if (!removed) unlinked(file);
  }
}

/** Removes a file; false when it could not be (an open file on Windows). */
function unlinked(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/** The `.nix` files of a domain and, for each one whose content is known, its git blob id. */
export interface DomainListing {
  /** Domain-relative paths, sorted: the same files `listNixFiles` gives. */
  files: string[];
  /** Blob id by file; a file without one could not be identified and is always re-read. */
  blobByFile: Map<string, string>;
}

/**
 * Lists a domain's files with the blob ids git already knows: one `git ls-files` run reports
 * tracked files with their staged blob and tags the deleted and modified ones; a second run, once
 * the first is done, walks the worktree for untracked ones. A tracked regular file git reports
 * unchanged has exactly its staged content (git compares stat data and, when that is racy, the
 * content); every other file is hashed here like git would. Outside git, every file is hashed.
 */
export async function listDomainFiles(root: string, useGit = true): Promise<DomainListing> {
  const { tracked, untracked } = await listDomainFilesInTwo(root, useGit);
  const rest = await untracked();
  if (rest.files.length === 0) return tracked;
  for (const [file, blob] of rest.blobByFile) tracked.blobByFile.set(file, blob);
  return { files: [...tracked.files, ...rest.files].sort(), blobByFile: tracked.blobByFile };
}

/**
 * The same in two parts: the tracked files at once, the untracked ones from `untracked()`, whose
 * walk starts at its first call (later calls share it). Walking a 40,000-file worktree takes git
 * 0.4 s of CPU, most of it in the system; an index run starts it once the files read first are in,
 * so that it does not take a core from the start's first answer (about 0.1 s of a warm start's).
 * A file `git add`-ed between the two is in neither (indexed once it changes, or at the next
 * start); one `git rm --cached` meanwhile is in both (the run keeps it once).
 */
export async function listDomainFilesInTwo(
  root: string,
  useGit = true,
): Promise<{ tracked: DomainListing; untracked: () => Promise<DomainListing> }> {
  const none = () => Promise.resolve({ files: [], blobByFile: new Map<string, string>() });
  if (useGit) {
    const fromGit = await gitTracked(root).catch(() => undefined);
    if (fromGit) {
      let others: Promise<DomainListing> | undefined;
      const untracked = () => (others ??= gitUntracked(root).then((files) => hashUnknown(root, files, new Map()), none));
      return { tracked: await hashUnknown(root, fromGit.files, fromGit.blobByFile), untracked };
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

/** The tracked files, each with the blob id git knows where its content is that blob (exported for its test). */
export async function gitTracked(root: string): Promise<DomainListing> {
  const bytes = await gitOutput(['-C', root, 'ls-files', '-z', '-t', '--stage', '--cached', '--deleted', '--modified', '--', '*.nix']);
  const files: string[] = [];
  const blobByFile = new Map<string, string>();
  let gone: Set<string> | undefined;
  let changed: Set<string> | undefined;
  let last: string | undefined;
  // Read from the bytes: `<tag> <mode> <blob> <stage>\t<path>` per NUL-ended record, only the path
  // and the blob made strings (a string per record, then its parts, was a fifth of a warm start's
  // wait), in one pass. A file's entries come together (a conflict's stages, then whether it is
  // deleted or modified), so an entry for the file before is another stage of it.
  forEachRecord(bytes, (record, end) => {
    const tab = bytes[record + FIXED_TAB] === 0x09 && record + FIXED_TAB < end ? record + FIXED_TAB : bytes.indexOf(0x09, record);
    if (end - record < 3 || tab < 0 || tab > end) return;
    const file = bytes.toString('utf8', tab + 1, end);
    const tag = bytes[record];
    if (tag === 0x52 /* R */) (gone ??= new Set()).add(file);
    else if (tag === 0x43 /* C */) (changed ??= new Set()).add(file);
    else if (file === last) blobByFile.delete(file);
    else {
      last = file;
      files.push(file);
      // Unmerged, skip-worktree: no blob, the file itself is looked at.
      const blob = tag === 0x48 /* H */ ? regularBlob(bytes, record, tab) : undefined;
      if (blob !== undefined) blobByFile.set(file, blob);
    }
  });
  for (const file of changed ?? []) blobByFile.delete(file);
  const present = gone ? files.filter((f) => !gone!.has(f)) : files;
  // git lists in byte order, which is the order of sort() for the paths of a package collection: checked, not redone.
  let sorted = true;
  for (let i = 1; i < present.length && sorted; i++) sorted = present[i - 1]! < present[i]!;
  if (sorted) return { files: present, blobByFile };
  // Not git's order: a file listed twice apart (not from a valid index) is listed once, its content not known.
  const seen = new Set<string>();
  for (const file of present) {
    if (seen.has(file)) blobByFile.delete(file);
    seen.add(file);
  }
  return { files: [...seen].sort(), blobByFile };
}

/** Where the tab of `H 100644 <40 hex digits> 0\t<path>` is: almost every record of a SHA-1 repository. */
const FIXED_TAB = 51;

/**
 * The blob id of a cached entry whose content is its blob: a regular file at stage 0 (not a link,
 * a submodule or a conflict). In the common layout the fields are at fixed offsets; any other is
 * searched for its spaces.
 */
function regularBlob(bytes: Buffer, record: number, tab: number): string | undefined {
  const fixed = tab === record + FIXED_TAB;
  const afterMode = fixed ? record + 8 : bytes.indexOf(0x20, record + 2);
  const afterBlob = fixed ? record + 49 : afterMode < 0 || afterMode > tab ? -1 : bytes.indexOf(0x20, afterMode + 1);
  const m = record + 2;
  const regular =
    afterMode === m + 6 && // 100644 or 100755
    bytes[m] === 0x31 &&
    bytes[m + 1] === 0x30 &&
    bytes[m + 2] === 0x30 &&
    bytes[m + 3] === 0x36 &&
    bytes[m + 4] === 0x34 &&
    (bytes[m + 5] === 0x34 || bytes[m + 5] === 0x35) &&
    bytes[afterMode] === 0x20 &&
    afterBlob > afterMode &&
    bytes[afterBlob] === 0x20 &&
    bytes[afterBlob + 1] === 0x30 && // stage 0
    afterBlob + 2 === tab;
  return regular ? bytes.toString('latin1', afterMode + 1, afterBlob) : undefined;
}

/** The untracked files git does not ignore. */
async function gitUntracked(root: string): Promise<string[]> {
  const stdout = await gitOutput(['-C', root, 'ls-files', '-z', '--others', '--exclude-standard', '--', '*.nix']);
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
  forEachRecord(bytes, (start, end) => out.push(bytes.toString('utf8', start, end)));
  return out;
}

/** Each NUL-ended record of git's output, as the offsets of its first byte and of its end. */
function forEachRecord(bytes: Buffer, visit: (start: number, end: number) => void): void {
  for (let start = 0; start < bytes.length; ) {
    const nul = bytes.indexOf(0, start);
    const end = nul < 0 ? bytes.length : nul;
    visit(start, end);
    start = end + 1;
  }
}
