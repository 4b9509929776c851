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
import { DEFAULT_WAVE_PATTERNS, type WavePatterns, wavePatternProblem } from './branches';

/** The manifest's `waves` section. */
export interface WavesManifest {
  wip?: string;
  green?: string;
  steps?: string[][];
  stepsByMajor?: Record<string, string[][]>;
}

/** The section's value if valid (else `{}`), and one message per problem. */
export interface WavesValidation {
  waves: WavesManifest;
  errors: string[];
}

const KEYS = ['wip', 'green', 'steps', 'stepsByMajor'];

/** Checks a parsed `waves` section; `at` names it in messages (e.g. `nix-domains.json: waves`). */
export function validateWavesManifest(value: unknown, at = 'waves'): WavesValidation {
  if (value === undefined) return { waves: {}, errors: [] };
  const errors: string[] = [];
  if (!isObject(value)) {
    return { waves: {}, errors: [`${at} must be an object like { "steps": [["glibc"], ["llvm"]] }, not ${kind(value)}`] };
  }
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key)) errors.push(`${at}.${key} is not a known setting (known: ${KEYS.join(', ')})`);
  }
  for (const key of ['wip', 'green'] as const) {
    const pattern = value[key];
    if (pattern === undefined) continue;
    if (typeof pattern !== 'string') errors.push(`${at}.${key} must be a string like "${DEFAULT_WAVE_PATTERNS[key]}", not ${kind(pattern)}`);
    else {
      const problem = wavePatternProblem(pattern);
      if (problem) errors.push(`${at}.${key} ${problem}`);
    }
  }
  const wip = typeof value.wip === 'string' ? value.wip : DEFAULT_WAVE_PATTERNS.wip;
  const green = typeof value.green === 'string' ? value.green : DEFAULT_WAVE_PATTERNS.green;
  if (wip === green) errors.push(`${at}.wip and ${at}.green must differ, or a green wave could not be told from one in progress`);
  if (value.steps !== undefined) checkSteps(value.steps, `${at}.steps`, errors);
  if (value.stepsByMajor !== undefined) {
    const byMajor = value.stepsByMajor;
    if (!isObject(byMajor)) errors.push(`${at}.stepsByMajor must be an object from major wave number to steps, like { "2": [["glibc"]] }, not ${kind(byMajor)}`);
    else {
      for (const [major, steps] of Object.entries(byMajor)) {
        if (!/^[1-9]\d*$/.test(major)) errors.push(`${at}.stepsByMajor key "${major}" must be a major wave number (1, 2, …)`);
        checkSteps(steps, `${at}.stepsByMajor.${major}`, errors);
      }
    }
  }
  return { waves: errors.length === 0 ? (value as WavesManifest) : {}, errors };
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
    wip: { type: 'string', default: DEFAULT_WAVE_PATTERNS.wip, description: 'Branch name of a wave in progress; {major} and {minor} stand for the wave numbers.' },
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

function checkSteps(steps: unknown, at: string, errors: string[]): void {
  if (!Array.isArray(steps)) {
    errors.push(`${at} must be a list of steps, each a list of attribute names, like [["glibc"], ["llvm"]], not ${kind(steps)}`);
    return;
  }
  const stepOf = new Map<string, number>();
  steps.forEach((step, i) => {
    const where = `${at}[${i}] (step ${i + 1})`;
    if (!Array.isArray(step)) {
      errors.push(`${where} must be a list of attribute names, like ["glibc"], not ${kind(step)}`);
      return;
    }
    if (step.length === 0) errors.push(`${where} is empty; a step must update at least one package`);
    step.forEach((name, j) => {
      if (typeof name !== 'string' || name.length === 0) {
        errors.push(`${where}[${j}] must be a non-empty attribute name, not ${kind(name)}`);
        return;
      }
      const earlier = stepOf.get(name);
      // A package updated twice in one major wave would be both frozen and updated.
      if (earlier !== undefined) errors.push(`${where} repeats "${name}", already updated in step ${earlier}`);
      else stepOf.set(name, i + 1);
    });
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
