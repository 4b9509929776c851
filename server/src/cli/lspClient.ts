import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type NotificationType,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type RequestType,
  type RequestType0,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { STATUS_NOTIFICATION, STATUS_REQUEST } from '../../../shared/protocol';
import { serverEnv } from '../../../shared/serverEnv';

/** How long a wait on the server lasts, unless the caller gives its own bound, before it fails saying what did not arrive. */
const DEFAULT_WAIT_MS = 60_000;
/** How long the server may take to answer `initialize`: it answers before it does any work. */
const DEFAULT_START_MS = 20_000;
/** How long `stop()` waits for the answer to `shutdown` and for the process to exit before it kills the server. */
const STOP_MS = 10_000;

export interface LspClientOptions {
  /** The server's environment (default: this process's), with the allocator settings the VS Code extension starts it with unless it sets them itself. */
  env?: NodeJS.ProcessEnv;
  /** The bound of every wait that gives none: an answer, a notification, diagnostics, silence while indexing. */
  waitMs?: number;
  /** The bound of the answer to `initialize`. */
  startMs?: number;
  /** Another program to start instead of the bundle with this Node. */
  command?: [string, ...string[]];
}

/** What the server says about itself (`nixDomains/status`), as far as waiting for the index needs it. */
interface IndexStatus {
  indexing: unknown;
  files: number;
  error?: string;
}

type DiagnosticsWaiter = { uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void };
type NotificationWaiter = { method: string; test: (p: unknown) => boolean; resolve: (p: unknown) => void };

/**
 * A language client over stdio to the real server process: used by the demo, the benchmark and
 * protocol tests. Every wait is bounded: it fails with a message that says what did not arrive,
 * after its bound or as soon as the server process is gone.
 */
export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly diagnosticWaiters = new Set<DiagnosticsWaiter>();
  private readonly notificationWaiters = new Set<NotificationWaiter>();
  readonly log: string[] = [];
  /** What the server wrote to stderr (also passed through to this process's stderr). */
  readonly stderr: string[] = [];
  /** Why the server process is gone ("exited with code 1"), once it is. */
  private gone?: string;
  private readonly goneListeners = new Set<(why: string) => void>();
  /** Status notifications seen so far, and the latest: waiting for the index restarts its bound on each. */
  private statusCount = 0;
  private latestStatus?: IndexStatus;

  private constructor(
    readonly process: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly waitMs: number,
  ) {
    const onGone = (why: string) => {
      this.gone ??= why;
      for (const listener of [...this.goneListeners]) listener(this.gone);
    };
    // On 'close' (its output read to the end), a little later still: what it wrote last is handled
    // (one message per turn of the event loop) before the waits still open are failed.
    const goneSoon = (why: string) => setTimeout(() => onGone(why), 100);
    process.once('close', (code, signal) => goneSoon(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    process.once('error', (err) => goneSoon(`could not be run: ${err.message}`));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.diagnosticWaiters]) {
        if (w.uri === p.uri && w.test(p)) {
          this.diagnosticWaiters.delete(w);
          w.resolve(p);
        }
      }
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.log.push(p.message);
    });
    this.listenTo(STATUS_NOTIFICATION.method);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('client/registerCapability', () => null);
  }

  /**
   * Starts the server bundle (`dist/server.js` by default) and initializes it on `root`; fails
   * (and kills the process) when the server does not answer `initialize` within `options.startMs`.
   * `options.command` starts another program instead (`['/prefix/bin/nix-domains', 'lsp', '--stdio']`).
   */
  static async start(
    root: string,
    serverPath = path.join(__dirname, 'server.js'),
    initializationOptions?: unknown,
    options: LspClientOptions = {},
  ): Promise<LspClient> {
    const [program, ...args] = options.command ?? [process.execPath, serverPath, '--stdio'];
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'], env: serverEnv(options.env ?? process.env) });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, options.waitMs ?? DEFAULT_WAIT_MS);
    child.stderr!.on('data', (chunk: Buffer) => {
      client.stderr.push(chunk.toString('utf8'));
      process.stderr.write(chunk);
    });
    // A server that died is not written to; the write error must not take this process down.
    child.stdin!.on('error', () => undefined);
    connection.listen();
    const rootUri = URI.file(root).toString();
    try {
      await client.within(
        connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri,
          workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
          capabilities: { window: { workDoneProgress: true }, textDocument: { hover: { contentFormat: ['markdown'] } } },
          initializationOptions,
        }),
        `the answer to initialize from ${serverPath}`,
        options.startMs ?? DEFAULT_START_MS,
      );
    } catch (err) {
      child.kill('SIGKILL');
      connection.dispose();
      throw err;
    }
    await connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves with `work`, or fails saying that `what` did not arrive: after `ms`, or as soon as the server process is gone. */
  within<T>(work: Promise<T>, what: string, ms = this.waitMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let onGone: ((why: string) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms} ms`)), ms);
      onGone = (why) => reject(new Error(`${what} did not arrive: the server ${why}`));
      if (this.gone) onGone(this.gone);
      else this.goneListeners.add(onGone);
    });
    return Promise.race([work, failure]).finally(() => {
      clearTimeout(timer);
      this.goneListeners.delete(onGone!);
    });
  }

  private readonly listened = new Set<string>();

  /** Dispatches notifications of `method` to the waiters (one handler per method). */
  private listenTo(method: string): void {
    if (this.listened.has(method)) return;
    this.listened.add(method);
    this.connection.onNotification(method, (params: unknown) => {
      if (method === STATUS_NOTIFICATION.method) {
        this.statusCount++;
        this.latestStatus = params as IndexStatus;
      }
      for (const w of [...this.notificationWaiters]) {
        if (w.method === method && w.test(params)) {
          this.notificationWaiters.delete(w);
          w.resolve(params);
        }
      }
    });
  }

  /** Resolves with the next notification of `method` whose params pass `test`; bounded like every wait. */
  waitForNotification<T>(
    type: string | NotificationType<T>,
    test: (params: T) => boolean = () => true,
    what = `a ${typeof type === 'string' ? type : type.method} notification`,
    ms = this.waitMs,
  ): Promise<T> {
    const method = typeof type === 'string' ? type : type.method;
    this.listenTo(method);
    let waiter: NotificationWaiter | undefined;
    const arrived = new Promise<T>((resolve) => {
      waiter = { method, test: test as (p: unknown) => boolean, resolve: resolve as (p: unknown) => void };
      this.notificationWaiters.add(waiter);
    });
    return this.within(arrived, what, ms).finally(() => this.notificationWaiters.delete(waiter!));
  }

  /**
   * Resolves when the server reports its index complete. The bound is on silence: each status
   * the server sends while indexing restarts it, so a large domain that makes progress is waited
   * for and a stuck one is not.
   */
  async waitForIndex(ms = this.waitMs): Promise<void> {
    let seen = this.statusCount;
    let status: IndexStatus = await this.request(STATUS_REQUEST, undefined, ms);
    while (!(status.indexing === null && (status.files > 0 || status.error))) {
      if (this.statusCount === seen) {
        const last = JSON.stringify(status.indexing ?? status);
        await this.waitForNotification(
          STATUS_NOTIFICATION,
          () => true,
          `a status from the server while it indexes (the last said ${last})`,
          ms,
        );
      }
      seen = this.statusCount;
      status = this.latestStatus!;
    }
    if (status.error) throw new Error(status.error);
  }

  /** Resolves with the next diagnostics published for a document (not those already published). */
  nextDiagnostics(uri: string, ms = this.waitMs): Promise<PublishDiagnosticsParams> {
    return this.waitForDiagnostics(uri, () => true, `diagnostics for ${uri}`, ms);
  }

  /**
   * Resolves with the diagnostics of a document that pass `test`: the latest published, when
   * they do (so a notification that came before the call is not missed), else the next that do.
   */
  diagnosticsWhere(
    uri: string,
    test: (p: PublishDiagnosticsParams) => boolean,
    what: string,
    ms = this.waitMs,
  ): Promise<PublishDiagnosticsParams> {
    const latest = this.diagnostics.get(uri);
    if (latest && test(latest)) return Promise.resolve(latest);
    return this.waitForDiagnostics(uri, test, `diagnostics for ${uri} where ${what}`, ms);
  }

  private waitForDiagnostics(
    uri: string,
    test: (p: PublishDiagnosticsParams) => boolean,
    what: string,
    ms: number,
  ): Promise<PublishDiagnosticsParams> {
    let waiter: DiagnosticsWaiter | undefined;
    const arrived = new Promise<PublishDiagnosticsParams>((resolve) => {
      waiter = { uri, test, resolve };
      this.diagnosticWaiters.add(waiter);
    });
    return this.within(arrived, what, ms).finally(() => this.diagnosticWaiters.delete(waiter!));
  }

  /** Opens a document with the given text. */
  async open(file: string, text: string): Promise<string> {
    const uri = URI.file(file).toString();
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'nix', version: 1, text } });
    return uri;
  }

  /** Sends a request and resolves with its answer; bounded like every wait. */
  /** Sends a request (a method name, or a typed request of shared/protocol.ts) and awaits its answer within `ms`. */
  request<P, R>(type: RequestType<P, R, void>, params: P, ms?: number): Promise<R>;
  request<R>(type: RequestType0<R, void>, params?: undefined, ms?: number): Promise<R>;
  request<R>(method: string, params: unknown, ms?: number): Promise<R>;
  request<R>(type: string | { method: string }, params: unknown, ms = this.waitMs): Promise<R> {
    const method = typeof type === 'string' ? type : type.method;
    return this.within(this.connection.sendRequest<R>(method, params), `the answer to ${method}`, ms);
  }

  /** Shuts the server down cleanly and waits for the process to exit; a server that does not comply in time is killed. */
  async stop(ms = STOP_MS): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.gone) resolve();
      else this.goneListeners.add(() => resolve());
    });
    try {
      await this.within(this.connection.sendRequest('shutdown'), 'the answer to shutdown', ms);
      await this.connection.sendNotification('exit');
      await this.within(exited, 'the exit of the server process', ms);
    } catch (err) {
      if (!this.gone) {
        process.stderr.write(`LspClient: ${(err as Error).message}; killing the server (pid ${this.process.pid})\n`);
        this.process.kill('SIGKILL');
      }
    }
    await exited;
    this.connection.dispose();
  }
}
