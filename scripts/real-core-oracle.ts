// The real-core oracle: what Nix itself says about the Aux core domain of the corpus, written to
// test/fixtures/real-core-oracle/ for the accuracy tests (which never run Nix). Rerun it when the
// corpus changes:
//
//   node --import tsx scripts/real-core-oracle.ts [--bundle core.bundle] [--out DIR] [--work DIR]
//
// It needs Nix (Debian's nix-bin 2.8 is enough) and about an hour of one core the first time
// (known failing attributes make later runs shorter). Everything is evaluated in copies of core
// in the work folder, with a store of its own there (`NIX_REMOTE=local?root=…`), so /nix/store is
// not touched. `--work DIR` keeps that folder and resumes an interrupted run from it.
// docs/impact-accuracy.md describes the method; the fixture's README the files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callsOfAll, callsOfUncalled, checkpoint, describeAll, inputsOfAll, log, outPathsOf } from './oracle/collect';
import { measureEdits } from './oracle/edits';
import { maintainerNames, storeFolders } from './oracle/expressions';
import { nixEval } from './oracle/nixEval';
import { PathMapper, shapeAttribute, shapeCalls, stringifyByLine, type OracleAttribute } from './oracle/shape';
import { type EditSite, findSites, siteKey } from './oracle/sites';
import { recordCallArguments } from './oracle/instrument';

const PROJECT = path.resolve(__dirname, '..');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]!) : fallback;
}

const bundle = option('--bundle', path.resolve(PROJECT, '..', 'shared', 'corpus', 'aux', 'core.bundle'));
const outDir = option('--out', path.join(PROJECT, 'test', 'fixtures', 'real-core-oracle'));
const keepWork = process.argv.includes('--work');
const work = option('--work', mkdtempSync(path.join(tmpdir(), 'real-core-oracle-')));

/** A copy of core at `dir`: a clone of the bundle, or of the pristine clone (git keeps file modes, which store paths hash). */
function copyOf(dir: string, from?: string): string {
  if (!existsSync(dir)) execFileSync('git', ['clone', '--quiet', from ?? bundle, dir], { stdio: 'pipe' });
  return dir;
}

/** The folders of by-name package groups: Nix imports them as `"${path}/packages.nix"`, a copy in the store. */
function groupFolders(root: string): string[] {
  const base = path.join(root, 'pkgs', 'by-name');
  return readdirSync(base).flatMap((shard) =>
    readdirSync(path.join(base, shard))
      .filter((name) => existsSync(path.join(base, shard, name, 'packages.nix')))
      .map((name) => `pkgs/by-name/${shard}/${name}`),
  );
}

/** The .nix files under pkgs/ (Nix tells which are functions of an attribute set, as callPackage needs). */
function packageFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.nix')) out.push(rel);
    }
  };
  walk('pkgs');
  return out.sort();
}

function previousFailures(): Set<string> {
  const file = path.join(outDir, 'attributes.json');
  if (!existsSync(file)) return new Set();
  const previous = JSON.parse(readFileSync(file, 'utf8')) as { attributes: Record<string, OracleAttribute> };
  return new Set(
    Object.entries(previous.attributes)
      .filter(([, a]) => a.kind === 'fails')
      .map(([name]) => name),
  );
}

async function main(): Promise<void> {
  if (!existsSync(bundle)) throw new Error(`no corpus bundle at ${bundle} (give --bundle)`);
  mkdirSync(work, { recursive: true });
  process.env.NIX_REMOTE = `local?root=${path.join(work, 'store')}`;
  log(`work folder ${work}`);

  const pristine = copyOf(path.join(work, 'core'));
  const commit = execFileSync('git', ['-C', pristine, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const recording = path.join(work, 'recording');
  if (!existsSync(recording)) recordCallArguments(copyOf(recording, pristine));
  const lenient = path.join(work, 'lenient');
  if (!existsSync(lenient)) recordCallArguments(copyOf(lenient, pristine), { lenient: true });
  const edited = copyOf(path.join(work, 'edited'), pristine);

  const groups = groupFolders(pristine);
  const folders: Array<[string, string]> = [];
  for (const tree of [pristine, recording, lenient]) {
    folders.push(...Object.entries((await nixEval(storeFolders(tree, groups))) as Record<string, string>));
  }
  const paths = new PathMapper(pristine, [pristine, recording, lenient, edited], folders, path.join(work, 'store'));
  const lib = (await nixEval(maintainerNames(pristine))) as { maintainers: string[]; teams: string[] };

  const raw = await checkpoint(work, 'attributes', () => describeAll(recording, previousFailures()));
  const universe = Object.keys(raw)
    .filter((a) => raw[a]!.kind === 'derivation')
    .sort();
  const baseline = Object.fromEntries(universe.map((a) => [a, raw[a]!.out!]));

  // The recording only adds attributes to results: the unedited core must give the same paths.
  const plain = await checkpoint(work, 'pristine-out-paths', () => outPathsOf(pristine, universe));
  const differing = universe.filter((a) => plain[a] !== baseline[a]);
  if (differing.length > 0) throw new Error(`recording callPackage changed the output paths of ${differing.join(' ')}`);

  const callable = Object.keys(raw)
    .filter((a) => ['derivation', 'throws', 'fails'].includes(raw[a]!.kind))
    .sort();
  const calls = await checkpoint(work, 'calls', () => callsOfAll(lenient, callable));
  // Aliases share a derivation and so their calls: the inputs of one of them stand for all.
  const sameAs = new Map<string, string>();
  const firstOfDrv = new Map<string, string>();
  for (const attr of callable) {
    const drv = raw[attr]!.drvPath;
    if (!drv) continue;
    const first = firstOfDrv.get(drv);
    if (first) sameAs.set(attr, first);
    else firstOfDrv.set(drv, attr);
  }
  const inputs = await checkpoint(work, 'inputs', () => inputsOfAll(lenient, calls, new Set(callable.filter((a) => !sameAs.has(a)))));

  // Members of recursive sets are kept when they are packages (or fail as packages do), not their helpers.
  const kept = Object.keys(raw).filter(
    (a) => !a.includes('.') || ['derivation', 'throws', 'fails', 'recursive set'].includes(raw[a]!.kind),
  );
  const attributes = Object.fromEntries(kept.sort().map((a) => [a, shapeAttribute(raw[a]!, paths)]));
  const reached = new Set(Object.values(calls).flatMap((list) => list.map((c) => c.fn && paths.file(c.fn))));
  const uncalled = await checkpoint(work, 'uncalled', () =>
    callsOfUncalled(
      lenient,
      packageFiles(pristine).filter((f) => !reached.has(f)),
    ),
  );
  const source = {
    bundle: path.basename(bundle),
    commit,
    nix: execFileSync('nix', ['--version'], { encoding: 'utf8' }).trim(),
    system: 'x86_64-linux',
    universe: 'top-level attributes and members of sets marked recurseForDerivations that evaluate to derivations',
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'attributes.json'), stringifyByLine({ source, lib, attributes }));
  const shaped = shapeCalls(calls, inputs, sameAs, attributes, paths, uncalled);
  writeFileSync(path.join(outDir, 'calls.json'), stringifyByLine({ source, files: shaped.files, derivations: shaped.derivations }));

  const { sites, packagesAt, noSite } = await editSitesOf(pristine, attributes, universe);
  const edits = await measureEdits(edited, sites, baseline, path.join(work, 'edits.jsonl'));
  // Top-level attributes by name (or all but a few); members of recursive sets by count per set,
  // which keeps the file reviewable (listing them would quadruple it).
  const topLevel = universe.filter((a) => !a.includes('.'));
  const rebuilds = Object.fromEntries(
    edits.map((edit) => {
      const rebuilt = new Set(edit.rebuilds);
      const top = topLevel.filter((a) => rebuilt.has(a));
      const list = top.length > topLevel.length / 2 ? { allBut: topLevel.filter((a) => !rebuilt.has(a)) } : { rebuilds: top };
      const members: Record<string, number> = {};
      for (const a of edit.rebuilds) if (a.includes('.')) members[a.split('.')[0]!] = (members[a.split('.')[0]!] ?? 0) + 1;
      return [
        edit.site,
        {
          packages: packagesAt.get(edit.site),
          count: top.length,
          ...list,
          ...(Object.keys(members).length ? { members } : {}),
          ...(edit.broken.length ? { broken: edit.broken } : {}),
        },
      ];
    }),
  );
  writeFileSync(
    path.join(outDir, 'rebuilds.json'),
    stringifyByLine({ source: { ...source, derivations: universe.length, topLevel: topLevel.length }, sites: rebuilds, noSite }),
  );
  summarize(attributes, universe, edits.length, Object.keys(noSite).length);
  if (!keepWork) rmSync(work, { recursive: true, force: true });
}

/** The edit site of every derivation of the universe, from its `meta.position`. */
async function editSitesOf(
  root: string,
  attributes: Record<string, OracleAttribute>,
  universe: readonly string[],
): Promise<{
  sites: EditSite[];
  packagesAt: Map<string, string[]>;
  noSite: Record<string, string>;
}> {
  const positions = [...new Set(universe.map((a) => attributes[a]!.position).filter((p): p is string => !!p))];
  const found = await findSites(root, positions);
  const sites = new Map<string, EditSite>();
  const packagesAt = new Map<string, string[]>();
  const noSite: Record<string, string> = {};
  for (const attr of universe) {
    const position = attributes[attr]!.position;
    const site = position ? found.get(position)! : 'no meta.position';
    if (typeof site === 'string') {
      noSite[attr] = site;
      continue;
    }
    const key = siteKey(site);
    sites.set(key, site);
    packagesAt.set(key, [...(packagesAt.get(key) ?? []), attr]);
  }
  return { sites: [...sites.keys()].sort().map((k) => sites.get(k)!), packagesAt, noSite };
}

function summarize(attributes: Record<string, OracleAttribute>, universe: readonly string[], sites: number, noSite: number): void {
  const kinds = new Map<string, number>();
  for (const a of Object.values(attributes)) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  const topLevel = Object.keys(attributes).filter((a) => !a.includes('.')).length;
  log(`${Object.keys(attributes).length} attributes (${topLevel} top-level): ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  log(`${universe.length} derivations in the universe; ${sites} edit sites measured; ${noSite} derivations without a site`);
  log(`written to ${outDir}`);
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  log(`the work folder ${work} is kept; rerun with --work ${work} to resume`);
  process.exit(1);
});
