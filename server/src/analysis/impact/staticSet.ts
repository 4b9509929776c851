// Names bound to a package of the static package set (`lixStatic = pkgsStatic.lix`): the same
// file, evaluated for a static platform. Nix refuses one whose `meta.broken` holds there (lix:
// `broken = enableStatic;` with `enableStatic ? stdenv.hostPlatform.isStatic`), so it rebuilds
// nothing. The file is parsed again for it (a few names on a real core).
import type { SyntaxNode as Node } from '../syntaxTree';
import type { Analyzer } from '../analyzer';
import { letFlags, literalFlags, platformCondition } from '../conditions';
import { derivationAttrs, looseAttrs } from '../derivationFacts';
import { calledFormals } from '../calledFormals';
import { innerFunction, withFileFunction } from '../flaggedFormals';
import type { Package } from '../packages';
import { unparen } from '../syntax';

/** Whether Nix refuses the package when its set is built for a static platform. */
export function brokenWhenStatic(analyzer: Analyzer, pkg: Package): boolean {
  const file = pkg.target.file;
  const facts = analyzer.index.files.get(file);
  if (!facts || facts.large) return false;
  return (
    withFileFunction(analyzer, file, (outer) => {
      let fn: Node | null = outer;
      let flags = new Map<string, boolean>([['@isStatic', true]]);
      // A file applied to arguments (`callPackage (import ./common.nix args) { }`): its inner function.
      if (facts.innerFormals && calledFormals(analyzer.index, pkg) === facts.innerFormals)
        fn = innerFunction(fn, (let_) => letFlags(let_, flags));
      if (fn?.type !== 'function_expression') return false;
      const formals = fn.childForFieldName('formals');
      if (formals) flags = literalFlags(formals, undefined, flags);
      const body = fn.childForFieldName('body');
      if (!body) return false;
      letFlags(body, flags);
      const broken = metaBroken(body);
      return broken !== undefined && platformCondition(broken, flags) === true;
    }) ?? false
  );
}

/** The expression of the derivation's `meta.broken`, the outermost derivation first. */
function metaBroken(body: Node): Node | undefined {
  const queue: Node[] = [body];
  for (let i = 0; i < queue.length && i < 20_000; i++) {
    const attrs = derivationAttrs(queue[i]!);
    if (attrs) {
      const meta = attrs.get('meta')?.childForFieldName('expression');
      let set = meta ? unparen(meta) : undefined;
      while (set?.type === 'with_expression') set = unparen(set.childForFieldName('body') ?? set);
      return (set && looseAttrs(set)?.get('broken')?.childForFieldName('expression')) ?? undefined;
    }
    for (const child of queue[i]!.namedChildren) if (child) queue.push(child);
  }
  return undefined;
}
