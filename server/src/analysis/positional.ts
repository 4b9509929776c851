// A named function of the package set given packages in place of a set: `gfortran48 = wrapCC
// (gcc48.cc.override { … })`, where `wrapCC = cc: wrapCCWith { inherit cc; }`. Like `wrapCCWith
// { cc = …; }`, the binding is a package of its own (the file the function calls, with this
// binding's arguments); what the function's set passes under a parameter's name is the argument
// in that place, so gfortran48 is built with gcc48's compiler.
import type { Attr, Val } from './factTypes';
import type { Binding } from './domainIndex';
import type { Scope, Target } from './target';

/**
 * The argument a binding's function is given in the place of the parameter its set passes as
 * `name` (`wrapCC`'s `cc = cc`), with the value it resolves to: a package's attribute the index
 * cannot select (`gcc48.cc`, the compiler of a wrapper made at evaluation) is that package.
 */
export function positionalArg(
  via: Binding,
  name: string,
  resolve: (val: Val, scope: Scope) => Target | undefined,
): { arg: Attr; target?: Target } | undefined {
  const set = via.val;
  if (set.k !== 'set' || !set.argOf || !set.positional) return undefined;
  const scope: Scope = { file: via.file, set: via.set, parents: via.parentSets };
  const fn = resolve(set.argOf, scope)?.binding;
  const passed = fn?.params && fn.val.k === 'set' ? fn.val.attrs.find((a) => a.name === name) : undefined;
  const param = passed?.val.k === 'ref' && passed.val.path.length === 1 ? fn!.params!.indexOf(passed.val.path[0]!) : -1;
  const val = param >= 0 ? set.positional[param] : undefined;
  if (!val) return undefined;
  const arg: Attr = { name, span: val.span, val };
  const full = resolve(val, scope);
  if (full || val.k !== 'ref') return full ? { arg, target: full } : { arg };
  for (let n = val.path.length - 1; n >= 1; n--) {
    const target = resolve({ ...val, path: val.path.slice(0, n) }, scope);
    if (target) return !target.set && target.dir === undefined && !target.global ? { arg, target } : { arg };
  }
  return { arg };
}

/**
 * What a binding that applies a function to names stands for: the target found, but where that is
 * a function bound in the set (`fooDebug = enableDebugging foo;`), the binding itself is the package,
 * so two bindings applying one function are two packages, not one package and its alias.
 */
export function ownPackage(target: Target | undefined, self: Binding | undefined): Target | undefined {
  return target && self && target.binding?.lambda && target.binding !== self ? { ...target, binding: self } : target;
}
