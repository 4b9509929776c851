// The formals of a function as the facts keep them: each name, where it is written, whether it has
// a default (and whether it is `null`), and the input a default asks about (`systemdSupport ? lib.meta.availableOn … systemd`).
import type { SyntaxNode as Node } from './syntaxTree';
import type { Formal } from './factTypes';
import { applicationParts, referencePath, spanOf, unparen } from './syntax';

export function formalsOf(node: Node): Formal[] {
  return node.childrenForFieldName('formal').flatMap((formal): Formal[] => {
    const name = formal?.childForFieldName('name');
    if (!name) return [];
    const fallback = formal!.childForFieldName('default');
    const available = fallback ? availableOn(fallback) : undefined;
    const out: Formal = { name: name.text, span: spanOf(name), hasDefault: fallback !== null };
    // `includeFortifyHeaders ? null`: what the body reads when callPackage has nothing of that name to give.
    if (fallback && unparen(fallback).type === 'variable_expression' && unparen(fallback).text === 'null') out.nullDefault = true;
    return [available ? { ...out, availableOn: available } : out];
  });
}

/** The name a default asks about (`systemdSupport ? lib.meta.availableOn stdenv.hostPlatform systemd`). */
function availableOn(node: Node): string | undefined {
  const n = unparen(node);
  if (n.type !== 'apply_expression') return undefined;
  const { head, args } = applicationParts(n);
  const last = args.length === 2 ? referencePath(unparen(args[1]!)) : undefined;
  return referencePath(head)?.at(-1) === 'availableOn' && last?.length === 1 ? last[0] : undefined;
}
