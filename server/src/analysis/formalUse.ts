// How a package file uses each of its inputs. A formal that only `passthru` or `meta` name, or
// only a flag left at its default switches on (`lib.optionals withDocs [ doxygen ]`), is no input
// of the derivation Nix builds: a change to it rebuilds nothing. Test inputs (`nativeCheckInputs`)
// count only when the builder runs its tests. On the real core, such inputs chained the rebuild
// closure of a leaf into a few hundred packages Nix does not rebuild.
import type { SyntaxNode as Node } from './syntaxTree';
import { isAttrset, topBindings } from './derivationFacts';
import type { Formal } from './factTypes';
import { applicationParts, attrPathNames, referencePath, unparen } from './syntax';
import { letFlags, literalFlags, platformCondition, type Flag } from './conditions';
import { recordMember, member, memberName, rank, SET_BUILDER, weaker, withPackagesMembers, type FormalUse } from './memberUses';
import { OUTPUTS } from './setNames';
import { Lets } from './lets';

export type { FormalUse };

/** Bindings whose value is not part of the derivation Nix builds (or only when tests run). */
const NOT_BUILT = new Set(['passthru', 'meta', 'nativeCheckInputs', 'checkInputs', 'nativeInstallCheckInputs', 'installCheckInputs']);
const OPTIONAL = new Set(['optional', 'optionals', 'optionalString', 'optionalAttrs', 'mkIf']);
/** `lib.withFeatureAs cond "name" value`: the value is only read when the condition holds. */
const FEATURE_AS = new Set(['withFeatureAs', 'enableFeatureAs', 'optionalDrvAttr']);

/** How each formal of a file's function is used in its body. */
export function formalUses(
  fn: Node,
  names: readonly string[],
  passed?: ReadonlyMap<string, Flag>,
  members?: Map<string, Map<string, FormalUse>>,
  outer?: ReadonlyMap<string, boolean>,
): Map<string, FormalUse> {
  const uses = new Map<string, FormalUse>(names.map((n) => [n, 'none']));
  const formals = fn.childForFieldName('formals');
  // `outer`: flags known around the function (the file's outer function, applied by its caller).
  const flags = formals ? literalFlags(formals, passed, outer) : new Map<string, boolean>(outer);
  const body = fn.childForFieldName('body');
  if (!body) return uses;
  letFlags(body, flags);
  // The strongest use reachable on the way down: `none` under a false condition or in a binding
  // Nix does not build with, `maybe` under a condition the index cannot read. A stack, not
  // recursion: bodies nest deep.
  const lets = new Lets(uses);
  walk(body, uses, flags, members ?? new Map(), lets);
  // A formal's default is what the body uses when callPackage has no package of that name to give
  // (readline's `curses-library ? if stdenv.hostPlatform.isWindows then termcap else ncurses`):
  // `maybe`, since callPackage may give one.
  for (const formal of formals?.childrenForFieldName('formal') ?? []) {
    const name = formal?.childForFieldName('name')?.text;
    const fallback = formal?.childForFieldName('default');
    const use = name === undefined ? undefined : uses.get(name);
    if (fallback && use !== undefined && use !== 'none') walk(fallback, uses, flags, members ?? new Map(), lets, weaker(use));
  }
  return uses;
}

/**
 * The formals with their uses in a function's body, and the set members each names, under the
 * flags a caller passes (none: the file's own defaults).
 */
export function usedFormals(
  fn: Node,
  formals: readonly Formal[],
  passed?: ReadonlyMap<string, Flag>,
  outer?: ReadonlyMap<string, boolean>,
): Formal[] {
  const members = new Map<string, Map<string, FormalUse>>();
  const uses = formalUses(
    fn,
    formals.map((f) => f.name),
    passed,
    members,
    outer,
  );
  return formals.map((formal) => {
    const { use: _, members: __, ...rest } = formal;
    const use = uses.get(formal.name);
    const named = members.get(formal.name);
    const out: Formal = use === undefined || use === 'build' ? rest : { ...rest, use };
    if (named && named.size > 0) out.members = Object.fromEntries(named) as Formal['members'];
    return out;
  });
}

export function walk(
  body: Node,
  uses: Map<string, FormalUse>,
  flags: ReadonlyMap<string, boolean>,
  members: Map<string, Map<string, FormalUse>>,
  lets?: Lets,
  mode: FormalUse = 'build',
): void {
  const stack: Array<[Node, FormalUse]> = [[body, mode]];
  let steps = 0;
  const push = (node: Node, mode: FormalUse) => stack.push([node, mode]);
  while (stack.length > 0 && steps++ < 200_000) {
    const [node, mode] = stack.pop()!;
    visitOne(node, mode, push, uses, flags, undefined, members, lets);
  }
}

function visitOne(
  node: Node,
  mode: FormalUse,
  push: (node: Node, mode: FormalUse) => void,
  uses: Map<string, FormalUse>,
  flags: ReadonlyMap<string, boolean>,
  env: readonly string[] | undefined,
  members: Map<string, Map<string, FormalUse>>,
  lets?: Lets,
): void {
  if (mode === 'none') return;
  // Every node of the body comes through here: its type is read once (each read is a call into the parser).
  const type = node.type;
  if (type === 'variable_expression') {
    const name = node.text;
    const bound = lets?.reach(name, mode);
    if (bound) {
      push(bound, mode);
      // `inherit (python3Packages) docutils;` in a `let` (mercurial): a member of that set, used as the name is.
      const from = bound.type === 'inherit_from' ? bound.childForFieldName('expression') : null;
      const path = from && referencePath(unparen(from));
      if (path && uses.has(path[0]!)) member(members, [...path, name], mode);
    } else if (bound === null) return;
    else if (uses.has(name)) use(uses, name, mode);
    else if (env) member(members, [...env, name], mode);
    return;
  }
  if (type === 'let_expression' && lets) {
    lets.add(node);
    const body = node.childForFieldName('body');
    if (body) push(body, mode);
    return;
  }
  // `with python3.pkgs; [ pytest ]`: the names the body does not bind come from the set.
  if (type === 'with_expression' && !env) {
    const environment = node.childForFieldName('environment');
    const path = environment && referencePath(unparen(environment));
    const body = node.childForFieldName('body');
    if (environment && body && path && uses.has(path[0]!) && memberName(path[0]!, [...path.slice(1), 'x'])) {
      push(environment, mode === 'build' ? 'forced' : mode);
      visitWith(body, mode, path, uses, flags, members, lets);
      return;
    }
  }
  // `glib.flattenInclude`, `python3.pkgs.x`: an attribute of the value, not its derivation (unless
  // it is one of its outputs): evaluated, which need not mean built with.
  if (type === 'select_expression') {
    const expression = node.childForFieldName('expression');
    const first = node.childForFieldName('attrpath')?.namedChildren[0];
    // `subversionClient.override { … }`, `x.overrideAttrs …`: a variant of the input, built with like it.
    if (
      expression?.type === 'variable_expression' &&
      first?.type === 'identifier' &&
      !OUTPUTS.has(first.text) &&
      !/^override/.test(first.text)
    ) {
      const names = uses.has(expression.text) && attrPathNames(node.childForFieldName('attrpath')!);
      if (names) member(members, [expression.text, ...names], mode);
      // `rustPlatform.buildRustPackage { … }`: the derivation is the builder's, built with its inputs.
      const applied = node.parent?.type === 'apply_expression' && node.parent.childForFieldName('function')?.id === node.id;
      if (names && names.length === 1 && SET_BUILDER.test(first.text) && applied) recordMember(members, expression.text, first.text, mode);
      // `python3.pkgs.buildPythonApplication { … }`: the builder of the interpreter's own set builds
      // with that interpreter (scons, docutils): the input is built with, not only evaluated.
      const ownSetBuilder = names && names.length === 2 && names[0] === 'pkgs' && SET_BUILDER.test(names[1]!) && applied;
      // `rustPlatform.buildRustPackage.override { … } { … }` with a let-bound `rustPlatform =
      // makeRustPlatform { inherit (buildPackages) rustc; cargo = …; }` (cargo-auditable): built
      // with what the platform is made of.
      const path = attrPathNames(node.childForFieldName('attrpath')!);
      const letBuilder =
        lets?.has(expression.text) &&
        path &&
        SET_BUILDER.test(path[0]!) &&
        (path.length === 1 || (path.length === 2 && /^override/.test(path[1]!)));
      push(expression, mode === 'build' && !ownSetBuilder && !letBuilder && !givenToOverride(node) ? 'forced' : mode);
      const fallback = node.childForFieldName('default');
      if (fallback) push(fallback, mode);
      return;
    }
  }
  // In a string (`"--fonts=${dejavu_fonts.minimal}"`) an attribute is a derivation whose output is built with.
  if (type === 'interpolation') {
    for (const child of node.namedChildren) {
      const base = child?.type === 'select_expression' ? child.childForFieldName('expression') : null;
      if (base?.type !== 'variable_expression') {
        if (child) push(child, mode);
        continue;
      }
      // `${gnulib.passthru.longdouble-redirect-patch}` (texinfo): what passthru holds is no output.
      const through = child!.childForFieldName('attrpath')?.namedChildren[0]?.text === 'passthru';
      // `${pkgs.cacert}` (perl's MozillaCA): a package of the whole set, by its name.
      const names = !through && uses.has(base.text) ? attrPathNames(child!.childForFieldName('attrpath')!) : undefined;
      if (names) member(members, [base.text, ...names], mode);
      push(base, !through ? mode : mode === 'build' ? 'forced' : 'none');
      const fallback = child!.childForFieldName('default');
      if (fallback) push(fallback, mode);
    }
    return;
  }
  // `inherit (flit) src version;`: attributes of the value, as a selection takes them; of a
  // package set (`inherit (buildPackages) rustc;`), its members.
  if (type === 'inherit_from') {
    const expression = node.childForFieldName('expression');
    const from = expression && unparen(expression);
    if (from?.type === 'variable_expression') {
      // In a `let`, each name counts where it is used (see Lets); in a set, all are the set's.
      const inSet = node.parent?.parent && isAttrset(node.parent.parent);
      if (inSet && uses.has(from.text)) {
        for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) if (attr) member(members, [from.text, attr.text], mode);
      }
      push(from, mode === 'build' ? 'forced' : mode);
      return;
    }
  }
  // `inherit zlib;` (not `inherit (x) zlib;`) passes the formal on.
  if (type === 'inherit') {
    for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) {
      // `inherit passthru;`: what only passthru or meta hold is not built with.
      if (!attr || NOT_BUILT.has(attr.text)) continue;
      const bound = lets?.reach(attr.text, mode);
      if (bound) push(bound, mode);
      else if (bound === undefined) use(uses, attr.text, mode);
    }
    return;
  }
  if (type === 'binding') {
    const attrpath = node.childForFieldName('attrpath');
    const first = attrpath && attrPathNames(attrpath)?.[0];
    if (first && NOT_BUILT.has(first)) return;
  }
  // `a -> b` and `a && b` read b only when a holds, `a || b` only when it does not.
  if (type === 'binary_expression') {
    const op = node.childForFieldName('operator')?.text;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if ((op === '->' || op === '&&' || op === '||') && left && right) {
      const known = platformCondition(left, flags);
      push(left, mode);
      const reads = known === undefined ? undefined : op === '||' ? !known : known;
      push(right, reads === undefined ? weaker(mode) : reads ? mode : 'none');
      return;
    }
  }
  if (type === 'if_expression') {
    const condition = node.childForFieldName('condition');
    const known = condition ? platformCondition(condition, flags) : undefined;
    if (condition) push(condition, mode);
    const consequence = node.childForFieldName('consequence');
    const alternative = node.childForFieldName('alternative');
    if (consequence) push(consequence, known === undefined ? weaker(mode) : known ? mode : 'none');
    if (alternative) push(alternative, known === undefined ? weaker(mode) : known ? 'none' : mode);
    return;
  }
  if (type === 'apply_expression') {
    const interpreter = withPackagesMembers(node, (name) => lets?.lookup(name));
    if (interpreter && uses.has(interpreter.root))
      for (const name of interpreter.names) recordMember(members, interpreter.root, name, mode);
    const call = optionalCall(node);
    if (call) {
      const known = platformCondition(call.condition, flags);
      push(call.condition, mode);
      push(call.value, known === undefined ? weaker(mode) : known ? mode : 'none');
      return;
    }
    if (builderCall(node, mode, push, flags)) return;
    // `extendDerivation cond passthru drv`: the passthru attributes are not built with.
    const { head, args, complete } = applicationParts(node, 3);
    if (complete && args.length === 3 && referencePath(head)?.at(-1) === 'extendDerivation') {
      push(args[0]!, mode);
      push(args[2]!, mode);
      return;
    }
  }
  for (const child of node.namedChildren) if (child) push(child, mode);
}

/** The body of a `with` over a package set, walked with that set as where unbound names come from. */
function visitWith(
  body: Node,
  mode: FormalUse,
  env: readonly string[],
  uses: Map<string, FormalUse>,
  flags: ReadonlyMap<string, boolean>,
  members: Map<string, Map<string, FormalUse>>,
  lets?: Lets,
): void {
  const stack: Array<[Node, FormalUse]> = [[body, mode]];
  const push = (node: Node, nodeMode: FormalUse) => stack.push([node, nodeMode]);
  for (let steps = 0; stack.length > 0 && steps < 50_000; steps++) {
    const [node, nodeMode] = stack.pop()!;
    visitOne(node, nodeMode, push, uses, flags, env, members, lets);
  }
}

/** Builders whose tests run unless told not to (`doCheck ? true`): their check inputs are built with. */
const CHECKED_BY_DEFAULT = new Set(['buildPythonPackage', 'buildPythonApplication', 'buildPerlPackage', 'buildPerlModule']);
/** Python's builder runs its tests in the install check, switched by `doCheck`. */
const PYTHON_BUILDERS = new Set(['buildPythonPackage', 'buildPythonApplication']);
const BUILDERS = new Set([...CHECKED_BY_DEFAULT, 'mkDerivation']);
/** The inputs only a check phase uses, and the flag that runs that phase. */
const CHECK_INPUTS: Record<string, 'doCheck' | 'doInstallCheck'> = {
  nativeCheckInputs: 'doCheck',
  checkInputs: 'doCheck',
  nativeInstallCheckInputs: 'doInstallCheck',
  installCheckInputs: 'doInstallCheck',
};

/**
 * A derivation builder applied to its attributes (`stdenv.mkDerivation { … }`, `buildPythonPackage
 * rec { … }`, `mkDerivation (finalAttrs: { … })`): its check inputs are built with when the
 * phase that uses them runs — `doCheck = true;` for mkDerivation, unless `doCheck = false;` for
 * the Python and Perl builders, which test by default (Nix rebuilds sphinx when one of its test
 * inputs changes). Pushes the parts with their modes; false when the node is no such call.
 */
function builderCall(
  node: Node,
  mode: FormalUse,
  push: (node: Node, mode: FormalUse) => void,
  flags: ReadonlyMap<string, boolean>,
): boolean {
  const fn = node.childForFieldName('function');
  const argument = node.childForFieldName('argument');
  const builder = fn && referencePath(unparen(fn))?.at(-1);
  if (!fn || !argument || !builder || !BUILDERS.has(builder)) return false;
  let set = unparen(argument);
  if (set.type === 'function_expression') set = unparen(set.childForFieldName('body') ?? set); // finalAttrs: { … }
  if (!isAttrset(set)) return false;
  push(fn, mode);
  const bindings = topBindings(set);
  // Whether the phase a flag names runs: `doCheck = …;` (a literal or a known condition), else the builder's default.
  const runs = (flag: 'doCheck' | 'doInstallCheck'): boolean | undefined => {
    const name = PYTHON_BUILDERS.has(builder) ? 'doCheck' : flag;
    const binding = bindings.get(name);
    // `inherit doCheck;`: the formal's flag (libffi: `doCheck ? !(stdenv.hostPlatform.isStatic)`).
    if (binding?.type === 'inherit') return flags.get(name);
    if (binding?.type !== 'binding') return CHECKED_BY_DEFAULT.has(builder) && name === 'doCheck';
    const value = binding.childForFieldName('expression');
    if (!value) return undefined;
    return value.text === 'true' ? true : value.text === 'false' ? false : platformCondition(value, flags);
  };
  const checkInputs = new Map<number, 'doCheck' | 'doInstallCheck'>();
  for (const [name, flag] of Object.entries(CHECK_INPUTS)) {
    const binding = bindings.get(name);
    if (binding?.type === 'binding') checkInputs.set(binding.id, flag);
  }
  for (const child of set.namedChildren.find((c) => c?.type === 'binding_set')?.namedChildren ?? []) {
    if (!child || child.type === 'comment') continue;
    const flag = checkInputs.get(child.id);
    const expression = flag && child.childForFieldName('expression');
    if (!flag || !expression) {
      push(child, mode);
      continue;
    }
    // When the phase runs, `checked`: a check input is built with, but a failure is not carried through it.
    const phase = runs(flag);
    push(expression, phase === false ? 'none' : phase === true && mode === 'build' ? 'checked' : weaker(mode));
  }
  return true;
}

/**
 * `lib.optionals cond [ … ]` (also `optional`, `optionalString`, `optionalAttrs`, `mkIf`), and
 * `lib.withFeatureAs cond "name" value` (also `enableFeatureAs`): its condition and the value
 * that is only evaluated when the condition holds.
 */
function optionalCall(node: Node): { condition: Node; value: Node } | undefined {
  // At most 4 arguments: a 100,000-long application is visited at every level.
  const { head, args, complete, gaps } = applicationParts(node, 4);
  if (!complete || gaps) return undefined;
  const name = referencePath(head)?.at(-1);
  if (!name) return undefined;
  if (OPTIONAL.has(name) && args.length === 2) return { condition: args[0]!, value: args[1]! };
  if (FEATURE_AS.has(name) && args.length === 3) return { condition: args[0]!, value: args[2]! };
  return undefined;
}

/**
 * The value given for an input to `.override` (cargo's `rustPlatform.buildRustPackage.override {
 * cargo-auditable = cargo-auditable.bootstrap; }`): a package the derivation is built with.
 */
function givenToOverride(node: Node): boolean {
  const binding = node.parent;
  const set = binding?.type === 'binding' && binding.childForFieldName('expression')?.id === node.id ? binding.parent?.parent : undefined;
  const call = set && isAttrset(set) ? set.parent : undefined;
  if (call?.type !== 'apply_expression' || call.childForFieldName('argument')?.id !== set!.id) return false;
  return referencePath(call.childForFieldName('function')!)?.at(-1) === 'override';
}

/** Records that `name` is used at least as strongly as `mode`. */
function use(uses: Map<string, FormalUse>, name: string, mode: FormalUse): void {
  const current = uses.get(name);
  if (current !== undefined && rank(mode) > rank(current)) uses.set(name, mode);
}
