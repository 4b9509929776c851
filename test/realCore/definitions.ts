// Go-to-definition on package inputs against Nix: for every input of every package file that
// callPackage filled with a derivation, does F12 on the formal land where Nix says the package
// is defined? See docs/impact-accuracy.md ("Definitions on the real core").
import { readFileSync } from 'node:fs';
import type { Node, Tree } from 'web-tree-sitter';
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { definition } from '../../server/src/analysis/features/definition';
import { NixParser } from '../../server/src/analysis/parser';
import { fileOf, inputValues, type Oracle } from './oracle';

/** One package input: a formal of a package file, and the places Nix accepts for it. */
interface DefinitionCase {
  file: string;
  formal: string;
  /** Nix's `meta.position` of the input (one per distinct value the formal received). */
  nix: string[];
  /** Files where landing counts as a hit. */
  files: Set<string>;
  /** `file:line` of bindings where landing counts as a hit (for packages of shared builders). */
  bindings: Set<string>;
  /**
   * Names whose binding counts as a hit (for packages of shared builders whose binding Nix does
   * not report: members of scopes, sources passed as arguments): the formal, the attribute names.
   */
  names: Set<string>;
}

interface DefinitionMiss {
  file: string;
  formal: string;
  nix: string[];
  tool: string;
}

export interface DefinitionReport {
  cases: number;
  hits: number;
  misses: DefinitionMiss[];
  /** Inputs whose derivation has no `meta.position` (stdenv, wrappers without meta): Nix names no file. */
  withoutPosition: number;
  /**
   * Inputs that are no formal of the file: passed through `...` to another call, or taken by a
   * function the file imports (`import ./generic.nix { version = …; }`): nothing to press F12 on.
   */
  notFormals: number;
}

interface NixPackage {
  name?: string;
  position?: string;
  fns?: string[];
  bindings: string[];
  attributes: string[];
}

/**
 * Files that build several distinct derivations (`boost/generic.nix`, `cc-wrapper`, the
 * `makeSetupHook` of trivial-builders): landing on the package's own binding, or on the
 * package-specific file callPackage went through, is as good as landing there.
 */
function sharedBuilders(oracle: Oracle): Set<string> {
  const names = new Map<string, Set<string>>();
  const add = (position: string | undefined, name: string | undefined) => {
    if (!position || !name) return;
    const file = fileOf(position);
    if (!names.has(file)) names.set(file, new Set());
    names.get(file)!.add(name);
  };
  for (const a of Object.values(oracle.attributes)) add(a.position, a.name);
  for (const d of Object.values(oracle.derivations)) add(d.position, d.name);
  return new Set([...names].filter(([, set]) => set.size >= 2).map(([file]) => file));
}

/** The derivation an input value (`=zlib`, `=name@position`) stands for. */
function packageOf(
  oracle: Oracle,
  value: string,
  bindingsByKey: Map<string, string[]>,
  attributesByKey: Map<string, string[]>,
): NixPackage | undefined {
  if (!value.startsWith('=')) return undefined;
  const key = value.slice(1);
  const attribute = oracle.attributes[key];
  const d = attribute ?? oracle.derivations[key];
  if (!d) return undefined;
  const id = `${d.name}@${d.position}`;
  return {
    ...(d.name ? { name: d.name } : {}),
    ...(d.position ? { position: d.position } : {}),
    ...(d.fns ? { fns: d.fns } : {}),
    bindings: bindingsByKey.get(id) ?? [],
    attributes: attributesByKey.get(id) ?? [],
  };
}

/** Every (package file, formal) whose input Nix evaluated to a derivation, with what counts as a hit. */
function definitionCases(oracle: Oracle): { cases: DefinitionCase[]; withoutPosition: number } {
  const shared = sharedBuilders(oracle);
  // The attributes with the same name and meta.position as an input are its bindings.
  const bindingsByKey = new Map<string, string[]>();
  const attributesByKey = new Map<string, string[]>();
  for (const [attr, a] of Object.entries(oracle.attributes)) {
    if (!a.name || !a.position) continue;
    const key = `${a.name}@${a.position}`;
    attributesByKey.set(key, [...(attributesByKey.get(key) ?? []), attr]);
    if (a.binding) bindingsByKey.set(key, [...(bindingsByKey.get(key) ?? []), a.binding]);
  }
  const cases: DefinitionCase[] = [];
  let withoutPosition = 0;
  for (const [file, called] of Object.entries(oracle.files)) {
    if (file.startsWith('/')) continue;
    for (const [formal, value] of Object.entries(called.inputs)) {
      const packages = inputValues(value)
        .map((v) => packageOf(oracle, v, bindingsByKey, attributesByKey))
        .filter((p): p is NixPackage => !!p);
      if (packages.length === 0) continue;
      const positioned = packages.filter((p) => p.position);
      if (positioned.length === 0) {
        withoutPosition++;
        continue;
      }
      const c: DefinitionCase = { file, formal, nix: [], files: new Set(), bindings: new Set(), names: new Set() };
      for (const p of positioned) {
        const builder = fileOf(p.position!);
        c.nix.push(p.position!);
        c.files.add(builder);
        if (!shared.has(builder)) continue;
        for (const f of p.fns ?? []) if (!f.startsWith('/') && f !== builder) c.files.add(f);
        for (const b of p.bindings) c.bindings.add(b);
        c.names.add(formal);
        for (const a of p.attributes) c.names.add(a.slice(a.lastIndexOf('.') + 1));
      }
      cases.push(c);
    }
  }
  return { cases: cases.sort((a, b) => `${a.file}#${a.formal}`.localeCompare(`${b.file}#${b.formal}`)), withoutPosition };
}

/** F12 on each case's formal, compared with Nix. */
export async function measureDefinitions(analyzer: Analyzer, oracle: Oracle): Promise<DefinitionReport> {
  const { cases, withoutPosition } = definitionCases(oracle);
  parser ??= await NixParser.create();
  const misses: DefinitionMiss[] = [];
  let hits = 0;
  let notFormals = 0;
  let measured = 0;
  for (const c of cases) {
    const formal = analyzer.index.files.get(c.file)?.formals?.find((f) => f.name === c.formal);
    // `import ./generic.nix { … }` files take their inputs in generic.nix's inner function.
    if (!formal) {
      notFormals++;
      continue;
    }
    measured++;
    const places =
      (await analyzer.withDocument(c.file, (doc) => definition(analyzer, doc, { line: formal.span[0], character: formal.span[1] }))) ?? [];
    const hit = places.some(
      (p) =>
        c.files.has(p.file) ||
        c.bindings.has(`${p.file}:${p.span[0] + 1}`) ||
        (c.names.size > 0 && bindsOneOf(analyzer, p.file, p.span[0], p.span[1], c.names)),
    );
    if (hit) hits++;
    else {
      const tool = places.length === 0 ? 'nothing' : places.map((p) => `${p.file}:${p.span[0] + 1}`).join(' ');
      misses.push({ file: c.file, formal: c.formal, nix: c.nix, tool });
    }
  }
  return { cases: measured, hits, misses, withoutPosition, notFormals };
}

/**
 * Whether a place lies in a binding of one of the names: the innermost binding around it is
 * `name = …` (its whole extent, so `monorepoSrc = if … then … else fetchFromGitHub { … }` counts
 * wherever in it the landing is), or an `inherit` that lists the name.
 */
function bindsOneOf(analyzer: Analyzer, file: string, line: number, character: number, names: ReadonlySet<string>): boolean {
  const tree = treeOf(analyzer, file);
  let node: Node | null = tree?.rootNode.descendantForPosition({ row: line, column: character }) ?? null;
  for (; node; node = node.parent) {
    if (node.type === 'binding') {
      const first = node.childForFieldName('attrpath')?.childrenForFieldName('attr')[0];
      if (first && names.has(first.text)) return true;
    } else if (node.type === 'inherit' || node.type === 'inherit_from') {
      return (node.childForFieldName('attrs')?.namedChildren ?? []).some((a) => !!a && names.has(a.text));
    }
  }
  return false;
}

const trees = new Map<string, Tree | undefined>();

function treeOf(analyzer: Analyzer, file: string): Tree | undefined {
  if (!trees.has(file)) {
    let tree: Tree | undefined;
    try {
      tree = parser!.parse(readFileSync(analyzer.index.absolute(file), 'utf8'));
    } catch {
      tree = undefined;
    }
    trees.set(file, tree);
  }
  return trees.get(file);
}

let parser: NixParser | undefined;
