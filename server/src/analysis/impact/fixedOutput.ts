// The packages whose output stays when their inputs change (fixed-output derivations: fetched
// sources) and the packages that are functions, not derivations: a change reaches them but goes no
// further, and neither is counted as a rebuild.
import type { Analyzer } from '../analyzer';
import type { DomainGraph } from '../dependencyGraph';
import { calledApplied } from '../calledFormals';
import { callOf } from '../facts';

/** Fixed-output makers (a file that sets `outputHash`, or a function that takes one) and the packages that are functions. */
export function fixedOutputMakers(analyzer: Analyzer, domainGraph: DomainGraph): { fixedOutput: Uint8Array; functions: Uint8Array } {
  const { graph, packages } = domainGraph;
  const fixedOutput = new Uint8Array(packages.length);
  const functions = new Uint8Array(packages.length);
  packages.forEach((pkg, at) => {
    // What the file says about itself counts only for a package that is the file (called by path).
    const facts = pkg.target.whole ? analyzer.index.files.get(pkg.target.file) : undefined;
    const call = pkg.binding && callOf(pkg.binding.val);
    if (facts?.curried && !calledApplied(analyzer.index, pkg) && !(call?.kind === 'import' && call.applied)) functions[at] = 1;
    if (facts?.fixedOutput) fixedOutput[at] = 1;
  });
  // `fetchFromGitHub` wraps `fetchgit`/`fetchzip`, which wrap `fetchurl`: a function over a fetcher is one.
  for (let changed = true; changed; ) {
    changed = false;
    packages.forEach((_, at) => {
      if (fixedOutput[at] || !functions[at]) return;
      if (graph.dependencyIndices(at).some((dep) => fixedOutput[dep])) {
        fixedOutput[at] = 1;
        changed = true;
      }
    });
  }
  return { fixedOutput, functions };
}
