// The `let` bindings of a body as formal use's walk reads them: where a name is used, at the
// strongest use reached (see formalUse.ts).
import type { SyntaxNode as Node } from './syntaxTree';
import { rank, type FormalUse } from './memberUses';
import { attrPathNames } from './syntax';

/**
 * The `let` bindings of a body, read where they are used (git's `svn = subversionClient.override
 * { … }` only where `svnSupport` holds): a binding is walked with the strongest mode a use of its
 * name reaches. Scopes are not told apart: a name that is also a formal stays the formal's.
 */
export class Lets {
  private readonly bound = new Map<string, Node>();
  private readonly modes = new Map<string, FormalUse>();

  constructor(private readonly formals: ReadonlyMap<string, FormalUse>) {}

  /** Registers a `let`'s bindings; its body is walked as usual. */
  add(letExpression: Node): void {
    const bindings = letExpression.namedChildren.find((c) => c?.type === 'binding_set');
    for (const binding of bindings?.namedChildren ?? []) {
      if (binding?.type === 'binding') {
        const names = attrPathNames(binding.childForFieldName('attrpath')!);
        const expression = binding.childForFieldName('expression');
        if (names?.length === 1 && expression && !this.formals.has(names[0]!)) this.bound.set(names[0]!, expression);
      } else if (binding?.type === 'inherit_from') {
        for (const attr of binding.childForFieldName('attrs')?.namedChildren ?? []) {
          if (attr && !this.formals.has(attr.text)) this.bound.set(attr.text, binding);
        }
      }
    }
  }

  /** Whether a `let` binds the name. */
  has(name: string): boolean {
    return this.bound.has(name);
  }

  /** What a `let` binds the name to, without walking it. */
  lookup(name: string): Node | undefined {
    return this.bound.get(name);
  }

  /** What to walk for a use of `name` in `mode`: its binding, null when walked as strongly already, undefined when not let-bound. */
  reach(name: string, mode: FormalUse): Node | null | undefined {
    const bound = this.bound.get(name);
    if (!bound) return undefined;
    const was = this.modes.get(name);
    if (was !== undefined && rank(was) >= rank(mode)) return null;
    this.modes.set(name, mode);
    return bound;
  }
}
