// `nix-domains impact --base REF [--format text|json|markdown] [DIR]`: what the branch rebuilds.
import path from 'node:path';
import { DomainWaves } from '../analysis/features/waves';
import { branchImpactReport } from '../analysis/impact/branchReport';
import { branchChanges } from '../analysis/impact/changes';
import { renderImpactReport, type ImpactFormat } from '../analysis/impact/report';
import { openDomain, parseFlags } from './common';

const FORMATS = ['text', 'json', 'markdown'];

/** Runs the `impact` command; returns the exit code. */
export async function impactCommand(args: string[]): Promise<number> {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(args, ['--base', '--format']);
  } catch (err) {
    process.stderr.write(`nix-domains impact: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const base = flags.values['--base'];
  const format = flags.values['--format'] ?? 'text';
  if (!base) {
    process.stderr.write('nix-domains impact: --base REF is required (the branch or commit the change is compared with)\n');
    return 2;
  }
  if (!FORMATS.includes(format)) {
    process.stderr.write('nix-domains impact: --format must be text, json or markdown\n');
    return 2;
  }
  const root = path.resolve(flags.positional[0] ?? '.');
  // git lists the branch's changes while the domain is indexed (a failure is reported below).
  const changes = branchChanges(root, base);
  changes.catch(() => undefined);
  const analyzer = await openDomain(root);
  const waves = await DomainWaves.create(analyzer);
  let report: Awaited<ReturnType<typeof branchImpactReport>>;
  try {
    report = await branchImpactReport(analyzer, base, { waves, changes });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`nix-domains impact: cannot compare with ${base}: ${message.split('\n')[0]}\n`);
    return 1;
  }
  process.stdout.write(renderImpactReport(report, format as ImpactFormat));
  return 0;
}
