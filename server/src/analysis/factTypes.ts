// The facts of one file as plain data (what the index, the cache and the workers pass around),
// and the few questions asked of a summarised value: the call it makes, whether an update only
// decorates a package, how much a candidate value says.
import type { DrvFacts } from './derivationFacts';
import type { Span } from './syntax';

/**
 * What one file contributes to the domain index, extracted from its syntax tree once.
 * Plain data (JSON-serialisable), so it can come from a worker thread or the on-disk cache,
 * and it never holds the file's contents.
 */
export interface FileFacts {
  path: string;
  /** Syntax errors (at most a few dozen). */
  errors: Span[];
  /** The file's value with functions, `let`, `with` and `assert` peeled off. */
  value: Val;
  /** The formals of the function the file evaluates to (`{ lib, stdenv, ... }:`), if any. */
  formals?: Formal[];
  /**
   * The function's body first asserts what does not hold on x86_64-linux under its defaults
   * (port.nix: `assert (!stdenv.hostPlatform.isDarwin) -> maloader != null;` with `maloader ?
   * null`): the formals with a default it reads, which a call that passes one, or a scope that binds
   * it, may make hold.
   */
  failingAssert?: string[];
  /** Facts of the derivation the file builds (`mkDerivation { pname = …; }`), if any. */
  drv?: DrvFacts;
  /** Files (or folders) the file imports by a path literal anywhere in it (`import ../build-support/packages.nix`). */
  imports?: string[];
  /**
   * Names the file's overlays bind or take from another stage (`self: super: { inherit
   * (prevStage) zlib; perl = super.perl.override …; }`, `cc = prevStage.gcc-unwrapped;`): in a
   * stdenv's files, what its bootstrap stages build and bring forward.
   */
  stageNames?: string[];
  /**
   * What the stages add only for a platform with another libc (`lib.optionals (localSystem.libc ==
   * "musl") [ fortify-headers ]`), by libc: the stdenv of a set made for it is built with those too.
   */
  libcStageNames?: Record<string, string[]>;
  /**
   * What a stage takes from another and passes to a file it imports (`import
   * ../../build-support/cc-wrapper { fortify-headers = prevStage.fortify-headers; }`): stdenv is
   * built from it when that file's formal is.
   */
  stageArgs?: { name: string; formal: string; file: string }[];
  /**
   * The file's function returns a function (`{ lib, fetchurl }: { url, … }@args: …`): what
   * callPackage makes of it is a function (a fetcher, a builder), not a derivation.
   */
  curried?: true;
  /**
   * The formals of the function the file's function returns (`{ version, hash }: { stdenv, zlib }: …`):
   * what callPackage fills when it is given the file applied to arguments (`callPackage (import
   * ./common.nix args) { }`).
   */
  innerFormals?: Formal[];
  /**
   * Package sets the file makes for a platform with another C library (`pkgsStatic`, `pkgsMusl`:
   * "musl"), by name, with that libc (see libcSets.ts): each member is built with it.
   */
  libcSets?: Record<string, string>;
  /** The file sets `outputHash`: it makes fixed-output derivations (fetchurl, fetchgit). */
  fixedOutput?: true;
  /** Set when the file was too large to parse; only a chunked scan was made. */
  large?: boolean;
  /** Why the file could not be indexed, when it could not (shown as a diagnostic on its first line). */
  problem?: string;
}

/** A static summary of a Nix value: enough to follow package definitions across files. */
export type Val =
  /**
   * `also`: the other operands of `a // b // { … }`, searched for names the set itself lacks.
   * `argOf`: the function the set is given to (`wrapRustcWith { … }`); when that function calls a
   * file (`wrapRustcWith = { … }@args: callPackage ../rustc-wrapper args;`), the value is there.
   * `scoped`: a scope overridden (`s.overrideScope (_: _: x)`): `also` is `[x, s]`, and a member of
   * an `x` the index cannot read is not known to be the scope's own.
   * `positional`: what a named function is given in place of a set (`wrapCC (gcc48.cc.override { … })`),
   * in order; `attrs` is then empty (see positional.ts).
   */
  | { k: 'set'; span: Span; attrs: Attr[]; also?: Val[]; self?: string; argOf?: Val; scoped?: true; positional?: Val[] }
  /** `callPackage ./path { args }` or `import ./path args`. `via` is what callPackage was selected from. */
  /** `scope`: what a let-bound `callPackage = newScope (… // { inherit x; })` adds to the names it fills. */
  /** `applied`: callPackage was given the file applied to arguments (`callPackage (import ./common.nix args) { }`): it fills the file's inner formals; `versions`, the literal versions among those arguments. For `import`, the file's function is applied once more (`make-icu { version = …; }`). */
  /** `formals`: the function written in place that callPackage calls (`callPackage ({ autoconf, … }: …) { }`), with its inputs. */
  | {
      k: 'call';
      span: Span;
      target?: string;
      args: Attr[];
      via?: string[];
      kind: 'callPackage' | 'import';
      scope?: Attr[];
      applied?: true;
      /** The versions the applied file is given (`import ./common.nix ({ … } // { version = "2.18.2"; })`). */
      versions?: Record<string, string>;
      formals?: Formal[];
      /** What a curried file's inner function is given in sight (glibc: `callPackage ./common.nix { … } { inherit withGd; … }`). */
      inner?: Attr[];
      /** The function callPackage is given by name (`callPackage self.sources.ed { }`), when no file is in sight. */
      fn?: Val;
    }
  /** A variable, possibly with selections: `python311`, `pythonInterpreters.python311`. */
  /** `replaces`: `x.overrideAttrs (a: { … })` sets these attributes anew (see attributesOfFormals). */
  /** `onSet`: the named function applied to a package set (`selectRustPackage pkgsBuildHost`). */
  | { k: 'ref'; span: Span; path: string[]; overrides?: Attr[]; replaces?: string[]; onSet?: true }
  /** A selection from a value that is not a variable: `(callPackage ./x { }).foo`. */
  | { k: 'sel'; span: Span; of: Val; path: string[] }
  /** `packagesFromDirectoryRecursive { directory = ./dir; }`. */
  | { k: 'dir'; span: Span; dir: string }
  /**
   * A derivation written in place (`foo = stdenv.mkDerivation { … };`). `over`: the call whose
   * derivation it overrides (`(callPackage ./common.nix { … } { … }).overrideAttrs (…)`).
   */
  | { k: 'inline'; span: Span; drv: DrvFacts; over?: CallVal }
  | { k: 'path'; span: Span; target: string }
  /** `uses`: a function that makes a derivation, and the names it takes from around it (see DrvFacts.uses). */
  /** `selects`: a function returning a member of the package set it is given (`pkgs: pkgs.rust_1_77`). */
  | { k: 'fn'; span: Span; doc?: string; uses?: Record<string, 'build' | 'forced' | 'checked' | 'maybe'>; selects?: string[] }
  /**
   * `list`: the value is a list literal, empty or not (a flag a caller passes: `uiToolkits = [ "ncurses" ]`);
   * `items`: the names a short one holds (`smtpPerlLibs = [ perlPackages.libnet … ]`: packages a caller passes).
   * `text`: the value is a string written without interpolation (a flag a caller passes: `type = "lib"`).
   * `bool`: the value is a condition known on x86_64-linux (`stdenv.hostPlatform != stdenv.targetPlatform`).
   */
  | { k: 'other'; span: Span; list?: 'empty' | 'items'; items?: Val[]; text?: string; bool?: boolean };

/** One attribute of a set: its name, the span of the name, its value. */
/** `recurse`: the value is marked `recurseIntoAttrs`: nixpkgs' CI counts its members as attributes. `lambda`: it is a function. */
export interface Attr {
  name: string;
  span: Span;
  val: Val;
  doc?: string;
  recurse?: true;
  /** The value is a function (`wrapCC = cc: wrapCCWith { inherit cc; };`): no derivation of its own. */
  lambda?: true;
  /** The function's plain parameters, in order (`cc` of `wrapCC = cc: …`). */
  params?: string[];
  /** The value asserts what does not hold on x86_64-linux (`assert stdenv.targetPlatform != stdenv.hostPlatform;`): it throws. */
  throws?: true;
}

/** `use`: how the file's body uses the input, when it is not plainly in the derivation (see formalUse.ts). */
export interface Formal {
  name: string;
  span: Span;
  hasDefault: boolean;
  /** The default is `null` (`includeFortifyHeaders ? null`). */
  nullDefault?: true;
  use?: 'forced' | 'checked' | 'maybe' | 'none';
  /** A function written in place: the derivation attributes it is named in, when named nowhere else (see overridden). */
  in?: string[];
  /** The formal the default asks about (`systemdSupport ? lib.meta.availableOn stdenv.hostPlatform systemd`): evaluating it evaluates that one. */
  availableOn?: string;
  /**
   * Members of the package set the input is that the body names (`perlPackages.LWP`,
   * `python3.pkgs.pytest`, `pytest` under `with python3.pkgs;`), each with how it is used.
   */
  members?: Record<string, 'build' | 'forced' | 'checked' | 'maybe'>;
}

export type CallVal = Extract<Val, { k: 'call' }>;

/**
 * The call a value makes: the value itself, or the call a decorating update keeps
 * (`callPackage ./21.nix { … } // { headless = …; }`).
 */
export function callOf(val: Val): CallVal | undefined {
  if (val.k === 'call') return val;
  if (val.k !== 'set' || !val.also) return undefined;
  const call = val.also.find((v): v is CallVal => v.k === 'call');
  return call && decorates(val, call) ? call : undefined;
}

/**
 * Whether `x // { … }` is still the package x: the set adds no package, or only variants of x
 * (`openjdk // { headless = openjdk.override { headless = true; }; }`).
 */
export function decorates(set: Extract<Val, { k: 'set' }>, base: Val): boolean {
  return set.attrs.every((a) => !isPackageVal(a.val) || (a.val.k === 'call' && base.k === 'call' && a.val.target === base.target));
}

/** Whether a value makes a package, or a set with packages in it. */
function isPackageVal(val: Val, depth = 0): boolean {
  if (val.k === 'call' || val.k === 'inline' || val.k === 'dir') return true;
  return val.k === 'set' && depth < 3 && val.attrs.some((a) => isPackageVal(a.val, depth + 1));
}

const SUBSTANCE: Record<Val['k'], number> = { call: 6, inline: 6, dir: 5, set: 4, sel: 3, ref: 2, path: 2, fn: 1, other: 0 };

function substance(v: Val): number {
  // A call whose target is unknown (`import file` inside a helper) says less than a plain path.
  return v.k === 'call' && v.target === undefined ? 1 : SUBSTANCE[v.k];
}

export function preferSubstantial(a: Val, b: Val): Val {
  return substance(b) > substance(a) ? b : a;
}

/**
 * The most substantial of several candidate values (a package over a reference over anything
 * else). Among equals the first (the function of `f x`), or with `last` the last (a wrapper
 * returns its last argument: `lib.extends overlay (self: { … })`).
 */
export function principal(values: Val[], span: Span, last = false): Val {
  let best: Val = { k: 'other', span };
  for (const v of values) if (last ? substance(v) >= substance(best) : substance(v) > substance(best)) best = v;
  return best;
}

const LITERALS = new Set(['true', 'false', 'null']);

/**
 * `wrapCC (gcc48.cc.override { … })`: a function named by reference given a name (no call, set or
 * selection) is a set given to it whose members are in `positional` (see positional.ts).
 */
export function givenPackages(fn: Val, values: readonly Val[], span: Span): Val | undefined {
  if (fn.k !== 'ref' || fn.path[0] === 'lib' || fn.path[0] === 'builtins') return undefined;
  if (!values.every((v) => v.k === 'ref' || v.k === 'other' || v.k === 'path')) return undefined;
  const named = values.some((v) => v.k === 'ref' && !LITERALS.has(v.path[0]!));
  return named ? { k: 'set', span, attrs: [], argOf: fn, positional: [...values] } : undefined;
}

/** An argument that applies a function to names (`f (wrapCC x)`) counts, for the application around it, as the function. */
export function unapplied(val: Val): Val {
  return val.k === 'set' && val.positional && val.argOf ? val.argOf : val;
}
