// What a file says about the derivation it builds: the attribute set given to a builder, and the
// facts read from it (pname, version, meta, where Nix's meta.position points).
import type { SyntaxNode as Node } from './syntaxTree';
import { attrPathNames, countVariables, forEach, literalString, referencePath, spanOf, unparen, type Span } from './syntax';

export interface DrvFacts {
  /** Where Nix's meta.position points: meta.description, else pname, else name. */
  span: Span;
  pname?: string;
  version?: string;
  description?: string;
  homepage?: string;
  license?: string;
  /** `team`: a team whose members are selected (`teams.x.members`), which evaluating meta forces. */
  maintainers: { handle: string; span: Span; team?: true }[];
  /** `inherit (xcbuild) meta;`: the meta (and Nix's meta.position) is that package's. */
  metaOf?: string[];
  /**
   * Why Nix refuses it on x86_64-linux with the default config, and what is built with it:
   * `meta.knownVulnerabilities` written with something in it ("marked as insecure"), `meta.broken =
   * true;`, or `meta.platforms` naming only other kernels (`lib.platforms.darwin`: "not available on
   * the requested hostPlatform").
   */
  refused?: 'insecure' | 'broken' | 'unsupported';
  /** Names the meta is updated with (`meta = { … } // extraMeta;`): what a call of the file's function may pass. */
  metaFrom?: string[];
  /** The output names written in `outputs` (`[ "out" ] ++ lib.optional isFuse3 "common"`), each built by the derivation. */
  outputs?: string[];
  /** The file that package is called from, when the name is bound in the file (`xcbuild = callPackage ./default.nix { … }`). */
  metaFile?: string;
  /**
   * A derivation written in a package set: the names it takes from around it (its siblings,
   * `propagatedBuildInputs = [ HTMLParser ];`), each with how it is used (see formalUse.ts).
   */
  uses?: Record<string, 'build' | 'forced' | 'checked' | 'maybe'>;
  /** Members of package sets it names by a set's own name (`python3.withPackages (ps: [ ps.pyelftools ])`), each with its use. */
  members?: Record<string, 'build' | 'forced' | 'checked' | 'maybe'>;
}

/** A set literal (`{ … }` or `rec { … }`). */
export function isAttrset(node: Node): boolean {
  return node.type === 'attrset_expression' || node.type === 'rec_attrset_expression';
}

/** Functions whose result is a derivation described by their attribute-set argument. */
export const DERIVATION_BUILDER =
  /^(mkDerivation|mk[A-Z]\w*Derivation|build\w*(Package|Application|Module|Crate|Env|Gem|Extension)|derivation)$/;
/** Helpers that make a derivation from a name and a script (trivial-builders), and fetchers. */
export const TRIVIAL_BUILDER =
  /^(fetch[A-Z]?\w*|runCommand\w*|write(Text|Script|ShellScript|ShellApplication|Shell|Bash|Python3?|Perl)\w*|symlinkJoin|linkFarm\w*|buildEnv|makeSetupHook|substituteAll\w*|concatText\w*|applyPatches)$/;

/** The attribute set that describes the file's derivation: the outermost set with pname or name. */
export function findDerivation(root: Node): DrvFacts | undefined {
  const found = outermostDerivation(root);
  return found && drvFacts(found.bindings, spanOf(found.set));
}

/**
 * The outermost set under a node that looks like derivation attributes, with its bindings:
 * breadth-first, so it wins over ones nested in passthru or tests.
 */
export function outermostDerivation(root: Node): { set: Node; bindings: Map<string, Node> } | undefined {
  const queue: Node[] = [root];
  for (let i = 0; i < queue.length && i < 20000; i++) {
    const node = queue[i]!;
    const bindings = isAttrset(node) ? derivationAttrs(node) : undefined;
    if (bindings) return { set: node, bindings };
    for (const child of node.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}

/** The set's bindings by name, when it looks like derivation attributes (has pname, or name with src/version/meta). */
export function derivationAttrs(node: Node): Map<string, Node> | undefined {
  let set = unparen(node);
  if (set.type === 'function_expression') set = unparen(set.childForFieldName('body') ?? set); // finalAttrs: { … }
  // `stdenv.mkDerivation ({ pname = …; } // crossCompileEnv)`: the sets written on either side, the right winning.
  const parts = isAttrset(set) ? [set] : updatedSets(set);
  if (parts.length === 0) return undefined;
  const bindings = topBindings(parts[0]!);
  for (const part of parts.slice(1)) for (const [name, binding] of topBindings(part)) bindings.set(name, binding);
  if (bindings.has('pname')) return bindings;
  if (bindings.has('name') && (bindings.has('src') || bindings.has('version') || bindings.has('meta'))) return bindings;
  return undefined;
}

/** The bindings of a set argument, or of `finalAttrs: { … }`, whatever they are. */
export function looseAttrs(node: Node): Map<string, Node> | undefined {
  let set = unparen(node);
  // `finalAttrs: previousAttrs: { … }` too.
  for (let i = 0; i < 3 && set.type === 'function_expression'; i++) set = unparen(set.childForFieldName('body') ?? set);
  return isAttrset(set) ? topBindings(set) : undefined;
}

/** Binding name → binding node of a set (first attribute of each attrpath). */
export function topBindings(set: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  const bindings = set.namedChildren.find((c) => c!.type === 'binding_set');
  for (const binding of bindings?.namedChildren ?? []) {
    if (!binding) continue;
    if (binding.type === 'binding') {
      const names = attrPathNames(binding.childForFieldName('attrpath')!);
      if (names && names.length > 0 && !map.has(names.join('.'))) map.set(names.join('.'), binding);
    } else if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      for (const attr of binding.childForFieldName('attrs')?.namedChildren ?? []) {
        if (attr) map.set(attr.text, binding);
      }
    }
  }
  return map;
}

export function drvFacts(bindings: Map<string, Node>, fallback: Span): DrvFacts {
  const value = (b: Node | undefined) => (b?.type === 'binding' ? b.childForFieldName('expression') : null);
  const nameSpan = (b: Node | undefined) => (b ? spanOf(b.childForFieldName('attrpath') ?? b) : undefined);
  const facts: DrvFacts = { span: fallback, maintainers: [] };
  const pname = literalString(value(bindings.get('pname')) && unparen(value(bindings.get('pname'))!));
  const version = literalString(value(bindings.get('version')));
  const name = literalString(value(bindings.get('name')));
  if (pname !== undefined) facts.pname = pname;
  else if (name !== undefined) facts.pname = name;
  if (version !== undefined) facts.version = version;

  const outputs = value(bindings.get('outputs'));
  if (outputs) {
    const names = new Set<string>();
    forEach(outputs, (n) => {
      const text = n.type === 'string_expression' ? literalString(n) : undefined;
      if (text && /^[\w-]+$/.test(text)) names.add(text);
      return n.type !== 'string_expression';
    });
    if (names.size > 0) facts.outputs = [...names];
  }

  const metaSet = new Map<string, Node>();
  const metaBinding = bindings.get('meta');
  if (metaBinding?.type === 'inherit_from') {
    const from = metaBinding.childForFieldName('expression');
    const names = from && referencePath(unparen(from));
    if (names) facts.metaOf = names;
  }
  const meta = value(metaBinding);
  const metaNames = meta && referencePath(unparen(meta));
  if (metaNames && metaNames.length > 1 && metaNames.at(-1) === 'meta') facts.metaOf = metaNames.slice(0, -1);
  // `meta = with lib; { … } // extraMeta;`: the literal sets on either side of `//` (the right wins).
  for (const part of meta ? updatedSets(peelWith(meta)) : []) for (const [k, b] of topBindings(part)) metaSet.set(k, b);
  for (const [key, binding] of bindings) if (key.startsWith('meta.')) metaSet.set(key.slice(5), binding);

  const description = metaSet.get('description');
  const descriptionText = literalString(value(description));
  if (descriptionText !== undefined) facts.description = descriptionText;
  const homepage = literalString(value(metaSet.get('homepage')));
  if (homepage !== undefined) facts.homepage = homepage;
  const license = value(metaSet.get('license'));
  if (license) facts.license = licenseText(license);
  const maintainers = value(metaSet.get('maintainers'));
  if (maintainers) facts.maintainers = maintainerHandles(maintainers);
  const refused = listsVulnerabilities(metaSet)
    ? 'insecure'
    : refusedOnLinux(value(metaSet.get('broken')), value(metaSet.get('platforms')));
  if (refused) facts.refused = refused;
  const metaFrom = meta
    ? updateOperands(peelWith(meta))
        .filter((n) => n.type === 'variable_expression')
        .map((n) => n.text)
    : [];
  if (metaFrom.length > 0) facts.metaFrom = metaFrom;

  facts.span = nameSpan(description) ?? nameSpan(bindings.get('pname')) ?? nameSpan(bindings.get('name')) ?? fallback;
  return facts;
}

/**
 * Whether a meta's bindings list known vulnerabilities, written with something in the list: with the
 * default config Nix refuses to evaluate such a derivation ("marked as insecure").
 */
export function listsVulnerabilities(meta: ReadonlyMap<string, Node>): boolean {
  const binding = meta.get('knownVulnerabilities');
  const expression = binding?.type === 'binding' ? binding.childForFieldName('expression') : null;
  const listed = expression && peelWith(expression);
  return listed?.type === 'list_expression' && listed.namedChildren.some((n) => n && n.type !== 'comment');
}

/** Platform groups of `lib.platforms` without a Linux system. */
const OTHER_KERNELS = new Set(['darwin', 'windows', 'cygwin', 'freebsd', 'openbsd', 'netbsd', 'illumos', 'wasi', 'redox', 'genode']);

/** Why Nix refuses a derivation on x86_64-linux, from its meta's `broken` and `platforms` written as literals. */
function refusedOnLinux(broken: Node | null | undefined, platforms: Node | null | undefined): 'broken' | 'unsupported' | undefined {
  const isBroken = broken && unparen(broken);
  if (isBroken?.type === 'variable_expression' && isBroken.text === 'true') return 'broken';
  const names = platforms && referencePath(unparen(peelWith(platforms)));
  if (names && names.length >= 2 && names.at(-2) === 'platforms' && OTHER_KERNELS.has(names.at(-1)!)) return 'unsupported';
  return undefined;
}

/** The operands of `a // b // …` (or the one value), left to right, each operand past its `with` and `let`. */
function updateOperands(node: Node, depth = 0): Node[] {
  const current = depth === 0 ? unparen(node) : peelWith(node);
  if (depth > 16 || current.type !== 'binary_expression' || current.childForFieldName('operator')?.text !== '//') return [current];
  const left = current.childForFieldName('left');
  const right = current.childForFieldName('right');
  return [...(left ? updateOperands(left, depth + 1) : []), ...(right ? updateOperands(right, depth + 1) : [])];
}

/** The attribute sets of `a // b // …` (or of one set), left to right; other operands are skipped. */
function updatedSets(node: Node): Node[] {
  return updateOperands(node).filter(isAttrset);
}

export function peelWith(node: Node): Node {
  let current = unparen(node);
  while (current.type === 'with_expression' || current.type === 'let_expression') {
    current = unparen(current.childForFieldName('body') ?? current);
    if (current === node) break;
  }
  return current;
}

function licenseText(node: Node): string | undefined {
  const body = peelWith(node);
  const one = (n: Node) => {
    const names = referencePath(unparen(n));
    return names ? names[names.length - 1] : literalString(n);
  };
  if (body.type === 'list_expression') {
    const parts = body.namedChildren.map((e) => e && one(e)).filter((x): x is string => !!x);
    return parts.length ? parts.join(', ') : undefined;
  }
  return one(body);
}

/** Maintainer handles named in `with lib.maintainers; [ a b ]`, `[ maintainers.a ]`, `teams.x.members`. */
function maintainerHandles(node: Node): DrvFacts['maintainers'] {
  const handles: DrvFacts['maintainers'] = [];
  forEach(node, (n) => {
    if (n.type === 'variable_expression') {
      const name = n.childForFieldName('name')!;
      if (!['lib', 'maintainers', 'teams', 'with'].includes(name.text)) handles.push({ handle: name.text, span: spanOf(name) });
      return false;
    }
    if (n.type === 'select_expression') {
      const names = referencePath(n);
      const at = names ? names.lastIndexOf('maintainers') : -1;
      const attrs = n.childForFieldName('attrpath')?.childrenForFieldName('attr') ?? [];
      if (names && at >= 0 && at === names.length - 2) {
        handles.push({ handle: names[names.length - 1]!, span: spanOf(attrs[attrs.length - 1]!) });
      }
      const team = teamHandle(n);
      if (team) handles.push(team);
      return false;
    }
    if (n.type === 'with_expression') {
      const body = n.childForFieldName('body');
      if (body)
        forEach(body, (inner) => {
          if (inner.type === 'variable_expression') {
            const name = inner.childForFieldName('name')!;
            handles.push({ handle: name.text, span: spanOf(name) });
            return false;
          }
          const team = inner.type === 'select_expression' ? teamHandle(inner) : undefined;
          if (team) handles.push(team);
          return inner.type !== 'select_expression';
        });
      return false;
    }
    return true;
  });
  return handles;
}

/** The team a selection names (`teams.helsinki-systems.members`, `lib.teams.x`). */
function teamHandle(n: Node): { handle: string; span: Span; team: true } | undefined {
  const names = referencePath(n);
  const at = names ? names.lastIndexOf('teams') : -1;
  if (!names || at < 0 || !(at === names.length - 2 || (at === names.length - 3 && names.at(-1) === 'members'))) return undefined;
  const attr = n.childForFieldName('attrpath')?.childrenForFieldName('attr')[at];
  return { handle: names[at + 1]!, span: spanOf(attr ?? n), team: true };
}

/** The attributes an `overrideAttrs` argument sets without reading the old ones (`attrs: { buildInputs = [ ]; }`). */
export function replacedAttrs(arg: Node): string[] | undefined {
  const fn = unparen(arg);
  const param = fn.type === 'function_expression' ? fn.childForFieldName('universal')?.text : undefined;
  const attrs = looseAttrs(arg);
  if (!attrs) return undefined;
  const out: string[] = [];
  for (const [name, binding] of attrs) {
    if (binding.type !== 'binding' || name.includes('.')) continue;
    const value = binding.childForFieldName('expression');
    if (value && (param === undefined || !countVariables(value, new Set([param])).has(param))) out.push(name);
  }
  return out.sort();
}
