import { URI } from 'vscode-uri';
import type { Location, Range } from 'vscode-languageserver';
import type { Position } from '../analysis/features/locate';
import { FOREIGN_SCHEME, type ForeignLocation } from '../analysis/universe';
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

/** The LSP location of a package of another domain: a checkout file, or a read-only virtual document. */
export function foreignLocation(location: ForeignLocation): Location {
  const range = { start: { line: location.line, character: location.character }, end: { line: location.line, character: location.character } };
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

/** The text before the cursor on its line, at most 512 characters (name patterns are quadratic on a 10 MB line). */
export function lineBefore(text: string, pos: Position): string {
  const line = text.split('\n', pos.line + 1)[pos.line] ?? '';
  return line.slice(Math.max(0, pos.character - 512), pos.character);
}

