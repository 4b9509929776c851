import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Analyzer } from '../server/src/analysis/analyzer';
import { diagnostics } from '../server/src/analysis/features/diagnostics';
import { rebuildImpact } from '../server/src/analysis/impact/closure';

export const FIXTURE = path.join(__dirname, 'fixtures', 'nixpkgs-domain');

const analyzers = new Map<string, Promise<Analyzer>>();

/** An analyzer over a fixture domain, indexed once per test process. */
export function fixtureAnalyzer(root = FIXTURE): Promise<Analyzer> {
  let analyzer = analyzers.get(root);
  if (!analyzer) {
    analyzer = Analyzer.create(root, 'core').then(async (a) => {
      await a.indexAll();
      return a;
    });
    analyzers.set(root, analyzer);
  }
  return analyzer;
}

/** Writes files (path relative to `root` → text) under `root`, making their folders. */
export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

/**
 * A domain written into a new temporary folder (pushed on `temps`, for the test file to remove),
 * indexed in process without a cache or git: for tests that need a few files of their own.
 */
export async function tempDomain(files: Record<string, string>, temps: string[], prefix = 'nd-domain-'): Promise<Analyzer> {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(root);
  writeFiles(root, files);
  const analyzer = await Analyzer.create(root, 'core', { cacheDir: null, indexWorkers: 0, useGit: false });
  await analyzer.indexAll();
  return analyzer;
}

/**
 * The position of a cursor given by a marked needle: `'pyth|on3 # the'` finds that text in the
 * file and puts the cursor where the `|` is.
 */
export function cursor(root: string, file: string, marked: string): { line: number; character: number } {
  const text = readFileSync(path.join(root, file), 'utf8');
  const bar = marked.indexOf('|');
  const needle = marked.replace('|', '');
  const at = text.indexOf(needle);
  if (at < 0 || bar < 0) throw new Error(`marker ${JSON.stringify(marked)} not found in ${file}`);
  const offset = at + bar;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

/** The top-level names a change to a package (by attribute path) rebuilds, as the lens lists them. */
export function rebuildNames(analyzer: Analyzer, attrPath: string): string[] {
  const pkg = analyzer.catalog.all().find((p) => p.attrPath === attrPath);
  if (!pkg) throw new Error(`no package ${attrPath} in the domain`);
  return rebuildImpact(analyzer, pkg).domains[0]?.packages ?? [];
}

/** The inputs a file's unknown-input diagnostics name, in order. */
export function unknownInputs(analyzer: Analyzer, file: string): (string | undefined)[] {
  return diagnostics(analyzer, file)
    .filter((d) => d.code === 'unknown-input')
    .map((d) => d.name);
}

/** A package file that builds `name` with stdenv and the given inputs, for the domains tests write. */
export function packageFile(name: string, inputs: readonly string[] = []): string {
  const formals = inputs.map((i) => `, ${i}`).join('');
  return `{ stdenv${formals} }:\nstdenv.mkDerivation { pname = "${name}"; version = "1"; buildInputs = [ ${inputs.join(' ')} ]; }\n`;
}

/** Resolves when the process has exited; rejects with what did not happen after `ms`. */
export function exited(pid: number, ms: number, what: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = () => {
      try {
        process.kill(pid, 0);
      } catch {
        resolve();
        return;
      }
      if (Date.now() - started > ms) reject(new Error(`${what}: process ${pid} still running after ${ms} ms`));
      else setTimeout(check, 50);
    };
    check();
  });
}

/** Awaits `work`, failing with `what` did not arrive after `ms`. */
export async function within<T>(work: Promise<T>, what: string, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts the turns of the event loop while `work` runs (a turn is what another request gets), by a chain of setImmediate. */
export async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return { value: await work(), turns };
  } finally {
    running = false;
  }
}
