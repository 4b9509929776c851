import { Console } from 'node:console';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { NixDomainsServer } from './server';
import { ImmediateStreamWriter } from './stdioWriter';
import { startWatchdog } from './watchdog';

/**
 * When the watchdog thread starts, after initialize. Booting Node in a thread competed with the
 * start's first answers for the two cores here: by turns on the generated core, the process's CPU
 * to a warm start's first hover 1,220 → 1,090 ms and that hover 954 → 901 ms at the median of
 * eight, a cold start's first hover 1.94 → 1.59 s at the median of four. Until then the LSP
 * library's own checks end the server (stdin closed, `exit`, the client's pid gone, polled every
 * 3 s on the main thread, which yields throughout a start); the parent alone is watched only by
 * the watchdog.
 */
const WATCHDOG_AFTER_MS = 3000;

/** Starts the language server; the transport (--stdio, --node-ipc, --socket) comes from the command line. */
export function startServer(): void {
  // The parent as the process starts: the watchdog, started later, compares with it.
  const parentPid = process.ppid;
  const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
  connection.onInitialize((params) => {
    const watched = { parentPid, ...(typeof params.processId === 'number' ? { clientPid: params.processId } : {}) };
    setTimeout(() => startWatchdog(watched), WATCHDOG_AFTER_MS).unref();
    const server = NixDomainsServer.create(connection, params);
    server.register();
    return { capabilities: server.capabilities(), serverInfo: { name: 'nix-domains' } };
  });
  connection.listen();
}

/**
 * The connection over stdin and stdout, with answers written at once (`ImmediateStreamWriter`).
 * stdin goes in as the stream it is, so that the library still ends the server when it closes;
 * the writer is no stream (the library tells them apart by `addListener`), so it is used as is.
 * stdout carries the protocol: what the main thread prints goes to stderr (the library redirects
 * the console itself only when it opens stdio; the index workers' output goes there too, pool.ts).
 */
function stdioConnection() {
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const writer = new ImmediateStreamWriter(process.stdout);
  return createConnection(ProposedFeatures.all, process.stdin, writer as unknown as NodeJS.WritableStream);
}
