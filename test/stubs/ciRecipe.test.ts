// The CI recipes of examples/ci, run as a domain would run them, with the packed CLI (`npm pack`
// of this repository) installed by npm from its tarball:
// - publish-stubs.sh (plain shell CI) against a bare repository on disk;
// - publish-stubs.yml (GitHub Actions): its `run:` steps, as written, in bash with GitHub's
//   environment variables, against a private repository served over smart HTTP on loopback that
//   wants the workflow token. GitHub itself cannot run here: the two `uses:` steps (checkout and
//   setup-node) are done by the test (a clone without stored credentials; node is this one).
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { createExampleUniverse, type ExampleUniverse } from '../../scripts/example-universe';
import { parseJson, validateIndex } from '../../server/src/analysis/stubs/validate';
import { withoutOuterNpm } from '../npmEnv';
import { serveGitOverHttp, type GitHttpServer } from './gitHttp';
import { bareRemote, git, tempDir } from './helpers';

const REPO = path.resolve(__dirname, '..', '..');
const REF = 'refs/nix-domains/stubs';
const TOKEN = 'ghs_test-workflow-token';
let top: string;
let remove: () => Promise<void>;
let universe: ExampleUniverse;
let tarball: string;
let server: GitHttpServer;

/** Runs a command; its exit code and output, killed after 3 minutes. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        out: `${stdout}${stderr}${error?.killed ? '\n(killed after 3 minutes)' : ''}`,
      });
    });
  });
}

/** An environment of its own: home, git config, npm prefix and cache in the temp folder, npm offline. */
async function isolatedEnv(name: string): Promise<NodeJS.ProcessEnv> {
  const home = path.join(top, name);
  await fs.mkdir(path.join(home, 'npm-global'), { recursive: true });
  return {
    PATH: `${path.join(home, 'npm-global', 'bin')}${path.delimiter}${process.env.PATH}`,
    HOME: home,
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    XDG_CACHE_HOME: path.join(home, 'cache'),
    npm_config_prefix: path.join(home, 'npm-global'),
    npm_config_cache: path.join(home, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  };
}

async function publishedRevisions(bare: string): Promise<string[]> {
  const text = await git(bare, 'cat-file', 'blob', `${REF}:index.json`).catch(() => undefined);
  return text === undefined ? [] : (validateIndex(parseJson(text, 'index.json')).domains.core?.map((e) => e.revision) ?? []);
}

before(async () => {
  ({ dir: top, remove } = await tempDir('nix-domains-ci-'));
  // --ignore-scripts: `prepack` would build again while other tests run the bundles; npm test has built them.
  await fs.mkdir(path.join(top, 'packed'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', path.join(top, 'packed')], {
    cwd: REPO,
    env: withoutOuterNpm(),
  });
  assert.equal(packed.code, 0, packed.out);
  tarball = path.join(top, 'packed', (JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string }[])[0]!.filename);
  universe = await createExampleUniverse(path.join(top, 'universe'));
  await bareRemote(path.join(top, 'srv', 'core.git'));
  await git(universe.core, 'push', '-q', path.join(top, 'srv', 'core.git'), 'main', 'WIP-Wave1.3');
  server = await serveGitOverHttp(path.join(top, 'srv'), TOKEN);
});
after(async () => {
  await server.close();
  await remove();
});

test('publish-stubs.sh installs the packed CLI and publishes for main and wave branches, and for no other branch', async () => {
  const bare = await bareRemote(path.join(top, 'shell.git'));
  const checkout = path.join(top, 'shell-ci', 'core');
  // A CI checkout of core whose origin is the repository stubs are published to.
  await git(top, 'clone', '-q', path.join(top, 'srv', 'core.git'), checkout);
  await git(checkout, 'remote', 'set-url', 'origin', bare);
  const env = { ...(await isolatedEnv('shell-home')), NIX_DOMAINS_CLI: tarball };
  const script = path.join(REPO, 'examples', 'ci', 'publish-stubs.sh');

  const feature = await run('sh', [script, 'feature/faster-zlib'], { cwd: checkout, env });
  assert.equal(feature.code, 0, feature.out);
  assert.match(feature.out, /branch 'feature\/faster-zlib' is not one that publishes/);
  assert.deepEqual(await publishedRevisions(bare), []);

  const main = await run('sh', [script, 'main'], { cwd: checkout, env });
  assert.equal(main.code, 0, main.out);
  assert.deepEqual(await publishedRevisions(bare), [universe.revisions.core]);

  await git(checkout, 'checkout', '-q', 'WIP-Wave1.3');
  const wave = await run('sh', [script, 'WIP-Wave1.3'], { cwd: checkout, env });
  assert.equal(wave.code, 0, wave.out);
  assert.deepEqual(new Set(await publishedRevisions(bare)), new Set([universe.revisions.core, universe.revisions['core/WIP-Wave1.3']]));
});

interface Workflow {
  on: { push: { branches: string[] } };
  permissions: Record<string, string>;
  jobs: Record<
    string,
    { env?: Record<string, string>; steps: { name?: string; uses?: string; run?: string; env?: Record<string, string> }[] }
  >;
}

test('publish-stubs.yml: triggered by main and wave branches; its steps publish with the workflow token, and fail without it', async () => {
  const workflow = parse(await fs.readFile(path.join(REPO, 'examples', 'ci', 'publish-stubs.yml'), 'utf8')) as Workflow;
  assert.deepEqual(workflow.on.push.branches, ['main', 'Wave*', 'WIP-Wave*']);
  assert.equal(workflow.permissions.contents, 'write');
  const job = workflow.jobs.publish!;
  assert.deepEqual(
    job.steps.filter((s) => s.uses).map((s) => s.uses),
    ['actions/checkout@v4', 'actions/setup-node@v4'],
  );

  // actions/checkout with persist-credentials: false, done here: a clone whose origin carries no credentials.
  const checkout = path.join(top, 'github', 'core');
  const origin = `${server.url}/core.git`;
  await git(
    top,
    '-c',
    `credential.helper=!f() { echo username=x-access-token; echo password=${TOKEN}; }; f`,
    'clone',
    '-q',
    origin,
    checkout,
  );
  assert.equal(await git(checkout, 'remote', 'get-url', 'origin'), origin);

  const runSteps = async (token: string) => {
    const expressions: Record<string, string> = { 'vars.NIX_DOMAINS_CLI': tarball, 'github.token': token };
    const expand = (text: string) =>
      text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
        if (!(expr in expressions)) throw new Error(`the workflow uses \${{ ${expr} }}, which this test does not provide`);
        return expressions[expr]!;
      });
    // What a GitHub-hosted runner sets, with the loopback server standing in for github.com.
    const env: NodeJS.ProcessEnv = {
      ...(await isolatedEnv(`github-home-${token.length}`)),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: server.url,
      GITHUB_REPOSITORY: 'example/core',
    };
    for (const [k, v] of Object.entries(job.env ?? {})) env[k] = expand(v);
    for (const step of job.steps.filter((s) => s.run)) {
      const stepEnv = { ...env, ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)])) };
      // GitHub's default shell for `run`: bash --noprofile --norc -eo pipefail
      const result = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run!)], {
        cwd: checkout,
        env: stepEnv,
      });
      if (result.code !== 0) return { step: step.name, ...result };
    }
    return { step: undefined, code: 0, out: '' };
  };

  const bare = path.join(top, 'srv', 'core.git');
  const refused = await runSteps('not-the-workflow-token');
  assert.equal(refused.step, 'Publish the stub');
  assert.match(
    refused.out,
    /nix-domains stub: cannot reach http:\/\/127\.0\.0\.1:\d+\/core\.git#refs\/nix-domains\/stubs: .*Authentication failed/,
  );
  assert.deepEqual(await publishedRevisions(bare), []);

  const published = await runSteps(TOKEN);
  assert.equal(published.code, 0, published.out);
  assert.deepEqual(await publishedRevisions(bare), [universe.revisions.core]);
  // The push went over HTTP with the token the helper gave git.
  assert.ok(
    server.requests.some((r) => r.method === 'POST' && r.path === '/core.git/git-receive-pack' && r.authorized),
    JSON.stringify(server.requests),
  );
});
