// A set a file makes at evaluation by mapping a function over a list of literals (gcc's all.nix:
// `lib.listToAttrs (map gccForMajorMinorVersion versions.allMajorVersions)`, where each call makes
// `lib.nameValuePair "gcc${lib.replaceStrings [ "." ] [ "" ] majorMinorVersion}" pkg`): the element
// that makes a member, so what the function does with it is known for that member (`atLeast "6"`
// with `atLeast = lib.versionAtLeast majorMinorVersion`, `majorMinorVersion == "4.8"`). The list
// may come from a file the function's file imports (`versions = import ./versions.nix;`, whose
// `allMajorVersions = builtins.attrNames majorMinorToVersionMap`).
import { posix } from 'node:path';
import type { SyntaxNode as Node } from './syntaxTree';
import { withFileValue } from './reparse';
import type { Analyzer } from './analyzer';
import { constantOf } from './constants';
import { applicationParts, attrPathNames, referencePath, unparen } from './syntax';

/** The function a member is made by, its parameter, and the element of the list that makes it. */
interface MappedMember {
  fn: Node;
  param: string;
  value: string;
}

type Lets = Map<string, Node>;

/** The member `name` of a body `lib.listToAttrs (map f list)` (past its `let`s), or undefined. */
export function mappedMember(analyzer: Analyzer, file: string, body: Node, name: string): MappedMember | undefined {
  const lets: Lets = new Map();
  const { head, args } = applicationParts(pastLets(body, lets), 1);
  if (referencePath(head)?.at(-1) !== 'listToAttrs' || args.length !== 1) return undefined;
  const mapped = applicationParts(args[0]!, 2);
  if (referencePath(mapped.head)?.at(-1) !== 'map' || mapped.args.length !== 2) return undefined;
  const fnNode = bound(mapped.args[0]!, lets);
  const param = fnNode?.type === 'function_expression' ? fnNode.childForFieldName('universal')?.text : undefined;
  const fnBody = param ? fnNode!.childForFieldName('body') : null;
  if (!param || !fnBody) return undefined;
  const inner: Lets = new Map(lets);
  inner.delete(param);
  const made = applicationParts(pastLets(fnBody, inner), 2);
  if (referencePath(made.head)?.at(-1) !== 'nameValuePair' || made.args.length !== 2) return undefined;
  for (const value of listOf(analyzer, file, mapped.args[1]!, lets, 0) ?? []) {
    if (constantOf(made.args[0]!, (n) => (n === param ? value : inner.get(n))) === name) return { fn: fnNode!, param, value };
  }
  return undefined;
}

/** The expression past `let`s, `with`s and `assert`s, each `let`'s plain bindings added to `lets`. */
function pastLets(node: Node, lets: Lets): Node {
  let n = unparen(node);
  for (let depth = 0; depth < 8; depth++) {
    if (n.type === 'let_expression') {
      for (const binding of n.namedChildren.find((c) => c?.type === 'binding_set')?.namedChildren ?? []) {
        const names = binding?.type === 'binding' ? attrPathNames(binding.childForFieldName('attrpath')!) : undefined;
        const expression = binding?.childForFieldName('expression');
        if (names?.length === 1 && expression) lets.set(names[0]!, expression);
      }
    } else if (n.type !== 'with_expression' && n.type !== 'assert_expression') return n;
    const body = n.childForFieldName('body');
    if (!body) return n;
    n = unparen(body);
  }
  return n;
}

/** A name followed to what its `let` binds (a few steps). */
function bound(node: Node, lets: Lets): Node | undefined {
  let n: Node | undefined = unparen(node);
  for (let depth = 0; n?.type === 'variable_expression' && depth < 8; depth++) n = lets.get(n.text) && unparen(lets.get(n.text)!);
  return n;
}

/**
 * A list of strings: a list literal, `builtins.attrNames` of a set literal, or a member of a set
 * (`versions.allMajorVersions`), also of a file imported by path.
 */
function listOf(analyzer: Analyzer, file: string, node: Node, lets: Lets, depth: number): string[] | undefined {
  const n = bound(node, lets);
  if (!n || depth > 8) return undefined;
  if (n.type === 'list_expression') {
    const items = n.namedChildren.map((c) => c && constantOf(c, (name) => lets.get(name)));
    return items.every((i) => typeof i === 'string') ? (items as string[]) : undefined;
  }
  const { head, args } = applicationParts(n, 1);
  if (referencePath(head)?.at(-1) === 'attrNames' && args.length === 1) {
    const set = bound(args[0]!, lets);
    return set && /attrset_expression$/.test(set.type) ? [...bindings(set).keys()].sort() : undefined;
  }
  if (n.type !== 'select_expression') return undefined;
  const path = attrPathNames(n.childForFieldName('attrpath')!);
  const base = n.childForFieldName('expression');
  const of = base && bound(base, lets);
  if (path?.length !== 1 || !of) return undefined;
  if (/attrset_expression$/.test(of.type)) {
    const member = bindings(of).get(path[0]!);
    return member ? listOf(analyzer, file, member, lets, depth + 1) : undefined;
  }
  const imported = applicationParts(of, 1);
  const target = imported.args[0];
  if (referencePath(imported.head)?.at(-1) !== 'import' || target?.type !== 'path_expression') return undefined;
  const other = posix.normalize(posix.join(posix.dirname(file), target.text));
  return withFileValue(analyzer, other, (value) => {
    const otherLets: Lets = new Map();
    const set = pastLets(value, otherLets);
    const member = /attrset_expression$/.test(set.type) ? bindings(set).get(path[0]!) : undefined;
    return member ? listOf(analyzer, other, member, otherLets, depth + 1) : undefined;
  });
}

/** The bindings of a set literal by their one name (a quoted `"4.8"` too; `topBindings` joins a path with dots, so it cannot tell that from `a.b`). */
function bindings(set: Node): Lets {
  const out: Lets = new Map();
  for (const binding of set.namedChildren.find((c) => c?.type === 'binding_set')?.namedChildren ?? []) {
    const names = binding?.type === 'binding' ? attrPathNames(binding.childForFieldName('attrpath')!) : undefined;
    const expression = binding?.childForFieldName('expression');
    if (names?.length === 1 && expression) out.set(names[0]!, expression);
  }
  return out;
}
