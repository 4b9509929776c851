import { URI } from 'vscode-uri';
import type { Location, Range } from 'vscode-languageserver';
import type { Analyzer } from '../analysis/analyzer';
import type { Place } from '../analysis/features/definition';
import type { Span } from '../analysis/syntax';

/** LSP range of a span. */
export function toRange(span: Span): Range {
  return { start: { line: span[0], character: span[1] }, end: { line: span[2], character: span[3] } };
}

/** LSP location of a place in a domain. */
export function toLocation(analyzer: Analyzer, place: Place): Location {
  return { uri: URI.file(analyzer.index.absolute(place.file)).toString(), range: toRange(place.span) };
}

/** The filesystem path of a `file:` URI, or undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}
