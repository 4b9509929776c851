// The wave plan behind `nix-domains wave`, and the manifest's `waves` section validator.
import { messagesOf } from '../../server/src/analysis/manifestValues';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type BranchSnapshot,
  buildWavePlan,
  DependencyGraph,
  renderWavePlan,
  validateWavesManifest,
  type WavePlan,
  type WavePlanOptions,
  WaveModel,
} from '../../server/src/analysis/waves';

const graph = DependencyGraph.fromDependencies({
  'core:glibc': [],
  'core:llvm': ['core:glibc'],
  'python:python': ['core:llvm'],
  'python:numpy': ['python:python'],
  'core:zlib': [],
  'extras:zlib': [],
});
const model = new WaveModel(graph, { stepsByMajor: { '2': [['glibc'], ['llvm'], ['python', 'numpy']] } });

function snapshot(current: string | null, ...names: string[]): BranchSnapshot {
  return { repository: true, current, detached: current === null, branches: names.map((name) => ({ name, local: true, remotes: [] })) };
}
const branches = snapshot('WIP-Wave1.2', 'Wave1.1', 'WIP-Wave1.2', 'WIP-Wave2.1');

function plan(options: WavePlanOptions, snap: BranchSnapshot = branches): WavePlan {
  const result = buildWavePlan(model, snap, options);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.plan;
}

// Each step as `<step><* if current> <state> <pivots> retests <n> [role]`.
function check(name: string, options: WavePlanOptions, expected: Record<string, string[]>, snap?: BranchSnapshot): void {
  test(`plan: ${name}`, () => {
    const p = plan(options, snap);
    const actual = Object.fromEntries(
      p.majors.map((m) => [
        `${m.major} ${m.source}`,
        m.steps.map(
          (s) => `${s.step}${s.current ? '*' : ''} ${s.state} ${s.pivots.join('+')} retests ${s.retests}${s.role ? ` ${s.role}` : ''}`,
        ),
      ]),
    );
    assert.deepEqual(actual, expected);
  });
}

check(
  'every known major, checked-out step marked',
  {},
  {
    '1 derived': [
      '1 green core:glibc+core:zlib+extras:zlib retests 3',
      '2* in progress core:llvm retests 2',
      '3 not started python:python retests 1',
      '4 not started python:numpy retests 0',
    ],
    '2 declared': [
      '1 in progress core:glibc retests 3',
      '2 not started core:llvm retests 2',
      '3 not started python:python+python:numpy retests 0',
    ],
  },
);
check(
  '--branch picks one major and its step',
  { branch: 'WIP-Wave2.2' },
  {
    '2 declared': [
      '1 in progress core:glibc retests 3',
      '2* not started core:llvm retests 2',
      '3 not started python:python+python:numpy retests 0',
    ],
  },
);
check(
  '--package adds its role at every step',
  { branch: 'Wave1.3', package: 'python' },
  {
    '1 derived': [
      '1 green core:glibc+core:zlib+extras:zlib retests 3 test',
      '2 in progress core:llvm retests 2 test',
      '3* not started python:python retests 1 update',
      '4 not started python:numpy retests 0 frozen',
    ],
  },
);
check(
  'no wave branches: the plan a first major wave would follow',
  {},
  {
    '1 derived': [
      '1 not started core:glibc+core:zlib+extras:zlib retests 3',
      '2 not started core:llvm retests 2',
      '3 not started python:python retests 1',
      '4 not started python:numpy retests 0',
    ],
  },
  snapshot('main', 'main'),
);

test('plan: errors name the problem', () => {
  const error = (options: WavePlanOptions) => {
    const result = buildWavePlan(model, branches, options);
    return result.ok ? '' : result.error;
  };
  assert.equal(error({ branch: 'main' }), '"main" is not a wave branch (wave branches are named like WIP-Wave1.2 or Wave1.2).');
  assert.equal(error({ package: 'scipy' }), 'No package named "scipy" in the dependency graph.');
  assert.equal(error({ package: 'zlib' }), '"zlib" is ambiguous: core:zlib, extras:zlib. Give one of these ids.');
});

test('plan: text, markdown and JSON renderings', () => {
  const p = plan({ package: 'python:numpy' });
  const text = renderWavePlan(p, 'text');
  assert.match(text, /^Checked out: WIP-Wave1\.2 \(wave 1\.2, in progress\)\./);
  assert.match(text, /Package python:numpy: level 3, not at latest in any green wave yet\./);
  assert.match(text, /\n> +step 2 +WIP-Wave1\.2 +in progress +retests 2 +test and fix +updates core:llvm\n/);
  const markdown = renderWavePlan(p, 'markdown');
  assert.match(markdown, /### Major wave 2 \(steps declared in nix-domains\.json\)/);
  assert.match(markdown, /\| \*\*2\*\* ← \| `WIP-Wave1\.2` \| in progress \| `core:llvm` \| 2 \| test and fix \|/);
  assert.deepEqual(JSON.parse(renderWavePlan(p, 'json')), JSON.parse(JSON.stringify(p)));
});

test('plan: the words the hover leaves out are explained after the steps, in text and markdown', () => {
  const p = plan({});
  const markdown = renderWavePlan(p, 'markdown');
  const glossary = markdown.slice(markdown.indexOf('### What the words mean'));
  assert.ok(markdown.indexOf('### What the words mean') > markdown.lastIndexOf('### Major wave'), 'after the steps');
  for (const word of ['Wave', 'Pivots', 'Retests', 'Roles', 'Level']) assert.match(glossary, new RegExp(`\\*\\*${word}\\*\\*: `), word);
  for (const label of ['update to latest', 'test and fix', "don't touch, don't test", 'not part of this step']) {
    assert.match(glossary, new RegExp(`\\*\\*${label}\\*\\* \\(`), label);
  }
  assert.match(
    renderWavePlan(p, 'text'),
    /\n\nWhat the words mean\n\n {2}Wave: a git branch that brings the whole package set to latest versions/,
  );
  assert.doesNotMatch(renderWavePlan(p, 'json'), /What the words mean/, 'JSON is data only');
});

test('plan: long pivot sets are cut in text, whole in JSON', () => {
  const wide = DependencyGraph.fromDependencies(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, []])));
  const result = buildWavePlan(new WaveModel(wide), snapshot('WIP-Wave1.1', 'WIP-Wave1.1'));
  assert.ok(result.ok);
  assert.match(renderWavePlan(result.plan), /updates p0, p1, p2, p3, p4, p5 and 4 more/);
  assert.equal(result.plan.majors[0]!.steps[0]!.pivots.length, 10);
});

function checkManifest(value: unknown, errors: RegExp[]): void {
  test(`manifest: ${JSON.stringify(value)}`, () => {
    const result = validateWavesManifest(value);
    const messages = messagesOf(result.problems);
    assert.equal(messages.length, errors.length, messages.join('\n'));
    errors.forEach((e, i) => {
      assert.match(messages[i]!, e);
    });
    if (errors.length === 0) assert.deepEqual(result.waves, value ?? {});
  });
}

checkManifest(undefined, []);
checkManifest({}, []);
checkManifest(
  {
    wip: 'WIP-Wave{major}.{minor}',
    green: 'Wave{major}.{minor}',
    steps: [['glibc'], ['llvm', 'core:zlib']],
    stepsByMajor: { '2': [['glibc']] },
  },
  [],
);
checkManifest([], [/^waves must be an object like .*, not a list$/]);
checkManifest({ wip: 3 }, [/^waves\.wip must be a string like "WIP-Wave\{major\}\.\{minor\}", not number 3$/]);
checkManifest({ green: 'Wave{major}' }, [/^waves\.green must contain \{minor\} exactly once \(found 0\)/]);
checkManifest({ green: 'Wave{major}{minor}' }, [/needs a separator between \{major\} and \{minor\}/]);
checkManifest({ wip: 'W{major}.{minor}', green: 'W{major}.{minor}' }, [/^waves\.wip and waves\.green must differ/]);
checkManifest({ steps: 'glibc' }, [
  /^waves\.steps must be a list of steps, each a list of attribute names, like \[\["glibc"\], \["llvm"\]\], not the string "glibc"$/,
]);
checkManifest({ steps: ['glibc'] }, [
  /^waves\.steps\[0\] \(step 1\) must be a list of attribute names, like \["glibc"\], not the string "glibc"$/,
]);
checkManifest({ steps: [[]] }, [/^waves\.steps\[0\] \(step 1\) is empty/]);
checkManifest({ steps: [['glibc', 7]] }, [/^waves\.steps\[0\] \(step 1\)\[1\] must be a non-empty attribute name, not number 7$/]);
checkManifest({ steps: [['glibc'], ['llvm', 'glibc']] }, [/^waves\.steps\[1\] \(step 2\) repeats "glibc", already updated in step 1$/]);
checkManifest({ stepsByMajor: { one: [['glibc']] } }, [/^waves\.stepsByMajor key "one" must be a major wave number/]);
checkManifest({ stepsByMajor: [] }, [/^waves\.stepsByMajor must be an object/]);
checkManifest({ step: [] }, [/^waves\.step is not a known setting \(known: wip, green, steps, stepsByMajor\)$/]);
