import path from 'node:path';
import type { Analyzer } from '../analysis/analyzer';
import { definitionAcross } from '../analysis/across/definition';
import { hoverAcross } from '../analysis/across/hover';
import { referencesAcross } from '../analysis/across/references';
import { Budget } from '../analysis/budget';
import { PROVIDED_NAMES } from '../analysis/features/diagnostics';
import { DomainSession } from '../analysis/session';
import { startServer } from '../lsp/start';
import { DomainWaves } from '../analysis/features/waves';
import { renderWavePlan } from '../analysis/waves';
import { runDemo } from './demo';
import { impactCommand } from './impact';
import { stubCommand } from './stub';
import { openDomain, parseFlags } from './common';

const USAGE = `nix-domains — a domain-aware language server and CLI for Nix package collections

Usage:
  nix-domains lsp --stdio                      start the language server on stdin/stdout
  nix-domains index [DIR]                      index a domain; print files, packages and time (JSON)
  nix-domains query definition|hover|references FILE:LINE:COL [--root DIR]
                                               answer one request (LINE and COL are 1-based); JSON out
  nix-domains wave [DIR] [--branch B] [--package P] [--format text|json|markdown]
                                               the wave plan, or one package's role in every wave
  nix-domains demo [DIR]                       create the example universe and show what a user sees
  nix-domains impact --base REF [--format text|json|markdown] [DIR]
                                               what the branch (and uncommitted changes) rebuild, per domain
  nix-domains stub [DIR] --out OUT | --publish REMOTE[#REF]
                                               write the stub of the domain in DIR into OUT, or push it to a
                                               git ref beside the revisions published before (--allow-dirty)
`;

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lsp':
      startServer();
      return -1; // keeps running
    case 'index':
      return indexCommand(rest[0] ?? '.');
    case 'query':
      return queryCommand(rest);
    case 'demo':
      return runDemo(rest[0]);
    case 'stub':
      return stubCommand(rest);
    case 'wave':
      return waveCommand(rest);
    case 'impact':
      return impactCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`nix-domains: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function indexCommand(dir: string): Promise<number> {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const analyzer = await openDomain(dir);
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  const packages = analyzer.catalog.all().length;
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  let errors = 0;
  for (const facts of analyzer.index.files.values()) if (facts.errors.length > 0) errors++;
  const rssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
  // The cache is written after the index is ready; how long that takes is reported on its own.
  const { fromCache = 0, parsed = 0, workers = 0, cacheFile, cacheSaved } = analyzer.lastIndex ?? {};
  await cacheSaved;
  const cacheSavedMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6 - wallMs);
  print({
    domain: analyzer.index.domain,
    root: analyzer.root,
    files: analyzer.index.files.size,
    packages,
    filesWithSyntaxErrors: errors,
    inputs: inputStats(analyzer),
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    index: { readyMs: Math.round(readyMs), fromCache, parsed, workers, cacheFile, cacheSavedMs },
    rssMb,
  });
  return 0;
}

async function waveCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, ['--branch', '--package', '--format']);
  const format = flags.values['--format'] ?? 'text';
  if (!['text', 'json', 'markdown'].includes(format)) {
    process.stderr.write(`nix-domains wave: --format must be text, json or markdown\n`);
    return 2;
  }
  const analyzer = await openDomain(flags.positional[0] ?? '.');
  const waves = await DomainWaves.create(analyzer);
  for (const error of waves.manifestErrors) process.stderr.write(`warning: ${error}\n`);
  const result = await waves.plan({
    ...(flags.values['--branch'] ? { branch: flags.values['--branch'] } : {}),
    ...(flags.values['--package'] ? { package: flags.values['--package'] } : {}),
  });
  if (!result.ok) {
    process.stderr.write(`nix-domains wave: ${result.error}\n`);
    return 1;
  }
  process.stdout.write(`${renderWavePlan(result.plan, format as 'text' | 'json' | 'markdown').trimEnd()}\n`);
  return 0;
}

/** How many inputs (formals; flags with defaults aside) of package files resolve to a definition in the domain; the unresolved ones by name. */
function inputStats(analyzer: Analyzer): { total: number; resolved: number; ratio: number; unresolved: Record<string, number> } {
  const seen = new Set<string>();
  let total = 0;
  let resolved = 0;
  const unresolved = new Map<string, number>();
  for (const pkg of analyzer.catalog.all()) {
    if (seen.has(pkg.target.file)) continue;
    seen.add(pkg.target.file);
    for (const input of analyzer.catalog.inputsOf(pkg)) {
      const found = input.target && !input.target.missing;
      // A defaulted formal that names nothing is a flag (`enableX ? true`), not an input; names the
      // package-set machinery provides (`stdenv` where the domain does not define it) are not counted either.
      if (!found && (input.formal.hasDefault || PROVIDED_NAMES.has(input.formal.name))) continue;
      total++;
      if (found) resolved++;
      else unresolved.set(input.formal.name, (unresolved.get(input.formal.name) ?? 0) + 1);
    }
  }
  const top = [...unresolved].sort((a, b) => b[1] - a[1]).slice(0, 20);
  return { total, resolved, ratio: total ? Math.round((resolved / total) * 10000) / 10000 : 1, unresolved: Object.fromEntries(top) };
}

async function queryCommand(args: string[]): Promise<number> {
  const [kind, where, ...flags] = args;
  const match = where ? /^(.*):(\d+):(\d+)$/.exec(where) : null;
  if (!kind || !['definition', 'hover', 'references'].includes(kind) || !match) {
    process.stderr.write(`nix-domains query: expected definition|hover|references FILE:LINE:COL\n`);
    return 2;
  }
  const rootFlag = flags.indexOf('--root');
  const file = path.resolve(match[1]!);
  const root = rootFlag >= 0 && flags[rootFlag + 1] ? path.resolve(flags[rootFlag + 1]!) : await findDomainRoot(file);
  const analyzer = await openDomain(root);
  const relative = analyzer.index.relative(file);
  if (relative === undefined) {
    process.stderr.write(`nix-domains query: ${file} is outside the domain ${root}\n`);
    return 2;
  }
  const pos = { line: Number(match[2]) - 1, character: Number(match[3]) - 1 };
  // The same cross-domain answers as the editor's: other domains through their stubs (problems on stderr).
  const session = new DomainSession(analyzer, {
    trusted: true,
    stubLog: (message) => process.stderr.write(`nix-domains: ${message}\n`),
    problem: (p) => process.stderr.write(`warning: ${p.message}. ${p.hint}\n`),
  });
  const budget = new Budget();
  if (!(await analyzer.withDocument(relative, () => true))) {
    process.stderr.write(`nix-domains query: cannot read ${file}\n`);
    return 1;
  }
  if (kind === 'hover') {
    print((await hoverAcross(session, relative, pos, budget)) ?? null);
    return 0;
  }
  const found =
    kind === 'definition'
      ? await definitionAcross(session, relative, pos, budget)
      : await referencesAcross(session, relative, pos, true, budget);
  print(
    found.map((w) => {
      if (w.kind === 'local')
        return { file: analyzer.index.absolute(w.place.file), line: w.place.span[0] + 1, column: w.place.span[1] + 1, span: w.place.span };
      if (w.kind === 'checkout') return { file: w.absolute, line: w.line + 1, column: w.character + 1 };
      return { domain: w.domain, revision: w.revision, file: w.file, line: w.line + 1, column: w.character + 1 };
    }),
  );
  return 0;
}

/** The domain a file belongs to: the nearest folder upwards with a manifest or a .git. */
async function findDomainRoot(file: string): Promise<string> {
  const { existsSync } = await import('node:fs');
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nix-domains.json')) || existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(file);
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

if (require.main === module) {
  // `nix-domains query … | head`: a reader that stops early is no error of ours; end quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`nix-domains: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
