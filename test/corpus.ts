// The real domains (git bundles of the Aux project's core, javascript and top-level), cloned into
// a temporary folder once per test process. CI has them beside the checkout (../shared/corpus/aux);
// NIX_DOMAINS_CORPUS points elsewhere. Without them a test is skipped with a message, except under
// CI=true, where a missing corpus fails the test that needs it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type CorpusDomain = 'core' | 'javascript' | 'top-level';

/** The folder holding `core.bundle`, `javascript.bundle` and `top-level.bundle`. */
export const CORPUS_DIR = process.env.NIX_DOMAINS_CORPUS ?? path.resolve(__dirname, '..', '..', 'shared', 'corpus', 'aux');

/** Head commits of the bundles, as the corpus README gives them. */
export const CORPUS_HEAD: Record<CorpusDomain, string> = { core: 'fe3e015', javascript: 'c0cd1dc', 'top-level': '14c2fef' };

/** Why the corpus cannot be used here, or undefined when it can. */
export function corpusMissing(): string | undefined {
  for (const name of ['core', 'javascript', 'top-level']) {
    const bundle = path.join(CORPUS_DIR, `${name}.bundle`);
    if (!existsSync(bundle)) return `the real-domain corpus is missing: ${bundle} does not exist (set NIX_DOMAINS_CORPUS)`;
  }
  return undefined;
}

/**
 * Options for `test()` / `describe()`: skipped with the reason when the corpus is missing, except
 * under CI=true, where the test runs and fails on `requireCorpus`.
 */
export function corpusTest(): { skip?: string } {
  const missing = corpusMissing();
  return missing && process.env.CI !== 'true' ? { skip: missing } : {};
}

let tempRoot: string | undefined;
const clones = new Map<string, string>();

/** A fresh clone of one real domain, made once per process (callers must not modify it; see `cloneFresh`). */
export function corpusClone(domain: CorpusDomain): string {
  let clone = clones.get(domain);
  if (!clone) {
    clone = cloneFresh(domain);
    clones.set(domain, clone);
  }
  return clone;
}

/** A new clone of one real domain that the caller may modify (branches, edits, commits). */
export function cloneFresh(domain: CorpusDomain, name: string = domain): string {
  const missing = corpusMissing();
  if (missing) throw new Error(missing);
  tempRoot ??= mkdtempSync(path.join(tmpdir(), 'nix-domains-corpus-'));
  let target = path.join(tempRoot, name);
  for (let i = 2; existsSync(target); i++) target = path.join(tempRoot, `${name}-${i}`);
  return cloneBundle(path.join(CORPUS_DIR, `${domain}.bundle`), target);
}

/** Clones a bundle into `target` (bounded to a minute); a damaged bundle is an error that says which and why. */
export function cloneBundle(bundle: string, target: string): string {
  try {
    execFileSync('git', ['clone', '--quiet', bundle, target], { stdio: 'pipe', timeout: 60_000 });
    execFileSync('git', ['-C', target, 'config', 'user.email', 'test@nix-domains.invalid'], { stdio: 'pipe' });
    execFileSync('git', ['-C', target, 'config', 'user.name', 'nix-domains tests'], { stdio: 'pipe' });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    const timedOut = (error as { signal?: string }).signal === 'SIGTERM' ? ' (no answer within a minute)' : '';
    throw new Error(`could not clone ${bundle}${timedOut}: ${stderr || (error as Error).message}`);
  }
  return target;
}

process.on('exit', () => {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
});
