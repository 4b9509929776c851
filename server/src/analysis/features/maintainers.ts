import { createHash } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import type { DomainIndex } from '../domainIndex';
import { formatEntryHover, readEntry } from '../maintainers/entry';
import type { HandleEntry, HandleIndex } from '../maintainers/index';
import { updateIndex } from '../maintainers/incremental';
import { bufferReader, FileByteReader, withFileReader, type ByteReader, type ReaderOpener } from '../maintainers/reader';
import { DEFAULT_CHUNK_SIZE, scanMaintainers } from '../maintainers/scan';
import type { Target } from '../resolve';
import type { Place, Span } from '../syntax';

/** The lists a domain may have, by the attribute they are reached through (`lib.maintainers`, `lib.teams`). */
const MAINTAINER_LISTS: Record<string, string> = {
  'maintainers/maintainer-list.nix': 'maintainers',
  'maintainers/team-list.nix': 'teams',
};

/** Whether a domain-relative file is a maintainer or team list. */
export function isMaintainerList(file: string): boolean {
  return file in MAINTAINER_LISTS;
}

const NIX_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
const NIX_KEYWORDS = new Set(['assert', 'else', 'if', 'in', 'inherit', 'let', 'or', 'rec', 'then', 'with']);

/** Whether a handle can be written bare (`alice`); otherwise it is quoted (`"0x4A6F"`). */
export function isBareHandle(handle: string): boolean {
  return NIX_IDENTIFIER.test(handle) && !NIX_KEYWORDS.has(handle);
}

/** A handle as it is written after `lib.maintainers.`: bare, or quoted when it is no Nix identifier. */
export function handleAsAttr(handle: string): string {
  return isBareHandle(handle) ? handle : JSON.stringify(handle);
}

/**
 * The list `lib.maintainers` (or `lib.teams`, or a bare `maintainers` from `with lib;`) stands
 * for when nothing in the domain binds it — a `lib` without that binding, or no `lib` at all:
 * the domain's own list file, by convention, if it has one. `before` is the path up to `name`.
 */
export function listByConvention(maintainers: DomainMaintainers, before: readonly string[], name: string): Target | undefined {
  if (before.length > 1 || (before.length === 1 && before[0] !== 'lib')) return undefined;
  const file = Object.keys(MAINTAINER_LISTS).find((f) => MAINTAINER_LISTS[f] === name);
  return file && maintainers.has(file) ? { file, span: [0, 0, 0, 0] } : undefined;
}

/** What a list's index was made from: the open buffer, or the file on disk as it was scanned. */
interface ListState {
  index: HandleIndex;
  buffer?: Buffer;
  /**
   * When the index (`buffer` unset) is of the file on disk: its stat before the scan, when the scan
   * began, and the sha1 of the bytes it read (undefined when they were not read in one pass).
   */
  disk?: { readonly mtimeMs: number; readonly size: number; scannedAt: number; readonly sha1?: string };
}

/**
 * How long after a file's last change a scan must start for its mtime to tell a later change:
 * file systems keep mtimes in ticks (ext4 1 ns, but others 1 or 2 s), and a change written in
 * the same tick as the scan, of the same size, leaves mtime and size as they were. A file
 * changed this close to its scan is compared by content instead (git's "racily clean" entries).
 */
const RACY_MS = 2000;

/**
 * The maintainer and team lists of a domain, never loaded whole: a chunked scan builds a
 * handle → byte range index, a hover reads only one entry's bytes, and edits to the open list
 * rescan only the edited entries.
 */
export class DomainMaintainers {
  private readonly lists = new Map<string, ListState>();
  private updates: Promise<void> = Promise.resolve();
  private byHandle?: { generation: number; files: Map<string, string[]> };

  constructor(
    readonly index: DomainIndex,
    private readonly openReader: ReaderOpener = FileByteReader.open,
  ) {}

  /**
   * Scans the lists that exist (or re-scans one that changed on disk; one that did not costs a
   * stat, and a read to hash it while it changed too close to its scan for the stat to tell).
   * Both are scanned before either is put in: between the two, a team's members would be unknown
   * handles. A list gone before its scan is no list.
   */
  async refresh(): Promise<void> {
    const scanned = new Map<string, ListState | undefined>();
    for (const file of Object.keys(MAINTAINER_LISTS)) {
      const state = this.lists.get(file);
      if (state?.buffer) continue; // the open buffer is what counts
      const absolute = this.index.absolute(file);
      const stat = await fs.stat(absolute).catch(() => undefined);
      if (!stat?.isFile()) {
        scanned.set(file, undefined);
        continue;
      }
      if (state && (await this.unchangedOnDisk(absolute, state, stat))) continue;
      const scannedAt = Date.now();
      const read = await withFileReader(
        absolute,
        async (reader) => {
          const digesting = digestingReader(reader);
          const index = await scanMaintainers(digesting.reader);
          return { index, sha1: await digesting.digest() };
        },
        this.openReader,
      ).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined; // gone since its stat: no list
        throw err;
      });
      scanned.set(file, read && { index: read.index, disk: { mtimeMs: stat.mtimeMs, size: stat.size, scannedAt, sha1: read.sha1 } });
    }
    for (const [file, state] of scanned) {
      if (this.lists.get(file)?.buffer) continue; // opened in the editor meanwhile: the buffer counts
      if (state) this.lists.set(file, state);
      else this.lists.delete(file);
    }
  }

  /** Whether the domain has a list of this kind. */
  has(file: string): boolean {
    return this.lists.has(file);
  }

  /** The entry of a handle in a list, from the index alone. */
  entry(file: string, handle: string): HandleEntry | undefined {
    return this.lists.get(file)?.index.get(handle);
  }

  /** The handles of a list. */
  handles(file: string): string[] {
    return this.lists.get(file)?.index.handleList() ?? [];
  }

  /** Where a handle is defined, as a resolver target (the quotes included when it has to be quoted). */
  target(file: string, handle: string): Target | undefined {
    const entry = this.entry(file, handle);
    if (!entry) return undefined;
    return { file, span: [entry.line, entry.column, entry.line, entry.column + handleAsAttr(handle).length] };
  }

  /** The hover card of a handle: read from that entry's bytes alone. */
  async card(file: string, handle: string): Promise<string | undefined> {
    const state = this.lists.get(file);
    const entry = state?.index.get(handle);
    if (!state || !entry) return undefined;
    const reader = state.buffer ? bufferReader(state.buffer) : await this.openReader(this.index.absolute(file));
    try {
      const parsed = await readEntry(reader, { start: entry.start, end: entry.end });
      return formatEntryHover(parsed, MAINTAINER_LISTS[file]);
    } finally {
      await (reader as { close?: () => Promise<void> }).close?.();
    }
  }

  /**
   * The list is open in the editor and changed: find the edited byte range by comparing with
   * the previous buffer and rescan only the entries it touches.
   */
  updateFromBuffer(file: string, text: string): Promise<void> {
    return this.queued(() => this.applyBuffer(file, text));
  }

  /** The list was closed in the editor: the file on disk counts again (after the edits before it). */
  closeBuffer(file: string): Promise<void> {
    return this.queued(async () => {
      if (this.lists.get(file)?.buffer) this.lists.delete(file);
      await this.refresh();
    });
  }

  /**
   * One change of the open list at a time, in the order they came: two overlapping updates would
   * each diff against the same old buffer, and the older one could land last; a close that ran
   * beside an update could see the update put its buffer back after it.
   */
  private queued(work: () => Promise<void>): Promise<void> {
    const next = this.updates.then(work);
    this.updates = next.catch(() => undefined);
    return next;
  }

  private async applyBuffer(file: string, text: string): Promise<void> {
    const state = this.lists.get(file);
    const next = Buffer.from(text, 'utf8');
    const previous = state && (state.buffer ?? (await this.scannedBytes(file, state)));
    if (!state || !previous) {
      // Nothing scanned to compare with (or the file changed since its scan): the buffer whole.
      this.lists.set(file, { index: await scanMaintainers(bufferReader(next)), buffer: next });
      return;
    }
    const edit = byteEdit(previous, next);
    const index = edit ? (await updateIndex(state.index, edit, bufferReader(next))).index : state.index;
    this.lists.set(file, { index, buffer: next });
  }

  /**
   * The bytes on disk the list's index was scanned from, if the file still holds them (by their
   * sha1): a list changed on disk since (a checkout; also one of the same size within the same
   * mtime tick) is no base to diff the buffer with.
   */
  private async scannedBytes(file: string, state: ListState): Promise<Buffer | undefined> {
    const sha1 = state.disk?.sha1;
    if (sha1 === undefined) return undefined;
    const bytes = await fs.readFile(this.index.absolute(file)).catch(() => undefined);
    return bytes && sha1Of(bytes) === sha1 ? bytes : undefined;
  }

  /**
   * Whether the list on disk is still what its index was scanned from: by mtime and size, or by
   * content when the file changed within `RACY_MS` of the scan (its stat cannot tell then). Content
   * found the same counts as scanned when the hash began, so a file last changed well before that
   * is trusted by its stat from then on (as git writes its index anew for such entries).
   */
  private async unchangedOnDisk(absolute: string, { disk }: ListState, stat: Stats): Promise<boolean> {
    if (!disk || disk.mtimeMs !== stat.mtimeMs || disk.size !== stat.size) return false;
    if (stat.mtimeMs < disk.scannedAt - RACY_MS) return true;
    if (disk.sha1 === undefined) return false;
    const hashedAt = Date.now();
    const now = await withFileReader(absolute, (reader) => digestOf(reader), this.openReader).catch(() => undefined);
    if (now !== disk.sha1) return false;
    disk.scannedAt = Math.max(disk.scannedAt, hashedAt);
    return true;
  }

  /** Handles named by the packages of a file that exist in no list of the domain. */
  unknownHandles(file: string): { handle: string; span: Span }[] {
    return this.unknownOf(this.index.files.get(file)?.drv?.maintainers ?? []);
  }

  /** The handles among some that exist in no list of the domain (none while the list is not read). */
  unknownOf(handles: readonly { handle: string; span: Span }[]): { handle: string; span: Span }[] {
    const list = 'maintainers/maintainer-list.nix';
    if (!this.lists.has(list)) return [];
    return handles.filter((m) => !this.entry(list, m.handle) && !this.entry('maintainers/team-list.nix', m.handle));
  }

  /** The places where packages name a handle as their maintainer. */
  packagesMaintainedBy(handle: string): Place[] {
    const out: Place[] = [];
    for (const file of this.filesByHandle().get(handle) ?? []) {
      const facts = this.index.files.get(file);
      for (const m of facts?.drv?.maintainers ?? []) if (m.handle === handle) out.push({ file, span: m.span });
    }
    return out;
  }

  /**
   * The files that name each handle, made once per index generation: asked for every reference
   * request on a handle, a walk over every file's facts cost 20–40 ms on a 40,000-file domain.
   * Only file names are kept (the spans are read from the facts when asked).
   */
  private filesByHandle(): Map<string, string[]> {
    if (this.byHandle?.generation === this.index.generation) return this.byHandle.files;
    const files = new Map<string, string[]>();
    for (const facts of this.index.files.values()) {
      for (const m of facts.drv?.maintainers ?? []) {
        const named = files.get(m.handle);
        if (!named) files.set(m.handle, [facts.path]);
        else if (named.at(-1) !== facts.path) named.push(facts.path);
      }
    }
    this.byHandle = { generation: this.index.generation, files };
    return files;
  }
}

function sha1Of(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

/**
 * A reader that hashes the bytes read through it, front to back (a scan reads them so): `digest`
 * is their sha1 once every byte was read in order, else undefined.
 */
function digestingReader(inner: ByteReader): { reader: ByteReader; digest: () => Promise<string | undefined> } {
  const hash = createHash('sha1');
  let next = 0;
  let inOrder = true;
  const reader: ByteReader = {
    size: () => inner.size(),
    read: async (offset, length, into) => {
      const bytes = await inner.read(offset, length, into);
      // Hashed now: a chunked scan hands the same buffer to the next read.
      if (offset === next) {
        hash.update(bytes);
        next += bytes.length;
      } else inOrder = false;
      return bytes;
    },
  };
  return { reader, digest: async () => (inOrder && next === (await inner.size()) ? hash.digest('hex') : undefined) };
}

/** The sha1 of everything a reader holds, read a chunk at a time as the scan reads it (never whole). */
async function digestOf(reader: ByteReader): Promise<string | undefined> {
  const digesting = digestingReader(reader);
  const size = await reader.size();
  const into = Buffer.allocUnsafe(Math.min(DEFAULT_CHUNK_SIZE, size));
  for (let offset = 0; offset < size; ) {
    const chunk = await digesting.reader.read(offset, Math.min(DEFAULT_CHUNK_SIZE, size - offset), into);
    if (chunk.length === 0) break;
    offset += chunk.length;
  }
  return digesting.digest();
}

/** The single edit that turns `before` into `after`: common prefix and suffix trimmed. */
function byteEdit(before: Buffer, after: Buffer): { start: number; end: number; newLength: number } | undefined {
  if (before.equals(after)) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, end: before.length - tail, newLength: after.length - tail - start };
}
