// What the validators of nix-domains.json's sections share: problems as data (the key path a
// problem is at, and its sentence), and the words for what a value is. Each section's owner
// validates its part (stubs/manifestDomains.ts, waves/manifest.ts, impact/manifest.ts); the
// manifest module (manifest.ts) reads the file once and hands each section to its owner.

/** The file at a domain's root that describes it. */
export const MANIFEST_FILE = 'nix-domains.json';

/** The path of a key in the manifest: `['domains', 'core', 'rev']`, `['impact', 'stdenv', 1]`. */
export type KeyPath = (string | number)[];

/** One problem of the manifest: the key it is at (the editor puts it there) and what is wrong, as a sentence. */
export interface ManifestProblem {
  path: KeyPath;
  message: string;
  /** For invalid JSON: the offset where the parser stopped. */
  offset?: number;
}

/** `domains.core.rev`, `impact.stdenv[1]`. */
export function dotted(path: KeyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Collects the problems of one section; every message starts with the dotted key it names (after `prefix`). */
export class ManifestReport {
  readonly problems: ManifestProblem[] = [];

  /** `prefix` goes before each message (`nix-domains.json: `), for callers that show them out of the file. */
  constructor(private readonly prefix = '') {}

  /** A problem at `path`: "<path> <text>". */
  at(path: KeyPath, text: string): void {
    this.problems.push({ path, message: `${this.prefix}${dotted(path)} ${text}` });
  }

  /** A problem at `path` with its own sentence (still after the prefix). */
  say(path: KeyPath, message: string): void {
    this.problems.push({ path, message: `${this.prefix}${message}` });
  }
}

/** The messages of some problems (for logs and the command line). */
export function messagesOf(problems: readonly ManifestProblem[]): string[] {
  return problems.map((p) => p.message);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, for messages: `a list`, `the string "x"`, `number 3`. */
export function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
