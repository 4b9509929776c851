// Stub generation from an indexed domain: the data (collectStubData), the files in memory
// (buildStub), the revision they are named after and their index entry (prepareStub), and the
// files on disk with the index at the top of the tree (writeStub, generateStub).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Analyzer } from '../analyzer';
import { libFunctions } from '../features/symbols';
import { withFileReader } from '../maintainers/reader';
import { scanMaintainers } from '../maintainers/scan';
import { handleIndexToJson } from '../maintainers/stub';
import { encodeStub, type BuiltStub, type EncodeOptions, type InputData, type StubData } from './encode';
import {
  canonicalJson,
  isDomainName,
  isRevision,
  sha256,
  STUB_INDEX_FORMAT,
  STUB_INDEX_VERSION,
  type StubIndex,
  type StubIndexEntry,
} from './format';
import { parseJson, validateIndex } from './validate';
import { writeFileAtomic } from './atomic';

const run = promisify(execFile);

/** Where a domain keeps the lists of people and teams that the maintainer scanner indexes. */
const MAINTAINER_LISTS = ['maintainers/maintainer-list.nix', 'maintainers/team-list.nix'];

/** Collects what a stub holds from an indexed analyzer (call `indexAll()` first). */
async function collectStubData(analyzer: Analyzer, revision: string): Promise<StubData> {
  const { catalog, index, resolver } = analyzer;
  const domain = index.domain;
  const packages = catalog.all().map((pkg) => {
    const caller = resolver.scopeOfPackageFile(pkg.target.file).caller;
    const passed = new Set(caller?.val.k === 'call' ? caller.val.args.map((a) => a.name) : []);
    const inputs: InputData[] = [];
    for (const { formal, target } of catalog.inputsOf(pkg)) {
      if (target) {
        const local = target.missing ? undefined : catalog.packageAt(target);
        inputs.push({ name: formal.name, ref: `${domain}:${local?.attrPath ?? formal.name}` });
      } else if (!passed.has(formal.name) && !formal.hasDefault) {
        // An argument the caller passes, or one with a default (flags like `withPCRE2 ? true`),
        // is not something another domain has to provide.
        inputs.push({ name: formal.name });
      }
    }
    const drv = pkg.drv;
    return {
      attr: pkg.attrPath,
      file: pkg.target.file,
      pos: [pkg.target.span[0], pkg.target.span[1]] as [number, number],
      ...(drv?.version !== undefined ? { version: drv.version } : {}),
      ...(drv?.description !== undefined ? { description: drv.description } : {}),
      ...(drv?.homepage !== undefined ? { homepage: drv.homepage } : {}),
      ...(drv?.license !== undefined ? { license: drv.license } : {}),
      inputs,
      maintainers: drv?.maintainers.map((m) => m.handle) ?? [],
    };
  });
  // Bindings naming a package by another attribute path (`python3 = python311;`, `inherit (x) y;`).
  const aliases: Record<string, string> = {};
  for (const binding of index.allBindings()) {
    const target = resolver.resolveBinding(binding);
    const pkg = target && !target.missing ? catalog.packageAt(target) : undefined;
    const name = [...catalog.prefixOf(binding.file), ...binding.pathInFile].join('.');
    if (pkg && pkg.attrPath !== name && !(name in aliases)) aliases[name] = pkg.attrPath;
  }
  const lib = libFunctions(analyzer).map((fn) => ({
    name: fn.name,
    file: fn.place.file,
    pos: [fn.place.span[0], fn.place.span[1]] as [number, number],
  }));
  const maintainers = [];
  for (const file of MAINTAINER_LISTS) {
    const absolute = index.absolute(file);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat?.isFile()) continue;
    // Streamed in chunks: the list is never read whole (docs/DESIGN.md, Large files).
    const handles = await withFileReader(absolute, (reader) => scanMaintainers(reader));
    maintainers.push({ file, size: stat.size, index: handleIndexToJson(handles) });
  }
  return { domain, revision, packages, aliases, lib, maintainers };
}

/** Builds the stub files of an indexed domain in memory. */
export async function buildStub(analyzer: Analyzer, revision: string, options: EncodeOptions = {}): Promise<BuiltStub> {
  if (!isRevision(revision)) throw new Error(`"${revision}" cannot be a stub revision (letters, digits, . _ - only)`);
  if (!isDomainName(analyzer.index.domain))
    throw new Error(`"${analyzer.index.domain}" cannot be a stub domain name (letters, digits, . _ - only)`);
  return encodeStub(await collectStubData(analyzer, revision), options);
}

/** The revision of a checkout: HEAD's commit id, whether any .nix file differs from it, and its commit time. */
export async function gitRevision(root: string): Promise<{ commit: string; dirty: boolean; committed: number }> {
  const git = (args: string[]) =>
    run('git', ['-C', root, ...args], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).then((r) => r.stdout.trim());
  const commit = await git(['rev-parse', '--verify', 'HEAD']);
  // Only .nix files make the stub; a stray build result or editor file does not make it dirty.
  const status = await git(['status', '--porcelain', '--untracked-files=normal', '--', '*.nix']);
  const committed = Number(await git(['log', '-1', '--format=%ct', 'HEAD'])) || 0;
  return { commit, dirty: status.length > 0, committed };
}

export interface StubRevisionOptions {
  /** The revision to record; default: `git rev-parse HEAD` of the domain. */
  revision?: string;
  /** Commit time for the index; default: HEAD's, 0 when the revision is given and unknown to git. */
  committed?: number;
  /** Write `<commit>-dirty` for a checkout with uncommitted .nix changes instead of refusing. */
  allowDirty?: boolean;
}

/**
 * The revision a stub of the checkout at `root` is named after, and its commit time. A checkout
 * with uncommitted .nix changes is refused unless `allowDirty`: a stub named after a commit must
 * describe that commit, or a reader pinned to it would get other data. Dirty stubs are `<commit>-dirty`.
 */
async function stubRevision(root: string, options: StubRevisionOptions = {}): Promise<{ revision: string; committed: number }> {
  if (options.revision !== undefined) return { revision: options.revision, committed: options.committed ?? 0 };
  const head = await gitRevision(root).catch((err: Error) => {
    throw new Error(`cannot read the revision of ${root} (${err.message.split('\n')[0]}); pass --revision`);
  });
  if (head.dirty && !options.allowDirty) {
    throw new Error(`${root} has uncommitted .nix changes; commit them, or pass --allow-dirty to write ${head.commit.slice(0, 12)}…-dirty`);
  }
  return { revision: head.dirty ? `${head.commit}-dirty` : head.commit, committed: options.committed ?? head.committed };
}

/** A stub built in memory with what index.json says of it. */
export interface PreparedStub {
  domain: string;
  revision: string;
  entry: StubIndexEntry;
  stub: BuiltStub;
}

/** Chooses the revision (see `stubRevision`) and builds the stub of an indexed domain in memory. */
export async function prepareStub(analyzer: Analyzer, options: StubRevisionOptions & EncodeOptions = {}): Promise<PreparedStub> {
  const { revision, committed } = await stubRevision(analyzer.root, options);
  const stub = await buildStub(analyzer, revision, options);
  const rootBytes = stub.files.get('root.json')!;
  const entry = { revision, committed, root: { sha256: sha256(rootBytes), size: rootBytes.byteLength } };
  return { domain: analyzer.index.domain, revision, entry, stub };
}

export interface GenerateOptions extends EncodeOptions, StubRevisionOptions {
  /** The folder of stubs (`--out`). */
  out: string;
}

export interface GenerateResult {
  domain: string;
  revision: string;
  folder: string;
  stub: BuiltStub;
}

/** Writes `out/<domain>/<revision>/` and updates `out/index.json` (the revision as `prepareStub` chooses it). */
export async function generateStub(analyzer: Analyzer, options: GenerateOptions): Promise<GenerateResult> {
  return writeStub(options.out, await prepareStub(analyzer, options));
}

/** Writes a prepared stub into a stub folder: its revision folder, exactly, and its line in index.json. */
export async function writeStub(out: string, prepared: PreparedStub): Promise<GenerateResult> {
  const { domain, revision, stub } = prepared;
  const folder = path.join(out, domain, revision);
  // Stale shards of an earlier run of the same revision would be harmless, but keep the folder exact.
  await fs.rm(folder, { recursive: true, force: true });
  for (const [file, bytes] of [...stub.files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    await writeFileAtomic(path.join(folder, ...file.split('/')), bytes);
  }
  await recordInIndex(out, domain, prepared.entry);
  return { domain, revision, folder, stub };
}

/** Adds (or replaces) one revision in `out/index.json`; newest first, then by revision. */
async function recordInIndex(out: string, domain: string, entry: StubIndexEntry): Promise<StubIndex> {
  const file = path.join(out, 'index.json');
  const existing = await fs.readFile(file).catch(() => undefined);
  // Refuse to overwrite what we cannot read: it may list revisions we would drop.
  const index = indexWith(existing ? validateIndex(parseJson(existing, file)) : undefined, domain, entry);
  await writeFileAtomic(file, Buffer.from(canonicalJson(index), 'utf8'));
  return index;
}

/** The index with one revision of a domain added or replaced (a new object); newest first, then by revision. */
export function indexWith(index: StubIndex | undefined, domain: string, entry: StubIndexEntry): StubIndex {
  const domains = { ...(index?.domains ?? {}) };
  const list = (domains[domain] ?? []).filter((e) => e.revision !== entry.revision);
  list.push(entry);
  list.sort((a, b) => b.committed - a.committed || (a.revision < b.revision ? -1 : a.revision > b.revision ? 1 : 0));
  domains[domain] = list;
  return { format: STUB_INDEX_FORMAT, version: STUB_INDEX_VERSION, domains };
}
