// The project benchmark (issue 3): the real server bundle as a child process over stdio and the
// CLI, on the generated universe; prints a table with every figure and its target and writes
// the figures, with the machine they ran on, to a JSON file. Never fails on a time: it exits
// with 1 only when a part could not run.
//
//   npm run bench -- [--scale small|full] [--out DIR] [--requests N] [--edits N] [--json FILE] [--real all|none|N] [--only synthetic|real]
//   (npm run bench = npm run build && node --import tsx scripts/bench.ts)
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateUniverse, type Scale } from './bench-gen';
import { describeMachine } from './bench/machine';
import { benchCliIndex, benchDomainWaves, benchGeneratedWaves, benchMaintainerIndex } from './bench/others';
import { listPackageFiles } from './bench/positions';
import { figuresOf, renderTable, type Results } from './bench/report';
import { benchReal } from './bench/real';
import { benchServer } from './bench/server';

export interface BenchOptions {
  scale: Scale;
  /** The universe; generated when missing. */
  out: string;
  requests: number;
  json: string;
  /** The domain of the universe to index. */
  domain: string;
  edits: number;
  openFiles: number;
  seed: number;
  /** Inputs of real core to ask at: all of them, a number (the first N package files' worth), or none. */
  real: 'all' | 'none' | number;
  /** Which parts run: the generated universe, the real core, or both. */
  only?: 'synthetic' | 'real';
}

const REPO = path.resolve(__dirname, '..');
const USAGE =
  'usage: bench [--scale small|full] [--out DIR] [--requests N] [--edits N] [--json FILE] [--real all|none|N] [--only synthetic|real]';
/** The real domains: ../shared/corpus/aux beside the checkout, or NIX_DOMAINS_CORPUS. */
const CORPUS = process.env.NIX_DOMAINS_CORPUS ?? path.resolve(REPO, '..', 'shared', 'corpus', 'aux');

/** Parses the command line; defaults depend on the scale. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  let scale: Scale = 'full';
  let out: string | undefined;
  let json: string | undefined;
  let requests = 1000;
  let edits = 100;
  let real: BenchOptions['real'] = 'all';
  let only: BenchOptions['only'];
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (flag === '--scale' && (value === 'small' || value === 'full')) scale = value;
    else if (flag === '--real' && value && /^(all|none|[1-9]\d*)$/.test(value))
      real = value === 'all' || value === 'none' ? value : Number(value);
    else if (flag === '--only' && (value === 'synthetic' || value === 'real')) only = value;
    else if (flag === '--out' && value) out = value;
    else if (flag === '--json' && value) json = value;
    else if (flag === '--requests' && value && /^[1-9]\d*$/.test(value)) requests = Number(value);
    else if (flag === '--edits' && value && /^[1-9]\d*$/.test(value)) edits = Number(value);
    else throw new Error(`${USAGE} (bad argument: ${flag})`);
    i++;
  }
  return {
    scale,
    out: path.resolve(out ?? (scale === 'full' ? '.bench/universe' : '.bench/universe-small')),
    json: path.resolve(json ?? `.bench/results-${scale}.json`),
    requests,
    domain: 'core',
    edits,
    openFiles: 100,
    seed: 1,
    real,
    ...(only ? { only } : {}),
  };
}

/** Runs every part, in an order that keeps them from disturbing each other, and collects the results. */
export async function runBench(options: BenchOptions, log: (line: string) => void = console.log): Promise<Results> {
  const results: Omit<Results, 'figures'> = {
    machine: describeMachine(REPO),
    options: {
      scale: options.scale,
      universe: options.out,
      domain: options.domain,
      requests: options.requests,
      edits: options.edits,
      openFiles: options.openFiles,
      seed: options.seed,
      real: String(options.real),
      ...(options.only ? { only: options.only } : {}),
    },
    waves: {},
    errors: [],
  };
  const root = path.join(options.out, options.domain);
  if (options.only !== 'real' && !existsSync(path.join(root, 'nix-domains.json'))) {
    log(`generating the ${options.scale} universe in ${options.out} …`);
    await generateUniverse({ out: options.out, scale: options.scale });
  }
  // NIX_DOMAINS_DIST: a copy of dist/ to measure, so a rebuild during the run cannot mix versions.
  const dist = process.env.NIX_DOMAINS_DIST ?? path.join(REPO, 'dist');
  const serverPath = path.join(dist, 'server.js');
  const cliPath = path.join(dist, 'cli.js');
  if (!existsSync(serverPath) || !existsSync(cliPath)) throw new Error('dist/ is missing: run `npm run build` first');

  const temp = mkdtempSync(path.join(os.tmpdir(), 'nix-domains-bench-'));
  const part = async <T>(name: string, run: () => Promise<T> | T): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      const message = `${name}: ${err instanceof Error ? err.message : String(err)}`;
      log(`error: ${message}`);
      results.errors.push(message);
      return undefined;
    }
  };
  try {
    if (options.real !== 'none' && options.only !== 'synthetic') {
      const bundle = path.join(CORPUS, 'core.bundle');
      if (!existsSync(bundle)) throw new Error(`the real domains are missing: ${bundle} (set NIX_DOMAINS_CORPUS, or --real none)`);
      results.real = await part('real core', () =>
        benchReal(bundle, dist, log, options.real === 'all' ? undefined : (options.real as number)),
      );
    }
    if (options.only === 'real') return { ...results, figures: figuresOf(results) };
    const packageFiles = listPackageFiles(root);
    results.server = await part('server', () =>
      benchServer(
        {
          root,
          serverPath,
          cacheHome: path.join(temp, 'server-cache'),
          packageFiles,
          requests: options.requests,
          edits: options.edits,
          openFiles: options.openFiles,
          seed: options.seed,
        },
        log,
      ),
    );
    log(`CLI index of ${root} …`);
    results.cli = await part('cli index', () => benchCliIndex(cliPath, root, path.join(temp, 'cli-cache')));
    log('maintainers …');
    results.maintainers = await part('maintainers', () => benchMaintainerIndex(options.seed));
    log('waves …');
    results.waves.generated = await part('waves (generated graph)', () => benchGeneratedWaves(42));
    results.waves.domain = await part(`waves (${options.domain}'s graph)`, () => benchDomainWaves(root));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return { ...results, figures: figuresOf(results) };
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  const results = await runBench(options, (line) => console.error(line));
  mkdirSync(path.dirname(options.json), { recursive: true });
  writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(renderTable(results));
  console.log(`\nwritten to ${path.relative(process.cwd(), options.json) || options.json}`);
  return results.errors.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
