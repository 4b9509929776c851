// Wave branch names. A pattern is the branch name with two placeholders, `{major}` and
// `{minor}`, each standing for a whole number; every other character is literal and the
// pattern must match the whole name. Defaults: `WIP-Wave{major}.{minor}` for a wave still in
// progress, `Wave{major}.{minor}` for one that is all green.

/** Branch name patterns of in-progress (`wip`) and all-green (`green`) waves. */
export interface WavePatterns {
  wip: string;
  green: string;
}

/** The default patterns: `WIP-Wave1.2` in progress, `Wave1.2` green. */
export const DEFAULT_WAVE_PATTERNS: Readonly<WavePatterns> = {
  wip: 'WIP-Wave{major}.{minor}',
  green: 'Wave{major}.{minor}',
};

/** A wave: the major wave and its step (the minor number). */
export interface WaveRef {
  major: number;
  minor: number;
}

/** A branch name read as a wave. */
export interface ParsedWaveBranch extends WaveRef {
  green: boolean;
}

/** A wave known from the repository's branches. */
export interface KnownWave extends WaveRef {
  /** True when a green branch (`Wave1.2`) exists for it. */
  green: boolean;
  /** The branch names that denote it (the green one first). */
  branches: string[];
}

/** Why a pattern is unusable, or null if it is fine. */
export function wavePatternProblem(pattern: string): string | null {
  for (const placeholder of ['{major}', '{minor}']) {
    const count = pattern.split(placeholder).length - 1;
    if (count !== 1) return `must contain ${placeholder} exactly once (found ${count}) in "${pattern}"`;
  }
  const literal = pattern.replace('{major}', '').replace('{minor}', '');
  if (/[{}]/.test(literal)) return `has an unknown placeholder in "${pattern}" (only {major} and {minor} exist)`;
  if (/\{major\}\{minor\}|\{minor\}\{major\}/.test(pattern)) {
    return `needs a separator between {major} and {minor} in "${pattern}"`;
  }
  return null;
}

const compiled = new Map<string, { regex: RegExp; majorFirst: boolean }>();

function compile(pattern: string): { regex: RegExp; majorFirst: boolean } {
  let entry = compiled.get(pattern);
  if (!entry) {
    const problem = wavePatternProblem(pattern);
    if (problem) throw new Error(`wave branch pattern ${problem}`);
    const escaped = pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const source = escaped.replace('{major}', '(\\d+)').replace('{minor}', '(\\d+)');
    entry = { regex: new RegExp(`^${source}$`), majorFirst: pattern.indexOf('{major}') < pattern.indexOf('{minor}') };
    compiled.set(pattern, entry);
  }
  return entry;
}

function match(pattern: string, name: string): WaveRef | null {
  const { regex, majorFirst } = compile(pattern);
  const m = regex.exec(name);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return majorFirst ? { major: a, minor: b } : { major: b, minor: a };
}

/** Reads a branch name as a wave, or null when it is no wave branch (minor 0 is no step, so no wave). */
export function parseWaveBranch(name: string, patterns: WavePatterns = DEFAULT_WAVE_PATTERNS): ParsedWaveBranch | null {
  // The in-progress pattern is tried first: with the defaults it is the longer, more specific one.
  for (const [pattern, green] of [
    [patterns.wip, false],
    [patterns.green, true],
  ] as const) {
    const wave = match(pattern, name);
    if (wave && wave.minor >= 1) return { ...wave, green };
  }
  return null;
}

/** The branch name of a wave under the given patterns. */
export function waveBranchName(wave: WaveRef, green: boolean, patterns: WavePatterns = DEFAULT_WAVE_PATTERNS): string {
  return (green ? patterns.green : patterns.wip).replace('{major}', String(wave.major)).replace('{minor}', String(wave.minor));
}

/** Orders waves by major, then minor. */
export function compareWaves(a: WaveRef, b: WaveRef): number {
  return a.major - b.major || a.minor - b.minor;
}

/** `1.3` */
export function waveLabel(wave: WaveRef): string {
  return `${wave.major}.${wave.minor}`;
}

/** The waves a list of branch names denotes, one entry per major.minor, ordered by major then minor. */
export function knownWaves(branchNames: Iterable<string>, patterns: WavePatterns = DEFAULT_WAVE_PATTERNS): KnownWave[] {
  const byKey = new Map<string, KnownWave>();
  for (const name of branchNames) {
    const parsed = parseWaveBranch(name, patterns);
    if (!parsed) continue;
    const key = waveLabel(parsed);
    let wave = byKey.get(key);
    if (!wave) byKey.set(key, (wave = { major: parsed.major, minor: parsed.minor, green: false, branches: [] }));
    if (wave.branches.includes(name)) continue;
    // A wave whose WIP branch was kept after the green one was made is still green.
    if (parsed.green) {
      wave.green = true;
      wave.branches.unshift(name);
    } else {
      wave.branches.push(name);
    }
  }
  return [...byKey.values()].sort(compareWaves);
}
