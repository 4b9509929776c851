import type { SyntaxNode as Node } from '../syntaxTree';
import type { Analyzer, NixDocument } from '../analyzer';
import type { Attr } from '../facts';
import { attrPathNames, spanOf, unparen, type Span } from '../syntax';
import type { Place } from './definition';

export type SymbolKind = 'package' | 'function' | 'set' | 'variable' | 'input';

/** A symbol of a document: a binding or formal, with the symbols nested in its value. */
export interface DocumentSymbolItem {
  name: string;
  kind: SymbolKind;
  span: Span;
  selection: Span;
  children: DocumentSymbolItem[];
}

const MAX_SYMBOLS = 5000;

/** The outline of a document: formals of the file's function, bindings of sets and lets, nested. */
export function documentSymbols(doc: NixDocument): DocumentSymbolItem[] {
  let budget = MAX_SYMBOLS;
  const inValue = (node: Node | null, depth: number): DocumentSymbolItem[] => {
    const out: DocumentSymbolItem[] = [];
    const queue: Node[] = node ? [node] : [];
    while (queue.length > 0 && budget > 0 && depth < 12) {
      const current = queue.shift()!;
      if (current.type === 'binding') {
        const attrpath = current.childForFieldName('attrpath');
        const names = attrpath && attrPathNames(attrpath);
        const value = current.childForFieldName('expression');
        if (!attrpath || !names) continue;
        budget--;
        out.push({
          name: names.join('.'),
          kind: kindOf(value),
          span: spanOf(current),
          selection: spanOf(attrpath),
          children: inValue(value, depth + 1),
        });
        continue;
      }
      if (current.type === 'formal') {
        const name = current.childForFieldName('name');
        if (name) {
          budget--;
          out.push({ name: name.text, kind: 'input', span: spanOf(current), selection: spanOf(name), children: [] });
        }
        continue;
      }
      if (current.type === 'inherit' || current.type === 'inherit_from') {
        for (const attr of current.childForFieldName('attrs')?.namedChildren ?? []) {
          if (!attr) continue;
          budget--;
          out.push({ name: attr.text, kind: 'variable', span: spanOf(attr), selection: spanOf(attr), children: [] });
        }
        continue;
      }
      for (const child of current.namedChildren) if (child) queue.push(child);
    }
    return out;
  };
  return inValue(doc.tree.rootNode, 0);
}

function kindOf(value: Node | null): SymbolKind {
  if (!value) return 'variable';
  const node = unparen(value);
  if (node.type === 'function_expression') return 'function';
  if (node.type === 'attrset_expression' || node.type === 'rec_attrset_expression') return 'set';
  if (node.type === 'apply_expression' && /callPackage|mkDerivation|build\w*Package/.test(node.text.slice(0, 200))) return 'package';
  return 'variable';
}

export interface WorkspaceSymbolItem {
  name: string;
  kind: SymbolKind;
  place: Place;
  container: string;
}

/** Packages and lib functions whose name matches a query (case-insensitive, prefix matches first). */
export function workspaceSymbols(analyzer: Analyzer, query: string, limit = 500): WorkspaceSymbolItem[] {
  const q = query.toLowerCase();
  // Every symbol, shortest name first, computed once per structure of the index: a query is then
  // one pass that stops as soon as enough prefix matches are found, with no sorting.
  const all = analyzer.catalog.memo('workspaceSymbols', () => {
    const items: { lower: string; item: WorkspaceSymbolItem }[] = [];
    for (const pkg of analyzer.catalog.all()) {
      // Every attribute path names it: `nodejs.lts` finds the package `nodejs.v20` too.
      for (const name of [pkg.attrPath, ...(pkg.aliases ?? [])]) {
        const item: WorkspaceSymbolItem = {
          name,
          kind: 'package',
          place: { file: pkg.target.file, span: pkg.target.span },
          container: analyzer.index.domain,
        };
        items.push({ lower: name.toLowerCase(), item });
      }
    }
    for (const fn of libFunctions(analyzer))
      items.push({ lower: fn.name.toLowerCase(), item: { name: fn.name, kind: 'function', place: fn.place, container: 'lib' } });
    items.sort((a, b) => a.lower.length - b.lower.length || (a.lower < b.lower ? -1 : a.lower > b.lower ? 1 : 0));
    return items;
  });
  // Places are read from the current facts: the list survives edits that only move lines.
  const now = (item: WorkspaceSymbolItem): WorkspaceSymbolItem => {
    if (item.kind !== 'package') return item;
    const drv = analyzer.index.files.get(item.place.file)?.drv;
    return drv ? { ...item, place: { file: item.place.file, span: drv.span } } : item;
  };
  if (!q) return all.slice(0, limit).map((x) => now(x.item));
  const buckets: WorkspaceSymbolItem[][] = [[], [], []];
  for (const { lower, item } of all) {
    const at = lower.indexOf(q);
    if (at === 0) {
      buckets[0]!.push(item);
      if (buckets[0]!.length >= limit) break;
    } else if (at > 0) {
      if (buckets[1]!.length < limit) buckets[1]!.push(item);
    } else if (buckets[2]!.length < limit && buckets[0]!.length + buckets[1]!.length < limit && subsequence(q, lower)) {
      // Fuzzy (subsequence) matches only while substrings are few: they are the slow, noisy kind.
      buckets[2]!.push(item);
    }
  }
  return buckets.flat().slice(0, limit).map(now);
}

function subsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (let j = 0; j < hay.length && i < needle.length; j++) if (hay[j] === needle[i]) i++;
  return i === needle.length;
}

/** The functions of the domain's lib/ files, named `lib.<file>.<name>` (or `lib.<name>` in default.nix). */
export function libFunctions(analyzer: Analyzer): { name: string; place: Place; doc?: string }[] {
  const out: { name: string; place: Place; doc?: string }[] = [];
  for (const facts of analyzer.index.files.values()) {
    if (!facts.path.startsWith('lib/') || facts.value.k !== 'set') continue;
    const stem = facts.path
      .slice(4)
      .replace(/\.nix$/, '')
      .replace(/(^|\/)default$/, '');
    const prefix = stem ? `lib.${stem.replace(/\//g, '.')}.` : 'lib.';
    const walk = (attrs: Attr[], at: string) => {
      for (const attr of attrs) {
        if (attr.val.k === 'fn')
          out.push({ name: at + attr.name, place: { file: facts.path, span: attr.span }, ...(attr.doc ? { doc: attr.doc } : {}) });
        else if (attr.val.k === 'set' && at.split('.').length < 4) walk(attr.val.attrs, `${at}${attr.name}.`);
      }
    };
    walk(facts.value.attrs, prefix);
  }
  return out;
}
