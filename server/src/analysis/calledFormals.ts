// The function callPackage calls for a package, and so the formals it fills: the file's, the
// function written in place, or the inner function of a file applied to arguments (`callPackage
// (import ./common.nix { … }) { }`, a file that is such an import, `callPackage self.sources.ed { }`).
import type { Binding, DomainIndex } from './domainIndex';
import { callOf, type Formal } from './facts';
import type { Target } from './target';

/** A package as far as its call is concerned: the binding that makes it, and what it resolves to. */
interface Called {
  binding?: Binding;
  target: Target;
}

/**
 * The formals callPackage fills for a package: the file's, or those of the function the file
 * returns when callPackage is given the file applied to arguments (`callPackage (import
 * ./common.nix { version = …; }) { }`).
 */
export function calledFormals(index: DomainIndex, pkg: Called): readonly Formal[] | undefined {
  const facts = index.files.get(pkg.target.file);
  const call = pkg.binding && callOf(pkg.binding.val);
  if (call?.kind === 'callPackage' && call.formals) return call.formals;
  if (facts?.innerFormals && calledApplied(index, pkg)) return facts.innerFormals;
  return facts?.formals;
}

/** Whether a package is what callPackage makes of a file applied to arguments (a derivation, though the file is curried). */
export function calledApplied(index: DomainIndex, pkg: Called): boolean {
  const call = pkg.binding && callOf(pkg.binding.val);
  if (call?.kind !== 'callPackage') return false;
  if (call.applied) return true;
  // `isl_0_20 = callPackage ./0.20.0.nix { }`, where that file is `import ./generic.nix { version = …; }`.
  const file = call.target !== undefined ? index.resolveFile(call.target) : undefined;
  // `ed = callPackage self.sources.ed { }`, where the scope's `sources.ed` is `import ./generic.nix { … }`.
  const value = pkg.target.appliedAt?.val ?? (file !== undefined && file !== pkg.target.file ? index.files.get(file)?.value : undefined);
  return value?.k === 'call' && value.kind === 'import' && value.args.length > 0;
}
