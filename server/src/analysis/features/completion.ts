import type { SyntaxNode as Node } from '../syntaxTree';
import type { Analyzer, NixDocument } from '../analyzer';
import type { Target } from '../resolve';
import { ancestors, findParent, referencePath } from '../syntax';
import { handleAsAttr, isBareHandle, isMaintainerList, listByConvention } from './maintainers';
import { PROVIDED_NAMES } from './diagnostics';
import { fileFunction, lookupLocal, nodeAt, scopeAt, type Position } from './locate';

export interface CompletionEntry {
  label: string;
  kind: 'package' | 'function' | 'set' | 'variable' | 'input';
}
export interface CompletionResult {
  items: CompletionEntry[];
  isIncomplete: boolean /** Members of a set (after a dot), or names in scope. */;
  kind?: 'member' | 'name';
}

const LIMIT = 200;
const NAME = /[A-Za-z_][\w'-]*$/;
/** The longest dotted name completion looks at before the cursor. */
const MAX_TYPED = 512;
const DOTTED = /([A-Za-z_][\w'-]*(?:\.[A-Za-z_][\w'-]*)*)\.([A-Za-z_][\w'-]*)?$/;

/**
 * Completion: after `lib.` or `pkgs.x.` the members of that set; in formals, package names;
 * elsewhere, the names bound locally and the domain's packages.
 */
export function completion(analyzer: Analyzer, doc: NixDocument, pos: Position): CompletionResult {
  const line = doc.text.split('\n', pos.line + 1)[pos.line] ?? '';
  // Only the end of the line can be a name being typed; the regular expressions below are
  // quadratic on a long run of name characters (a 10 MB line took minutes).
  const before = line.slice(Math.max(0, pos.character - MAX_TYPED), pos.character);
  const dotted = DOTTED.exec(before);
  if (dotted) {
    const basePath = dotted[1]!.split('.');
    const partial = dotted[2] ?? '';
    const node = nodeAt(doc, { line: pos.line, character: Math.max(0, pos.character - partial.length - 1) });
    const target = node && resolveBase(analyzer, doc, node, basePath);
    if (target?.global && !isMaintainerList(target.file)) return { ...packagesFinished(analyzer, [], partial), kind: 'member' };
    return { ...finish(target ? members(analyzer, target) : [], partial), kind: 'member' };
  }
  const partial = NAME.exec(before)?.[0] ?? '';
  const node = nodeAt(doc, { line: pos.line, character: Math.max(0, pos.character - 1) });
  const inFormals = !!node && (node.type === 'formals' || !!findParent(node, (n) => n.type === 'formals'));
  const items: CompletionEntry[] = [];
  if (!inFormals && node) items.push(...localNames(node));
  const list = node && withMaintainerList(analyzer, doc, node);
  // A handle that must be quoted cannot be named through `with`: only `lib.maintainers."0x4A6F"` reaches it.
  if (list)
    return finish(
      analyzer.maintainers
        .handles(list)
        .filter(isBareHandle)
        .map((label) => ({ label, kind: 'variable' as const })),
      partial,
    );
  if (inFormals) for (const name of PROVIDED_NAMES) items.push({ label: name, kind: 'input' });
  return packagesFinished(analyzer, items, partial);
}

/**
 * `items` and the domain's packages that start with `partial`, finished: of the packages, only the
 * shortest few hundred are made into items (a request on a 40,000-package domain made 40,000).
 */
function packagesFinished(analyzer: Analyzer, items: CompletionEntry[], partial: string): CompletionResult {
  const sorted = packageNames(analyzer);
  const total = lowerBound(sorted, `${partial}\uffff`) - lowerBound(sorted, partial);
  let taken = 0;
  for (const name of packagesByLength(analyzer)) {
    if (taken === LIMIT) break;
    if (!name.startsWith(partial)) continue;
    items.push({ label: name, kind: 'package' });
    taken++;
  }
  return finish(items, partial, total - taken);
}

/** The first index of a sorted list whose entry is not below `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `more`: matching items left out before (the packages beyond the shortest few hundred). */
function finish(items: CompletionEntry[], partial: string, more = 0): CompletionResult {
  const seen = new Set<string>();
  const matching: CompletionEntry[] = [];
  for (const item of items) {
    if (!item.label.startsWith(partial) || seen.has(item.label)) continue;
    seen.add(item.label);
    matching.push(item);
  }
  // Only the shortest few hundred are sent; the client asks again as the user types.
  const shortest = matching.length > LIMIT * 4 ? matching.filter((m) => m.label.length <= partial.length + 12) : matching;
  shortest.sort((a, b) => a.label.length - b.label.length || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { items: shortest.slice(0, LIMIT), isIncomplete: matching.length + more > LIMIT };
}

function resolveBase(analyzer: Analyzer, doc: NixDocument, node: Node, basePath: string[]): Target | undefined {
  const [head, ...rest] = basePath;
  let target: Target | undefined;
  const local = lookupLocal(node, head!);
  if (local && fileFunction(doc)) target = analyzer.resolver.resolveInput(doc.path, head!);
  if (!target)
    target = listByConvention(analyzer.maintainers, [], head!) ?? analyzer.resolver.resolveName(head!, scopeAt(analyzer, doc, node));
  rest.forEach((segment, i) => {
    target =
      (target && analyzer.resolver.select(target, segment)) ?? listByConvention(analyzer.maintainers, basePath.slice(0, i + 1), segment);
  });
  return target;
}

function members(analyzer: Analyzer, target: Target): CompletionEntry[] {
  if (isMaintainerList(target.file))
    return analyzer.maintainers.handles(target.file).map((h) => ({ label: handleAsAttr(h), kind: 'variable' as const }));
  if (target.set) {
    return target.set.attrs.map((a) => ({
      label: a.name,
      kind: a.val.k === 'fn' ? ('function' as const) : a.val.k === 'set' || a.val.k === 'path' ? ('set' as const) : ('package' as const),
    }));
  }
  if (target.dir !== undefined) {
    const prefix = target.dir ? `${target.dir}/` : '';
    const names = new Set<string>();
    for (const file of analyzer.index.files.keys()) {
      if (!file.startsWith(prefix)) continue;
      const first = file.slice(prefix.length).split('/')[0]!;
      names.add(first.replace(/\.nix$/, ''));
    }
    return [...names].map((label) => ({ label, kind: 'package' as const }));
  }
  return [];
}

/** The names of the top-level package set: by-name packages and top-level bindings. */
function packageNames(analyzer: Analyzer): string[] {
  return analyzer.catalog.memo('packageNames', () => {
    const names = new Set(analyzer.index.byNameByName.keys());
    for (const [name, bindings] of analyzer.index.bindingsByName) {
      if (bindings.some((b) => b.pathInFile.length === 1 && analyzer.index.callersOf(b.file).length === 0)) names.add(name);
    }
    return [...names].sort();
  });
}

/** The same names, shortest first (then by name): the order completion offers them in. */
function packagesByLength(analyzer: Analyzer): string[] {
  return analyzer.catalog.memo('packagesByLength', () =>
    [...packageNames(analyzer)].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** Inside `with lib.maintainers; [ … ]`: the maintainer list that `with` brings into scope. */
function withMaintainerList(analyzer: Analyzer, doc: NixDocument, node: Node): string | undefined {
  for (const scope of [node, ...ancestors(node)]) {
    if (scope.type !== 'with_expression') continue;
    const env = scope.childForFieldName('environment');
    const names = env && referencePath(env);
    const target = env && names && resolveBase(analyzer, doc, env, names);
    if (target && isMaintainerList(target.file)) return target.file;
  }
  return undefined;
}

/** Names bound by lets, rec sets and functions around a node. */
function localNames(node: Node): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  for (const scope of ancestors(node)) {
    if (scope.type === 'function_expression') {
      const universal = scope.childForFieldName('universal');
      if (universal) out.push({ label: universal.text, kind: 'input' });
      for (const formal of scope.childForFieldName('formals')?.childrenForFieldName('formal') ?? []) {
        const name = formal?.childForFieldName('name');
        if (name) out.push({ label: name.text, kind: 'input' });
      }
    } else if (scope.type === 'let_expression' || scope.type === 'rec_attrset_expression') {
      const set = scope.namedChildren.find((c) => c!.type === 'binding_set');
      for (const binding of set?.namedChildren ?? []) {
        const first = binding?.childForFieldName('attrpath')?.childrenForFieldName('attr')[0];
        if (first?.type === 'identifier' && lookupLocal(node, first.text)) out.push({ label: first.text, kind: 'variable' });
      }
    }
  }
  return out;
}
