// Publishing a stub on a git ref of the domain's own repository (`nix-domains stub --publish`).
// The ref's tree is a stub folder as `stub --out` writes it: index.json and one folder per
// published revision. A publication is one commit on top of the ref that adds the revision's
// folder beside the others and updates index.json; old revisions stay, so a domain whose
// flake.lock pins one keeps finding it. The work happens in a private temporary bare repository
// that fetches only the ref's newest commit and its trees (`--depth=1 --filter=blob:none`).
// Git stores blobs by content, so a shard that did not change since an earlier revision is the
// blob already there: neither stored nor sent again. A push that lost a race (another
// publication landed first) is redone on top of the new tip.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson, revisionFolder, type StubIndex } from './format';
import { indexWith, type PreparedStub } from './generate';
import { GitRunner, redactUrl } from './gitRunner';
import { DEFAULT_STUB_REF } from './sources/git';
import { parseJson, validateIndex } from './validate';

/** A publication that cannot go ahead; the message says why and what to do. */
class PublishError extends Error {}

/** Where a stub is published: a git remote and a ref on it. */
export interface PublishTarget {
  /** What git is given: a URL, an scp-like address (`git@host:org/core.git`) or an absolute path. */
  remote: string;
  ref: string;
  /** For messages: the remote with any password hidden, `#`, the ref. */
  description: string;
}

const URL_REMOTE = /^(https?|ssh|file):\/\//;
const SCP_REMOTE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)/;
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Whether a ref name is one a stub tree can be published on (`refs/…`, no `..`, no empty or dot segment). */
function isPublishRef(ref: string): boolean {
  return (
    /^refs\/[A-Za-z0-9._/-]+$/.test(ref) &&
    !ref.includes('..') &&
    !ref.endsWith('.lock') &&
    ref.split('/').every((segment) => segment !== '' && !segment.startsWith('.'))
  );
}

/**
 * Reads `REMOTE[#REF]` (REF defaults to refs/nix-domains/stubs). REMOTE is a remote of the domain's
 * repository (`origin`), a URL (`https://`, `ssh://`, `file://`, optionally `git+`-prefixed as in a
 * manifest), an scp-like address, or a folder holding a repository.
 */
export async function resolvePublishTarget(spec: string, domainRoot: string, cwd = process.cwd()): Promise<PublishTarget> {
  const body = spec.startsWith('git+') ? spec.slice(4) : spec;
  const hash = body.indexOf('#');
  const remote = hash < 0 ? body : body.slice(0, hash);
  const ref = hash < 0 ? DEFAULT_STUB_REF : body.slice(hash + 1);
  if (!isPublishRef(ref)) throw new PublishError(`"${ref}" is not a ref to publish on: expected refs/… (for example ${DEFAULT_STUB_REF})`);
  if (remote === '') throw new PublishError(`"${spec}" names no remote: expected REMOTE#REF, for example origin#${DEFAULT_STUB_REF}`);
  if (URL_REMOTE.test(remote) || SCP_REMOTE.test(remote)) return target(remote, ref);
  // git's `ext::` and `fd::` transports run commands; only plain URLs, paths and remote names are taken.
  if (/^[A-Za-z][A-Za-z0-9+.-]*(::|:\/\/)/.test(remote))
    throw new PublishError(
      `refused remote "${redactUrl(remote)}": only https, http, ssh and file URLs, scp-like addresses, paths and remote names are published to`,
    );
  if (REMOTE_NAME.test(remote)) {
    const url = await new GitRunner().run(['-C', domainRoot, 'remote', 'get-url', '--push', remote]).then(
      (b) => b.toString('utf8').trim(),
      () => undefined,
    );
    if (url) {
      // A remote configured as a relative path is relative to the domain's repository.
      return target(
        URL_REMOTE.test(url) || SCP_REMOTE.test(url) || /^[A-Za-z][A-Za-z0-9+.-]*::/.test(url) ? url : path.resolve(domainRoot, url),
        ref,
      );
    }
  }
  const folder = path.resolve(cwd, remote);
  if (
    await fs.stat(folder).then(
      (st) => st.isDirectory(),
      () => false,
    )
  )
    return target(folder, ref);
  throw new PublishError(`"${remote}" is neither a remote of ${domainRoot} (git remote -v lists them) nor a URL nor a folder`);
}

function target(remote: string, ref: string): PublishTarget {
  return { remote, ref, description: `${redactUrl(remote)}#${ref}` };
}

export interface PublishOptions {
  /** Told about each retry. */
  log?: (message: string) => void;
  /** Publications tried before giving up while others keep landing first (default 6). */
  attempts?: number;
  /** Runs after the commit is made and before it is pushed; tests make two publications race here. */
  beforePush?: (attempt: number) => Promise<void>;
  /** Kills a git command running longer than this (default 10 minutes: a first fetch may be large). */
  timeoutMs?: number;
}

export interface PublishResult {
  target: string;
  domain: string;
  revision: string;
  /** The ref's commit after publishing. */
  commit: string;
  /** False when the ref already held this revision byte for byte: nothing was pushed. */
  changed: boolean;
  /** The revision was on the ref with other bytes (another generator, or a new `-dirty` stub); it was replaced. */
  replaced: boolean;
  attempts: number;
  /** Revisions of this domain on the ref afterwards. */
  revisions: number;
  /** Git objects this publication added to the ref (blobs, trees and the commit), uncompressed. */
  added: { objects: number; bytes: number };
  /** Files of the stub whose bytes were already on the ref (unchanged shards and parts): stored once. */
  shared: { files: number; bytes: number };
}

const ZERO = '0'.repeat(40);

/** Publishes a prepared stub on a ref of a git remote; idempotent, and retried when another publication lands first. */
export async function publishStub(prepared: PreparedStub, to: PublishTarget, options: PublishOptions = {}): Promise<PublishResult> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'nix-domains-publish-'));
  const git = new GitRunner({ cwd: work, timeoutMs: options.timeoutMs ?? 600_000, redact: [to.remote] });
  const attempts = options.attempts ?? 6;
  try {
    await git.run(['init', '--bare', '--quiet', work]);
    await git.run(['remote', 'add', 'origin', to.remote]);
    const folder = revisionFolder(prepared.domain, prepared.revision);
    const files = [...prepared.stub.files].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const blobs = await writeBlobs(
      git,
      work,
      files.map(([, bytes]) => bytes),
    );
    const entries = files.map(([file, bytes], i) => ({ path: `${folder}/${file}`, blob: blobs[i]!, size: bytes.byteLength }));
    for (let attempt = 1; ; attempt++) {
      const tip = await fetchTip(git, to);
      const index = indexWith(tip ? await readIndex(git, tip, to) : undefined, prepared.domain, prepared.entry);
      const indexBlob = (await writeBlobs(git, work, [Buffer.from(canonicalJson(index), 'utf8')]))[0]!;
      const previous = tip ? await listFiles(git, tip, folder) : [];
      const tree = await treeWith(git, work, attempt, tip, [
        ...previous.map((p) => `0 ${ZERO}\t${p}`),
        ...entries.map((e) => `100644 ${e.blob}\t${e.path}`),
        `100644 ${indexBlob}\tindex.json`,
      ]);
      const base = {
        target: to.description,
        domain: prepared.domain,
        revision: prepared.revision,
        attempts: attempt,
        revisions: index.domains[prepared.domain]!.length,
      };
      if (tip && tree === (await git.text(['rev-parse', `${tip}^{tree}`]))) {
        return {
          ...base,
          commit: tip,
          changed: false,
          replaced: false,
          added: { objects: 0, bytes: 0 },
          shared: { files: entries.length, bytes: sum(entries) },
        };
      }
      const message = `${prepared.domain} ${prepared.revision}\n\nPublished by nix-domains stub --publish.\n`;
      const commit = await git.text(['commit-tree', tree, ...(tip ? ['-p', tip] : []), '-m', message]);
      const added = await addedObjects(git, commit, tip);
      const shared = entries.filter((e) => !added.ids.has(e.blob));
      await options.beforePush?.(attempt);
      const push = await git.attempt(['push', 'origin', `${commit}:${to.ref}`]);
      if (push.ok) {
        return {
          ...base,
          commit,
          changed: true,
          replaced: previous.length > 0,
          added: { objects: added.ids.size, bytes: added.bytes },
          shared: { files: shared.length, bytes: sum(shared) },
        };
      }
      // Lost a race exactly when the ref moved since it was fetched; anything else is a real failure.
      const now = await remoteTip(git, to).catch(() => tip);
      if (now === tip) throw new PublishError(`could not push to ${to.description}: ${push.reason}`);
      if (attempt >= attempts)
        throw new PublishError(
          `gave up publishing to ${to.description} after ${attempt} attempts: other publications kept landing first (${push.reason})`,
        );
      options.log?.(
        `another publication reached ${to.description} first; publishing ${prepared.domain} ${prepared.revision.slice(0, 12)} again on top of it (attempt ${attempt + 1} of ${attempts})`,
      );
      // A random pause, so two publishers that keep colliding fall out of step.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 250 * attempt)));
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The commit the ref points at on the remote; undefined when it does not exist yet. */
async function remoteTip(git: GitRunner, to: PublishTarget): Promise<string | undefined> {
  const listed = await git.text(['ls-remote', '--refs', 'origin', to.ref]).catch((err: Error) => {
    throw new PublishError(`cannot reach ${to.description}: ${err.message}`);
  });
  return listed
    .split('\n')
    .find((l) => l.endsWith(`\t${to.ref}`))
    ?.split('\t')[0];
}

/** The ref's newest commit, fetched with its trees and without blobs; undefined when the ref does not exist yet. */
async function fetchTip(git: GitRunner, to: PublishTarget): Promise<string | undefined> {
  if (!(await remoteTip(git, to))) return undefined;
  await git.run(['fetch', '--quiet', '--no-tags', '--depth=1', '--filter=blob:none', 'origin', `+${to.ref}:refs/nix-domains/tip`]);
  return git.text(['rev-parse', '--verify', 'refs/nix-domains/tip^{commit}']);
}

/** The ref's index.json (git fetches that one blob). A ref without a valid one holds something else, which is never overwritten. */
async function readIndex(git: GitRunner, tip: string, to: PublishTarget): Promise<StubIndex> {
  const why = (reason: string) =>
    new PublishError(`${to.description} holds something other than stubs (${reason}); refusing to publish over it — choose another ref`);
  const size = await git.text(['cat-file', '-s', `${tip}:index.json`]).catch(() => {
    throw why(`no index.json at the top of ${tip.slice(0, 12)}`);
  });
  if (Number(size) > 64 * 1024 * 1024) throw why(`its index.json is ${size} bytes`);
  const bytes = await git.run(['cat-file', 'blob', `${tip}:index.json`], { maxBuffer: Number(size) + 1024 });
  try {
    return validateIndex(parseJson(bytes, 'index.json'));
  } catch (err) {
    throw why((err as Error).message);
  }
}

/** Paths of the ref's tree under a folder (read from trees only, no blob is fetched). */
async function listFiles(git: GitRunner, tip: string, folder: string): Promise<string[]> {
  const out = await git.run(['ls-tree', '-r', '-z', '--name-only', tip, '--', `${folder}/`]);
  return out.toString('utf8').split('\0').filter(Boolean);
}

/** Writes blobs into the work repository; their ids, in order. */
async function writeBlobs(git: GitRunner, work: string, contents: Buffer[]): Promise<string[]> {
  // One git process for all of them: the files go through a scratch folder, named by position.
  const scratch = await fs.mkdtemp(path.join(work, 'blobs-'));
  try {
    const paths = await Promise.all(
      contents.map(async (bytes, i) => {
        const file = path.join(scratch, String(i));
        await fs.writeFile(file, bytes);
        return file;
      }),
    );
    const ids = (await git.text(['hash-object', '-w', '--no-filters', '--stdin-paths'], { input: `${paths.join('\n')}\n` })).split('\n');
    if (ids.length !== contents.length) throw new Error(`git hash-object gave ${ids.length} ids for ${contents.length} files`);
    return ids;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}

/** The tree of the tip (or an empty one) with index lines applied (`mode sha\tpath`; mode 0 removes). */
async function treeWith(git: GitRunner, work: string, attempt: number, tip: string | undefined, lines: string[]): Promise<string> {
  const env = { GIT_INDEX_FILE: path.join(work, `index-${attempt}`) };
  await git.run(tip ? ['read-tree', tip] : ['read-tree', '--empty'], { env });
  await git.run(['update-index', '-z', '--index-info'], { env, input: lines.map((l) => `${l}\0`).join('') });
  // The tip's blobs were never fetched: git must not check (or fetch) them to write the tree.
  return git.text(['write-tree', '--missing-ok'], { env });
}

/** Objects the commit adds to what the tip holds, and their uncompressed size. */
async function addedObjects(git: GitRunner, commit: string, tip: string | undefined): Promise<{ ids: Set<string>; bytes: number }> {
  const listed = await git.text(['rev-list', '--objects', '--no-object-names', commit, ...(tip ? ['--not', tip] : [])]);
  const ids = listed.split('\n').filter(Boolean);
  if (ids.length === 0) return { ids: new Set(), bytes: 0 };
  const sizes = await git.text(['cat-file', '--batch-check=%(objectsize)'], { input: `${ids.join('\n')}\n` });
  return { ids: new Set(ids), bytes: sizes.split('\n').reduce((total, s) => total + Number(s), 0) };
}

function sum(entries: { size: number }[]): number {
  return entries.reduce((total, e) => total + e.size, 0);
}
