// Values a file computes from literals and the platform, read where a name is chosen at evaluation:
// `llvmPackages = pkgs.${"llvmPackages_${minSupported}"}`, where `minSupported` is the larger of
// two platform choices (`choose stdenv.hostPlatform`, a `let`-bound function of `if`s on the
// platform). Read for x86_64-linux, as conditions are (see conditions.ts).
import type { SyntaxNode as Node } from './syntaxTree';
import { platformCondition } from './conditions';
import { referencePath, unparen } from './syntax';

export type Constant = string | number | boolean;

/** The expression a `let` binds a name to, a parameter's known value, or undefined (not bound here). */
export type LetLookup = (name: string) => Node | Constant | undefined;

const MAX_DEPTH = 32;

/** The value of an expression made of literals, platform conditions and a few builtins, or undefined. */
export function constantOf(node: Node, lookup: LetLookup, depth = 0): Constant | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unparen(node);
  switch (n.type) {
    case 'integer_expression':
      return Number(n.text);
    case 'string_expression': {
      let text = '';
      for (const part of n.namedChildren) {
        if (part?.type === 'string_fragment') text += part.text;
        else if (part?.type === 'interpolation') {
          const inner = part.childForFieldName('expression');
          const value = inner && constantOf(inner, lookup, depth + 1);
          if (typeof value !== 'string' && typeof value !== 'number') return undefined;
          text += String(value);
        } else return undefined;
      }
      return text;
    }
    case 'variable_expression': {
      if (n.text === 'true' || n.text === 'false') return n.text === 'true';
      const bound = lookup(n.text);
      if (bound !== undefined && typeof bound !== 'object') return bound;
      return bound ? constantOf(bound, lookup, depth + 1) : undefined;
    }
    case 'if_expression': {
      const condition = n.childForFieldName('condition');
      const known = condition ? platformCondition(condition) : undefined;
      const branch = known === undefined ? null : n.childForFieldName(known ? 'consequence' : 'alternative');
      return branch ? constantOf(branch, lookup, depth + 1) : undefined;
    }
    case 'apply_expression':
      return applied(n, lookup, depth);
    default:
      return undefined;
  }
}

/** `toString x`, `lib.max a b`, `lib.trivial.min a b`, and a `let`-bound function of the platform applied to one. */
function applied(node: Node, lookup: LetLookup, depth: number): Constant | undefined {
  const args: Node[] = [];
  let fn: Node = node;
  while (fn.type === 'apply_expression' && args.length < 4) {
    const argument = fn.childForFieldName('argument');
    const inner = fn.childForFieldName('function');
    if (!argument || !inner) return undefined;
    args.unshift(argument);
    fn = unparen(inner);
  }
  const names = referencePath(fn);
  const name = names?.at(-1);
  if (!names || !name) return undefined;
  const builtin = names.length === 1 || names[0] === 'lib' || names[0] === 'builtins';
  const values = () => args.map((a) => constantOf(a, lookup, depth + 1));
  if (builtin && name === 'toString' && args.length === 1) {
    const [value] = values();
    return value === undefined ? undefined : typeof value === 'boolean' ? (value ? '1' : '') : String(value);
  }
  if (builtin && (name === 'max' || name === 'min') && args.length === 2) {
    const [a, b] = values();
    if (typeof a !== 'number' || typeof b !== 'number') return undefined;
    return name === 'max' ? Math.max(a, b) : Math.min(a, b);
  }
  // `choose stdenv.hostPlatform`, `choose = platform: if platform.isDarwin then 16 else …`: the
  // platform is the one conditions are read for, so the body is read as it is.
  // `lib.replaceStrings [ "." ] [ "" ] majorMinorVersion` (gcc's `"gcc${…}"` attribute names).
  if (builtin && name === 'replaceStrings' && args.length === 3) return replaced(args, lookup, depth);
  const bound = names.length === 1 ? lookup(name) : undefined;
  const lambda = typeof bound === 'object' ? unparen(bound) : undefined;
  if (lambda?.type !== 'function_expression' || args.length !== 1 || !lambda.childForFieldName('universal')) return undefined;
  const platform = referencePath(unparen(args[0]!))?.at(-1);
  const body = lambda.childForFieldName('body');
  return platform && /Platform$/.test(platform) && body ? constantOf(body, lookup, depth + 1) : undefined;
}

/** `replaceStrings from to s` of string literals: at each place the first of `from` that matches is replaced. */
function replaced(args: readonly Node[], lookup: LetLookup, depth: number): string | undefined {
  const strings = (list: Node) => {
    const items =
      unparen(list).type === 'list_expression' ? unparen(list).namedChildren.map((c) => c && constantOf(c, lookup, depth + 1)) : [];
    return items.every((i) => typeof i === 'string') ? (items as string[]) : undefined;
  };
  const from = strings(args[0]!);
  const to = strings(args[1]!);
  const text = constantOf(args[2]!, lookup, depth + 1);
  if (!from || !to || from.length !== to.length || from.length === 0 || typeof text !== 'string') return undefined;
  let out = '';
  for (let at = 0; at < text.length; ) {
    const i = from.findIndex((f) => f !== '' && text.startsWith(f, at));
    out += i < 0 ? text[at] : to[i];
    at += i < 0 ? 1 : from[i]!.length;
  }
  return out;
}
