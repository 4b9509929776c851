import v8 from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { NixDomainsServer } from './server';
import { startWatchdog } from './watchdog';

/** Starts the language server; the transport (--stdio, --node-ipc, --socket) comes from the command line. */
export function startServer(): void {
  limitHeapGrowth();
  const connection = createConnection(ProposedFeatures.all);
  connection.onInitialize((params) => {
    startWatchdog(typeof params.processId === 'number' ? { clientPid: params.processId } : {});
    const server = NixDomainsServer.create(connection, params);
    server.register();
    return { capabilities: server.capabilities(), serverInfo: { name: 'nix-domains' } };
  });
  connection.listen();
}

/**
 * Asks V8 to grow its heap by at most 10% over what is live after each full collection
 * (`NIX_DOMAINS_HEAP_GROWING_PERCENT`, 0 for V8's own choice). A large answer (references on
 * `stdenv`: 35,000 locations, about 25 MB of short-lived objects) otherwise lets the heap grow
 * far past what the server holds; measured on the generated 40,000-file core, peak RSS through
 * such answers goes from 371 MB to 306-312 MB (README.md, Performance).
 */
function limitHeapGrowth(): void {
  const fromEnv = process.env.NIX_DOMAINS_HEAP_GROWING_PERCENT;
  const percent = fromEnv !== undefined && /^\d+$/.test(fromEnv) ? Number(fromEnv) : 10;
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
