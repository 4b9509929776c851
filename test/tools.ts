// Tools some tests need beyond Node and git (Nix, from Debian's nix-bin). Without one, its tests
// are skipped with the reason, except under CI=true, where they run and fail naming the missing
// tool: CI never passes quietly without the checks it was meant to run (as test/corpus.ts does
// for the real-domain corpus).
import { spawnSync } from 'node:child_process';

export type Tool = 'nix' | 'nix-instantiate';

const INSTALL: Record<Tool, string> = {
  nix: 'Debian: apt-get install nix-bin',
  'nix-instantiate': 'Debian: apt-get install nix-bin',
};

const missing = new Map<Tool, string | undefined>();

/** Why `tool` cannot be run here, or undefined when it can (`tool --version` is tried once per process). */
function toolMissing(tool: Tool): string | undefined {
  if (!missing.has(tool)) {
    const run = spawnSync(tool, ['--version'], { stdio: 'ignore', timeout: 30_000 });
    const why = run.error
      ? ((run.error as NodeJS.ErrnoException).code ?? run.error.message)
      : run.status !== 0
        ? `exit ${run.status ?? run.signal}`
        : undefined;
    missing.set(tool, why && `${tool} cannot be run (${why}); install it (${INSTALL[tool]})`);
  }
  return missing.get(tool);
}

/**
 * Options for `test()`: skipped with the reason when `tool` is missing, except under CI=true,
 * where the test runs and fails on `requireTool`.
 */
export function toolTest(tool: Tool): { skip?: string } {
  const why = toolMissing(tool);
  return why && process.env.CI !== 'true' ? { skip: why } : {};
}

/** Throws, naming the tool and how to install it, when `tool` is missing. */
export function requireTool(tool: Tool): void {
  const why = toolMissing(tool);
  if (why) throw new Error(`${why}${process.env.CI === 'true' ? ' (CI=true: a missing tool fails the run)' : ''}`);
}
