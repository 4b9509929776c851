import type { Budget } from '../budget';
import { diagnostics, type Diagnostic } from '../features/diagnostics';
import type { DomainSession } from '../session';
import { missingEverywhere } from '../universe';

export interface DiagnosticsOptions {
  /** Report inputs that name no package (the `nixDomains.diagnostics.unknownInputs` setting). */
  unknownInputs: boolean;
  /** The document was edited since it was opened: editing a frozen package deserves a warning. */
  edited: boolean;
}

/**
 * Diagnostics of one file across the universe: this domain's, with unknown inputs looked up in
 * the other domains first (which fetches their stubs lazily), maintainer handles checked against
 * the other domains' lists where this domain has none, and the frozen-package warning of a WIP wave.
 * Nothing that depends on the whole domain is reported before the domain is indexed: an input may
 * look unknown only because its definition is not read yet.
 */
export async function diagnosticsAcross(
  session: DomainSession,
  file: string,
  options: DiagnosticsOptions,
  budget: Budget,
): Promise<Diagnostic[]> {
  const { analyzer } = session;
  const indexed = analyzer.isIndexed;
  const found = diagnostics(analyzer, file, { unknownInputs: options.unknownInputs && indexed });
  const out: Diagnostic[] = [];
  const unknown = found.filter((d) => d.code === 'unknown-input' && d.name);
  const universe = unknown.length > 0 ? await session.universe() : undefined;
  const misses = universe && universe.domains().length > 0 ? await budget.race(universe.whyMissing()) : undefined;
  for (const d of found) {
    if (d.code !== 'unknown-input' || !d.name || !universe || !misses?.length) {
      out.push(d);
      continue;
    }
    const elsewhere = await budget.race(universe.lookup(d.name));
    // Out of time: say nothing rather than something that may be wrong.
    if (elsewhere || budget.cut) continue;
    out.push({ ...d, message: missingEverywhere(d.name, analyzer.index.domain, misses) });
  }
  if (indexed) out.push(...(await unknownHandlesElsewhere(session, file, budget)));
  if (options.edited && indexed && (await session.prepare(budget, ['packages', 'graph'])))
    out.push(...(await frozen(session, file, budget)));
  return out;
}

/** In a domain without its own maintainers list, handles are checked against the other domains' lists. */
async function unknownHandlesElsewhere(session: DomainSession, file: string, budget: Budget): Promise<Diagnostic[]> {
  const { analyzer } = session;
  if (analyzer.maintainers.has('maintainers/maintainer-list.nix')) return [];
  const named = analyzer.index.files.get(file)?.drv?.maintainers ?? [];
  if (named.length === 0) return [];
  const universe = await session.universe();
  const known = await budget.race(universe.handles());
  if (!known) return [];
  return named
    .filter((m) => !known.has(m.handle))
    .map((m) => ({
      span: m.span,
      severity: 'warning' as const,
      code: 'unknown-maintainer',
      message: `\`${m.handle}\` is in no maintainers list of ${universe
        .domains()
        .map((d) => `\`${d}\``)
        .join(', ')}.`,
    }));
}

/** A file whose package the checked-out WIP wave has frozen gets a warning on its derivation. */
async function frozen(session: DomainSession, file: string, budget: Budget): Promise<Diagnostic[]> {
  const waves = await session.waves();
  // The levels a wave's roles read, in slices (56 ms in one piece on the generated core); out of time, nothing said.
  if (!waves || !(await waves.prepare(budget))) return [];
  const out: Diagnostic[] = [];
  for (const pkg of session.analyzer.catalog.packagesInFile(file)) {
    const warning = await waves.frozenWarning(pkg).catch(() => null);
    if (warning) out.push({ span: pkg.target.span, severity: 'warning', code: 'frozen-package', message: warning.message });
  }
  return out;
}
