import { URI } from 'vscode-uri';
import {
  CompletionItemKind,
  DiagnosticSeverity,
  SymbolKind,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type Location,
  type Range,
} from 'vscode-languageserver';
import type { ImpactAnswer } from '../analysis/across/impact';
import type { Where } from '../analysis/across/where';
import type { CompletionAnswerItem } from '../analysis/across/completion';
import type { Diagnostic as OurDiagnostic } from '../analysis/features/diagnostics';
import type { DocumentSymbolItem, SymbolKind as OurKind } from '../analysis/features/symbols';
import type { ForeignLocation } from '../analysis/universe';
import type { Analyzer } from '../analysis/analyzer';
import type { Place, Span } from '../analysis/syntax';
import { FOREIGN_SCHEME, type ImpactList } from '../../../shared/protocol';

/** LSP range of a span. */
export function toRange(span: Span): Range {
  return { start: { line: span[0], character: span[1] }, end: { line: span[2], character: span[3] } };
}

/** LSP location of a place in a domain. */
function toLocation(analyzer: Analyzer, place: Place): Location {
  return { uri: fileUri(analyzer, place.file), range: sharedRange(place.span) };
}

/**
 * One LSP range per span of the facts, shared by every location at it. References on `stdenv`
 * answer 35,000 locations at a few hundred distinct spans (spans are shared among the facts);
 * a range and two positions made for each were most of such an answer's objects. Spans are never
 * mutated, and the map lets a range go with its span.
 */
const ranges = new WeakMap<Span, Range>();
function sharedRange(span: Span): Range {
  let range = ranges.get(span);
  if (!range) ranges.set(span, (range = toRange(span)));
  return range;
}

/** A domain-relative path whose `file:` URI path is the path itself: vscode-uri escapes every other character, and `.`/`..` segments are normalised. */
const PLAIN_PATH = /^[\w.~-]+(\/[\w.~-]+)*$/;
/** A `.` or `..` segment: the path is not the URI's, which is made from the normalised absolute path. */
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * The `file:` URI of a file of a domain: the domain root's URI (made once) joined with the path,
 * which needs no escaping in all but a few files (those go through vscode-uri). A references
 * answer with tens of thousands of locations escapes nothing; a map of every file's URI, kept for
 * the same reason, held 6 MB on a 40,000-file domain.
 */
function fileUri(analyzer: Analyzer, file: string): string {
  return plainPath(file) ? rootOf(analyzer).uri + file : URI.file(analyzer.index.absolute(file)).toString();
}

/** Whether a file's URI is the root's joined with its path. */
function plainPath(file: string): boolean {
  return PLAIN_PATH.test(file) && !DOT_SEGMENT.test(file);
}

/** The domain root's `file:` URI, ending in `/`, and the start of a location's JSON in a file under it, made once per analyzer. */
function rootOf(analyzer: Analyzer): { uri: string; locationJson: string } {
  let root = roots.get(analyzer);
  if (root === undefined) {
    let uri = URI.file(analyzer.index.root).toString();
    if (!uri.endsWith('/')) uri += '/';
    roots.set(analyzer, (root = { uri, locationJson: `{"uri":${JSON.stringify(uri).slice(0, -1)}` }));
  }
  return root;
}

const roots = new WeakMap<Analyzer, { uri: string; locationJson: string }>();

/** The filesystem path of a `file:` URI, or undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}

/** The LSP location of an answer: in the open domain, or in another one. */
export function whereToLocation(analyzer: Analyzer, where: Where): Location {
  return where.kind === 'local' ? toLocation(analyzer, where.place) : foreignLocation(where);
}

/**
 * The JSON of `whereToLocation`'s location, the very text `JSON.stringify` gives of it, made
 * without the location: a long references answer over stdio is written from these (`madeAsWritten`),
 * which took half the time of making each location and encoding the objects (docs/performance.md).
 * A place in a file whose URI is the root's joined with its path is written from the root's JSON
 * (escaped once) and its range's (made once per span); any other goes through the location.
 */
export function whereToLocationJson(analyzer: Analyzer, where: Where): string {
  if (where.kind !== 'local' || !plainPath(where.place.file)) return JSON.stringify(whereToLocation(analyzer, where));
  let range = rangeJsons.get(where.place.span);
  if (range === undefined) rangeJsons.set(where.place.span, (range = `,"range":${JSON.stringify(sharedRange(where.place.span))}}`));
  return `${rootOf(analyzer).locationJson}${where.place.file}"${range}`;
}

const rangeJsons = new WeakMap<Span, string>();

/** The LSP location of a package of another domain: a checkout file, or a read-only virtual document. */
function foreignLocation(location: ForeignLocation): Location {
  const range = {
    start: { line: location.line, character: location.character },
    end: { line: location.line, character: location.character },
  };
  if (location.kind === 'checkout') return { uri: URI.file(location.absolute).toString(), range };
  const uri = URI.from({ scheme: FOREIGN_SCHEME, path: `/${location.domain}/${location.revision}/${location.file}` }).toString();
  return { uri, range };
}

/** `nix-domains:/<domain>/<revision>/<path>` → its parts. */
export function parseForeignUri(uri: string): { domain: string; revision: string; file: string } | undefined {
  const parsed = URI.parse(uri);
  if (parsed.scheme !== FOREIGN_SCHEME) return undefined;
  const [, domain, revision, ...rest] = parsed.path.split('/');
  if (!domain || !revision || rest.length === 0) return undefined;
  return { domain, revision, file: rest.join('/') };
}

/** The protocol's impact list: places become URIs and lines. */
export function toImpactList(analyzer: Analyzer, answer: ImpactAnswer): ImpactList {
  return {
    title: answer.title,
    groups: answer.groups.map((g) => ({
      domain: g.domain,
      count: g.count,
      items: g.items.map((item) =>
        item.place
          ? { label: item.label, uri: URI.file(analyzer.index.absolute(item.place.file)).toString(), line: item.place.span[0] }
          : { label: item.label },
      ),
    })),
  };
}

const SEVERITIES = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
} as const;

/** An LSP diagnostic. */
export function toDiagnostic(d: OurDiagnostic): Diagnostic {
  return { range: toRange(d.span), message: d.message, code: d.code, source: 'nix-domains', severity: SEVERITIES[d.severity] };
}

export const SYMBOL_KINDS: Record<OurKind, SymbolKind> = {
  package: SymbolKind.Package,
  function: SymbolKind.Function,
  set: SymbolKind.Object,
  variable: SymbolKind.Variable,
  input: SymbolKind.TypeParameter,
};

/** An LSP document symbol, with its children. */
export function toDocumentSymbol(item: DocumentSymbolItem): DocumentSymbol {
  return {
    name: item.name || '""',
    kind: SYMBOL_KINDS[item.kind],
    range: toRange(item.span),
    selectionRange: toRange(item.selection),
    children: item.children.map(toDocumentSymbol),
  };
}

const COMPLETION_KINDS = {
  package: CompletionItemKind.Module,
  function: CompletionItemKind.Function,
  set: CompletionItemKind.Struct,
  variable: CompletionItemKind.Variable,
  input: CompletionItemKind.Variable,
  maintainer: CompletionItemKind.Reference,
} as const;

/** An LSP completion item; one from another domain says which. */
export function toCompletionItem(item: CompletionAnswerItem): CompletionItem {
  return { label: item.label, kind: COMPLETION_KINDS[item.kind], ...(item.domain ? { detail: `from ${item.domain}` } : {}) };
}
