// Problems the user should know about once, as plain data: what happened, about which domain,
// and what to check. The layer that meets one says which kind it is; nothing downstream sorts
// sentences by their words.

/** What a problem is about, which decides what the user should check. */
export type ProblemKind =
  /** nix-domains.json: invalid JSON, a wrong type, an unknown setting. */
  | 'manifest'
  /** Another domain's stub: unavailable, refused (corrupt, too large, a bad path), its source unreachable. */
  | 'stub'
  /** A file of another domain that cannot be read. */
  | 'file';

/** Something the user should know once. */
export interface Problem {
  kind: ProblemKind;
  /** The other domain it is about, when it is about one. */
  domain?: string;
  /** What happened, in one sentence. */
  message: string;
  /** What to check or do. */
  hint: string;
}

/** Where problems are told. */
export type ProblemSink = (problem: Problem) => void;

const HINTS: Record<ProblemKind, string> = {
  manifest: 'Check nix-domains.json.',
  stub: 'Check that domain\'s "stubs"/"files" entry in nix-domains.json and the network; then run "Nix Domains: Refresh Domain Stubs". The server log has the details.',
  file: 'Check that domain\'s "path" or "files" entry in nix-domains.json and the network. The server log has the details.',
};

/** A problem of a kind, with the hint that kind deserves. */
export function problem(kind: ProblemKind, message: string, domain?: string): Problem {
  return { kind, message, hint: HINTS[kind], ...(domain ? { domain } : {}) };
}
