// How a body uses a formal, and the members of package sets it names (`perlPackages.LWP`,
// `rustPlatform.buildRustPackage`): the vocabulary formalUse.ts walks with.
import type { SyntaxNode as Node } from './syntaxTree';
import { referencePath, unparen } from './syntax';

/** Names of the whole package set whose members a body selects (`pkgs.cacert`). */
export const WHOLE_SET = new Set(['pkgs', 'self', 'final']);

/**
 * How a formal is used: in the derivation (`build`); an attribute of it (`glib.flattenInclude`,
 * `dejavu_fonts.minimal`) where the derivation surely evaluates it, which need not be its output
 * (`forced`: its failure is the package's, a change to it may rebuild nothing); in the inputs of
 * a check phase that runs (`checked`: built with, but Nix evaluates the package whether or not the
 * input can be); only under a condition the index cannot read (`maybe`); or not at all (`none`).
 */
export type FormalUse = 'build' | 'forced' | 'checked' | 'maybe' | 'none';

/**
 * A member of a package set an input names (`perlPackages.LWP`, `python3.pkgs.pytest`, or
 * `pytest` under `with python3.pkgs;`): recorded with its use under the input's name.
 */
export function member(members: Map<string, Map<string, FormalUse>>, path: readonly string[], mode: FormalUse): void {
  const [formal, ...whole] = path;
  // `buildPackages.cargo.override { … }`: a variant of the member, built with like it.
  const rest = whole.length > 1 && /^override/.test(whole[whole.length - 1]!) ? whole.slice(0, -1) : whole;
  const name = memberName(formal!, rest);
  if (name && mode !== 'none') recordMember(members, formal!, name, mode);
}

/** Builders a package set provides (`rustPlatform.buildRustPackage`, `python3Packages.buildPythonPackage`). */
export const SET_BUILDER = /^build\w*(Package|Application|Module|Crate)$/;

/** Records a member under its input's name with the strongest use seen (a builder whatever the input's name). */
export function recordMember(members: Map<string, Map<string, FormalUse>>, formal: string, name: string, mode: FormalUse): void {
  let of = members.get(formal);
  if (!of) members.set(formal, (of = new Map()));
  const current = of.get(name);
  if (current === undefined || rank(mode) > rank(current)) of.set(name, mode);
}

/** The member a selection names when the input is a package set: `perlPackages.X`, `python3.pkgs.X`. */
export function memberName(formal: string, rest: readonly string[]): string | undefined {
  if (rest.length === 1 && (/Packages$/.test(formal) || WHOLE_SET.has(formal))) return rest[0];
  return rest.length === 2 && rest[0] === 'pkgs' ? rest[1] : undefined;
}

/** Uses ordered by strength: a use reached by several paths keeps the strongest. */
export function rank(use: FormalUse): number {
  return use === 'build' ? 4 : use === 'forced' ? 3 : use === 'checked' ? 2 : use === 'maybe' ? 1 : 0;
}

/** The use under a condition the index cannot read. */
export function weaker(mode: FormalUse): FormalUse {
  return mode === 'build' || mode === 'forced' || mode === 'checked' ? 'maybe' : mode;
}

/**
 * `python3.withPackages (ps: [ ps.pyelftools ])`, or given a let-bound `checkDeps = ps: with ps;
 * [ psutil ];` (`bound` looks a name up): the packages of the interpreter's set it names, under the
 * name the interpreter is selected from (`python3`, `pkgsBuildBuild`).
 */
export function withPackagesMembers(node: Node, bound: (name: string) => Node | undefined): { root: string; names: string[] } | undefined {
  const fn = node.childForFieldName('function');
  const arg = node.childForFieldName('argument');
  const path = fn && referencePath(unparen(fn));
  if (!path || path.length < 2 || path[path.length - 1] !== 'withPackages' || !arg) return undefined;
  let lambda: Node | undefined = unparen(arg);
  if (lambda.type === 'variable_expression') lambda = bound(lambda.text) && unparen(bound(lambda.text)!);
  const param = lambda?.type === 'function_expression' ? lambda.childForFieldName('universal')?.text : undefined;
  const body = param ? lambda!.childForFieldName('body') : null;
  if (!param || !body) return undefined;
  const names = new Set<string>();
  const stack: [Node, boolean][] = [[body, false]];
  for (let steps = 0; stack.length > 0 && steps < 2000; steps++) {
    const [at, within] = stack.pop()!;
    const selected = at.type === 'select_expression' ? referencePath(at) : undefined;
    if (selected && selected[0] === param && selected.length >= 2) names.add(selected[1]!);
    else if (within && at.type === 'variable_expression' && at.text !== param) names.add(at.text);
    else if (at.type === 'with_expression' && unparen(at.childForFieldName('environment') ?? at).text === param) {
      const inner = at.childForFieldName('body');
      if (inner) stack.push([inner, true]);
    } else for (const child of at.namedChildren) if (child) stack.push([child, within]);
  }
  return { root: path[0]!, names: [...names] };
}
