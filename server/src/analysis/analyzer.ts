import type { Tree } from 'web-tree-sitter';
import path from 'node:path';
import { DomainIndex } from './domainIndex';
import { extractFacts, type FileFacts } from './facts';
import { DomainMaintainers, isMaintainerList } from './features/maintainers';
import { defaultCacheDir } from './indexing/cache';
import { factsFromDisk } from './indexing/fileFacts';
import { indexDomain, type IndexProgress, type IndexStats } from './indexing/indexDomain';
import { defaultPoolSize } from './indexing/pool';
import type { ByteReader } from './maintainers/reader';
import { PackageCatalog } from './packages';
import { NixParser } from './parser';
import { Resolver } from './resolve';
import { readNixFile } from './workspace';

export type { IndexProgress, IndexStats };

/** A parsed document: an open editor buffer, or a file read for one request. */
export interface NixDocument {
  /** Domain-relative path. */
  path: string;
  text: string;
  tree: Tree;
  version: number;
  /** Too large to parse: the tree is empty and the index keeps the file's facts from disk. */
  large?: boolean;
}

export interface AnalyzerOptions {
  /** Files larger than this are never parsed whole. */
  largeFileThreshold: number;
  /** Opens a maintainer list for chunked reads (tests record every read through it). */
  openMaintainerList?: (absolute: string) => Promise<ByteReader & { close?: () => Promise<void> }>;
  /** Worker threads that parse while indexing a domain; 0 parses in process. Default: one per core (`NIX_DOMAINS_INDEX_WORKERS`). */
  indexWorkers: number;
  /** False in an untrusted workspace: the domain is read, but no git process is started. */
  useGit?: boolean;
  /** Folder of the on-disk index cache, null for none. Default: the platform cache folder (`NIX_DOMAINS_CACHE_DIR`). */
  cacheDir: string | null;
  /** Whether indexing shares equal pieces of the facts it reads (default true; the CLI, which exits once it answers, does not: `DomainIndex`). */
  shareFacts?: boolean;
  /** Where indexing reports what it could not do (a worker lost, a cache ignored). */
  log: (message: string) => void;
  /** A pause after each file indexing reads in process once its priority files are in (`NIX_DOMAINS_INDEX_PAUSE_MS`; tests of the partial index). */
  indexPauseMs?: number;
}

/** The defaults, read from the environment when called. */
function defaultOptions(): AnalyzerOptions {
  return {
    largeFileThreshold: 256 * 1024,
    indexWorkers: defaultPoolSize(),
    cacheDir: defaultCacheDir(),
    log: (message) => process.stderr.write(`nix-domains: ${message}\n`),
    ...(Number(process.env.NIX_DOMAINS_INDEX_PAUSE_MS) > 0 ? { indexPauseMs: Number(process.env.NIX_DOMAINS_INDEX_PAUSE_MS) } : {}),
  };
}

/**
 * The analysis of one domain: the parser, the index, the resolver and the open documents.
 * Plain functions and data; the LSP layer and the CLI both sit on top of it.
 */
export class Analyzer {
  readonly index: DomainIndex;
  readonly resolver: Resolver;
  readonly catalog: PackageCatalog;
  readonly maintainers: DomainMaintainers;
  private readonly documents = new Map<string, NixDocument>();
  /** Open buffers whose last parse was cut off by the budget, by their length then. */
  private readonly timedOutLength = new Map<string, number>();
  /** Resolves when the background index of the whole domain is complete. */
  indexed: Promise<void> = Promise.resolve();
  /** Whether the whole domain has been indexed at least once. */
  isIndexed = false;
  /** Whether `indexAll` is running: from its call (before the listing) to the index complete, or to its failure. */
  indexing = false;
  /**
   * Why the last `indexAll` failed, if it did. The index then stays partial: the files it had not
   * read yet are still read when a request reaches them, and answers say they may be incomplete.
   */
  indexFailure?: string;
  /**
   * Resolves once the files indexing reads first are in (the top-level package sets, by-name
   * groups, the lib): from then on a request can be answered from the partial index, which
   * reads any other file it reaches on demand.
   */
  ready: Promise<void> = Promise.resolve();
  /** What the last `indexAll` did (files from the cache, files parsed, workers). */
  lastIndex?: IndexStats;

  private constructor(
    readonly parser: NixParser,
    readonly root: string,
    domain: string,
    readonly options: AnalyzerOptions,
  ) {
    this.index = new DomainIndex(root, domain, options.shareFacts ?? true);
    this.resolver = new Resolver(this.index);
    this.catalog = new PackageCatalog(this.index, this.resolver);
    this.maintainers = new DomainMaintainers(this.index, options.openMaintainerList);
    // Handles of the (possibly huge) maintainer lists come from their chunked index, not a parse.
    this.resolver.memberOfFile = (file, name) => (isMaintainerList(file) ? this.maintainers.target(file, name) : undefined);
  }

  /** Creates an analyzer for the domain rooted at `root` (loads the grammar). */
  static async create(root: string, domain = path.basename(root), options: Partial<AnalyzerOptions> = {}): Promise<Analyzer> {
    return new Analyzer(await NixParser.create(), path.resolve(root), domain, { ...defaultOptions(), ...options });
  }

  /**
   * Indexes every `.nix` file of the domain: unchanged files come from the on-disk cache, the
   * rest are parsed in worker threads; yields to the event loop as it goes. The index cache is
   * written once the index is complete and `saveAfter` has settled: the server has it wait for
   * what it does first with a complete index (packing the cache is main-thread work).
   */
  indexAll(onProgress?: (p: IndexProgress) => void, saveAfter?: Promise<unknown>): Promise<void> {
    let readyNow!: () => void;
    this.ready = new Promise((resolve) => (readyNow = resolve));
    this.indexing = true;
    this.indexFailure = undefined;
    this.indexed = (async () => {
      // The maintainer lists need no other file: they are scanned once the files read first are in,
      // while the rest of the domain is read, and looked at again (a stat each, and a hash of one
      // changed too close to its scan for the stat to tell) at its end. Scanned
      // after it, behind the index cache's write, the scan held the index's completion back by a
      // second on the generated 40,000-file core.
      let lists: Promise<void> | undefined;
      let complete!: () => void;
      const completed = new Promise<void>((resolve) => (complete = resolve));
      const scanLists = () => {
        readyNow();
        if (lists) return;
        lists = this.maintainers.refresh();
        lists.catch(() => undefined); // met where it is awaited; unawaited when the run fails
      };
      let failure: { error: unknown } | undefined;
      try {
        this.lastIndex = await indexDomain({
          root: this.root,
          parser: this.parser,
          largeFileThreshold: this.options.largeFileThreshold,
          workers: this.options.indexWorkers,
          cacheDir: this.options.cacheDir,
          index: this.index,
          // An open buffer replaces its file on disk, also when it was opened during the run.
          skip: (file) => this.documents.has(file),
          onReady: scanLists,
          completed: saveAfter ? Promise.allSettled([completed, saveAfter]) : completed,
          onProgress,
          log: this.options.log,
          useGit: this.options.useGit !== false,
          ...(this.options.indexPauseMs ? { pauseMs: this.options.indexPauseMs } : {}),
        });
      } catch (error) {
        failure = { error };
      } finally {
        readyNow();
      }
      try {
        if (failure) {
          this.indexFailure = failure.error instanceof Error ? failure.error.message : String(failure.error);
          // Failed before the files read first were in: the lists need no other file, so a hover on
          // a handle still reads its entry.
          if (!lists)
            await this.maintainers
              .refresh()
              .catch((err) => this.options.log(`maintainer lists not read: ${err instanceof Error ? err.message : String(err)}`));
          throw failure.error;
        }
        // A scan that failed (a list gone between its stat and its read) is logged; the next one decides.
        await lists?.catch((err) => this.options.log(`maintainer lists not read: ${err instanceof Error ? err.message : String(err)}`));
        // A list that changed on disk while the rest was read (a checkout, a save) is scanned again.
        await this.maintainers.refresh();
        this.isIndexed = true;
      } finally {
        this.indexing = false;
        complete();
      }
    })();
    return this.indexed;
  }

  /** (Re-)indexes one file from disk; a file that is gone or unreadable is removed from the index. */
  async indexFileFromDisk(file: string): Promise<void> {
    const { facts, structure } = await factsFromDisk(file, this.index.absolute(file), this.parser, this.options.largeFileThreshold);
    if (facts) this.index.setFile(facts, structure);
    else this.index.removeFile(file);
  }

  /** Parses text and extracts its facts; the tree is freed unless the caller keeps it. */
  factsOf(file: string, text: string): FileFacts {
    const tree = this.parser.parse(text);
    try {
      return extractFacts(file, tree, this.parser.timedOut);
    } finally {
      tree.delete();
    }
  }

  /** Opens (or updates) an editor buffer: it replaces the file on disk in the index. */
  openDocument(file: string, text: string, version: number): NixDocument {
    this.documents.get(file)?.tree.delete();
    if (text.length > this.options.largeFileThreshold) {
      // Never re-parse a huge buffer per keystroke; its facts stay those of the file on disk.
      const doc: NixDocument = { path: file, text, tree: this.parser.parse(''), version, large: true };
      this.documents.set(file, doc);
      return doc;
    }
    // A buffer whose parse ran out of time is not parsed again on every keystroke, only once it shrinks.
    const cutOff = this.timedOutLength.get(file);
    if (cutOff !== undefined && text.length > cutOff / 2) {
      const doc: NixDocument = { path: file, text, tree: this.parser.parse(''), version };
      this.documents.set(file, doc);
      return doc;
    }
    const tree = this.parser.parse(text);
    if (this.parser.timedOut) this.timedOutLength.set(file, text.length);
    else this.timedOutLength.delete(file);
    const doc: NixDocument = { path: file, text, tree, version };
    this.documents.set(file, doc);
    this.index.setFile(extractFacts(file, tree, this.parser.timedOut));
    return doc;
  }

  /** Closes an editor buffer: the file on disk is what counts again. */
  async closeDocument(file: string): Promise<void> {
    this.documents.get(file)?.tree.delete();
    this.documents.delete(file);
    await this.indexFileFromDisk(file);
  }

  /** The open document for a file, if any. */
  openDocumentFor(file: string): NixDocument | undefined {
    return this.documents.get(file);
  }

  /**
   * Runs `use` on a parsed document: the open buffer, or the file read from disk (parsed for
   * this call only and freed afterwards).
   */
  async withDocument<T>(file: string, use: (doc: NixDocument) => T): Promise<T | undefined> {
    const open = this.documents.get(file);
    if (open) return use(open);
    if (this.index.files.get(file)?.large) {
      // A large file is never read whole, not even for one request: features see an empty tree.
      const tree = this.parser.parse('');
      try {
        return use({ path: file, text: '', tree, version: 0, large: true });
      } finally {
        tree.delete();
      }
    }
    const text = await readNixFile(this.index.absolute(file));
    if (text === undefined) return undefined;
    const tree = this.parser.parse(text);
    try {
      return use({ path: file, text, tree, version: 0 });
    } finally {
      tree.delete();
    }
  }
}
