// Fails when a source file grows past the size the project keeps its files to (ARCHITECTURE.md,
// "Rules the build enforces"): a file that long has a seam to split along. Lists every offender.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const MAX_LINES = 420;
const SOURCES = /^(server|client|shared|scripts|test)\/.*\.(ts|mjs)$/;

const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { encoding: 'utf8' }).split('\n');
const over = tracked
  .filter((file) => SOURCES.test(file) && !file.startsWith('test/fixtures/'))
  .map((file) => {
    try {
      return { file, lines: readFileSync(file, 'utf8').split('\n').length - 1 };
    } catch {
      return { file, lines: 0 }; // listed by git but deleted in the working tree
    }
  })
  .filter(({ lines }) => lines > MAX_LINES);
for (const { file, lines } of over) console.error(`${file}: ${lines} lines (at most ${MAX_LINES}; split it along a seam)`);
if (over.length > 0) process.exit(1);
console.log(`check-sizes: every source file has at most ${MAX_LINES} lines`);
