import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  CLEAR_STUB_CACHE_REQUEST,
  FILE_CONTENT_REQUEST,
  PROBLEM_NOTIFICATION,
  REFRESH_STUBS_REQUEST,
  STATUS_NOTIFICATION,
  WAVE_PLAN_REQUEST,
  FILE_IMPACT_REQUEST,
  COMMANDS,
  FOREIGN_SCHEME,
  SHOW_WAVE_PLAN_COMMAND,
  type ImpactList,
  type InitializationOptions,
  type ProblemParams,
  type ServerStatus,
  type WavePlanParams,
} from '../../shared/protocol';
import { serverEnv } from '../../shared/serverEnv';

/** Lists what rebuilds, grouped by domain; picking one opens it. */
async function showImpact(list: ImpactList | null): Promise<void> {
  if (!list) {
    void vscode.window.showInformationMessage('Nix Domains: this file builds no package of the domain.');
    return;
  }
  type Item = vscode.QuickPickItem & { uri?: string; line?: number };
  const items: Item[] = [];
  for (const group of list.groups) {
    items.push({ label: `${group.domain} · ${group.count}`, kind: vscode.QuickPickItemKind.Separator });
    for (const item of group.items)
      items.push({ label: item.label, description: item.uri ? undefined : group.domain, uri: item.uri, line: item.line });
  }
  const picked = await vscode.window.showQuickPick(items, { title: `Changing this ${list.title}`, matchOnDescription: true });
  if (!picked?.uri) return;
  const position = new vscode.Position(picked.line ?? 0, 0);
  await vscode.window.showTextDocument(vscode.Uri.parse(picked.uri), { selection: new vscode.Range(position, position) });
}

let client: LanguageClient | undefined;
/** The wave plan last asked for, served read-only under PLAN_SCHEME. */
let lastPlan = '';
const PLAN_SCHEME = 'nix-domains-plan';

/** What `activate` returns (`vscode.extensions.getExtension(…).exports`): read by the integration tests. */
export interface NixDomainsApi {
  /** The status bar item's text as shown: `$(package) core · Wave1.3 · in progress`. */
  statusText(): string;
}

/** What the server is started with: the settings, whether the workspace is trusted, and that hovers may link commands. */
function initializationOptions(trusted: boolean): InitializationOptions {
  return { ...vscode.workspace.getConfiguration('nixDomains'), trusted, commandLinks: true };
}

/** Starts the language client: the bundled server over IPC, for Nix files and manifests. */
export async function activate(context: vscode.ExtensionContext): Promise<NixDomainsApi> {
  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env: serverEnv(process.env) } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { env: serverEnv(process.env), execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const output = vscode.window.createOutputChannel('Nix Domains', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'nix' },
      { scheme: FOREIGN_SCHEME, language: 'nix' },
    ],
    synchronize: {
      configurationSection: 'nixDomains',
      // flake.lock pins the other domains' revisions: a new lock means other stubs.
      fileEvents: ['**/*.nix', '**/nix-domains.json', '**/flake.lock'].map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
    },
    // In Restricted Mode the server reads files but fetches nothing and runs no git command.
    initializationOptions: initializationOptions(vscode.workspace.isTrusted),
    // The Waves hover links to the wave plan; only that command may run from a hover.
    markdown: { isTrusted: { enabledCommands: [SHOW_WAVE_PLAN_COMMAND] } },
    outputChannel: output,
  };
  client = new LanguageClient('nixDomains', 'Nix Domains', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem('nixDomains.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Nix Domains';
  status.text = '$(sync~spin) Nix Domains';
  status.command = COMMANDS.showServerLog;
  status.show();
  context.subscriptions.push(status, output);

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.restartServer, async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand(COMMANDS.showServerLog, () => output.show(true)),
    vscode.workspace.registerTextDocumentContentProvider(FOREIGN_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        try {
          return await client!.sendRequest(FILE_CONTENT_REQUEST, { uri: uri.toString() });
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          void vscode.window.showErrorMessage(`Nix Domains: cannot show ${uri.path}: ${message}`);
          return `# ${message}\n`;
        }
      },
    }),
    vscode.commands.registerCommand(COMMANDS.showImpact, (list: ImpactList) => showImpact(list)),
    vscode.commands.registerCommand(COMMANDS.showFileImpact, async () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      if (!uri) return;
      await showImpact(await client!.sendRequest(FILE_IMPACT_REQUEST, { uri }));
    }),
    vscode.commands.registerCommand(COMMANDS.refreshStubs, async () => {
      await client?.sendRequest(REFRESH_STUBS_REQUEST);
      void vscode.window.showInformationMessage('Nix Domains: stubs of other domains will be fetched again when needed.');
    }),
    vscode.commands.registerCommand(COMMANDS.clearStubCache, async () => {
      await client?.sendRequest(CLEAR_STUB_CACHE_REQUEST);
      void vscode.window.showInformationMessage('Nix Domains: the stub cache is cleared.');
    }),
    // The plan is a read-only virtual document (no unsaved "Untitled" tab to close), shown as a preview.
    vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, { provideTextDocumentContent: () => lastPlan }),
    vscode.commands.registerCommand(SHOW_WAVE_PLAN_COMMAND, async () => {
      const uri = vscode.window.activeTextEditor?.document.uri.toString();
      const params: WavePlanParams = { format: 'markdown', ...(uri ? { uri } : {}) };
      lastPlan = `# Wave plan\n\n${await client!.sendRequest(WAVE_PLAN_REQUEST, params)}`;
      const planUri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: '/wave-plan.md', query: String(Date.now()) });
      await vscode.commands.executeCommand('markdown.showPreview', planUri);
    }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(async () => {
      // Trust changes what the server may do: start it again with the new initialization options.
      if (!client) return;
      client.clientOptions.initializationOptions = initializationOptions(true);
      await client.restart();
    }),
  );

  await client.start();
  client.onNotification(PROBLEM_NOTIFICATION, (p: ProblemParams) => {
    void vscode.window.showWarningMessage(`Nix Domains: ${p.message}${p.hint ? `. ${p.hint}` : ''}`, 'Show Log').then((choice) => {
      if (choice) output.show(true);
    });
  });
  client.onNotification(STATUS_NOTIFICATION, (s: ServerStatus) => {
    const wave = s.wave?.wave ? ` · Wave${s.wave.wave} · ${s.wave.state}` : s.wave?.branch ? ` · ${s.wave.branch}` : '';
    const progress = s.indexing ? ` · $(sync~spin) ${s.indexing.done}/${s.indexing.total}` : '';
    status.text = `$(package) ${s.domain}${wave}${progress}`;
    const lines = [
      s.indexing
        ? `Indexing domain ${s.domain}: ${s.indexing.done} of ${s.indexing.total} files`
        : `Domain ${s.domain}: ${s.files} files, ${s.packages} packages`,
      s.wave?.branch ? `Branch ${s.wave.branch}: ${s.wave.wave ? `wave ${s.wave.wave}, ${s.wave.state}` : s.wave.state}` : '',
      s.error ?? '',
      'Click to show the wave plan.',
    ];
    status.tooltip = lines.filter(Boolean).join('\n');
    status.command = COMMANDS.showWavePlan;
  });
  return { statusText: () => status.text };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
