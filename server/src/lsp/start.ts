import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { NixDomainsServer } from './server';
import { startWatchdog } from './watchdog';

/** Starts the language server; the transport (--stdio, --node-ipc, --socket) comes from the command line. */
export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  connection.onInitialize((params) => {
    startWatchdog(typeof params.processId === 'number' ? { clientPid: params.processId } : {});
    const server = NixDomainsServer.create(connection, params);
    server.register();
    return { capabilities: server.capabilities(), serverInfo: { name: 'nix-domains' } };
  });
  connection.listen();
}
