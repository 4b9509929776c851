import type { Tree } from 'web-tree-sitter';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DomainIndex } from './domainIndex';
import { extractFacts, type FileFacts } from './facts';
import { factsOfLargeFile } from './largeFile';
import { DomainMaintainers, isMaintainerList } from './features/maintainers';
import type { ByteReader } from './maintainers/reader';
import { PackageCatalog } from './packages';
import { NixParser } from './parser';
import { Resolver } from './resolve';
import { listNixFiles, readNixFile } from './workspace';

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
}

export const DEFAULT_OPTIONS: AnalyzerOptions = { largeFileThreshold: 256 * 1024 };

export interface IndexProgress { done: number; total: number }

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
  /** Resolves when the background index of the whole domain is complete. */
  indexed: Promise<void> = Promise.resolve();
  /** Whether the whole domain has been indexed at least once. */
  isIndexed = false;

  private constructor(readonly parser: NixParser, readonly root: string, domain: string, readonly options: AnalyzerOptions) {
    this.index = new DomainIndex(root, domain);
    this.resolver = new Resolver(this.index);
    this.catalog = new PackageCatalog(this.index, this.resolver);
    this.maintainers = new DomainMaintainers(this, options.openMaintainerList);
    // Handles of the (possibly huge) maintainer lists come from their chunked index, not a parse.
    this.resolver.memberOfFile = (file, name) => (isMaintainerList(file) ? this.maintainers.target(file, name) : undefined);
  }

  /** Creates an analyzer for the domain rooted at `root` (loads the grammar). */
  static async create(root: string, domain = path.basename(root), options: Partial<AnalyzerOptions> = {}): Promise<Analyzer> {
    return new Analyzer(await NixParser.create(), path.resolve(root), domain, { ...DEFAULT_OPTIONS, ...options });
  }

  /** Indexes every `.nix` file of the domain, yielding to the event loop between files. */
  indexAll(onProgress?: (p: IndexProgress) => void): Promise<void> {
    this.indexed = (async () => {
      const files = await listNixFiles(this.root);
      let done = 0;
      for (const file of files) {
        if (!this.documents.has(file)) await this.indexFileFromDisk(file);
        done++;
        if (done % 50 === 0) {
          onProgress?.({ done, total: files.length });
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      onProgress?.({ done, total: files.length });
      await this.maintainers.refresh();
      this.isIndexed = true;
    })();
    return this.indexed;
  }

  /** (Re-)indexes one file from disk; a file that is gone or unreadable is removed from the index. */
  async indexFileFromDisk(file: string): Promise<void> {
    const absolute = this.index.absolute(file);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat?.isFile()) {
      this.index.removeFile(file);
      return;
    }
    if (stat.size > this.options.largeFileThreshold) {
      // Maintainer lists are indexed by their own scanner; other large files are cut at their bindings.
      this.index.setFile(/(^|\/)maintainers\//.test(file)
        ? { path: file, errors: [], value: { k: 'other', span: [0, 0, 0, 0] }, large: true }
        : await factsOfLargeFile(file, absolute, this.parser));
      return;
    }
    const text = await readNixFile(absolute);
    if (text === undefined) {
      this.index.removeFile(file);
      return;
    }
    this.index.setFile(this.factsOf(file, text));
  }

  /** Parses text and extracts its facts; the tree is freed unless the caller keeps it. */
  factsOf(file: string, text: string): FileFacts {
    const tree = this.parser.parse(text);
    try {
      return extractFacts(file, tree);
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
    const tree = this.parser.parse(text);
    const doc: NixDocument = { path: file, text, tree, version };
    this.documents.set(file, doc);
    this.index.setFile(extractFacts(file, tree));
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
