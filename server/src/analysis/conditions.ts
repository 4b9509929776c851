// Conditions a package file's inputs are used under, read for the platform contributors and CI
// build for (x86_64-linux) and the flags the file defaults to or its caller passes
// (`withDocs ? false`, `uiToolkits ? [ ]`, `cmake.override { uiToolkits = [ "ncurses" ]; }`).
import type { SyntaxNode as Node } from './syntaxTree';
import type { Val } from './factTypes';
import { applicationParts, attrPathNames, literalString, referencePath, unparen, type Span } from './syntax';
import { topBindings } from './derivationFacts';
import { appliedVersion, partialVersion, setText, versionCondition, versionPart } from './versionConditions';

export { compareVersions } from './versionConditions';

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
  // The compiler of the stdenv (`stdenv.cc.isClang`): GCC on x86_64-linux.
  isGNU: true,
  isClang: false,
  // The Python package set's flags, as they are for CPython 3 (python3Packages).
  isPyPy: false,
  isPy3k: true,
  isPy27: false,
};
const PLATFORMS = /^(host|build|target)Platform$/;
/** The platform's string attributes a condition compares (`stdenv.targetPlatform.linker == "lld"`). */
const PLATFORM_STRINGS: Record<string, string> = { linker: 'bfd', libc: 'glibc', system: 'x86_64-linux' };

/**
 * An attribute name made from a platform string (`${localSystem.libc} = getLibc prevStage;` in a
 * bootstrap stage): the name it has on x86_64-linux (`glibc`), or undefined for any other name.
 */
export function platformNamed(text: string): string | undefined {
  const names = /^"?\$\{\s*([\w.]+)\s*\}"?$/.exec(text)?.[1]?.split('.');
  const name = names?.at(-1);
  if (!names || names.length < 2 || !name || !(name in PLATFORM_STRINGS)) return undefined;
  return /Platform|platform|System|system/.test(names.slice(0, -1).join('.')) ? PLATFORM_STRINGS[name] : undefined;
}

/**
 * The value of a condition, known on x86_64-linux or not (`fastCross = (stdenv.buildPlatform ==
 * stdenv.hostPlatform) && (stdenv.hostPlatform != stdenv.targetPlatform);` in rust's set, passed on
 * as `inherit fastCross;`): a flag the callee reads (rustc.nix: `optionals fastCross [ lndir ]`).
 */
export function conditionValue(node: Node, span: Span): Val {
  const known = platformCondition(node);
  return known === undefined ? { k: 'other', span } : { k: 'other', span, bool: known };
}

/**
 * The value of a condition on the platform (`stdenv.isDarwin`, `with stdenv.hostPlatform;
 * isLinux && isStatic`, `stdenv.hostPlatform != stdenv.buildPlatform`) or on flags with a literal
 * default (`flags`: `withDocs ? false`), or undefined when it depends on anything else.
 */
export function platformCondition(node: Node, flags: ReadonlyMap<string, boolean> = new Map(), depth = 0): boolean | undefined {
  const n = unparen(node);
  if (depth > 24) return undefined;
  if (n.type === 'with_expression') return platformCondition(n.childForFieldName('body') ?? n, flags, depth + 1);
  // `if isBootstrap != null then … else false` (a flag's default computed from another).
  if (n.type === 'if_expression') {
    const condition = n.childForFieldName('condition');
    const known = condition && platformCondition(condition, flags, depth + 1);
    const branch = known === undefined || known === null ? null : n.childForFieldName(known ? 'consequence' : 'alternative');
    return branch ? platformCondition(branch, flags, depth + 1) : undefined;
  }
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
      // `uiToolkits == []`, `isBootstrap != null`: a flag's list (or null) compared with the literal.
      const literal = comparedLiteral(unparen(left), unparen(right)) ?? comparedLiteral(unparen(right), unparen(left));
      if (literal !== undefined) {
        const known = flags.get(literal);
        return known === undefined ? undefined : known === (op === '==');
      }
      // `type == "lib"` where the string flag's value is known (passed, or a literal default).
      const flag = textFlag(unparen(left), unparen(right), flags) ?? textFlag(unparen(right), unparen(left), flags);
      if (flag !== undefined) return flag === (op === '==');
      // `linker == "lld"`, with `inherit (stdenv.targetPlatform) linker;` or the whole path.
      const text = platformString(unparen(left), unparen(right)) ?? platformString(unparen(right), unparen(left));
      if (text) return (text.actual === text.compared) === (op === '==');
      // Native builds: every platform of the stdenv is the same one. The static set (`@isStatic`) is
      // built on x86_64-linux for a static musl platform: its host and target are not its build platform.
      const l = referencePath(unparen(left))?.at(-1);
      const r = referencePath(unparen(right))?.at(-1);
      if (!l || !r || !PLATFORMS.test(l) || !PLATFORMS.test(r)) return undefined;
      const same = flags.get('@isStatic') === true ? (l === 'buildPlatform') === (r === 'buildPlatform') : true;
      return same === (op === '==');
    }
    const a = platformCondition(left, flags, depth + 1);
    const b = platformCondition(right, flags, depth + 1);
    if (op === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
    if (op === '||') return a === true || b === true ? true : a === false && b === false ? false : undefined;
    if (op === '->') return a === false || b === true ? true : a === true && b === false ? false : undefined;
    return undefined;
  }
  // `lib.elem "ncurses" uiToolkits` with the list flag known empty (cmake's `uiToolkits ? [ ]`).
  if (n.type === 'apply_expression') {
    // `atLeast "6"`, `lib.versionAtLeast majorMinorVersion "6"` of a known version.
    const version = appliedVersion(n, flags);
    if (version !== undefined) return version;
    const { head, args, complete } = applicationParts(n, 2);
    const list = complete && args.length === 2 && referencePath(head)?.at(-1) === 'elem' ? referencePath(unparen(args[1]!)) : undefined;
    if (list?.length === 1 && flags.get(`${list[0]}==[]`) === true) return false;
  }
  // `stdenv.targetPlatform.useLLVM or false`: the platform has every flag, so the default is not taken.
  const fallback = n.type === 'select_expression' ? n.childForFieldName('default') : null;
  const base = fallback && n.childForFieldName('expression');
  const attrs = base && n.childForFieldName('attrpath');
  const names = fallback
    ? base && attrs
      ? [...(referencePath(unparen(base)) ?? []), ...(attrPathNames(attrs) ?? [])]
      : undefined
    : referencePath(n);
  if (names?.length === 1 && flags.has(names[0]!)) return flags.get(names[0]!);
  if (names && names.length > 1 && flags.has(names.join('.'))) return flags.get(names.join('.'));
  if (n.type === 'variable_expression' && (n.text === 'true' || n.text === 'false')) return n.text === 'true';
  const flag = names?.at(-1);
  // `@isStatic` among the flags: the platform of another package set (`pkgsStatic`).
  return flag !== undefined && flag in PLATFORM && (names!.length === 1 || /stdenv|Platform|platform/.test(names!.join('.')))
    ? (flags.get(`@${flag}`) ?? PLATFORM[flag])
    : undefined;
}

/**
 * A flag's value as a caller passes it (`{ withDocs = true; }`, `cmake.override { uiToolkits =
 * [ "ncurses" ]; }`): a boolean, a list that is empty or not, a string; or `null`, a formal whose
 * default is `null` that callPackage leaves to it (`includeFortifyHeaders ? null`, a name the
 * domain binds nowhere and the call does not pass).
 */
export type Flag = boolean | 'empty' | 'items' | { text: string } | null;

/** The key under which a flag's comparison with a literal is known: `uiToolkits == []`, `isBootstrap == null`. */
function comparedLiteral(literal: Node, other: Node): string | undefined {
  const names = referencePath(other);
  if (names?.length !== 1) return undefined;
  if (literal.type === 'list_expression') return isEmptyList(literal) ? `${names[0]}==[]` : undefined;
  return literal.type === 'variable_expression' && literal.text === 'null' ? `${names[0]}==null` : undefined;
}

/**
 * Whether a string flag (`type`) equals a string literal, when its value is known; also a part of a
 * known version (`lib.versions.major release_version == "12"`).
 */
function textFlag(name: Node, literal: Node, flags: ReadonlyMap<string, boolean>): boolean | undefined {
  const text = literal.type === 'string_expression' ? literalString(literal) : undefined;
  const part = text === undefined ? undefined : versionPart(name, flags);
  if (part !== undefined) return part === text;
  const names = text === undefined ? undefined : referencePath(name);
  if (names?.length !== 1 || !flags.has(`${names[0]}:text`)) return undefined;
  return flags.has(`${names[0]}==${JSON.stringify(text)}`);
}

/** A platform string attribute (`linker`, `stdenv.targetPlatform.libc`) compared with a string literal or null. */
function platformString(attribute: Node, literal: Node): { actual: string; compared: string | null } | undefined {
  const isNull = literal.type === 'variable_expression' && literal.text === 'null';
  if (literal.type !== 'string_expression' && !isNull) return undefined;
  const names = referencePath(attribute);
  const name = names?.at(-1);
  if (!names || !name || !(name in PLATFORM_STRINGS)) return undefined;
  // A bare name is the platform's when compared with a string (`let inherit (stdenv.targetPlatform) libc;
  // in libc == "nblibc"`): a package would never equal one. `libc != null` asks about a package.
  // `stdenv.system == "x86_64-darwin"` (util-linux): the stdenv's own system is its host platform's.
  const ofStdenv = names.length === 2 && names[0] === 'stdenv' && name === 'system';
  // `localSystem.libc` (the stdenv stages' own platform) too.
  if (names.length === 1 ? name !== 'linker' && isNull : !ofStdenv && !/Platform|platform|System$/.test(names.slice(0, -1).join('.')))
    return undefined;
  const compared = isNull ? null : literalString(literal);
  return compared === undefined ? undefined : { actual: PLATFORM_STRINGS[name]!, compared };
}

function isEmptyList(node: Node): boolean {
  return node.namedChildren.every((c) => c?.type === 'comment');
}

/**
 * The formals with a known value: passed by the caller (`passed`), or a literal default (`withDocs
 * ? false`, `uiToolkits ? [ ]`), or a default computed from those and the platform.
 */
export function literalFlags(
  formals: Node,
  passed?: ReadonlyMap<string, Flag>,
  outer?: ReadonlyMap<string, boolean>,
): Map<string, boolean> {
  const flags = new Map<string, boolean>(outer);
  // Whether a formal is null is known only while defaults are computed (`isBootstrap ? null`):
  // in the body, `x != null` is how a file asks whether its caller gave an optional input.
  const nulls: string[] = [];
  // Defaults are lazy: `opensslSupport ? zlibSupport` reads a flag written after it (curl), so a
  // default left unknown is read again once the others are.
  const unknown = new Set<string>();
  for (let pass = 0; pass < 3; pass++) {
    const before = unknown.size;
    readDefaults(formals, flags, nulls, unknown, pass === 0, passed);
    if (pass > 0 && unknown.size === before) break;
  }
  for (const key of nulls) flags.delete(key);
  return flags;
}

function readDefaults(
  formals: Node,
  flags: Map<string, boolean>,
  nulls: string[],
  unknown: Set<string>,
  first: boolean,
  passed?: ReadonlyMap<string, Flag>,
): void {
  for (const formal of formals.childrenForFieldName('formal')) {
    const name = formal?.childForFieldName('name')?.text;
    if (!name || (!first && !unknown.has(name))) continue;
    const given = passed?.get(name);
    if (given !== undefined) {
      // Null in the body too, not only while defaults are computed: `x != null` is known.
      if (given === null) flags.set(`${name}==null`, true);
      else if (typeof given === 'boolean') flags.set(name, given);
      else if (typeof given === 'object') setText(flags, name, given.text);
      else flags.set(`${name}==[]`, given === 'empty');
      continue;
    }
    const value = formal?.childForFieldName('default');
    if (!value) continue;
    const literal = unparen(value);
    const text = literal.type === 'string_expression' ? literalString(literal) : undefined;
    if (text !== undefined) {
      setText(flags, name, text);
      continue;
    }
    if (literal.type === 'list_expression') {
      flags.set(`${name}==[]`, isEmptyList(literal));
      continue;
    }
    if (literal.type === 'variable_expression' && literal.text === 'null') {
      flags.set(`${name}==null`, true);
      nulls.push(`${name}==null`);
      continue;
    }
    // `doCheck ? (interactive && stdenv.isLinux)`: a default computed from other flags and the platform.
    const known = value.text === 'true' || value.text === 'false' ? value.text === 'true' : platformCondition(value, flags);
    if (known !== undefined) {
      flags.set(name, known);
      unknown.delete(name);
    } else unknown.add(name);
  }
}

/**
 * The `let` bindings of a body whose value is a known condition (`darwinCodeSign =
 * stdenv.targetPlatform.isDarwin && …;`), added to the flags; with the versions a caller passes
 * (`version`), also comparisons of them (`atLeast221 = lib.versionAtLeast version "2.21pre";`).
 */
export function letFlags(body: Node, flags: Map<string, boolean>, versions?: ReadonlyMap<string, string>): void {
  let node: Node | null = unparen(body);
  // Past a few `assert`s and `with`s (the compiler wrapper asserts four times before its `let`).
  for (let depth = 0; node && depth < 8; depth++) {
    if (node.type === 'with_expression' || node.type === 'assert_expression') {
      node = node.childForFieldName('body');
    } else if (node.type === 'let_expression') {
      const bindings = node.namedChildren.find((c) => c?.type === 'binding_set');
      for (const binding of bindings?.namedChildren ?? []) {
        if (binding?.type !== 'binding') continue;
        const names = attrPathNames(binding.childForFieldName('attrpath')!);
        const expression = binding.childForFieldName('expression');
        if (names?.length !== 1 || !expression || flags.has(names[0]!)) continue;
        if (partialVersion(names[0]!, expression, flags)) continue;
        const known = platformCondition(expression, flags) ?? (versions && versionCondition(expression, versions));
        if (known !== undefined) flags.set(names[0]!, known);
      }
      node = node.childForFieldName('body');
    } else {
      selfFlags(node, flags);
      return;
    }
    node = node && unparen(node);
  }
}

/**
 * What a derivation says of its own attributes through `finalAttrs` (rustc: `src = fetchurl { …;
 * passthru.isReleaseTarball = true; }`, read as `finalAttrs.src.passthru.isReleaseTarball or
 * false`): the literal booleans of the `passthru` given to a call an attribute is bound to.
 */
function selfFlags(node: Node, flags: Map<string, boolean>): void {
  const fn = node.type === 'apply_expression' ? applicationParts(node).args.at(-1) : undefined;
  const param = fn?.type === 'function_expression' ? fn.childForFieldName('universal')?.text : undefined;
  const body = param ? fn!.childForFieldName('body') : null;
  for (const [name, value] of body ? literalBindings(unparen(body)) : []) {
    const call = unparen(value);
    if (call.type !== 'apply_expression') continue;
    for (const arg of applicationParts(call).args) {
      for (const [path, literal] of literalBindings(arg)) {
        const text = unparen(literal).text;
        if (path.startsWith('passthru.') && (text === 'true' || text === 'false')) flags.set(`${param}.${name}.${path}`, text === 'true');
      }
    }
  }
}

/** The bindings of an attribute set literal, by dotted path (none for any other expression). */
function literalBindings(set: Node): [string, Node][] {
  if (set.type !== 'attrset_expression' && set.type !== 'rec_attrset_expression') return [];
  return [...topBindings(set)].flatMap(([path, binding]) => {
    const expression = binding.type === 'binding' ? binding.childForFieldName('expression') : null;
    return expression ? [[path, expression] as [string, Node]] : [];
  });
}

/** Whether a value asserts what does not hold on x86_64-linux (`assert stdenv.targetPlatform != stdenv.hostPlatform; …`). */
export function failsAssert(node: Node): true | undefined {
  return failingAssertion(node) ? true : undefined;
}

/**
 * The condition of an `assert` a value makes before anything else (past `let`s and `with`s) that
 * does not hold on x86_64-linux with these flags (`assert (!stdenv.hostPlatform.isDarwin) ->
 * maloader != null;` where `maloader ? null`).
 */
export function failingAssertion(node: Node, flags?: ReadonlyMap<string, boolean>): Node | undefined {
  let current: Node | null = unparen(node);
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.type === 'assert_expression') {
      const condition = current.childForFieldName('condition');
      if (condition && platformCondition(condition, flags) === false) return condition;
    } else if (current.type !== 'let_expression' && current.type !== 'with_expression') return undefined;
    current = current.childForFieldName('body');
    current = current && unparen(current);
  }
  return undefined;
}
