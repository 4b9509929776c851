// The watchdog thread ends a server whose parent is gone, whatever its main thread is doing. The
// server's main thread is stood in for by a process that never yields (the real server yields, so
// the LSP library's own checks would end it; what they cannot see is a main thread held by one
// computation), started by an "editor" process that is then killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { exited } from '../helpers';

/** The watchdog bundled as the server bundle has it (plain Node, no TypeScript loader in the way). */
function bundledWatchdog(): string {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), 'nd-watchdog-')), 'watchdog.js');
  buildSync({
    entryPoints: [path.join(__dirname, '..', '..', 'server', 'src', 'lsp', 'watchdog.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/**
 * The "editor" starts a process running `script` (`WATCHDOG` in it is the bundle's path), which
 * prints a line once it is ready for its parent to die; the editor is killed then. Resolves once
 * that process has ended; it is killed whatever happens.
 */
async function orphaned(script: string): Promise<void> {
  const child = script.replaceAll('WATCHDOG', JSON.stringify(bundledWatchdog()));
  const editor = `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(child)}], { stdio: ['ignore', 'pipe', 'inherit'] });
    c.stdout.once('data', () => console.log(c.pid)); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', editor], { stdio: ['ignore', 'pipe', 'inherit'] });
  let pid = 0;
  try {
    pid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the process the editor started did not say it was ready within 20 s')), 20_000);
      parent.stdout!.once('data', (chunk: Buffer) => {
        clearTimeout(timer);
        resolve(Number(chunk.toString().trim()));
      });
      parent.once('exit', () => reject(new Error('the editor process exited before printing the pid')));
    });
    assert.ok(pid > 0);
    parent.kill('SIGKILL');
    await exited(pid, 20_000, 'after its parent was killed');
  } finally {
    parent.kill('SIGKILL');
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // Ended, as it should.
    }
  }
}

test('the watchdog ends a server whose parent died while its main thread is busy', async () => {
  // Ready once its watchdog knows its parent (a pipe write is synchronous on Linux, before the loop).
  await orphaned(`require(WATCHDOG).startWatchdog({ intervalMs: 100 }); console.log('ready'); for (;;) {}`);
});

test('a watchdog started once the parent is gone (the server starts it a while after initialize) still ends the server', async () => {
  // The parent as it was at the start; the watchdog comes only after the process was adopted.
  await orphaned(
    `const parentPid = process.ppid; console.log('ready');
     const late = setInterval(() => {
       if (process.ppid === parentPid) return;
       clearInterval(late);
       require(WATCHDOG).startWatchdog({ parentPid, intervalMs: 100 });
       for (;;) {}
     }, 20);`,
  );
});
