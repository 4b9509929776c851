import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, WAVE_PLAN_REQUEST, type ServerStatus, type WavePlanParams } from '../../shared/protocol';

let client: LanguageClient | undefined;

/** What `activate` returns (`vscode.extensions.getExtension(…).exports`): read by the integration tests. */
export interface NixDomainsApi {
  /** The status bar item's text as shown: `$(package) core · Wave1.3 · in progress`. */
  statusText(): string;
}

/** Starts the language client: the bundled server over IPC, for Nix files and manifests. */
export async function activate(context: vscode.ExtensionContext): Promise<NixDomainsApi> {
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
    vscode.commands.registerCommand('nixDomains.showWavePlan', async () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      const params: WavePlanParams = { format: 'markdown', ...(uri ? { uri } : {}) };
      const markdown = await client!.sendRequest<string>(WAVE_PLAN_REQUEST, params);
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# Wave plan\n\n${markdown}` });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }),
  );

  await client.start();
  client.onNotification(STATUS_NOTIFICATION, (s: ServerStatus) => {
    const wave = s.wave?.wave ? ` · Wave${s.wave.wave} · ${s.wave.state}` : s.wave?.branch ? ` · ${s.wave.branch}` : '';
    const progress = s.indexing ? ` · $(sync~spin) ${s.indexing.done}/${s.indexing.total}` : '';
    status.text = `$(package) ${s.domain}${wave}${progress}`;
    const lines = [
      s.indexing ? `Indexing domain ${s.domain}: ${s.indexing.done} of ${s.indexing.total} files` : `Domain ${s.domain}: ${s.files} files, ${s.packages} packages`,
      s.wave?.branch ? `Branch ${s.wave.branch}: ${s.wave.wave ? `wave ${s.wave.wave}, ${s.wave.state}` : s.wave.state}` : '',
      s.error ?? '',
      'Click to show the wave plan.',
    ];
    status.tooltip = lines.filter(Boolean).join('\n');
    status.command = 'nixDomains.showWavePlan';
  });
  return { statusText: () => status.text };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
