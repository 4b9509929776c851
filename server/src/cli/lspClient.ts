import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';

/** A language client over stdio to the real server process: used by the demo, the benchmark and protocol tests. */
export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly diagnosticWaiters: { uri: string; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private readonly notificationWaiters: { method: string; test: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];
  readonly log: string[] = [];
  /** What the server wrote to stderr (also passed through to this process's stderr). */
  readonly stderr: string[] = [];

  private constructor(readonly process: ChildProcess, readonly connection: ProtocolConnection) {
    this.connection = connection;
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.diagnosticWaiters]) {
        if (w.uri === p.uri) {
          this.diagnosticWaiters.splice(this.diagnosticWaiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    this.listenTo('nixDomains/status');
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('client/registerCapability', () => null);
  }

  /**
   * Starts the server bundle (`dist/server.js` by default) and initializes it on `root`.
   * `options.env` is the server's whole environment (default: this process's); `options.command`
   * starts another program instead (`['/prefix/bin/nix-domains', 'lsp', '--stdio']`).
   */
  static async start(
    root: string, serverPath = path.join(__dirname, 'server.js'), initializationOptions?: unknown,
    options: { env?: NodeJS.ProcessEnv; command?: [string, ...string[]] } = {},
  ): Promise<LspClient> {
    const [program, ...args] = options.command ?? [process.execPath, serverPath, '--stdio'];
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr.push(chunk.toString('utf8'));
      process.stderr.write(chunk);
    });
    connection.listen();
    const rootUri = URI.file(root).toString();
    await connection.sendRequest('initialize', {
      processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: { window: { workDoneProgress: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
      initializationOptions,
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private readonly listened = new Set<string>();

  /** Dispatches notifications of `method` to the waiters (one handler per method). */
  private listenTo(method: string): void {
    if (this.listened.has(method)) return;
    this.listened.add(method);
    this.connection.onNotification(method, (params: unknown) => {
      for (const w of [...this.notificationWaiters]) {
        if (w.method === method && w.test(params)) {
          this.notificationWaiters.splice(this.notificationWaiters.indexOf(w), 1);
          w.resolve(params);
        }
      }
    });
  }

  /** Resolves with the first notification of `method` whose params pass `test`. */
  waitForNotification<T>(method: string, test: (params: T) => boolean = () => true): Promise<T> {
    this.listenTo(method);
    return new Promise((resolve) => this.notificationWaiters.push({ method, test: test as (p: unknown) => boolean, resolve: resolve as (p: unknown) => void }));
  }

  /** Resolves when the server reports its index complete. */
  async waitForIndex(): Promise<void> {
    const done = this.waitForNotification<{ indexing: unknown }>('nixDomains/status', (s) => s.indexing === null);
    const status = await this.connection.sendRequest<{ indexing: unknown; files: number; error?: string }>('nixDomains/status');
    const final = status.indexing === null && (status.files > 0 || status.error) ? status : await done;
    const error = (final as { error?: string }).error;
    if (error) throw new Error(error);
  }

  /** Resolves with the next diagnostics published for a document. */
  nextDiagnostics(uri: string): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.diagnosticWaiters.push({ uri, resolve }));
  }

  /** Opens a document with the given text. */
  async open(file: string, text: string): Promise<string> {
    const uri = URI.file(file).toString();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    return uri;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  /** Shuts the server down cleanly and waits for the process to exit. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.process.exitCode !== null) resolve();
      else this.process.once('exit', () => resolve());
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    await exited;
    this.connection.dispose();
  }
}
