// Unknown-input and unknown-maintainer diagnostics against Nix on the real core: each one should
// name something Nix cannot find either, and nothing callPackage, the package set or the caller
// provides should be flagged. See docs/impact-accuracy.md.
import type { Analyzer } from '../../server/src/analysis/analyzer';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';
import type { Oracle } from './oracle';

interface Judged {
  file: string;
  name: string;
  line: number;
  verdict: 'true' | 'false' | 'unverified';
  why: string;
}

export interface DiagnosticsReport {
  inputs: Judged[];
  maintainers: Judged[];
  /** Inputs Nix's callPackage could not find (`file#name`), and which of them the tool reports. */
  nixMissing: number;
  nixMissingReported: number;
}

/** For each package file, what its calls received and what callPackage could not find. */
function callFacts(oracle: Oracle): { provided: Map<string, Set<string>>; missing: Map<string, Set<string>> } {
  const provided = new Map<string, Set<string>>();
  const missing = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, file: string, names: Iterable<string>) => {
    if (!map.has(file)) map.set(file, new Set());
    for (const n of names) map.get(file)!.add(n);
  };
  for (const [file, called] of Object.entries(oracle.files)) {
    add(provided, file, Object.keys(called.inputs));
    add(missing, file, called.missing ?? []);
  }
  return { provided, missing };
}

/** Judges every unknown-input and unknown-maintainer diagnostic of the domain against the oracle. */
export function measureDiagnostics(analyzer: Analyzer, oracle: Oracle): DiagnosticsReport {
  const { provided, missing } = callFacts(oracle);
  const handles = new Set([...oracle.lib.maintainers, ...oracle.lib.teams]);
  const inputs: Judged[] = [];
  const maintainers: Judged[] = [];
  const reported = new Set<string>();
  for (const file of [...analyzer.index.files.keys()].sort()) {
    for (const d of diagnostics(analyzer, file)) {
      const line = d.span[0] + 1;
      if (d.code === 'unknown-input' && d.name) {
        reported.add(`${file}#${d.name}`);
        if (missing.get(file)?.has(d.name)) inputs.push({ file, name: d.name, line, verdict: 'true', why: 'callPackage cannot find it' });
        else if (provided.get(file)?.has(d.name))
          inputs.push({ file, name: d.name, line, verdict: 'false', why: 'callPackage or the caller provides it' });
        else
          inputs.push({
            file,
            name: d.name,
            line,
            verdict: 'unverified',
            why: provided.has(file) ? 'Nix never asked for it' : 'no evaluated attribute calls this file',
          });
      } else if (d.code === 'unknown-maintainer') {
        const handle = /`([^`]+)`/.exec(d.message)?.[1] ?? '';
        maintainers.push(
          handles.has(handle)
            ? { file, name: handle, line, verdict: 'false', why: 'lib.maintainers has it' }
            : { file, name: handle, line, verdict: 'true', why: 'not in lib.maintainers or lib.teams' },
        );
      }
    }
  }
  const nixMissing = [...missing].flatMap(([file, names]) => [...names].map((n) => `${file}#${n}`));
  return { inputs, maintainers, nixMissing: nixMissing.length, nixMissingReported: nixMissing.filter((k) => reported.has(k)).length };
}
