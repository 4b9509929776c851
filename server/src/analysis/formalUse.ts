// How a package file uses each of its inputs. A formal that only `passthru` or `meta` name, or
// only a flag left at its default switches on (`lib.optionals withDocs [ doxygen ]`), is no input
// of the derivation Nix builds: a change to it rebuilds nothing. Test inputs (`nativeCheckInputs`)
// count only when the builder runs its tests. On the real core, such inputs chained the rebuild
// closure of a leaf into a few hundred packages Nix does not rebuild.
import type { Node } from 'web-tree-sitter';
import { isAttrset, topBindings } from './derivationFacts';
import { applicationParts, attrPathNames, referencePath, unparen } from './syntax';

/**
 * How a formal is used: in the derivation (`build`); an attribute of it (`glib.flattenInclude`,
 * `dejavu_fonts.minimal`) where the derivation surely evaluates it, which need not be its output
 * (`forced`: its failure is the package's, a change to it may rebuild nothing); only under a
 * condition the index cannot read (`maybe`); or not at all (`none`).
 */
export type FormalUse = 'build' | 'forced' | 'maybe' | 'none';

/** Bindings whose value is not part of the derivation Nix builds (or only when tests run). */
const NOT_BUILT = new Set(['passthru', 'meta', 'nativeCheckInputs', 'checkInputs', 'nativeInstallCheckInputs', 'installCheckInputs']);
const OPTIONAL = new Set(['optional', 'optionals', 'optionalString', 'optionalAttrs', 'mkIf']);
/** `lib.withFeatureAs cond "name" value`: the value is only read when the condition holds. */
const FEATURE_AS = new Set(['withFeatureAs', 'enableFeatureAs', 'optionalDrvAttr']);

/** Platform flags as they are on x86_64-linux (glibc), the platform contributors and CI build for. */
const PLATFORM: Record<string, boolean> = {
  isLinux: true,
  isx86: true,
  isx86_64: true,
  is64bit: true,
  isGnu: true,
  isElf: true,
  isUnix: true,
  hasCC: true,
  isDarwin: false,
  isAarch64: false,
  isAarch32: false,
  isAarch: false,
  isAarch64Darwin: false,
  isStatic: false,
  isMusl: false,
  isFreeBSD: false,
  isOpenBSD: false,
  isNetBSD: false,
  isBSD: false,
  isCygwin: false,
  isWindows: false,
  isMinGW: false,
  isi686: false,
  is32bit: false,
  isRiscV: false,
  isRiscV64: false,
  isPower: false,
  isPower64: false,
  isMips: false,
  isMips64: false,
  isWasm: false,
  isWasi: false,
  isiOS: false,
  isMacOS: false,
  isSunOS: false,
  isAndroid: false,
  useLLVM: false,
  isGhcjs: false,
  isS390: false,
  isLoongArch64: false,
  isMicroBlaze: false,
  isArmv7: false,
  isM68k: false,
  isOr1k: false,
  isAvr: false,
  isRedox: false,
  isNone: false,
  isx86_32: false,
  // The Python package set's flags, as they are for CPython 3 (python3Packages).
  isPyPy: false,
  isPy3k: true,
  isPy27: false,
};
const PLATFORMS = /^(host|build|target)Platform$/;
/** Outputs of a derivation (`zlib.dev`): selecting one builds with the derivation. */
const OUTPUTS = new Set([
  'out',
  'dev',
  'lib',
  'bin',
  'man',
  'doc',
  'info',
  'devdoc',
  'debug',
  'static',
  'outPath',
  'drvPath',
  'all',
  'py',
  'python',
]);

/**
 * The value of a condition on the platform (`stdenv.isDarwin`, `with stdenv.hostPlatform;
 * isLinux && isStatic`, `stdenv.hostPlatform != stdenv.buildPlatform`) or on flags with a literal
 * default (`flags`: `withDocs ? false`), or undefined when it depends on anything else.
 */
export function platformCondition(node: Node, flags: ReadonlyMap<string, boolean> = new Map(), depth = 0): boolean | undefined {
  const n = unparen(node);
  if (depth > 24) return undefined;
  if (n.type === 'with_expression') return platformCondition(n.childForFieldName('body') ?? n, flags, depth + 1);
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '!') {
    const inner = platformCondition(n.childForFieldName('argument') ?? n, flags, depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.text;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return undefined;
    if (op === '==' || op === '!=') {
      // Native builds: every platform of the stdenv is the same one.
      const l = referencePath(unparen(left))?.at(-1);
      const r = referencePath(unparen(right))?.at(-1);
      if (!l || !r || !PLATFORMS.test(l) || !PLATFORMS.test(r)) return undefined;
      return op === '==';
    }
    const a = platformCondition(left, flags, depth + 1);
    const b = platformCondition(right, flags, depth + 1);
    if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
    if (op === '||') return a === true || b === true ? true : a === false && b === false ? false : undefined;
    if (op === '->') return a === false || b === true ? true : a === true && b === false ? false : undefined;
    return undefined;
  }
  const names = referencePath(n);
  if (names?.length === 1 && flags.has(names[0]!)) return flags.get(names[0]!);
  const flag = names?.at(-1);
  return flag !== undefined && flag in PLATFORM && (names!.length === 1 || /stdenv|Platform|platform/.test(names!.join('.')))
    ? PLATFORM[flag]
    : undefined;
}

/** The formals with a literal boolean default (`withDocs ? false`). */
function literalFlags(formals: Node): Map<string, boolean> {
  const flags = new Map<string, boolean>();
  for (const formal of formals.childrenForFieldName('formal')) {
    const name = formal?.childForFieldName('name')?.text;
    const value = formal?.childForFieldName('default');
    if (!name || !value) continue;
    // `doCheck ? (interactive && stdenv.isLinux)`: a default computed from flags before it and the platform.
    const known = value.text === 'true' || value.text === 'false' ? value.text === 'true' : platformCondition(value, flags);
    if (known !== undefined) flags.set(name, known);
  }
  return flags;
}

/** The `let` bindings of a body whose value is a known condition (`darwinCodeSign = stdenv.targetPlatform.isDarwin && …;`), added to the flags. */
function letFlags(body: Node, flags: Map<string, boolean>): void {
  let node: Node | null = unparen(body);
  for (let depth = 0; node && depth < 4; depth++) {
    if (node.type === 'with_expression' || node.type === 'assert_expression') {
      node = node.childForFieldName('body');
    } else if (node.type === 'let_expression') {
      const bindings = node.namedChildren.find((c) => c?.type === 'binding_set');
      for (const binding of bindings?.namedChildren ?? []) {
        if (binding?.type !== 'binding') continue;
        const names = attrPathNames(binding.childForFieldName('attrpath')!);
        const expression = binding.childForFieldName('expression');
        if (names?.length !== 1 || !expression || flags.has(names[0]!)) continue;
        const known = platformCondition(expression, flags);
        if (known !== undefined) flags.set(names[0]!, known);
      }
      node = node.childForFieldName('body');
    } else {
      return;
    }
    node = node && unparen(node);
  }
}

/** How each formal of a file's function is used in its body. */
export function formalUses(fn: Node, names: readonly string[]): Map<string, FormalUse> {
  const uses = new Map<string, FormalUse>(names.map((n) => [n, 'none']));
  const formals = fn.childForFieldName('formals');
  const flags = formals ? literalFlags(formals) : new Map<string, boolean>();
  const body = fn.childForFieldName('body');
  if (!body) return uses;
  letFlags(body, flags);
  // The strongest use reachable on the way down: `none` under a false condition or in a binding
  // Nix does not build with, `maybe` under a condition the index cannot read. A stack, not
  // recursion: bodies nest deep.
  const stack: Array<[Node, FormalUse]> = [[body, 'build']];
  let steps = 0;
  const push = (node: Node, mode: FormalUse) => stack.push([node, mode]);
  while (stack.length > 0 && steps++ < 200_000) {
    const [node, mode] = stack.pop()!;
    visitOne(node, mode, push, uses, flags);
  }
  return uses;
}

function visitOne(
  node: Node,
  mode: FormalUse,
  push: (node: Node, mode: FormalUse) => void,
  uses: Map<string, FormalUse>,
  flags: ReadonlyMap<string, boolean>,
): void {
  if (mode === 'none') return;
  // Every node of the body comes through here: its type is read once (each read is a call into the parser).
  const type = node.type;
  if (type === 'variable_expression') {
    use(uses, node.text, mode);
    return;
  }
  // `glib.flattenInclude`, `python3.pkgs.x`: an attribute of the value, not its derivation (unless
  // it is one of its outputs): evaluated, which need not mean built with.
  if (type === 'select_expression') {
    const expression = node.childForFieldName('expression');
    const first = node.childForFieldName('attrpath')?.namedChildren[0];
    if (expression?.type === 'variable_expression' && first?.type === 'identifier' && !OUTPUTS.has(first.text)) {
      push(expression, mode === 'build' ? 'forced' : mode);
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
      push(base, mode);
      const fallback = child!.childForFieldName('default');
      if (fallback) push(fallback, mode);
    }
    return;
  }
  // `inherit zlib;` (not `inherit (x) zlib;`) passes the formal on.
  if (type === 'inherit') {
    for (const attr of node.childForFieldName('attrs')?.namedChildren ?? []) if (attr) use(uses, attr.text, mode);
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
    const call = optionalCall(node);
    if (call) {
      const known = platformCondition(call.condition, flags);
      push(call.condition, mode);
      push(call.value, known === undefined ? weaker(mode) : known ? mode : 'none');
      return;
    }
    if (builderCall(node, mode, push, flags)) return;
  }
  for (const child of node.namedChildren) if (child) push(child, mode);
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
    // Even when the phase runs, `maybe`: a check input is built with, but a failure is not carried through it.
    push(expression, runs(flag) === false ? 'none' : weaker(mode));
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

/** Records that `name` is used at least as strongly as `mode`. */
function use(uses: Map<string, FormalUse>, name: string, mode: FormalUse): void {
  const current = uses.get(name);
  if (current !== undefined && rank(mode) > rank(current)) uses.set(name, mode);
}

function rank(use: FormalUse): number {
  return use === 'build' ? 3 : use === 'forced' ? 2 : use === 'maybe' ? 1 : 0;
}

function weaker(mode: FormalUse): FormalUse {
  return mode === 'build' || mode === 'forced' ? 'maybe' : mode;
}
