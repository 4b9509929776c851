// Generates the synthetic nixpkgs-scale universe the benchmark runs on (issue 3): three
// domains, `core`, `rust` and `extras`, each its own git repository under one folder.
// The same seed and scale give the same bytes and the same commit ids.
//
//   node --import tsx scripts/bench-gen.ts [--out DIR] [--scale small|full] [--seed N]
import { rm, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Random } from './bench-gen/random.js';
import { NameSource } from './bench-gen/names.js';
import { maintainerList } from './bench-gen/maintainers.js';
import { planUniverse, SIZES, type DomainName, type Package, type Scale } from './bench-gen/plan.js';
import { computeLevels, deepestChain } from './bench-gen/levels.js';
import { renderPackage, type OutFile } from './bench-gen/package-file.js';
import { libFolder } from './bench-gen/lib-folder.js';
import { allPackages, buildSupportFiles, flakeLock, flakeNix, manifest, pythonPackages } from './bench-gen/top-level.js';
import { commitAll, writeFiles } from './bench-gen/repo.js';

export type { Scale, DomainName };

export interface DomainSummary {
  files: number;
  nixFiles: number;
  bytes: number;
  packages: number;
  commit: string;
}

/** Where a package is: attribute path, domain, and file inside the domain. */
export interface PackageRef {
  attr: string;
  domain: DomainName;
  file: string;
}

export interface Summary {
  seed: number;
  scale: Scale;
  domains: Record<DomainName, DomainSummary>;
  packages: { byName: number; callPackage: number; python: number; tcl: number; rust: number; extras: number; total: number };
  maintainers: number;
  libFunctions: number;
  /** Levels as docs/DESIGN.md defines them, over the generated packages (build-support attributes not counted). */
  maxLevel: number;
  packagesPerLevel: number[];
  cycleCount: number;
  /** The packages of each deliberate cycle; each names the next (and the last the first). */
  cycles: PackageRef[][];
  /** Input names that no package defines. */
  missingRefs: string[];
  /** A longest input chain, from a package of the highest level down to level 0. */
  deepestChain: PackageRef[];
  elapsedMs: number;
}

export interface GenerateOptions {
  out: string;
  scale: Scale;
  seed?: number;
}

export const DEFAULT_SEED = 1;
const DOMAINS: DomainName[] = ['core', 'rust', 'extras'];
const DEPENDS_ON: Record<DomainName, DomainName[]> = { core: [], rust: ['core'], extras: ['core', 'rust'] };

/** Generates the universe into `opts.out` (replacing earlier domains there) and summarises it. */
export async function generateUniverse(opts: GenerateOptions): Promise<Summary> {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const sizes = SIZES[opts.scale];
  const random = new Random(seed);
  const maintainers = maintainerList(random, sizes.maintainers);
  const plan = planUniverse(random, opts.scale, new NameSource(random));

  // The planned levels are a claim; recompute them from the inputs alone, cycles collapsed.
  const levels = computeLevels(plan.packages);
  for (const p of plan.packages) {
    if (levels.get(p) !== p.level) throw new Error(`level of ${p.attr}: planned ${p.level}, computed ${levels.get(p)}`);
  }

  const files: Record<DomainName, OutFile[]> = { core: [], rust: [], extras: [] };
  const ctx = { random, maintainers };
  for (const p of plan.packages) files[p.domain].push(...renderPackage(p, ctx));
  const callPackaged = (d: DomainName) => plan.packages.filter((p) => p.domain === d && p.layout === 'call-package');
  files.core.push(
    ...libFolder().files,
    { path: 'maintainers/maintainer-list.nix', content: maintainers.text },
    pythonPackages(plan.packages.filter((p) => p.pool === 'python')),
    ...buildSupportFiles(),
  );
  for (const d of DOMAINS) {
    files[d].push(allPackages(d, callPackaged(d), random), manifest(d, DEPENDS_ON[d]), flakeNix(d, DEPENDS_ON[d]));
  }

  await mkdir(opts.out, { recursive: true });
  await Promise.all(DOMAINS.map((d) => rm(path.join(opts.out, d), { recursive: true, force: true })));
  await Promise.all(DOMAINS.map((d) => writeFiles(path.join(opts.out, d), files[d])));
  // Each lock pins the commits of the domains before it, so commit in dependency order.
  const commits: Partial<Record<DomainName, string>> = {};
  for (const d of DOMAINS) {
    const pins = Object.fromEntries(DEPENDS_ON[d].map((dep) => [dep, commits[dep]!]));
    const lock = flakeLock(pins, DEPENDS_ON[d].length > 1);
    files[d].push(lock);
    await writeFiles(path.join(opts.out, d), [lock]);
    commits[d] = await commitAll(path.join(opts.out, d), files[d], `${d}: benchmark universe (seed ${seed}, ${opts.scale})`);
  }

  const summary = summarise(
    seed,
    opts.scale,
    plan,
    files,
    commits as Record<DomainName, string>,
    maintainers.identifierHandles.length + maintainers.quotedHandles.length,
    libFolder().functions,
  );
  if (opts.scale === 'full' && summary.domains.core.nixFiles < 40_000)
    throw new Error(`core has only ${summary.domains.core.nixFiles} .nix files`);
  if (opts.scale === 'small' && summary.domains.core.nixFiles < 2_000)
    throw new Error(`core has only ${summary.domains.core.nixFiles} .nix files`);
  summary.elapsedMs = Math.round(performance.now() - started);
  await writeFile(path.join(opts.out, 'universe.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

const ref = (p: Package): PackageRef => ({ attr: p.attr, domain: p.domain, file: p.file });

function summarise(
  seed: number,
  scale: Scale,
  plan: ReturnType<typeof planUniverse>,
  files: Record<DomainName, OutFile[]>,
  commits: Record<DomainName, string>,
  maintainers: number,
  libFunctions: number,
): Summary {
  const count = (f: (p: Package) => boolean) => plan.packages.filter(f).length;
  const domains = Object.fromEntries(
    DOMAINS.map((d) => [
      d,
      {
        files: files[d].length,
        nixFiles: files[d].filter((f) => f.path.endsWith('.nix')).length,
        bytes: files[d].reduce((sum, f) => sum + Buffer.byteLength(f.content), 0),
        packages: count((p) => p.domain === d),
        commit: commits[d],
      },
    ]),
  ) as Record<DomainName, DomainSummary>;
  const packagesPerLevel: number[] = [];
  for (const p of plan.packages) packagesPerLevel[p.level] = (packagesPerLevel[p.level] ?? 0) + 1;
  return {
    seed,
    scale,
    domains,
    packages: {
      byName: count((p) => p.pool === 'top' && p.layout === 'by-name'),
      callPackage: count((p) => p.pool === 'top' && p.layout === 'call-package'),
      python: count((p) => p.pool === 'python'),
      tcl: count((p) => p.pool === 'tcl'),
      rust: count((p) => p.pool === 'rust'),
      extras: count((p) => p.pool === 'extras'),
      total: plan.packages.length,
    },
    maintainers,
    libFunctions,
    maxLevel: packagesPerLevel.length - 1,
    packagesPerLevel,
    cycleCount: plan.cycles.length,
    cycles: plan.cycles.map((c) => c.map(ref)),
    missingRefs: plan.missingRefs,
    deepestChain: deepestChain(plan.packages).map(ref),
    elapsedMs: 0,
  };
}

function parseArgs(argv: string[]): GenerateOptions {
  const opts: GenerateOptions = { out: '.bench/universe', scale: 'full' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--out' && value) opts.out = argv[++i];
    else if (flag === '--scale' && (value === 'small' || value === 'full')) opts.scale = argv[++i] as Scale;
    else if (flag === '--seed' && value && /^\d+$/.test(value)) opts.seed = Number(argv[++i]);
    else throw new Error(`usage: bench-gen [--out DIR] [--scale small|full] [--seed N] (bad argument: ${flag})`);
  }
  return opts;
}

function printSummary(s: Summary, out: string): void {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  console.log(`universe in ${out} (seed ${s.seed}, ${s.scale}) in ${(s.elapsedMs / 1000).toFixed(1)} s`);
  for (const d of DOMAINS) {
    const x = s.domains[d];
    console.log(
      `  ${d.padEnd(7)} ${String(x.files).padStart(6)} files (${x.nixFiles} .nix), ${String(x.packages).padStart(6)} packages, ${mb(x.bytes)}, ${x.commit.slice(0, 12)}`,
    );
  }
  const p = s.packages;
  console.log(
    `  packages: ${p.byName} by-name, ${p.callPackage} callPackage, ${p.python} python3Packages, ${p.tcl} tclPackages, ${p.rust} rust, ${p.extras} extras`,
  );
  console.log(
    `  ${s.maintainers} maintainers, ${s.libFunctions} lib functions, levels 0..${s.maxLevel}, ${s.cycleCount} cycles, ${s.missingRefs.length} missing inputs`,
  );
}

if (require.main === module) {
  const opts = parseArgs(process.argv.slice(2));
  generateUniverse(opts).then(
    (summary) => printSummary(summary, opts.out),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
