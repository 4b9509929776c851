import type { Analyzer } from '../analyzer';
import { callOf } from '../facts';
import { SPLICED_SETS } from '../setNames';
import type { Span } from '../syntax';
import { importersOf } from '../passedArgs';

export interface Diagnostic {
  span: Span;
  severity: 'error' | 'warning' | 'information';
  message: string;
  code: string;
  /** The name the diagnostic is about (an unknown input), for callers that look it up elsewhere. */
  name?: string;
}

/** Names the package-set machinery provides to every package function without a package of that name. */
export const PROVIDED_NAMES = new Set([
  'lib',
  'config',
  'pkgs',
  'stdenv',
  'stdenvNoCC',
  'callPackage',
  'callPackages',
  'newScope',
  'overrideScope',
  ...SPLICED_SETS,
  'self',
  'super',
  'system',
  'hostPlatform',
  'buildPlatform',
  'targetPlatform',
  'overrides',
  // What nixpkgs' stage.nix adds to the top-level set besides the package files.
  'pkgsCross',
  'pkgsLLVM',
  'pkgsMusl',
  'pkgsi686Linux',
  'pkgsx86_64Darwin',
  'pkgsLinux',
  'pkgsStatic',
  'pkgsExtraHardening',
  'appendOverlays',
  'extend',
  'splicePackages',
  'makeScopeWithSplicing',
  "makeScopeWithSplicing'",
  'generateSplicesForMkScope',
  'splicedPackagesWithXorg',
]);

/** Diagnostics of one file: syntax errors, and inputs of a package function that name no known package. */
export function diagnostics(analyzer: Analyzer, file: string, options: { unknownInputs: boolean } = { unknownInputs: true }): Diagnostic[] {
  const facts = analyzer.index.files.get(file);
  if (!facts) return [];
  const out: Diagnostic[] = facts.errors.map((span) => ({ span, severity: 'error', message: 'Syntax error', code: 'syntax' }));
  if (facts.problem) out.push({ span: [0, 0, 0, 0], severity: 'warning', message: facts.problem, code: 'not-indexed' });
  for (const m of analyzer.maintainers.unknownHandles(file)) {
    out.push({
      span: m.span,
      severity: 'warning',
      code: 'unknown-maintainer',
      message: `\`${m.handle}\` is not in maintainers/maintainer-list.nix (or team-list.nix) of domain \`${analyzer.index.domain}\`.`,
    });
  }
  if (!options.unknownInputs || !facts.formals || !isPackageFile(analyzer, file)) return out;
  const { caller } = analyzer.resolver.scopeOfPackageFile(file);
  const call = caller && callOf(caller.val);
  const overridden = new Set([...(call?.args ?? []), ...(call?.scope ?? [])].map((a) => a.name));
  // What a file that imports this one passes (rust's `1_77.nix`: `import ./default.nix { llvmShared = …; }`)
  // is no help to callPackage, which calls it without (by-name calls rust's default.nix too).
  const imported = !caller && importersOf(analyzer.index, file).length > 0;
  for (const formal of facts.formals) {
    if (formal.hasDefault || PROVIDED_NAMES.has(formal.name) || overridden.has(formal.name)) continue;
    // Only a name nothing provides is reported: one the index cannot follow is no error.
    if (analyzer.resolver.isProvided(file, formal.name) || (!imported && analyzer.resolver.resolveInput(file, formal.name))) continue;
    out.push({
      span: formal.span,
      severity: 'warning',
      code: 'unknown-input',
      name: formal.name,
      message: `\`${formal.name}\` names no package known in domain \`${analyzer.index.domain}\`: callPackage cannot fill this input.`,
    });
  }
  return out;
}

/** A file that builds a package: a by-name file, a file some package set calls, or one with a derivation. */
function isPackageFile(analyzer: Analyzer, file: string): boolean {
  if (/pkgs\/by-name\/[^/]+\/[^/]+\/(package|default)\.nix$/.test(file)) return true;
  const facts = analyzer.index.files.get(file);
  // A set, not a function given packages (`{ wrapFoo, python3Packages }: wrapFoo python3Packages`, see positional.ts).
  if (facts?.value.k === 'set' && !facts.value.positional) return false;
  return analyzer.index.callersOf(file).some((b) => callOf(b.val)?.kind === 'callPackage');
}
