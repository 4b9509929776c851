// The `waves` section of `nix-domains.json`, and its validation. Every key is optional:
//
//   "waves": {
//     "wip":   "WIP-Wave{major}.{minor}",   // branch name of a wave in progress
//     "green": "Wave{major}.{minor}",       // branch name of a wave that is all green
//     "steps": [["glibc"], ["llvm"], ["python"], ["numpy"]],   // pivot set of step 1, 2, …
//     "stepsByMajor": { "2": [["glibc", "zlib"], ["llvm"]] }   // overrides `steps` for one major wave
//   }
//
// Without `steps` (and no entry in `stepsByMajor`), the steps are derived from the dependency
// levels: step k updates every package of level k-1. A name in a step is a bare attribute name
// (`python3Packages.numpy`, matching that attribute in every domain) or a domain-qualified id
// (`core:glibc`).
import { dotted, isObject, kind, ManifestReport, type KeyPath, type ManifestProblem } from '../manifestValues';
import { DEFAULT_WAVE_PATTERNS, type WavePatterns, wavePatternProblem } from './branches';

/** The manifest's `waves` section. */
export interface WavesManifest {
  wip?: string;
  green?: string;
  steps?: string[][];
  stepsByMajor?: Record<string, string[][]>;
}

/** The section's value if valid (else `{}`), and its problems, each at the key it names. */
export interface WavesValidation {
  waves: WavesManifest;
  problems: ManifestProblem[];
}

const KEYS = ['wip', 'green', 'steps', 'stepsByMajor'];

/** Checks a parsed `waves` section; `prefix` goes before each message (e.g. `nix-domains.json: `). */
export function validateWavesManifest(value: unknown, prefix = ''): WavesValidation {
  const report = new ManifestReport(prefix);
  const at: KeyPath = ['waves'];
  if (value === undefined) return { waves: {}, problems: [] };
  if (!isObject(value)) {
    report.at(at, `must be an object like { "steps": [["glibc"], ["llvm"]] }, not ${kind(value)}`);
    return { waves: {}, problems: report.problems };
  }
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key)) report.at([...at, key], `is not a known setting (known: ${KEYS.join(', ')})`);
  }
  for (const key of ['wip', 'green'] as const) {
    const pattern = value[key];
    if (pattern === undefined) continue;
    if (typeof pattern !== 'string') report.at([...at, key], `must be a string like "${DEFAULT_WAVE_PATTERNS[key]}", not ${kind(pattern)}`);
    else {
      const problem = wavePatternProblem(pattern);
      if (problem) report.at([...at, key], problem);
    }
  }
  const wip = typeof value.wip === 'string' ? value.wip : DEFAULT_WAVE_PATTERNS.wip;
  const green = typeof value.green === 'string' ? value.green : DEFAULT_WAVE_PATTERNS.green;
  if (wip === green)
    report.say([...at, 'green'], 'waves.wip and waves.green must differ, or a green wave could not be told from one in progress');
  if (value.steps !== undefined) checkSteps(value.steps, [...at, 'steps'], report);
  if (value.stepsByMajor !== undefined) {
    const byMajor = value.stepsByMajor;
    if (!isObject(byMajor))
      report.at(
        [...at, 'stepsByMajor'],
        `must be an object from major wave number to steps, like { "2": [["glibc"]] }, not ${kind(byMajor)}`,
      );
    else {
      for (const [major, steps] of Object.entries(byMajor)) {
        if (!/^[1-9]\d*$/.test(major))
          report.say([...at, 'stepsByMajor', major], `waves.stepsByMajor key "${major}" must be a major wave number (1, 2, …)`);
        checkSteps(steps, [...at, 'stepsByMajor', major], report);
      }
    }
  }
  return { waves: report.problems.length === 0 ? (value as WavesManifest) : {}, problems: report.problems };
}

/** The branch patterns of a `waves` section, defaults filled in. */
export function wavePatternsOf(waves: WavesManifest | undefined): WavePatterns {
  return { wip: waves?.wip ?? DEFAULT_WAVE_PATTERNS.wip, green: waves?.green ?? DEFAULT_WAVE_PATTERNS.green };
}

/** A JSON Schema fragment for the section, for the manifest's schema. */
export const wavesJsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Wave branches and the steps of each major wave.',
  properties: {
    wip: {
      type: 'string',
      default: DEFAULT_WAVE_PATTERNS.wip,
      description: 'Branch name of a wave in progress; {major} and {minor} stand for the wave numbers.',
    },
    green: { type: 'string', default: DEFAULT_WAVE_PATTERNS.green, description: 'Branch name of a wave whose tests all pass.' },
    steps: {
      $ref: '#/definitions/waveSteps',
      description: 'Pivot set of each step (step 1 first). When absent, step k updates dependency level k-1.',
    },
    stepsByMajor: {
      type: 'object',
      propertyNames: { pattern: '^[1-9][0-9]*$' },
      additionalProperties: { $ref: '#/definitions/waveSteps' },
      description: 'Steps for one major wave, overriding "steps".',
    },
  },
  definitions: {
    waveSteps: {
      type: 'array',
      items: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    },
  },
} as const;

function checkSteps(steps: unknown, at: KeyPath, report: ManifestReport): void {
  if (!Array.isArray(steps)) {
    report.at(at, `must be a list of steps, each a list of attribute names, like [["glibc"], ["llvm"]], not ${kind(steps)}`);
    return;
  }
  const stepOf = new Map<string, number>();
  steps.forEach((step, i) => {
    const where = `${dotted([...at, i])} (step ${i + 1})`;
    if (!Array.isArray(step)) {
      report.say([...at, i], `${where} must be a list of attribute names, like ["glibc"], not ${kind(step)}`);
      return;
    }
    if (step.length === 0) report.say([...at, i], `${where} is empty; a step must update at least one package`);
    step.forEach((name, j) => {
      if (typeof name !== 'string' || name.length === 0) {
        report.say([...at, i, j], `${where}[${j}] must be a non-empty attribute name, not ${kind(name)}`);
        return;
      }
      const earlier = stepOf.get(name);
      // A package updated twice in one major wave would be both frozen and updated.
      if (earlier !== undefined) report.say([...at, i, j], `${where} repeats "${name}", already updated in step ${earlier}`);
      else stepOf.set(name, i + 1);
    });
  });
}
