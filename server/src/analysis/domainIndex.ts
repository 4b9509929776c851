import path from 'node:path';
import { callOf, type FileFacts, type Val } from './facts';
import { Interner } from './intern';
import { TOP_LEVEL_DIR } from './fileTraits';
import { structureHash, type ReadFacts } from './structure';
import type { Span } from './syntax';

export type SetVal = Extract<Val, { k: 'set' }>;

/** A binding of a package set: `name = callPackage ./x { };`, an alias, an inherit, a nested set, a helper function. */
export interface Binding {
  name: string;
  file: string;
  /** Attribute path inside the file's value (`['python3Packages', 'numpy']`). */
  pathInFile: string[];
  span: Span;
  val: Val;
  /** The set this binding belongs to; siblings are looked up there first. */
  set: SetVal;
  parentSets: SetVal[];
  /** The value is marked `recurseIntoAttrs`. */
  recurse?: true;
  /** The value is a function (`wrapCC = cc: …`). */
  lambda?: true;
  /** The function's plain parameters (`cc` of `wrapCC = cc: …`). */
  params?: string[];
  /** The value asserts what does not hold on x86_64-linux: it throws. */
  throws?: true;
}

/** A package defined by its folder: `pkgs/by-name/<xx>/<name>/package.nix` (or default.nix). */
export interface ByNamePackage {
  name: string;
  file: string;
}

const BY_NAME = /^(?:.*\/)?pkgs\/by-name\/[^/]+\/([^/]+)\/(package|default|packages)\.nix$/;

/**
 * The facts of every file. While a domain is being indexed, files it lists but has not read yet
 * are read when first asked for (`get`, `has`): a request answered from the partial index sees
 * every file it reaches, not only those read so far. Iteration covers the files read.
 */
class FactsMap extends Map<string, FileFacts> {
  /** Reads a listed file not read yet (set while indexing). */
  demand?: (file: string) => void;

  override get(file: string): FileFacts | undefined {
    const facts = super.get(file);
    if (facts !== undefined || !this.demand) return facts;
    this.demand(file);
    return super.get(file);
  }

  override has(file: string): boolean {
    if (super.has(file)) return true;
    if (!this.demand) return false;
    this.demand(file);
    return super.has(file);
  }

  /** A file's facts if it has been read, without reading it. */
  loaded(file: string): FileFacts | undefined {
    return super.get(file);
  }
}

/**
 * The index of one domain: the facts of every file, and the maps derived from them, kept up to
 * date file by file so an edit costs only that file.
 */
export class DomainIndex {
  readonly files = new FactsMap();
  /** Package-set bindings by attribute name. */
  readonly bindingsByName = new Map<string, Binding[]>();
  /** Bindings whose value calls or imports a file, by the target as written (a file or a folder). */
  readonly callersByTarget = new Map<string, Binding[]>();
  readonly byNameByName = new Map<string, ByNamePackage>();
  /** Bindings `x = y.override { name = …; }`, by the names they pass. */
  readonly overridesByArg = new Map<string, Binding[]>();
  /** Files that import a path (`import ../build-support/packages.nix …`), by the target as written. */
  private readonly importersByTarget = new Map<string, string[]>();
  /** Package groups (`…/<name>/packages.nix`) whose attributes are top-level packages. */
  readonly groupFiles = new Set<string>();
  private readonly bindingsByFile = new Map<string, Binding[]>();
  private readonly bindingsBySet = new WeakMap<SetVal, Map<string, Binding>>();
  /** Incremented on every change; derived caches compare against it. */
  generation = 0;
  /** Incremented only when what a file defines changes (bindings, calls, references, formals), not literals or positions:
   * typing a version string keeps it, so the whole-domain caches (catalog, dependants, wave graph) survive ordinary edits. */
  structureGeneration = 0;
  private readonly structureByFile = new Map<string, number>();
  /** Files listed by the indexing run under way and not read yet, and how to read one now. */
  private expected?: { pending: Set<string>; load: (file: string) => ReadFacts | undefined };
  /** Shares equal pieces of the facts read while a run reads the domain. */
  private interner?: Interner;
  /** Facts whose pieces were shared before they were put in (`shareAhead`). */
  private readonly sharedAhead = new WeakSet<FileFacts>();

  /** `shareFacts`: whether a run shares equal pieces of the facts it reads (intern.ts); the CLI, which exits once it answers, need not. */
  constructor(
    readonly root: string,
    readonly domain: string,
    private readonly shareFacts = true,
  ) {}

  /**
   * Registers the files an indexing run lists, before it reads them: a file not read yet is read
   * by `load` when something asks for it, and by-name packages are known from their paths alone.
   */
  expect(files: readonly string[], load: (file: string) => ReadFacts | undefined): void {
    const pending = this.expected?.pending ?? new Set<string>();
    this.expected = { pending, load };
    if (this.shareFacts) this.interner ??= new Interner();
    const listed = files.filter((file) => this.files.loaded(file) === undefined);
    for (const file of listed) pending.add(file);
    for (const file of listed) {
      const byName = BY_NAME.exec(file);
      if (byName && byName[2] !== 'packages') this.addByName(byName[1]!, file);
    }
    this.files.demand = (file) => this.demand(file);
    this.generation++;
    this.structureGeneration++;
  }

  /** Shares the pieces of facts read before a run's listing, not walked again when put in; undefined: no run took them (its listing failed). */
  shareAhead(facts: FileFacts | undefined): void {
    if (!this.shareFacts) return;
    if (facts) this.sharedAhead.add((this.interner ??= new Interner()).facts(facts));
    else if (!this.expected) this.interner = undefined;
  }

  /** Whether an indexing run is reading the domain: until it is over, the index is partial. */
  get reading(): boolean {
    return this.expected !== undefined;
  }

  /** Whether a listed file is still to be read. */
  isPending(file: string): boolean {
    return this.expected?.pending.has(file) === true;
  }

  /**
   * Puts a listed file's facts in (undefined: it is not indexable) unless it was read already,
   * on demand or as an open buffer; false then.
   */
  deliver(file: string, read: ReadFacts | undefined): boolean {
    if (this.expected?.pending.delete(file) !== true) return false;
    if (read) this.setFile(read.facts, read.structure);
    else this.forgetExpected(file);
    return true;
  }

  /** How many listed files are not read yet. */
  get pendingCount(): number {
    return this.expected?.pending.size ?? 0;
  }

  /** The run is over: nothing is read on demand any more; files it never read are forgotten. */
  settle(): void {
    for (const file of this.expected?.pending ?? []) this.forgetExpected(file);
    this.expected = undefined;
    this.files.demand = undefined;
    this.interner = undefined;
  }

  private demand(file: string): void {
    if (!this.expected?.pending.has(file)) return;
    this.deliver(file, this.expected.load(file));
  }

  /** The by-name package a file makes, if it is one (looked up by the folder name its path gives). */
  byNameAt(file: string): ByNamePackage | undefined {
    const name = BY_NAME.exec(file)?.[1];
    const pkg = name === undefined ? undefined : this.byNameByName.get(name);
    return pkg?.file === file ? pkg : undefined;
  }

  /** A listed file that turned out unreadable: its by-name entry goes. */
  private forgetExpected(file: string): void {
    const byName = this.byNameAt(file);
    if (!byName) return;
    this.byNameByName.delete(byName.name);
    this.generation++;
    this.structureGeneration++;
  }

  /** Whether a file is in the index or listed to be read, without reading it. */
  private known(file: string): boolean {
    return this.files.loaded(file) !== undefined || this.expected?.pending.has(file) === true;
  }

  private addByName(name: string, file: string): void {
    // A folder with a packages.nix is a package group (stage.nix reads it so): its default.nix
    // is something the group calls, not a by-name package.
    if (this.known(file.replace(/[^/]+$/, 'packages.nix'))) return;
    const existing = this.byNameByName.get(name);
    // package.nix wins over default.nix when a folder has both.
    if (!existing || file.endsWith('/package.nix')) this.byNameByName.set(name, { name, file });
  }

  /** Adds or replaces one file's facts; `structure` is their `structureHash`, when it is known already (from the cache). */
  setFile(facts: FileFacts, structure = structureHash(facts)): void {
    this.expected?.pending.delete(facts.path);
    if (!this.sharedAhead.has(facts)) this.interner?.facts(facts);
    const sameStructure = this.structureByFile.get(facts.path) === structure;
    const before = this.structureGeneration;
    this.removeFile(facts.path);
    this.structureByFile.set(facts.path, structure);
    if (sameStructure) this.structureGeneration = before;
    else this.structureGeneration = before + 1;
    this.files.set(facts.path, facts);
    const byName = BY_NAME.exec(facts.path);
    if (byName && byName[2] === 'packages') {
      this.groupFiles.add(facts.path);
      if (this.byNameByName.get(byName[1]!)?.file.startsWith(facts.path.slice(0, -'packages.nix'.length)))
        this.byNameByName.delete(byName[1]!);
    } else if (byName) this.addByName(byName[1]!, facts.path);
    // A by-name package group defines top-level attributes whatever its bindings look like.
    const bindings = isPackageSetFile(facts) || (byName?.[2] === 'packages' && facts.value.k === 'set') ? collectBindings(facts) : [];
    for (const target of facts.imports ?? []) push(this.importersByTarget, target, facts.path);
    if (bindings.length > 0) this.bindingsByFile.set(facts.path, bindings);
    for (const b of bindings) {
      let inSet = this.bindingsBySet.get(b.set);
      if (!inSet) this.bindingsBySet.set(b.set, (inSet = new Map()));
      if (!inSet.has(b.name)) inSet.set(b.name, b);
      push(this.bindingsByName, b.name, b);
      const target = callTarget(b.val);
      if (target !== undefined) insertInFileOrder(this.callersByTarget, target, b);
      if (b.val.k === 'ref') for (const a of b.val.overrides ?? []) push(this.overridesByArg, a.name, b);
    }
    this.generation++;
  }

  /** Removes one file and everything it contributed. */
  removeFile(file: string): void {
    this.expected?.pending.delete(file);
    const removed = this.files.loaded(file);
    if (!this.files.delete(file)) return;
    for (const target of removed?.imports ?? []) pull(this.importersByTarget, target, file);
    this.structureByFile.delete(file);
    this.structureGeneration++;
    this.groupFiles.delete(file);
    const byName = BY_NAME.exec(file);
    if (byName && this.byNameByName.get(byName[1]!)?.file === file) {
      this.byNameByName.delete(byName[1]!);
      const sibling = file.replace(/(package|default)\.nix$/, (m) => (m === 'package.nix' ? 'default.nix' : 'package.nix'));
      if (this.known(sibling)) this.byNameByName.set(byName[1]!, { name: byName[1]!, file: sibling });
    } else if (byName && byName[2] === 'packages') {
      // The folder is no group any more: its package.nix (or default.nix) is a by-name package again.
      for (const own of ['default.nix', 'package.nix']) {
        const candidate = file.replace(/packages\.nix$/, own);
        if (this.known(candidate)) this.addByName(byName[1]!, candidate);
      }
    }
    for (const b of this.bindingsByFile.get(file) ?? []) {
      pull(this.bindingsByName, b.name, b);
      const target = callTarget(b.val);
      if (target !== undefined) pull(this.callersByTarget, target, b);
      if (b.val.k === 'ref') for (const a of b.val.overrides ?? []) pull(this.overridesByArg, a.name, b);
    }
    this.bindingsByFile.delete(file);
    this.generation++;
  }

  /** The indexed file a path literal's target stands for: the file itself, or a folder's default.nix. */
  resolveFile(target: string): string | undefined {
    if (this.files.has(target)) return target;
    const asDefault = target === '' ? 'default.nix' : `${target}/default.nix`;
    if (this.files.has(asDefault)) return asDefault;
    return undefined;
  }

  /** The bindings that call or import a file (by its path, or by its folder for a default.nix). */
  callersOf(file: string): Binding[] {
    const direct = this.callersByTarget.get(file) ?? [];
    const all = !file.endsWith('default.nix')
      ? direct
      : [...direct, ...(this.callersByTarget.get(file === 'default.nix' ? '' : file.slice(0, -'/default.nix'.length)) ?? [])];
    // Entry points (flake.nix, the root default.nix) wire the collection up; they are not package sets.
    return all.some((b) => isEntryFile(b.file)) ? all.filter((b) => !isEntryFile(b.file)) : all;
  }

  /**
   * Whether a file's top-level bindings are attributes of the top-level package set: a by-name
   * package group, a file of `pkgs/top-level/`, or a file such a file imports (nixpkgs' stage.nix
   * composes the set from `import ../build-support/packages.nix …` and the like).
   */
  isTopLevelFile(file: string): boolean {
    if (this.groupFiles.has(file) || TOP_LEVEL_DIR.test(file)) return true;
    // Asked for every candidate of every name resolved: no arrays made here.
    const byTopLevel = (target: string) => this.importersByTarget.get(target)?.some((f) => TOP_LEVEL_DIR.test(f)) === true;
    return byTopLevel(file) || (file.endsWith('/default.nix') && byTopLevel(file.slice(0, -'/default.nix'.length)));
  }

  /** The binding of a name in one package set, if the set belongs to a package-set file. */
  bindingIn(set: SetVal, name: string): Binding | undefined {
    return this.bindingsBySet.get(set)?.get(name);
  }

  /** The bindings a file contributes. */
  bindingsOf(file: string): readonly Binding[] {
    return this.bindingsByFile.get(file) ?? [];
  }

  /**
   * Every binding, file by file in path order: whole-domain maps come out the same whatever order
   * the files were read in (the priority files first, others on demand) or edited.
   */
  *allBindings(): Iterable<Binding> {
    for (const file of [...this.bindingsByFile.keys()].sort()) yield* this.bindingsByFile.get(file) ?? [];
  }

  /** The domain-relative path of an absolute path, or undefined when it is outside the domain. */
  relative(absolute: string): string | undefined {
    const rel = path.relative(this.root, absolute);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  absolute(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Adds a binding to a list kept in file order, then source order: the first caller of a file is
 * the same whatever order the files were read in.
 */
function insertInFileOrder<K>(map: Map<K, Binding[]>, key: K, binding: Binding): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [binding]);
    return;
  }
  let at = list.length;
  while (at > 0 && compareBindings(list[at - 1]!, binding) > 0) at--;
  list.splice(at, 0, binding);
}

/** File path order, then source order. */
export function compareBindings(a: Binding, b: Binding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.span[0] - b.span[0] || a.span[1] - b.span[1];
}

function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) return;
  const at = list.indexOf(value);
  if (at >= 0) list.splice(at, 1);
  if (list.length === 0) map.delete(key);
}

/** The file a value calls or imports, if any (also through a decorating `//`). */
function callTarget(val: Val): string | undefined {
  return callOf(val)?.target;
}

/** A file whose value is a set of packages (all-packages.nix, a package group, a set called by callPackage). */
function isPackageSetFile(facts: FileFacts): boolean {
  if (facts.value.k !== 'set') return false;
  if (/(^|\/)lib\//.test(facts.path) && !/(^|\/)pkgs\//.test(facts.path)) return false;
  return facts.value.attrs.some((a) => a.val.k === 'call' || a.val.k === 'inline' || a.val.k === 'dir' || hasPackages(a.val));
}

function hasPackages(val: Val, depth = 0): boolean {
  if (val.k !== 'set' || depth > 4) return false;
  return val.attrs.some((a) => a.val.k === 'call' || a.val.k === 'inline' || a.val.k === 'dir' || hasPackages(a.val, depth + 1));
}

function collectBindings(facts: FileFacts): Binding[] {
  const out: Binding[] = [];
  const walk = (set: SetVal, prefix: string[], parents: SetVal[]) => {
    for (const attr of set.attrs) {
      out.push({
        name: attr.name,
        file: facts.path,
        pathInFile: [...prefix, attr.name],
        span: attr.span,
        val: attr.val,
        set,
        parentSets: parents,
        ...(attr.recurse ? { recurse: attr.recurse } : {}),
        ...(attr.lambda ? { lambda: attr.lambda } : {}),
        ...(attr.params ? { params: attr.params } : {}),
        ...(attr.throws ? { throws: attr.throws } : {}),
      });
      if (attr.val.k === 'set') walk(attr.val, [...prefix, attr.name], [...parents, set]);
    }
  };
  if (facts.value.k === 'set') walk(facts.value, [], []);
  return out;
}

/** Files that expose the collection rather than define part of it: flake.nix, and the root's default.nix, shell.nix, release*.nix. */
export function isEntryFile(file: string): boolean {
  return /(^|\/)flake\.nix$/.test(file) || /^(default|shell|release[\w-]*)\.nix$/.test(file);
}

const namesBySet = new WeakMap<SetVal, Set<string>>();

/**
 * Whether a set has an attribute of that name, from its names made once per set (facts are never
 * mutated): `isProvided` asks it of a caller's set for every input of every package file, and the
 * top-level set has thousands.
 */
export function setHasAttr(set: SetVal, name: string): boolean {
  let names = namesBySet.get(set);
  if (!names) namesBySet.set(set, (names = new Set(set.attrs.map((a) => a.name))));
  return names.has(name);
}
