import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, type ServerStatus } from '../../shared/protocol';

let client: LanguageClient | undefined;

/** Starts the language client: the bundled server over IPC, for Nix files and manifests. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const output = vscode.window.createOutputChannel('Nix Domains', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'nix' }],
    synchronize: {
      configurationSection: 'nixDomains',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.nix'),
    },
    initializationOptions: vscode.workspace.getConfiguration('nixDomains'),
    outputChannel: output,
  };
  client = new LanguageClient('nixDomains', 'Nix Domains', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem('nixDomains.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Nix Domains';
  status.text = '$(sync~spin) Nix Domains';
  status.command = 'nixDomains.showServerLog';
  status.show();
  context.subscriptions.push(status, output);

  context.subscriptions.push(
    vscode.commands.registerCommand('nixDomains.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('nixDomains.showServerLog', () => output.show(true)),
  );

  await client.start();
  client.onNotification(STATUS_NOTIFICATION, (s: ServerStatus) => {
    const progress = s.indexing ? ` $(sync~spin) ${s.indexing.done}/${s.indexing.total}` : '';
    status.text = `$(package) ${s.domain}${progress}`;
    status.tooltip = s.indexing
      ? `Nix Domains: indexing domain ${s.domain} (${s.indexing.done} of ${s.indexing.total} files)`
      : `Nix Domains: domain ${s.domain} — ${s.files} files, ${s.packages} packages. Click for the server log.`;
  });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
