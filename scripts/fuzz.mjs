// The fuzz tests with many more runs than CI: `npm run fuzz` (10,000 per property), or
// `node scripts/fuzz.mjs 50000`. FUZZ_SEED=<seed> replays the seed a failure printed.
import { spawnSync } from 'node:child_process';

const runs = process.argv[2] ?? process.env.FUZZ_RUNS ?? '10000';
console.log(`fuzz: ${runs} runs per property${process.env.FUZZ_SEED ? `, seed ${process.env.FUZZ_SEED}` : ''}`);
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-timeout=0', 'test/reliability/fuzz.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
});
process.exit(result.status ?? 1);
