// The server must not outlive its client. The LSP library already exits when stdin closes, on
// `exit`, and when the client's process id (from initialize) is gone — but it checks on the main
// thread, which a long computation can hold. This watchdog runs in a thread of its own: when the
// parent process or the client process is gone, it ends the server whatever the main thread is doing.
import { Worker } from 'node:worker_threads';

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { parentPid, clientPid, intervalMs } = workerData;
const alive = (pid) => {
  try { process.kill(pid, 0); return true; } catch (err) { return err.code === 'EPERM'; }
};
setInterval(() => {
  // Reparented (to init or a subreaper) means the parent is gone.
  const orphaned = process.ppid !== parentPid || !alive(parentPid);
  if (orphaned || (clientPid && !alive(clientPid))) {
    process.stderr.write('nix-domains: the client is gone; the server exits\\n');
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 2000).unref();
  }
}, intervalMs);
`;

/**
 * Starts the watchdog thread (unreferenced: it never keeps the server alive). `parentPid` is the
 * parent the server had when it started (a watchdog started later must not take the process that
 * adopted an orphan for its parent).
 */
export function startWatchdog(options: { clientPid?: number; parentPid?: number; intervalMs?: number } = {}): Worker {
  const worker = new Worker(WATCHDOG, {
    eval: true,
    workerData: {
      parentPid: options.parentPid ?? process.ppid,
      clientPid: options.clientPid ?? null,
      intervalMs: options.intervalMs ?? 1000,
    },
  });
  worker.unref();
  return worker;
}
