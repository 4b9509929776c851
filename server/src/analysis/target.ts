// What resolution answers (`Target`: a file, a place in it, what can be selected from it) and where
// a name is looked up (`Scope`); the resolver itself is resolve.ts.
import type { Binding, SetVal } from './domainIndex';
import type { Span } from './syntax';

/** Where a name or value leads: a file and the place in it, plus what can be selected from it. */
export interface Target {
  file: string;
  span: Span;
  /** The value is a set: its members can be selected. */
  set?: SetVal;
  parents?: SetVal[];
  /** `packagesFromDirectoryRecursive`: members are files in this folder. */
  dir?: string;
  /** The top-level package set (`pkgs`, `self`, `final`, …). */
  global?: true;
  /** The last package-set binding followed on the way. */
  binding?: Binding;
  /** The value calls a file that is not in the domain. */
  missing?: true;
  /** The target is a file as a whole (what the file builds); its span is only where to land. */
  whole?: true;
  /** `drv // { headless = …; }`: the attributes added to the derivation, selectable from it. */
  decoration?: SetVal;
  decorationScope?: Scope;
  /** `stable = addFallbackPathsCheck self.nix_2_18`: the binding that names the package and decorates it with tests. */
  decoratedAt?: Binding;
  /** `ed = callPackage self.sources.ed { }`: the binding that applies the file (`ed = import ./generic.nix { version = …; }`), where F12 lands. */
  appliedAt?: Binding;
  /** The value is a function returning this member of the package set it is given (`pkgs: pkgs.rust_1_77`). */
  selects?: string[];
}

/** Where a name is looked up: a file, and the package set (and its enclosing sets) it sits in. */
export interface Scope {
  file: string;
  set?: SetVal;
  parents: SetVal[];
}
