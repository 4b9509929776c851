// Stubs and single files from a git remote, never a full clone: a private bare repository in
// the cache fetches one commit with `--depth=1 --filter=blob:none` (trees only), and each file
// is read with `git cat-file`, which makes git fetch that one missing blob from the remote.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { domainPathProblem } from '../format';
import { DEFAULT_MAX_BYTES, FetchError, type DomainFileSource, type Fetched, type ReadOptions, type StubTreeSource } from './types';

/** The ref a stub tree is published on when the spec names none. */
export const DEFAULT_STUB_REF = 'refs/nix-domains/stubs';
const FETCHED_REF = 'refs/nix-domains/fetched';
const SCHEMES = /^(https?|ssh|file):\/\//;

export interface GitOptions {
  /** Kills a git command running longer than this. */
  timeoutMs?: number;
}

/** Splits `git+https://host/repo.git#refs/x` into the remote URL and the ref (refusing other transports). */
function parseGitSpec(spec: string): { remote: string; ref: string } {
  const body = spec.startsWith('git+') ? spec.slice(4) : spec;
  const hash = body.indexOf('#');
  const remote = hash < 0 ? body : body.slice(0, hash);
  const ref = hash < 0 ? DEFAULT_STUB_REF : body.slice(hash + 1);
  // git's `ext::` and similar transports run commands; only plain URLs are accepted.
  if (!SCHEMES.test(remote))
    throw new FetchError(`refused git remote ${JSON.stringify(remote)}: only https, http, ssh and file URLs are fetched`);
  if (!/^refs\/[A-Za-z0-9._/-]+$/.test(ref) || ref.includes('..') || ref.endsWith('/'))
    throw new FetchError(`refused git ref ${JSON.stringify(ref)}: expected refs/…`);
  return { remote, ref };
}

/** Runs git with an argument array (never a shell), no prompts, only URL transports; stdout as bytes. */
export function runGit(args: string[], options: { timeoutMs?: number; maxBuffer?: number } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? DEFAULT_MAX_BYTES + 1024,
        timeout: options.timeoutMs ?? 60_000,
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: 'https:http:ssh:file', GCM_INTERACTIVE: 'never' },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = stderr
          .toString('utf8')
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('hint:'))
          .slice(-2)
          .join('; ');
        const killed = (error as { killed?: boolean }).killed ? `timed out after ${options.timeoutMs ?? 60_000} ms` : '';
        reject(
          new FetchError(
            `git ${args
              .filter((a) => !a.startsWith('-c'))
              .slice(2, 4)
              .join(' ')} failed: ${killed || why || error.message}`,
          ),
        );
      },
    );
  });
}

const repos = new Map<string, PrivateRepo>();

/**
 * A bare repository in the cache holding shallow, blob-less fetches from one remote. Commands
 * on it run one at a time: concurrent fetches into one repository would fight over its locks.
 */
export class PrivateRepo {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly remote: string,
    readonly dir: string,
    readonly options: GitOptions,
  ) {}

  /** The private repository for a remote under a cache folder (one per remote and folder). */
  static for(remote: string, cacheDir: string, options: GitOptions = {}): PrivateRepo {
    const dir = path.join(cacheDir, 'git', `${createHash('sha256').update(remote).digest('hex').slice(0, 24)}.git`);
    let repo = repos.get(dir);
    if (!repo) repos.set(dir, (repo = new PrivateRepo(remote, dir, options)));
    return repo;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private git(args: string[], maxBuffer?: number): Promise<Buffer> {
    return runGit(['-C', this.dir, ...args], { timeoutMs: this.options.timeoutMs, maxBuffer });
  }

  private async init(): Promise<void> {
    if (
      await fs.stat(path.join(this.dir, 'HEAD')).then(
        () => true,
        () => false,
      )
    )
      return;
    await fs.mkdir(this.dir, { recursive: true });
    await runGit(['init', '--bare', '--quiet', this.dir], { timeoutMs: this.options.timeoutMs });
    await this.git(['remote', 'add', 'origin', this.remote]);
  }

  /** Fetches one ref or commit (depth 1, no blobs) to a local ref; returns the commit id. */
  fetch(what: string, localRef: string): Promise<string> {
    return this.serial(async () => {
      await this.init();
      await this.git(['fetch', '--quiet', '--no-tags', '--depth=1', '--filter=blob:none', 'origin', `+${what}:${localRef}`]);
      return (await this.git(['rev-parse', '--verify', `${localRef}^{commit}`])).toString('utf8').trim();
    });
  }

  /** The commit a local ref points at, if it exists (an earlier fetch, usable offline). */
  async resolve(localRef: string): Promise<string | undefined> {
    return this.git(['rev-parse', '--verify', '--quiet', `${localRef}^{commit}`]).then(
      (b) => b.toString('utf8').trim(),
      () => undefined,
    );
  }

  /** One file of a fetched commit; git fetches the missing blob alone. Refuses files over maxBytes. */
  readBlob(commit: string, file: string, maxBytes: number): Promise<Buffer> {
    return this.serial(async () => {
      const spec = `${commit}:${file}`;
      // The size first, so an oversized blob is refused before its bytes are read into memory.
      const size = await this.git(['cat-file', '-s', spec]).then(
        (b) => Number(b.toString('utf8').trim()),
        (err: Error) => {
          const missing = /not a valid object name|does not exist|exists on disk, but not in/i.test(err.message);
          throw new FetchError(`${this.remote} ${commit.slice(0, 12)}:${file}: ${missing ? 'not found' : err.message}`, missing);
        },
      );
      if (size > maxBytes)
        throw new FetchError(`refused ${this.remote} ${commit.slice(0, 12)}:${file}: ${size} bytes, the limit is ${maxBytes}`);
      return this.git(['cat-file', 'blob', spec], maxBytes + 1024);
    });
  }
}

/** A stub tree stored as the tree of a commit on a ref of a git remote. */
export class GitStubSource implements StubTreeSource {
  readonly description: string;
  private commit?: Promise<string>;

  constructor(
    spec: string,
    readonly cacheDir: string,
    readonly options: GitOptions = {},
  ) {
    const { remote, ref } = parseGitSpec(spec);
    this.description = `${remote}#${ref}`;
    this.repo = PrivateRepo.for(remote, cacheDir, options);
    this.ref = ref;
  }

  private readonly repo: PrivateRepo;
  private readonly ref: string;

  /** Fetches the ref again on the next read (the store's refresh). */
  refresh(): void {
    this.commit = undefined;
  }

  async read(relative: string, options: ReadOptions = {}): Promise<Fetched> {
    const problem = domainPathProblem(relative);
    if (problem) throw new FetchError(`refused path ${JSON.stringify(relative)}: it ${problem}`);
    this.commit ??= this.repo.fetch(this.ref, FETCHED_REF).catch((err) => {
      this.commit = undefined;
      throw err;
    });
    const commit = await this.commit;
    const bytes = await this.repo.readBlob(commit, relative, options.maxBytes ?? DEFAULT_MAX_BYTES);
    return { bytes, from: `${this.description} (${commit.slice(0, 12)}) ${relative}`, transferred: bytes.byteLength };
  }
}

/** Files of a domain fetched as single blobs of a commit from the domain's own git remote. */
export class GitFileSource implements DomainFileSource {
  readonly description: string;
  private readonly repo: PrivateRepo;

  constructor(
    remote: string,
    readonly cacheDir: string,
    readonly options: GitOptions = {},
  ) {
    if (!SCHEMES.test(remote.replace(/^git\+/, '')))
      throw new FetchError(`refused git remote ${JSON.stringify(remote)}: only https, http, ssh and file URLs are fetched`);
    this.description = remote.replace(/^git\+/, '');
    this.repo = PrivateRepo.for(this.description, cacheDir, options);
  }

  async read(revision: string | undefined, file: string, options: ReadOptions & { range?: [number, number] } = {}): Promise<Fetched> {
    const problem = domainPathProblem(file);
    if (problem) throw new FetchError(`refused file ${JSON.stringify(file)}: it ${problem}`);
    // Fetching by id needs the whole commit id; a branch name would move under us.
    if (!revision || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(revision))
      throw new FetchError(`${this.description}: a file needs a pinned commit id, not ${JSON.stringify(revision ?? 'none')}`);
    const localRef = `refs/nix-domains/rev/${revision}`;
    const commit = (await this.repo.resolve(localRef)) ?? (await this.repo.fetch(revision, localRef));
    let bytes = await this.repo.readBlob(commit, file, options.range ? Number.MAX_SAFE_INTEGER : (options.maxBytes ?? DEFAULT_MAX_BYTES));
    if (options.range) bytes = bytes.subarray(options.range[0], options.range[1]);
    return { bytes, from: `${this.description} ${revision.slice(0, 12)}:${file}`, transferred: bytes.byteLength };
  }
}
