// The impact truth, measured literally: for each edit site, add one attribute to the package's
// mkDerivation call in a copy of core, evaluate every attribute's output path, compare with the
// unedited ones, put the file back. No model of Nix is involved.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { log, outPathsOf } from './collect';
import { editSites, type EditSite, siteKey } from './sites';

export interface EditResult {
  site: string;
  /** Attributes whose output path differs after the edit. */
  rebuilds: string[];
  /** Attributes that no longer evaluate after the edit (none expected). */
  broken: string[];
  seconds: number;
}

/**
 * Runs the edit of every site in `root` (a clean copy of core), against `baseline` (output path
 * by attribute). Results are appended to `journal` as they come, and sites already in it are
 * skipped, so a long run can be resumed.
 */
export async function measureEdits(
  root: string,
  sites: readonly EditSite[],
  baseline: Record<string, string>,
  journal: string,
): Promise<EditResult[]> {
  const done = new Map<string, EditResult>();
  if (existsSync(journal)) {
    for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
      const result = JSON.parse(line) as EditResult;
      done.set(result.site, result);
    }
  }
  // An edit left behind by an interrupted run would be measured with every later one: start clean.
  execFileSync('git', ['-C', root, 'checkout', '--quiet', '--', '.'], { stdio: 'pipe' });
  const universe = Object.keys(baseline).sort();
  let count = 0;
  for (const site of sites) {
    count++;
    const key = siteKey(site);
    if (done.has(key)) continue;
    const file = path.join(root, site.file);
    const original = readFileSync(file, 'utf8');
    const started = Date.now();
    let after: Record<string, string>;
    try {
      editSites(root, [{ site, probe: 'oracleProbe' }]);
      after = await outPathsOf(root, universe);
    } finally {
      writeFileSync(file, original);
    }
    const result: EditResult = {
      site: key,
      rebuilds: universe.filter((a) => a in after && after[a] !== baseline[a]),
      broken: universe.filter((a) => !(a in after)),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    appendFileSync(journal, `${JSON.stringify(result)}\n`);
    done.set(key, result);
    log(
      `edit ${count}/${sites.length} ${key}: ${result.rebuilds.length} rebuild${result.broken.length ? `, ${result.broken.length} broken` : ''} (${result.seconds} s)`,
    );
  }
  return sites.map((site) => done.get(siteKey(site))!);
}
