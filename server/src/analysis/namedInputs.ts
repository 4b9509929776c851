// The inputs of code that is no package file's function: a derivation written in a package set
// (`LWP = buildPerlPackage { propagatedBuildInputs = [ HTMLParser ]; … };`), which takes names from
// around it, and a function written in place in `callPackage (…) { }`. Read with formal use's walk.
import type { SyntaxNode as Node } from './syntaxTree';
import type { DrvFacts } from './derivationFacts';
import type { Formal } from './factTypes';
import { outermostDerivation } from './derivationFacts';
import { countVariables } from './syntax';
import { walk, type FormalUse } from './formalUse';
import { Lets } from './lets';
import { rank, WHOLE_SET } from './memberUses';

/** Every name counts: what a derivation written in place names, whatever binds it. */
class AnyName extends Map<string, FormalUse> {
  override has(): boolean {
    return true;
  }
  override get(name: string): FormalUse {
    return super.get(name) ?? 'none';
  }
}

const NOT_NAMES = new Set(['true', 'false', 'null', 'builtins', 'lib', 'stdenv', 'self', 'super', 'pkgs']);

/**
 * How a derivation written in a package set (`LWP = buildPerlPackage { propagatedBuildInputs =
 * [ HTMLParser ]; … };`) uses the names it takes from around it, its siblings among them.
 */
export function nameUses(node: Node): Pick<DrvFacts, 'uses' | 'members'> {
  const uses = new AnyName();
  const members = new Map<string, Map<string, FormalUse>>();
  // A name its own `let` binds is no name from around it (TermReadKey's `cross = stdenv.hostPlatform != …`).
  walk(node, uses, new Map(), members, new Lets(new Map()));
  const out: Pick<DrvFacts, 'uses' | 'members'> = {};
  for (const [name, use] of Map.prototype.entries.call(uses) as IterableIterator<[string, FormalUse]>) {
    if (use === 'none' || NOT_NAMES.has(name)) continue;
    (out.uses ??= {})[name] = use;
  }
  // Only what no name reaches otherwise: the packages an interpreter is given (`python3.withPackages (ps: [ ps.pyelftools ])`);
  // a member of the whole set (`${pkgs.cacert}`) is a name like any other, looked up from where the derivation is bound.
  for (const [root, named] of members) {
    for (const [name, use] of named) {
      if (use === 'none') continue;
      if (WHOLE_SET.has(root)) (out.uses ??= {})[name] = rank(use) > rank((out.uses[name] ?? 'none') as FormalUse) ? use : out.uses[name]!;
      else (out.members ??= {})[name] = use;
    }
  }
  return out;
}

/**
 * The inputs of a function written in place in `callPackage (…) { }` (`sphinxHook = callPackage
 * ({ makePythonHook }: makePythonHook { propagatedBuildInputs = [ pythonOnBuildForHost.pkgs.sphinx ]; … }) { }`):
 * its formals with their uses, and for a set it takes from around it (`pythonOnBuildForHost`), an
 * entry with only the members it names (no use of its own, and a default: callPackage does not fill it).
 */
export function lambdaFormals(fn: Node, formals: readonly Formal[]): Formal[] {
  const uses = new AnyName();
  const members = new Map<string, Map<string, FormalUse>>();
  walk(fn.childForFieldName('body') ?? fn, uses, new Map(), members);
  const declared = new Set(formals.map((f) => f.name));
  const out: Formal[] = formals.map((formal) => {
    const use = uses.get(formal.name);
    const named = members.get(formal.name);
    return {
      ...formal,
      ...(use === 'build' ? {} : { use }),
      ...(named && named.size > 0 ? { members: Object.fromEntries(named) as Formal['members'] } : {}),
    };
  });
  for (const [name, named] of members) {
    if (declared.has(name) || named.size === 0) continue;
    out.push({ name, span: [0, 0, 0, 0], hasDefault: true, use: 'none', members: Object.fromEntries(named) as Formal['members'] });
  }
  return out;
}

/**
 * For the formals of a function written in place (xorg's generated `lndir = callPackage ({ stdenv,
 * xorgproto, … }: stdenv.mkDerivation { buildInputs = [ xorgproto ]; … }) { };`), the derivation
 * attributes each one is named in, when it is named nowhere else: an override that sets those
 * attributes anew (`buildInputs = [ ];`) leaves the input out.
 */
export function attributesOfFormals(fn: Node, formals: Formal[]): Formal[] {
  const body = fn.childForFieldName('body');
  const set = body ? outermostDerivation(body) : undefined;
  if (!body || !set) return formals;
  const names = new Set(formals.map((f) => f.name));
  const everywhere = countVariables(body, names);
  const within = new Map<string, Set<string>>();
  const inside = new Map<string, number>();
  for (const [attr, binding] of set.bindings) {
    const counts = countVariables(binding, names);
    for (const [name, n] of counts) {
      inside.set(name, (inside.get(name) ?? 0) + n);
      if (!within.has(name)) within.set(name, new Set());
      within.get(name)!.add(attr);
    }
  }
  return formals.map((f) => {
    const attrs = within.get(f.name);
    return attrs && inside.get(f.name) === everywhere.get(f.name) ? { ...f, in: [...attrs].sort() } : f;
  });
}
