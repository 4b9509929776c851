// Creates the example universe: the `core`, `rust` and `extras` domains of
// examples/universe/ as real git repositories, with deterministic commit ids, flake.lock
// files pinning each dependency at its real commit, and wave branches in `core`.
// Usage: node --import tsx scripts/example-universe.ts OUTDIR
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The domains of the example universe, in dependency order. */
export const exampleDomains = ['core', 'rust', 'extras'] as const;
export type ExampleDomain = (typeof exampleDomains)[number];

export interface ExampleUniverse {
  core: string;
  rust: string;
  extras: string;
  /** Commit ids: `core`, `rust`, `extras` (tip of `main`) and `core/<wave branch>`. */
  revisions: Record<string, string>;
}

/** The GitHub-style owner the flake inputs name; nothing is ever fetched from it. */
export const exampleFlakeOwner = 'nix-domains-example';

/** Where the Nix sources of the universe live in this repository. */
export const exampleSourceDir = path.resolve(__dirname, '..', 'examples', 'universe');

const author = { name: 'Nix Domains Example', email: 'example@nix-domains.invalid' };
// Commit n of the universe is made n hours after this instant.
const firstCommitTime = Date.UTC(2024, 4, 1, 12, 0, 0) / 1000;

/** A wave branch of `core`: created from `from`, carrying one version bump of its pivot. */
interface WaveBranch {
  name: string;
  from: string;
  file: string;
  /** The text to replace (first occurrence) and its replacement. */
  bump: [string, string];
  /** Key of the placeholder hash that goes with the new version. */
  hashKey: string;
  message: string;
}

// Three major waves running in parallel, as in the discussion: wave 1 has walked down to
// python, wave 2 is at llvm, wave 3 has just started with glibc.
const glibc = 'pkgs/by-name/gl/glibc/package.nix';
const llvm = 'pkgs/by-name/ll/llvm/package.nix';
const pythons = 'pkgs/development/interpreters/python/default.nix';
const waveBranches: WaveBranch[] = [
  {
    name: 'Wave1.1',
    from: 'main',
    file: glibc,
    bump: ['version = "2.37";', 'version = "2.38";'],
    hashKey: 'glibc-2.38',
    message: 'glibc: 2.37 -> 2.38',
  },
  {
    name: 'Wave1.2',
    from: 'Wave1.1',
    file: llvm,
    bump: ['version = "16.0.6";', 'version = "17.0.6";'],
    hashKey: 'llvm-17.0.6',
    message: 'llvm: 16.0.6 -> 17.0.6',
  },
  {
    name: 'WIP-Wave1.3',
    from: 'Wave1.2',
    file: pythons,
    bump: ['patch = "4";', 'patch = "9";'],
    hashKey: 'cpython-3.11.9',
    message: 'python311: 3.11.4 -> 3.11.9',
  },
  {
    name: 'Wave2.1',
    from: 'main',
    file: glibc,
    bump: ['version = "2.37";', 'version = "2.39";'],
    hashKey: 'glibc-2.39',
    message: 'glibc: 2.37 -> 2.39',
  },
  {
    name: 'WIP-Wave2.2',
    from: 'Wave2.1',
    file: llvm,
    bump: ['version = "16.0.6";', 'version = "18.1.8";'],
    hashKey: 'llvm-18.1.8',
    message: 'llvm: 16.0.6 -> 18.1.8',
  },
  {
    name: 'WIP-Wave3.1',
    from: 'main',
    file: glibc,
    bump: ['version = "2.37";', 'version = "2.40";'],
    hashKey: 'glibc-2.40',
    message: 'glibc: 2.37 -> 2.40',
  },
];

/** A fake but well-formed SRI hash; the source files use the same scheme. */
export function placeholderHash(key: string): string {
  return `sha256-${createHash('sha256').update(`nix-domains-example:${key}`).digest('base64')}`;
}

/** Creates the example universe in `targetDir` (removed first if it holds one already). */
export async function createExampleUniverse(targetDir: string, options: { sourceDir?: string } = {}): Promise<ExampleUniverse> {
  const sourceDir = options.sourceDir ?? exampleSourceDir;
  const root = path.resolve(targetDir);
  await clearTarget(root, sourceDir);
  const dirs = Object.fromEntries(exampleDomains.map((d) => [d, path.join(root, d)])) as Record<ExampleDomain, string>;
  const hour = (n: number) => firstCommitTime + n * 3600;
  const revisions: Record<string, string> = {};

  // The three repositories are independent until the locks are written: create them at once.
  await Promise.all(
    exampleDomains.map(async (domain, i) => {
      await fs.cp(path.join(sourceDir, domain), dirs[domain], { recursive: true });
      await git(dirs[domain], firstCommitTime, ['init', '-q', '-b', 'main']);
      revisions[domain] = await commitAll(dirs[domain], hour(i), `${domain}: initial package set`);
    }),
  );
  // Read core's tree for its lock entry before the wave branches change the checkout.
  const lockedCore = await lockedInput(dirs.core, 'core', revisions.core);

  // Pin the dependencies at the commits just made, as `nix flake lock` would.
  const pinDependencies = async () => {
    await writeLock(dirs.rust, { core: { locked: lockedCore } });
    revisions.rust = await commitAll(dirs.rust, hour(3), `flake.lock: pin core at ${revisions.core.slice(0, 7)}`);
    const lockedRust = await lockedInput(dirs.rust, 'rust', revisions.rust);
    await writeLock(dirs.extras, {
      core: { locked: lockedCore },
      rust: { locked: lockedRust, inputs: { core: ['core'] } },
    });
    revisions.extras = await commitAll(
      dirs.extras,
      hour(4),
      `flake.lock: pin core at ${revisions.core.slice(0, 7)}, rust at ${revisions.rust.slice(0, 7)}`,
    );
  };

  // One fast-import run writes every wave commit without touching core's checkout of main.
  const createWaveBranches = async () => {
    const contentByBranch = new Map<string, Map<string, string>>([['main', new Map()]]);
    let stream = '';
    for (const [i, wave] of waveBranches.entries()) {
      const files = new Map(contentByBranch.get(wave.from));
      const before = files.get(wave.file) ?? (await fs.readFile(path.join(dirs.core, wave.file), 'utf8'));
      const after = bumpVersion(before, wave);
      files.set(wave.file, after);
      contentByBranch.set(wave.name, files);
      const who = `${author.name} <${author.email}> ${hour(5 + i)} +0000`;
      stream +=
        `commit refs/heads/${wave.name}\nauthor ${who}\ncommitter ${who}\n${data(`${wave.message}\n`)}` +
        `from refs/heads/${wave.from}\nM 100644 inline ${wave.file}\n${data(after)}\n`;
    }
    await git(dirs.core, firstCommitTime, ['fast-import', '--quiet', '--date-format=raw'], stream);
    const refs = await git(dirs.core, firstCommitTime, ['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads/']);
    for (const line of refs.split('\n')) {
      const [rev, branch] = line.split(' ');
      if (branch !== 'main') revisions[`core/${branch}`] = rev;
    }
  };

  await Promise.all([pinDependencies(), createWaveBranches()]);
  return { ...dirs, revisions };
}

/** Removes an earlier universe at `root`; refuses to delete anything that is not one. */
async function clearTarget(root: string, sourceDir: string): Promise<void> {
  if (root === path.parse(root).root || path.resolve(sourceDir).startsWith(root + path.sep)) {
    throw new Error(`refusing to use ${root} as the example universe folder`);
  }
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch {
    return;
  }
  const foreign = entries.filter((e) => !(exampleDomains as readonly string[]).includes(e));
  if (foreign.length > 0) {
    throw new Error(`refusing to delete ${root}: it holds ${foreign.join(', ')}, which is not part of an example universe`);
  }
  await fs.rm(root, { recursive: true, force: true });
}

/** The file text with the wave's version bump and the matching source hash. */
function bumpVersion(text: string, wave: WaveBranch): string {
  const at = text.indexOf(wave.bump[0]);
  if (at < 0) throw new Error(`${wave.name}: ${wave.bump[0]} not found in ${wave.file}`);
  let next = text.slice(0, at) + wave.bump[1] + text.slice(at + wave.bump[0].length);
  // The first hash after the bumped line belongs to the same source.
  const hashAt = next.indexOf('hash = "sha256-', at);
  if (hashAt >= 0) {
    const end = next.indexOf('"', hashAt + 'hash = "'.length);
    next = `${next.slice(0, hashAt)}hash = "${placeholderHash(wave.hashKey)}${next.slice(end)}`;
  }
  return next;
}

/** A `data` command of git fast-import. */
function data(text: string): string {
  return `data ${Buffer.byteLength(text)}\n${text}`;
}

/** Runs git with a fixed identity, clock and no user or system configuration. */
async function git(cwd: string, time: number, args: string[], input?: string): Promise<string> {
  const date = `${time} +0000`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name];
  Object.assign(env, {
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
    GIT_COMMITTER_DATE: date,
  });
  const child = execFileAsync('git', args, { cwd, env });
  if (input !== undefined) child.child.stdin?.end(input);
  const { stdout } = await child;
  return stdout.trim();
}

/** Commits every change and new file at `time`; returns the commit id. */
async function commitAll(cwd: string, time: number, message: string): Promise<string> {
  await git(cwd, time, ['add', '-A']);
  await git(cwd, time, ['commit', '-q', '--no-verify', '-m', message]);
  return git(cwd, time, ['rev-parse', 'HEAD']);
}

interface LockedInput {
  lastModified: number;
  narHash: string;
  owner: string;
  repo: string;
  rev: string;
  type: 'github';
}

async function lockedInput(dir: string, repo: string, rev: string): Promise<LockedInput> {
  const lastModified = Number(await git(dir, firstCommitTime, ['log', '-1', '--format=%ct', rev]));
  return { lastModified, narHash: await narHash(dir), owner: exampleFlakeOwner, repo, rev, type: 'github' };
}

/** Writes flake.lock (version 7) with `inputs` as direct inputs of the root. */
async function writeLock(dir: string, inputs: Record<string, { locked: LockedInput; inputs?: Record<string, string[]> }>): Promise<void> {
  const nodes: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(inputs)) {
    nodes[name] = {
      ...(input.inputs ? { inputs: input.inputs } : {}),
      locked: input.locked,
      original: { owner: input.locked.owner, repo: input.locked.repo, type: 'github' },
    };
  }
  nodes.root = { inputs: Object.fromEntries(Object.keys(inputs).map((n) => [n, n])) };
  const lock = { nodes: sortKeys(nodes), root: 'root', version: 7 };
  await fs.writeFile(path.join(dir, 'flake.lock'), `${JSON.stringify(lock, null, 2)}\n`);
}

function sortKeys<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

/** The NAR hash of a checked-out tree (without .git), as Nix puts it in flake.lock. */
async function narHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const str = (s: string | Buffer) => {
    const bytes = typeof s === 'string' ? Buffer.from(s) : s;
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(bytes.length));
    hash.update(length);
    hash.update(bytes);
    hash.update(Buffer.alloc((8 - (bytes.length % 8)) % 8));
  };
  const node = async (p: string): Promise<void> => {
    const stat = await fs.lstat(p);
    str('(');
    if (stat.isSymbolicLink()) {
      str('type'), str('symlink'), str('target'), str(await fs.readlink(p));
    } else if (stat.isDirectory()) {
      str('type'), str('directory');
      const names = (await fs.readdir(p)).filter((n) => !(p === dir && n === '.git'));
      names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const name of names) {
        str('entry'), str('('), str('name'), str(name), str('node');
        await node(path.join(p, name));
        str(')');
      }
    } else {
      str('type'), str('regular');
      if (stat.mode & 0o100) str('executable'), str('');
      str('contents'), str(await fs.readFile(p));
    }
    str(')');
  };
  str('nix-archive-1');
  await node(dir);
  return `sha256-${hash.digest('base64')}`;
}

// Run directly (not when bundled into the CLI, where require.main is the bundle itself).
if (require.main === module && /example-universe\.ts$/.test(process.argv[1] ?? '')) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node --import tsx scripts/example-universe.ts OUTDIR');
    process.exit(2);
  }
  const started = Date.now();
  createExampleUniverse(outDir).then(
    (universe) => {
      console.log(`example universe in ${path.resolve(outDir)} (${Date.now() - started} ms)`);
      for (const [name, rev] of Object.entries(universe.revisions)) console.log(`  ${rev}  ${name}`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
