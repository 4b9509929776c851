// What a file says about itself beyond its value: what it imports, what its overlays and bootstrap
// stages name, whether it makes fixed-output derivations, whether its function returns a function,
// whether a binding is marked recurseIntoAttrs. Read by the index, the impact model and stdenv.
import type { SyntaxNode as Node } from './syntaxTree';
import { DERIVATION_BUILDER, isAttrset, topBindings, TRIVIAL_BUILDER } from './derivationFacts';
import { resolvePathLiteral } from './syntax';
import { applicationParts, attrPathNames, forEach, literalString, referencePath, unparen } from './syntax';
import { platformCondition, platformNamed } from './conditions';

/** The targets of `import ./path …` anywhere in a file: how nixpkgs' stage.nix composes the top-level set. */
export function importedPaths(root: Node, file: string): string[] {
  const out = new Set<string>();
  forEach(root, (node) => {
    if (node.type !== 'apply_expression') return true;
    const fn = node.childForFieldName('function');
    const argument = node.childForFieldName('argument');
    if (fn?.type === 'variable_expression' && fn.text === 'import' && argument?.type === 'path_expression') {
      const target = resolvePathLiteral(file, argument.text);
      if (target !== undefined) out.add(target);
    }
    return true;
  });
  return [...out];
}

/** Whether a value is a function: a lambda, or a helper applied to one (`lib.makeOverridable ({ url, … }: …)`). */
export function returnsFunction(node: Node, depth = 0): boolean {
  const n = unparen(node);
  if (n.type === 'function_expression') return true;
  if (n.type !== 'apply_expression' || depth > 4) return false;
  const fn = n.childForFieldName('function');
  const head = fn && unparen(fn);
  // `(callPackage ./common.nix { … }).overrideAttrs (old: …)`: the name selected from a value that is no name.
  const selected =
    head?.type === 'select_expression' ? head.childForFieldName('attrpath')?.childrenForFieldName('attr').at(-1)?.text : undefined;
  const last = head && (referencePath(head)?.at(-1) ?? selected);
  const argument = n.childForFieldName('argument');
  if (!argument || (last && (DERIVATION_BUILDER.test(last) || TRIVIAL_BUILDER.test(last) || NOT_WRAPPING.test(last)))) return false;
  return returnsFunction(argument, depth + 1);
}

/**
 * Helpers that take a function and return what it computes, not a function: `drv.overrideAttrs
 * (old: …)`, `self.overridePythonAttrs (o: …)`, `lib.fix (self: …)`, `lib.makeExtensible (self: …)`.
 */
const NOT_WRAPPING =
  /^(override\w*|fix'?|makeExtensible\w*|makeScope\w*|extend|callPackage\w*|map\w*|filter\w*|genAttrs|listToAttrs|foldl'?|foldr)$/;

/** Whether `outputHash` is bound, inherited or a formal anywhere in the file. */
export function mentionsOutputHash(root: Node): boolean {
  let found = false;
  forEach(root, (node) => {
    if (found) return false;
    if (node.type === 'identifier' && node.text === 'outputHash') {
      const parent = node.parent?.type;
      if (parent === 'attrpath' || parent === 'formal' || parent === 'inherited_attrs') found = true;
    }
    return true;
  });
  return found;
}

/** The files of nixpkgs' stdenv whose bootstrap stages say what stdenv is built from. */
export const STDENV_FILES = /(^|\/)pkgs\/stdenv\/((default|booter)\.nix$|generic\/|linux\/)/;

/** The folder of the files that compose the top-level package set (stage.nix, all-packages.nix). */
export const TOP_LEVEL_DIR = /(^|\/)top-level\//;

const STAGES = new Set(['prevStage', 'super', 'self', 'prev', 'final']);

/**
 * The names bound by the sets that overlays (`self: super: { … }`, also `… // { … }`) return,
 * and the names taken from another stage (`prevStage.x`, `inherit (super) x y;`).
 */
export function stageNames(
  root: Node,
  passed?: { name: string; formal: string; path: string }[],
  byLibc?: Record<string, string[]>,
): string[] {
  const out = new Set<string>();
  forEach(root, (node) => {
    if (node.type === 'select_expression') {
      // Taken from the stage before (`prevStage.gcc-unwrapped`); `super.dejagnu.overrideAttrs …` is
      // the stage's own package, changed for what the stage builds (see overridesOwn).
      const names = referencePath(node);
      if (names && names.length > 1 && STAGES.has(names[0]!) && names[0] !== 'super' && names[0] !== 'prev') {
        // Passed to a file the stage imports (`import ../../build-support/cc-wrapper { fortify-headers =
        // prevStage.fortify-headers; … }`): what that file does with it decides (`passed`).
        const to = names.length === 2 ? argumentOfImport(node) : undefined;
        if (to && passed) passed.push({ name: names[1]!, ...to });
        else out.add(names[1]!);
      }
      return true;
    }
    // What the stdenv is made of, under `with prevStage;` (`allowedRequisites = with prevStage;
    // [ gzip … gnumake ed file ]`): a name that is no package (`getBin`, `p`) seeds nothing.
    if (node.type === 'with_expression' && unparen(node.childForFieldName('environment') ?? node).text === 'prevStage') {
      const body = node.childForFieldName('body');
      if (body)
        forEach(body, (n) => {
          if (n.type === 'variable_expression') out.add(n.text);
          // `lib.optionals (localSystem.libc == "musl") [ fortify-headers ]`: not on x86_64-linux,
          // but in the stdenv of a musl platform (`byLibc`).
          const libc = byLibc && libcOnly(n);
          if (libc) forEach(libc.list, (m) => void (m.type === 'variable_expression' && (byLibc[libc.libc] ??= []).push(m.text)));
          return !isOffHere(n);
        });
      return true;
    }
    if (node.type === 'inherit_from') {
      const from = node.childForFieldName('expression');
      if (from && STAGES.has(unparen(from).text)) {
        for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) if (attr) out.add(attr.text);
      }
      return true;
    }
    if (node.type !== 'function_expression' || !node.childForFieldName('universal')) return true;
    const inner = unparen(node.childForFieldName('body') ?? node);
    if (inner.type !== 'function_expression' || !inner.childForFieldName('universal')) return true;
    const body = unparen(inner.childForFieldName('body') ?? inner);
    const sets = body.type === 'binary_expression' ? [body.childForFieldName('left'), body.childForFieldName('right')] : [body];
    for (const set of sets) {
      const current = set && unparen(set);
      if (!current || !isAttrset(current)) continue;
      for (const [name, binding] of topBindings(current)) if (!overridesOwn(name, binding)) out.add(name.split('.')[0]!);
      // `${localSystem.libc} = getLibc prevStage;` brings the platform's libc forward (glibc).
      for (const binding of current.namedChildren.find((c) => c?.type === 'binding_set')?.namedChildren ?? []) {
        const named = binding?.type === 'binding' ? platformNamed(binding.childForFieldName('attrpath')?.text ?? '') : undefined;
        if (named) out.add(named);
      }
    }
    return true;
  });
  return [...out];
}

/**
 * The formal a selection is given for, and the path literal of the imported file, when the selection
 * is the whole value of an attribute of the set given to `import ./file` (or to
 * `lib.makeOverridable (import ./file)`).
 */
function argumentOfImport(node: Node): { formal: string; path: string } | undefined {
  const binding = node.parent;
  if (binding?.type !== 'binding' || binding.childForFieldName('expression')?.id !== node.id) return undefined;
  const formal = attrPathNames(binding.childForFieldName('attrpath')!);
  const set = binding.parent?.parent;
  const call = set && isAttrset(set) ? set.parent : undefined;
  if (formal?.length !== 1 || call?.type !== 'apply_expression' || call.childForFieldName('argument')?.id !== set!.id) return undefined;
  let fn = unparen(call.childForFieldName('function')!);
  // `lib.makeOverridable (import ./file)`: the function is the import.
  if (fn.type === 'apply_expression' && referencePath(unparen(fn.childForFieldName('function')!))?.at(-1) === 'makeOverridable')
    fn = unparen(fn.childForFieldName('argument')!);
  if (fn.type !== 'apply_expression' || referencePath(unparen(fn.childForFieldName('function')!))?.[0] !== 'import') return undefined;
  const path = unparen(fn.childForFieldName('argument')!);
  return path.type === 'path_expression' ? { formal: formal[0]!, path: path.text } : undefined;
}

/** `lib.optional(s) cond …` whose condition does not hold on x86_64-linux. */
function isOffHere(node: Node): boolean {
  if (node.type !== 'apply_expression') return false;
  const { head, args, complete } = applicationParts(node, 2);
  const name = referencePath(head)?.at(-1);
  return complete && args.length === 2 && (name === 'optional' || name === 'optionals') && platformCondition(args[0]!) === false;
}

/** `lib.optional(s) (localSystem.libc == "musl") list`: the libc it asks for, and the list. */
function libcOnly(node: Node): { libc: string; list: Node } | undefined {
  if (node.type !== 'apply_expression') return undefined;
  const { head, args, complete } = applicationParts(node, 2);
  const name = referencePath(head)?.at(-1);
  if (!complete || args.length !== 2 || (name !== 'optional' && name !== 'optionals')) return undefined;
  const condition = unparen(args[0]!);
  if (condition.type !== 'binary_expression' || condition.childForFieldName('operator')?.text !== '==') return undefined;
  const [left, right] = [condition.childForFieldName('left'), condition.childForFieldName('right')].map((n) => n && unparen(n));
  const path = left && referencePath(left);
  const libc = right ? literalString(right) : undefined;
  return path && path.length > 1 && path.at(-1) === 'libc' && libc ? { libc, list: args[1]! } : undefined;
}

/** `dejagnu = super.dejagnu.overrideAttrs (…);`: a stage's own package, changed for what the stage builds. */
function overridesOwn(name: string, binding: Node): boolean {
  const value = binding.type === 'binding' ? binding.childForFieldName('expression') : null;
  const names = value ? referencePath(applicationParts(unparen(value)).head) : undefined;
  return names !== undefined && (names[0] === 'super' || names[0] === 'prev') && names[1] === name;
}

/** Whether an expression is marked `recurseIntoAttrs` (also past `let`, and on either side of `//`). */
export function recursedInto(node: Node, depth = 0): true | undefined {
  let n = unparen(node);
  while ((n.type === 'let_expression' || n.type === 'with_expression') && depth < 8)
    (n = unparen(n.childForFieldName('body') ?? n)), depth++;
  if (depth > 8) return undefined;
  if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '//') {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    return (left && recursedInto(left, depth + 1)) || (right && recursedInto(right, depth + 1)) || undefined;
  }
  if (n.type !== 'apply_expression') return undefined;
  let head: Node = n;
  while (head.type === 'apply_expression') head = unparen(head.childForFieldName('function') ?? head);
  return referencePath(head)?.at(-1) === 'recurseIntoAttrs' ? true : undefined;
}
