// Arguments a file's inputs get where callPackage does not pass them: an override of a package
// (`libguestfs.override { appliance = …; }`), and a file whose whole value imports the file with
// arguments (rust's `1_77.nix` is `import ./default.nix { llvmShared = llvm_17.override { … }; … }
// args`): the imported file's outer formals are what the importing file passes.
import type { Attr, Val } from './factTypes';
import type { Binding, DomainIndex, SetVal } from './domainIndex';

/** Where a name is looked up (the resolver's Scope). */
interface Scope {
  file: string;
  set?: SetVal;
  parents: SetVal[];
}

/** An argument, and the scope it is written in. */
interface Passed {
  arg: Attr;
  scope: Scope;
}

const memo = new WeakMap<DomainIndex, { generation: number; byTarget: Map<string, string[]> }>();

/** The files whose whole value imports `file` with arguments (made once per index generation). */
export function importersOf(index: DomainIndex, file: string): string[] {
  let known = memo.get(index);
  if (known?.generation !== index.generation) {
    const byTarget = new Map<string, string[]>();
    for (const facts of index.files.values()) {
      const call = facts.value.k === 'call' && facts.value.kind === 'import' ? facts.value : undefined;
      const target = call?.target !== undefined ? index.resolveFile(call.target) : undefined;
      if (target !== undefined) byTarget.set(target, [...(byTarget.get(target) ?? []), facts.path]);
    }
    known = { generation: index.generation, byTarget };
    memo.set(index, known);
  }
  return known.byTarget.get(file) ?? [];
}

/** The argument named `name` that a file importing `file` passes. */
export function importedArg(index: DomainIndex, file: string, name: string): Passed | undefined {
  for (const importer of importersOf(index, file).slice(0, 4)) {
    const value = index.files.get(importer)?.value;
    const arg = value?.k === 'call' ? value.args.find((a) => a.name === name) : undefined;
    if (arg) return { arg, scope: { file: importer, parents: [] } };
  }
  return undefined;
}

/** The argument named `name` an override of a package built by `file` passes (`resolve` follows the overridden name). */
export function overrideArg(
  index: DomainIndex,
  file: string,
  name: string,
  resolve: (val: Val, scope: Scope, self?: Binding) => { file: string } | undefined,
): Passed | undefined {
  for (const binding of (index.overridesByArg.get(name) ?? []).slice(0, 16)) {
    if (binding.val.k !== 'ref') continue;
    const scope: Scope = { file: binding.file, set: binding.set, parents: binding.parentSets };
    const base = resolve({ k: 'ref', span: binding.val.span, path: binding.val.path }, scope, binding);
    if (base?.file === file) return { arg: binding.val.overrides!.find((a) => a.name === name)!, scope };
  }
  return undefined;
}
