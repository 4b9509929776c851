// A scope overridden with a set of members (`s.overrideScope (final: prev: x)`): x's members
// replace the scope's. Read for rust's bootstrap set, `self.buildRustPackages.overrideScope (_: _:
// lib.optionalAttrs (stdenv.buildPlatform == stdenv.hostPlatform) (…).packages.prebuilt)`: natively
// its cargo and rustc are the prebuilt ones, not the scope's own.
import type { SyntaxNode as Node } from './syntaxTree';
import type { Val } from './factTypes';
import { platformCondition } from './conditions';
import { applicationParts, referencePath, unparen, type Span } from './syntax';

/**
 * The selection `s.overrideScope` and the set that overrides the scope's members, when `head args`
 * is `s.overrideScope (a: b: x)`;
 * `set` is null when x is `lib.optionalAttrs cond y` with a condition that does not hold on
 * x86_64-linux (nothing is replaced).
 */
export function scopeOverride(head: Node, args: Node[]): { base: Node; set: Node | null } | undefined {
  const base = head.type === 'select_expression' ? head : null;
  let body: Node | null = args.length === 1 ? unparen(args[0]!) : null;
  for (let i = 0; i < 2 && body; i++) {
    if (body.type !== 'function_expression' || body.childForFieldName('formals')) return undefined;
    const inner = body.childForFieldName('body');
    body = inner && unparen(inner);
  }
  if (!base || !body) return undefined;
  const { head: fn, args: parts, complete } = applicationParts(body);
  if (!complete || parts.length !== 2 || referencePath(fn)?.at(-1) !== 'optionalAttrs') return { base, set: body };
  return { base, set: platformCondition(parts[0]!) === false ? null : parts[1]! };
}

/**
 * The overridden scope as a set: x's own attributes, then x's other operands, then the scope
 * (`head` is the value of `s.overrideScope`, a selection of `s`).
 */
export function scopedSet(span: Span, head: Val, set: Val | undefined): Val {
  const base: Val =
    (head.k === 'ref' || head.k === 'sel') && head.path.length > 1
      ? { ...head, path: head.path.slice(0, -1) }
      : head.k === 'sel'
        ? head.of
        : { k: 'other', span };
  if (!set) return base;
  if (set.k === 'set') return { k: 'set', span, attrs: set.attrs, also: [...(set.also ?? []), base] };
  return { k: 'set', span, attrs: [], also: [set, base], scoped: true };
}
