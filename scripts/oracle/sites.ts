// Where a contributor's edit to a package goes: the attribute set given to `mkDerivation` (or to
// a builder like `buildPythonPackage`) that holds the package's `meta`. The oracle finds it from
// Nix's `meta.position` (the line of `meta.description`, else `pname`/`name`) and adds one
// attribute there — "an attribute added to its mkDerivation call".
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SyntaxNode as Node } from '../../server/src/analysis/syntaxTree';
import { NixParser } from '../../server/src/analysis/parser';
import { ancestors, attrPathNames, forEach } from '../../server/src/analysis/syntax';

/** One edit site: the line (1-based) and column of the `{` of the derivation's attribute set. */
export interface EditSite {
  file: string;
  line: number;
  column: number;
}

const SETS = new Set(['attrset_expression', 'rec_attrset_expression']);

/** The set a binding belongs to (`binding` → `binding_set` → set). */
function setOf(binding: Node): Node | undefined {
  const chain = ancestors(binding);
  return chain.find((n) => SETS.has(n.type));
}

function names(binding: Node): string[] {
  const attrpath = binding.childForFieldName('attrpath');
  return (attrpath && attrPathNames(attrpath)) ?? [];
}

/**
 * The derivation's attribute set for a `meta.position` line, or a reason why there is none
 * (the position is not a binding, or `meta` comes from another file).
 */
function siteAt(tree: Node, line: number): Node | string {
  let found: Node | undefined;
  forEach(tree, (node) => {
    if (found || node.startPosition.row > line - 1 || node.endPosition.row < line - 1) return false;
    if (node.type === 'binding' && node.startPosition.row === line - 1) found = node;
    return true;
  });
  if (!found) return `no binding starts on line ${line}`;
  const own = names(found);
  if (own[0] === 'meta' || ['pname', 'name', 'version'].includes(own[0] ?? '')) {
    return setOf(found) ?? `the binding on line ${line} is not in a set`;
  }
  // `description = …` inside `meta = { … }` (or `meta = with lib; { … }`): the set holding `meta`.
  const meta = ancestors(found)
    .reverse()
    .find((n) => n.type === 'binding' && names(n).at(-1) === 'meta');
  if (!meta) return `line ${line} is not inside a meta attribute`;
  return setOf(meta) ?? `the meta binding above line ${line} is not in a set`;
}

/** Finds the edit site of each `file:line` position (positions relative to root). */
export async function findSites(root: string, positions: readonly string[]): Promise<Map<string, EditSite | string>> {
  const parser = await NixParser.create();
  const trees = new Map<string, Node>();
  const sites = new Map<string, EditSite | string>();
  for (const position of positions) {
    const match = /^(.*):(\d+)$/.exec(position);
    if (!match || match[1]!.startsWith('/')) {
      sites.set(position, `not a position inside core: ${position}`);
      continue;
    }
    const file = match[1]!;
    let tree = trees.get(file);
    if (!tree) {
      tree = parser.parse(readFileSync(path.join(root, file), 'utf8')).rootNode;
      trees.set(file, tree);
    }
    const set = siteAt(tree, Number(match[2]));
    sites.set(position, typeof set === 'string' ? set : { file, line: set.startPosition.row + 1, column: set.startPosition.column });
  }
  return sites;
}

/** The key of a site: `file:line:column`. */
export function siteKey(site: EditSite): string {
  return `${site.file}:${site.line}:${site.column}`;
}

/**
 * Adds `oracleProbe<n> = "changed";` right after the `{` of each site (several sites of one file
 * are edited from the last to the first, so earlier columns stay valid).
 */
export function editSites(root: string, sites: ReadonlyArray<{ site: EditSite; probe: string }>): void {
  const byFile = new Map<string, Array<{ site: EditSite; probe: string }>>();
  for (const entry of sites) byFile.set(entry.site.file, [...(byFile.get(entry.site.file) ?? []), entry]);
  for (const [file, entries] of byFile) {
    const full = path.join(root, file);
    const lines = readFileSync(full, 'utf8').split('\n');
    entries.sort((a, b) => b.site.line - a.site.line || b.site.column - a.site.column);
    for (const { site, probe } of entries) {
      const text = lines[site.line - 1]!;
      const brace = text.indexOf('{', site.column);
      if (brace < 0) throw new Error(`${file}:${site.line}: no '{' at column ${site.column}`);
      lines[site.line - 1] = `${text.slice(0, brace + 1)} ${probe} = "changed"; ${text.slice(brace + 1)}`;
    }
    writeFileSync(full, lines.join('\n'));
  }
}
