// The package sets a file makes for a platform with another C library than x86_64-linux's glibc.
// nixpkgs' stage.nix makes `pkgsMusl` and `pkgsStatic` with `nixpkgsFun { crossSystem = { parsed =
// makeMuslParsedPlatform stdenv.hostPlatform.parsed; … }; }`, where the let-bound
// `makeMuslParsedPlatform` gives the platform a musl ABI (`lib.systems.parse.abis.musl`), so its
// `libc` is "musl" (lib/systems: `isMusl` → "musl"). Every member of such a set is built with that
// set's stdenv, whose C library is the package the libc string names (`musl`, as a bootstrap stage
// binds it: `${localSystem.libc} = getLibc prevStage;`).
import type { SyntaxNode as Node } from './syntaxTree';
import { platformCondition } from './conditions';
import { attrPathNames, forEach, literalString, referencePath, unparen } from './syntax';
import { PACKAGE_SET_NAMES } from './setNames';

/**
 * The package sets a file binds (by the names that stand for a whole set: `pkgsMusl`, `pkgsStatic`)
 * whose platform has a libc other than glibc, each with that libc: a set whose value, past the
 * branches not taken on x86_64-linux and through the file's let-bound functions it calls, gives
 * the platform a musl ABI (`abis.musl`, `abis.musleabi`, …) or sets `libc = "musl"`.
 */
export function libcSets(root: Node): Record<string, string> | undefined {
  const lets = new Map<string, Node>();
  const sets: [string, Node][] = [];
  forEach(root, (node) => {
    if (node.type !== 'binding') return true;
    const names = attrPathNames(node.childForFieldName('attrpath')!);
    const value = node.childForFieldName('expression');
    if (names?.length !== 1 || !value) return true;
    if (node.parent?.parent?.type === 'let_expression') lets.set(names[0]!, value);
    if (PACKAGE_SET_NAMES.has(names[0]!)) sets.push([names[0]!, value]);
    return true;
  });
  const out: Record<string, string> = {};
  for (const [name, value] of sets) {
    const libc = libcOf(value, lets, new Set());
    if (libc !== undefined) out[name] = libc;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The libc an expression gives the platform it makes, read as described above. */
function libcOf(expression: Node, lets: ReadonlyMap<string, Node>, seen: Set<string>): string | undefined {
  let found: string | undefined;
  forEach(expression, (node) => {
    if (found !== undefined) return false;
    // `if stdenv.isLinux then makeMuslParsedPlatform … else …`: only the branch taken on x86_64-linux.
    if (node.type === 'if_expression') {
      const condition = node.childForFieldName('condition');
      const known = condition ? platformCondition(condition) : undefined;
      if (known === undefined) return true;
      const branch = node.childForFieldName(known ? 'consequence' : 'alternative');
      if (branch) found = libcOf(branch, lets, seen);
      return false;
    }
    if (node.type === 'binding') {
      const names = attrPathNames(node.childForFieldName('attrpath')!);
      const value = node.childForFieldName('expression');
      const text = names?.length === 1 && names[0] === 'libc' && value ? literalString(unparen(value)) : undefined;
      if (text !== undefined) found = text;
      return text === undefined;
    }
    const path = node.type === 'select_expression' || node.type === 'variable_expression' ? referencePath(node) : undefined;
    if (!path) return true;
    const abi = path.indexOf('abis');
    if (abi >= 0 && path[abi + 1]?.startsWith('musl')) found = 'musl';
    // A function of the file's `let`s that makes the platform (`makeMuslParsedPlatform`).
    const called = path.length === 1 ? lets.get(path[0]!) : undefined;
    if (called && !seen.has(path[0]!)) {
      seen.add(path[0]!);
      found = libcOf(called, lets, seen);
    }
    return node.type === 'select_expression';
  });
  return found;
}
