// How a package file uses its inputs under the flags its caller passes. The facts keep each
// formal's use under the file's own defaults; a call that passes flags (`cmakeMinimal =
// callPackage ./. { isMinimalBuild = true; }`, `cmakeCurses = cmake.override { uiToolkits =
// [ "ncurses" ]; }`) builds another derivation, with other inputs: sphinx builds cmakeCurses'
// manual, not cmake's. The file is parsed again for such a call (a few hundred on a real core),
// once per file version and set of flags.
import type { SyntaxNode as Node } from './syntaxTree';
import { withFileValue } from './reparse';
import type { Analyzer } from './analyzer';
import type { Binding, DomainIndex } from './domainIndex';
import { callOf } from './facts';
import type { Attr, FileFacts, Formal } from './facts';
import { letFlags, literalFlags, type Flag } from './conditions';
import { mappedMember } from './mappedMembers';
import { setText } from './versionConditions';
import { usedFormals } from './formalUse';
import type { Package } from './packages';
import { unparen } from './syntax';
import { calledFormals } from './calledFormals';

/** Per file version (its facts object), the formals under each set of flags asked for. */
const cache = new WeakMap<FileFacts, Map<string, readonly Formal[]>>();
/** Per builder file version, then per version of the file applying it: the builder's formals under each set of flags. */
const builderCache = new WeakMap<FileFacts, WeakMap<FileFacts, Map<string, readonly Formal[]>>>();

/**
 * The formals callPackage fills for a package, each with its use under the flags `args` pass
 * (the first argument of a name wins); the facts' formals when they pass none.
 */
export function formalsUnder(
  analyzer: Analyzer,
  pkg: Package,
  args: readonly Attr[],
  platform?: ReadonlyMap<string, boolean>,
  given: readonly Attr[] = [],
): readonly Formal[] | undefined {
  const formals = calledFormals(analyzer.index, pkg);
  const facts = analyzer.index.files.get(pkg.target.file);
  if (!formals || !facts || facts.large) return formals;
  // A file applied to versions (`common { version = "2.18.2"; }`) uses its inner inputs as they make them.
  const call = pkg.binding && callOf(pkg.binding.val);
  const versions = call?.applied && formals === facts.innerFormals && call.versions ? new Map(Object.entries(call.versions)) : undefined;
  if (formals !== facts.formals && !versions) return formals;
  // A member of a set the file maps a function to make (gcc's all.nix): the member's own element.
  const member = !versions && pkg.target.whole && !facts.drv && (facts.value.k === 'call' || facts.value.k === 'other');
  const name = member ? pkg.attrPath.split('.').at(-1) : undefined;
  // What the scope callPackage was made with adds (`newScope (… // { inherit release_version; })`), after the call's own.
  // The call's own arguments win over the scope's, also where they are no literal (then unknown).
  const flags = passedFlags([...args, ...(call?.scope ?? []).filter((a) => !args.some((b) => b.name === a.name))], formals);
  if (call?.kind === 'callPackage')
    for (const unprovided of unprovidedNulls(analyzer.index, formals, [...args, ...given])) flags.set(unprovided, null);
  if (flags.size === 0 && !versions && !platform && !name) return formals;
  const key = flagsKey([...flags, ...(versions ?? []), ...(platform ?? []), ...(name ? [['@member', name] as const] : [])]);
  let byFlags = cache.get(facts);
  if (!byFlags) cache.set(facts, (byFlags = new Map()));
  let under = byFlags.get(key);
  if (!under) {
    under = reread(analyzer, pkg.target.file, formals, flags, versions, platform, name) ?? formals;
    byFlags.set(key, under);
  }
  return under;
}

/**
 * The formals of the file a function callPackages, applied to a set (`wrapCC = cc: wrapCCWith {
 * inherit cc; }`, where `wrapCCWith` is `callPackage ./cc-wrapper (… // extraArgs)`): as the
 * function's call uses them, a formal with a null default that neither passes null.
 */
export function wrapperFormals(analyzer: Analyzer, pkg: Package, given: readonly Attr[] = [], depth = 0): readonly Formal[] | undefined {
  const binding = pkg.binding;
  const set = binding?.val;
  if (!binding || set?.k !== 'set' || !set.argOf || depth > 4) return undefined;
  const fn = analyzer.resolver.resolveVal(set.argOf, { file: binding.file, set: binding.set, parents: binding.parentSets });
  const called = fn && analyzer.catalog.packageAt(fn);
  if (!called || called === pkg || called.target.file !== pkg.target.file) return undefined;
  const call = called.binding && callOf(called.binding.val);
  // `gccgo = wrapCC (…)`, where `wrapCC = cc: wrapCCWith { inherit cc; }`: the function's own set passes more.
  if (!call) return wrapperFormals(analyzer, called, [...given, ...set.attrs], depth + 1);
  return call.kind === 'callPackage' ? formalsUnder(analyzer, called, call.args, undefined, [...given, ...set.attrs]) : undefined;
}

/**
 * The formals of the curried builder a package's file applies in sight (glibc's `default.nix`:
 * `(callPackage ./common.nix { … } { inherit withGd; … }).overrideAttrs (…)`, common.nix being `{ gd
 * ? null, libpng ? null, … }: { withGd ? false, … }: …`), by name, each with its use under what the
 * inner function is given: a flag literal, a flag of the file's own under the package's call
 * (`withGd = true` for `glibc_memusage`), else unknown; its default when not given. Undefined when
 * the file applies no such builder.
 */
export function builderFormals(analyzer: Analyzer, pkg: Package): ReadonlyMap<string, Formal> | undefined {
  const facts = analyzer.index.files.get(pkg.target.file);
  const value = facts?.value.k === 'inline' ? facts.value.over : facts?.value;
  if (!facts || value?.k !== 'call' || !value.inner || value.target === undefined || pkg.binding?.val.k === 'sel') return undefined;
  const builder = analyzer.index.resolveFile(value.target);
  const builderFacts = builder === undefined ? undefined : analyzer.index.files.get(builder);
  if (!builderFacts?.formals || !builderFacts.innerFormals || builderFacts.large || facts.large) return undefined;
  const call = pkg.binding && callOf(pkg.binding.val);
  const own = passedFlags(call?.args ?? [], facts.formals ?? []);
  const key = flagsKey([...own]);
  // Per version of the builder and of the file that applies it.
  let byFile = builderCache.get(builderFacts);
  if (!byFile) builderCache.set(builderFacts, (byFile = new WeakMap()));
  let byFlags = byFile.get(facts);
  if (!byFlags) byFile.set(facts, (byFlags = new Map()));
  let under = byFlags.get(key);
  if (!under) {
    const given = innerFlags(analyzer, pkg.target.file, own, value.inner, builderFacts.innerFormals);
    under = (given && builderReread(analyzer, builder!, builderFacts.formals, given.passed, given.unknown)) ?? builderFacts.formals;
    byFlags.set(key, under);
  }
  return new Map(under.map((f) => [f.name, f]));
}

/**
 * The flags the inner function of a curried builder is given (`{ inherit withGd; pname = …; }`):
 * literals, and the calling file's own flags under `own`, what its call passes; any other flag it
 * is given is unknown.
 */
function innerFlags(
  analyzer: Analyzer,
  file: string,
  own: ReadonlyMap<string, Flag>,
  inner: readonly Attr[],
  formals: readonly Formal[],
): { passed: Map<string, Flag>; unknown: string[] } | undefined {
  return withFileFunction(analyzer, file, (fn) => {
    const outer = fn.childForFieldName('formals');
    const ownFlags = outer ? literalFlags(outer, own) : new Map<string, boolean>();
    const passed = passedFlags(inner, formals);
    const unknown: string[] = [];
    for (const arg of inner) {
      if (passed.has(arg.name) || !formals.some((f) => f.name === arg.name)) continue;
      const name = arg.val.k === 'ref' && arg.val.path.length === 1 && !arg.val.overrides ? arg.val.path[0]! : undefined;
      const flag = name === undefined ? undefined : ownFlags.get(name);
      if (flag !== undefined) passed.set(arg.name, flag);
      else unknown.push(arg.name);
    }
    return { passed, unknown };
  });
}

/** A curried builder's outer formals with their uses under the flags its inner function is given (the rest at their defaults). */
function builderReread(
  analyzer: Analyzer,
  file: string,
  formals: readonly Formal[],
  passed: ReadonlyMap<string, Flag>,
  unknown: readonly string[],
): Formal[] | undefined {
  return withFileFunction(analyzer, file, (fn) => {
    const inner = innerFunction(fn, () => undefined);
    const innerFormals = inner?.childForFieldName('formals');
    if (!inner || !innerFormals) return undefined;
    const flags = literalFlags(innerFormals, passed);
    for (const key of [...flags.keys()])
      if (unknown.some((name) => key === name || key.startsWith(`${name}==`) || key === `${name}:text`)) flags.delete(key);
    letFlags(inner.childForFieldName('body') ?? inner, flags);
    return usedFormals(fn, formals, undefined, flags);
  });
}

/** A cache key for what a file is read under: each name with its value. */
function flagsKey(entries: readonly (readonly [string, Flag | string])[]): string {
  return entries.map(([name, value]) => `${name}=${typeof value === 'object' ? JSON.stringify(value) : value}`).join(';');
}

/** The platform of the static package set (`nixStatic = pkgsStatic.nix`: `withAWS ? !enableStatic && …`). */
export const STATIC_PLATFORM: ReadonlyMap<string, boolean> = new Map([['@isStatic', true]]);

/** Whether a binding names a package of the static set (`nixStatic = pkgsStatic.nix`). */
export function fromStaticSet(binding: Binding): boolean {
  return binding.val.k === 'ref' && binding.val.path[0] === 'pkgsStatic' && binding.val.path.length > 1;
}

/** The flags among the arguments: a boolean (or a condition known on x86_64-linux), a list literal or a string given to a formal. */
function passedFlags(args: readonly Attr[], formals: readonly Formal[]): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  for (const arg of args) {
    // A formal without a default is a flag too when the caller passes one (rust's `inherit fastCross;`).
    if (flags.has(arg.name) || !formals.some((f) => f.name === arg.name)) continue;
    const val = arg.val;
    if (val.k === 'ref' && val.path.length === 1 && (val.path[0] === 'true' || val.path[0] === 'false') && !val.overrides) {
      flags.set(arg.name, val.path[0] === 'true');
    } else if (val.k === 'other' && val.bool !== undefined) {
      flags.set(arg.name, val.bool);
    } else if (val.k === 'other' && val.list) {
      flags.set(arg.name, val.list);
    } else if (val.k === 'other' && val.text !== undefined) {
      flags.set(arg.name, { text: val.text });
    }
  }
  return new Map([...flags].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * The formals whose default is `null` that callPackage leaves to it (`includeFortifyHeaders ? null`
 * in the compiler wrapper): not passed, and a name no package, set member or override of the domain
 * binds. Only where the file uses an input under a condition it cannot read (else they change nothing).
 */
function unprovidedNulls(index: DomainIndex, formals: readonly Formal[], args: readonly Attr[]): string[] {
  if (!formals.some((f) => f.use === 'maybe')) return [];
  return formals
    .filter((f) => f.nullDefault && !args.some((a) => a.name === f.name))
    .map((f) => f.name)
    .filter((name) => !index.bindingsByName.get(name)?.length && !index.byNameByName.has(name) && !index.overridesByArg.get(name)?.length)
    .sort();
}

/** The file's formals with their uses under the flags, from its text parsed again (undefined when it cannot be). */
function reread(
  analyzer: Analyzer,
  file: string,
  formals: readonly Formal[],
  flags: ReadonlyMap<string, Flag>,
  versions?: ReadonlyMap<string, string>,
  platform?: ReadonlyMap<string, boolean>,
  member?: string,
): Formal[] | undefined {
  return withFileFunction(analyzer, file, (fn) => {
    if (!fn.childForFieldName('formals')) return undefined;
    if (versions) return appliedFormals(fn, formals, flags, versions, platform);
    const mapped = member === undefined ? undefined : mappedMember(analyzer, file, fn.childForFieldName('body')!, member);
    if (member !== undefined && !mapped && flags.size === 0 && !platform) return undefined;
    if (mapped) {
      // The element known to the function's conditions (`majorMinorVersion == "4.8"`, `atLeast "6"`).
      const known = new Map<string, boolean>(platform);
      setText(known, mapped.param, mapped.value);
      letFlags(mapped.fn.childForFieldName('body')!, known);
      return usedFormals(fn, formals, flags, known);
    }
    // Uses and the set members named under these flags (`perlPackages.LWP` only with `perlSupport`).
    return usedFormals(fn, formals, flags, platform);
  });
}

/**
 * Parses a file again (the editor's text when it is open) and hands its top-level function to
 * `read`; undefined when the file cannot be read or is no function.
 */
export function withFileFunction<T>(analyzer: Analyzer, file: string, read: (fn: Node) => T | undefined): T | undefined {
  return withFileValue(analyzer, file, (value) => {
    const fn = unparen(value);
    return fn.type === 'function_expression' ? read(fn) : undefined;
  });
}

/**
 * The inner function's formals of a file applied to versions (`{ version, … }@args: let atLeast221
 * = lib.versionAtLeast version "2.21pre"; in { git, … }: …`), with the outer `let`'s flags known.
 */
function appliedFormals(
  outer: Node,
  formals: readonly Formal[],
  flags: ReadonlyMap<string, Flag>,
  versions: ReadonlyMap<string, string>,
  platform?: ReadonlyMap<string, boolean>,
): Formal[] | undefined {
  const known = new Map<string, boolean>(platform);
  const inner = innerFunction(outer, (let_) => letFlags(let_, known, versions));
  return inner ? usedFormals(inner, formals, flags, known) : undefined;
}

/** The function an outer function returns past its `let`s, `assert`s and `with`s (each `let` handed to `onLet`). */
export function innerFunction(outer: Node, onLet: (letExpression: Node) => void): Node | null {
  let node: Node | null = outer.type === 'function_expression' ? outer.childForFieldName('body') : null;
  for (let depth = 0; node && depth < 6; depth++) {
    node = unparen(node);
    if (node.type === 'function_expression') return node;
    if (node.type === 'let_expression') onLet(node);
    node =
      node.type === 'let_expression' || node.type === 'assert_expression' || node.type === 'with_expression'
        ? node.childForFieldName('body')
        : null;
  }
  return null;
}
