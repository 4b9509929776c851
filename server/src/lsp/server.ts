import {
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { diagnosticsAcross } from '../analysis/across/diagnostics';
import { isMaintainerList } from '../analysis/features/maintainers';
import { manifestFileDiagnostics } from '../analysis/features/manifestDiagnostics';
import { MANIFEST_FILE } from '../analysis/manifest';
import type { Problem } from '../analysis/problems';
import { DomainSession } from '../analysis/session';
import { renderWavePlan } from '../analysis/waves';
import {
  CLEAR_STUB_CACHE_REQUEST,
  DEFAULT_SETTINGS,
  FOREIGN_SCHEME,
  FILE_CONTENT_REQUEST,
  PROBLEM_NOTIFICATION,
  REFRESH_STUBS_REQUEST,
  STATUS_NOTIFICATION,
  STATUS_REQUEST,
  WAVE_PLAN_REQUEST,
  type FileContentParams,
  type ServerStatus,
  type InitializationOptions,
  SHOW_WAVE_PLAN_COMMAND,
  type Settings,
  type WavePlanParams,
} from '../../../shared/protocol';
import { parseForeignUri, toDiagnostic, uriToPath } from './convert';
import { RequestRunner } from './requests';
import { prestartIndexWorkers } from '../analysis/indexing/indexDomain';
import { forgetPrelisted, prelistDomain } from '../analysis/indexing/prelist';
import { limitHeapGrowth } from './heapGrowth';
import { saveIndexCaches, startIndexing } from './indexing';
import { registerFeatures } from './features';

/** How long the answer to `shutdown` waits for index caches still being written (VS Code waits 2 s for it). */
const SHUTDOWN_SAVE_MS = 1500;

/**
 * The language server: one domain session per workspace folder, LSP wiring on top. `create`
 * builds it, `register` attaches one handler per feature, `capabilities` says what it offers.
 * Every handler finds the session of the document and converts what a feature of the analysis
 * answers; the features themselves are plain functions of the session.
 */
export class NixDomainsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly sessions = new Map<string, Promise<DomainSession>>();
  /** Problems already shown to the user: each is told once, not on every keystroke. */
  private readonly told = new Set<string>();
  /** Documents changed since they were opened: editing a frozen package deserves a warning. */
  private readonly edited = new Set<string>();
  private settings: Settings = DEFAULT_SETTINGS;
  private readonly pendingDiagnostics = new Map<string, NodeJS.Timeout>();
  private status: ServerStatus = { domain: '', indexing: null, files: 0, packages: 0 };
  private readonly requests: RequestRunner;
  /** Resolves when every workspace folder has been indexed once; tests await it. */
  indexed: Promise<void> = Promise.resolve();
  /** False in an untrusted workspace (VS Code's Restricted Mode): read files, but fetch nothing and run no git. */
  private trusted = true;
  /** The client runs `command:` links in hovers (the VS Code extension does). */
  private commandLinks = false;

  private constructor(
    private readonly connection: Connection,
    private readonly roots: string[],
  ) {
    this.requests = new RequestRunner(connection, () => this.settings.requestTimeoutMs);
  }

  /** Builds the server for the workspace folders of an initialize request. */
  static create(connection: Connection, params: InitializeParams): NixDomainsServer {
    const roots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
    if (roots.length === 0 && params.rootUri) roots.push(URI.parse(params.rootUri).fsPath);
    const server = new NixDomainsServer(connection, roots);
    const options = params.initializationOptions as InitializationOptions | undefined;
    if (options) server.settings = mergeSettings(options);
    server.trusted = options?.trusted !== false;
    server.commandLinks = options?.commandLinks === true;
    return server;
  }

  /** What the server offers. */
  capabilities(): ServerCapabilities {
    return {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      definitionProvider: true,
      hoverProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      completionProvider: { triggerCharacters: ['.'] },
      codeLensProvider: { resolveProvider: true },
    };
  }

  /** Attaches the handlers to the connection: one line per feature. */
  register(): void {
    const c = this.connection;
    const run = this.requests;
    this.documents.listen(c);
    this.documents.onDidOpen((e) => this.onDocument(e.document));
    this.documents.onDidChangeContent((e) => {
      if (e.document.version > 1) this.edited.add(e.document.uri);
      void this.onDocument(e.document);
    });
    this.documents.onDidClose((e) => void this.onClose(e.document.uri));
    c.onInitialized(() => {
      this.startIndexing();
      void this.publishManifestDiagnostics();
    });
    c.onDidChangeConfiguration((change) => {
      const incoming = (change.settings as { nixDomains?: Partial<Settings> } | undefined)?.nixDomains;
      if (incoming) this.settings = mergeSettings(incoming);
    });
    c.onDidChangeWatchedFiles((change) => void this.onWatchedFiles(change.changes.map((ch) => ch.uri)));

    registerFeatures(c, run, {
      at: (uri) => this.at(uri),
      sessions: () => this.sessions.values(),
    });
    c.onRequest(STATUS_REQUEST, () => this.status);
    c.onRequest(FILE_CONTENT_REQUEST, (p: FileContentParams) => this.fileContent(p.uri));
    c.onRequest(REFRESH_STUBS_REQUEST, () => this.refreshStubs());
    c.onRequest(CLEAR_STUB_CACHE_REQUEST, async () => {
      for (const session of await Promise.all(this.sessions.values())) {
        await (await session.universe()).store?.clearCache();
        await session.forgetOtherDomains();
      }
    });
    c.onRequest(WAVE_PLAN_REQUEST, (p: WavePlanParams) => this.wavePlan(p));
    c.onShutdown(() => saveIndexCaches(this.sessions.values(), SHUTDOWN_SAVE_MS));
  }

  /** The text of a read-only file of another domain. */
  private async fileContent(uri: string): Promise<string> {
    const parsed = parseForeignUri(uri);
    if (!parsed) throw new Error(`not a ${FOREIGN_SCHEME}: URI: ${uri}`);
    for (const session of await Promise.all(this.sessions.values())) {
      const universe = await session.universe();
      if (universe.domains().includes(parsed.domain)) return universe.fileContent(parsed.domain, parsed.file);
    }
    throw new Error(`no open domain knows domain '${parsed.domain}'`);
  }

  private async refreshStubs(): Promise<void> {
    for (const session of await Promise.all(this.sessions.values())) {
      (await session.universe()).store?.refresh();
      await session.forgetOtherDomains();
    }
    this.told.clear();
    for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
  }

  private async wavePlan(p: WavePlanParams): Promise<string> {
    const at = p.uri ? await this.at(p.uri) : undefined;
    const session = at?.session ?? (this.roots[0] ? await this.sessionForRoot(this.roots[0]) : undefined);
    if (!session) return 'No Nix domain is open.';
    await session.analyzer.indexed;
    const waves = await session.waves();
    if (!waves) return 'Waves read git branches, which does not run until the workspace is trusted (Restricted Mode).';
    const result = await waves.plan({ ...(p.branch ? { branch: p.branch } : {}), ...(p.package ? { package: p.package } : {}) });
    return result.ok ? renderWavePlan(result.plan, p.format) : result.error;
  }

  /** Problems of each domain's nix-domains.json are shown in that file (and logged), after start-up and on every change of it. */
  private async publishManifestDiagnostics(): Promise<void> {
    for (const root of this.roots) {
      const file = path.join(root, MANIFEST_FILE);
      const found = await manifestFileDiagnostics(file);
      for (const d of found) this.connection.console.warn(`${file}:${d.span[0] + 1}: ${d.message}`);
      await this.connection.sendDiagnostics({
        uri: URI.file(file).toString(),
        diagnostics: found.map((d) => toDiagnostic({ ...d, severity: 'error' })),
      });
    }
  }

  /** Starts indexing every workspace folder in the background (not awaited; see `indexed`). */
  private startIndexing(): void {
    // A domain without an index cache is parsed whole: the heap is held to its growth from now.
    if (prestartIndexWorkers(this.roots)) limitHeapGrowth();
    for (const root of this.roots) prelistDomain(root, this.trusted);
    this.indexed = startIndexing(
      this.connection,
      this.roots.map((root) => this.sessionForRoot(root)),
      {
        setStatus: (status) => this.setStatus(status),
        status: () => this.status,
        indexedOne: () => {
          for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
        },
      },
    );
  }

  private setStatus(status: ServerStatus): void {
    this.status = status;
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
  }

  /** Re-reads the branch state (cheap when nothing changed) and tells the client when it moved. */
  private async refreshWaveStatus(session: DomainSession): Promise<void> {
    if (!session.analyzer.isIndexed) return;
    const wave = await (await session.waves())?.status().catch(() => undefined);
    if (wave && JSON.stringify(wave) !== JSON.stringify(this.status.wave)) this.setStatus({ ...this.status, wave });
  }

  private sessionForRoot(root: string): Promise<DomainSession> {
    let session = this.sessions.get(root);
    if (!session) {
      session = DomainSession.open(root, {
        trusted: this.trusted,
        ...(this.commandLinks ? { wavePlanLink: `command:${SHOW_WAVE_PLAN_COMMAND}` } : {}),
        stubLog: (message) => this.connection.console.info(`[stubs] ${message}`),
        problem: (problem) => this.tell(problem),
        analyzer: { largeFileThreshold: this.settings.largeFileThreshold, log: (message) => this.connection.console.warn(message) },
      });
      this.sessions.set(root, session);
    }
    return session;
  }

  /**
   * The session of the domain a document belongs to and its domain-relative path, with the
   * document's latest text applied (a request never sees an older index than the edit before it).
   */
  private async at(uri: string): Promise<{ session: DomainSession; file: string } | undefined> {
    if (this.updating.size > 0) await Promise.all(this.updating);
    const located = await this.locate(uri);
    if (!located) return undefined;
    const open = this.documents.get(uri);
    const { analyzer } = located.session;
    if (open && analyzer.openDocumentFor(located.file)?.version !== open.version)
      analyzer.openDocument(located.file, open.getText(), open.version);
    return located;
  }

  private async locate(uri: string): Promise<{ session: DomainSession; file: string } | undefined> {
    const fsPath = uriToPath(uri);
    if (!fsPath) return undefined;
    const root =
      [...this.roots, ...this.sessions.keys()]
        .filter((r) => !path.relative(r, fsPath).startsWith('..'))
        .sort((a, b) => b.length - a.length)[0] ?? path.dirname(fsPath);
    const session = await this.sessionForRoot(root);
    const file = session.analyzer.index.relative(fsPath);
    return file === undefined ? undefined : { session, file };
  }

  /** Document updates in flight: a request waits for them, so it never sees an older index than the edit before it. */
  private readonly updating = new Set<Promise<void>>();

  private onDocument(document: TextDocument): Promise<void> {
    const update = this.applyDocument(document);
    this.updating.add(update);
    void update.finally(() => this.updating.delete(update));
    return update;
  }

  private async applyDocument(document: TextDocument): Promise<void> {
    const located = await this.locate(document.uri);
    if (!located) return;
    const { analyzer } = located.session;
    try {
      const doc = analyzer.openDocument(located.file, document.getText(), document.version);
      // The lists are read once the files read first are in, and a scan of them leaves an open
      // buffer alone: its edits count from the start, also while the rest of the domain is read.
      if (isMaintainerList(located.file)) await analyzer.maintainers.updateFromBuffer(located.file, doc.text);
    } catch (err) {
      this.connection.console.error(`Cannot analyse ${document.uri}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.scheduleDiagnostics(document.uri);
  }

  private async onClose(uri: string): Promise<void> {
    const located = await this.locate(uri);
    await located?.session.analyzer.closeDocument(located.file);
    if (located && isMaintainerList(located.file)) await located.session.analyzer.maintainers.closeBuffer(located.file);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async onWatchedFiles(uris: string[]): Promise<void> {
    forgetPrelisted();
    if (uris.some((uri) => uri.endsWith(`/${MANIFEST_FILE}`))) {
      for (const session of await Promise.all(this.sessions.values())) session.manifestChanged();
      void this.publishManifestDiagnostics();
    }
    // A moved flake.lock pins other domains at other revisions: forget what was looked up in them;
    // the store reads the lock again and loads the stub of the new pin on the next lookup.
    if (uris.some((uri) => uri.endsWith('/flake.lock')))
      for (const session of await Promise.all(this.sessions.values())) await session.forgetOtherDomains();
    for (const uri of uris) {
      if (this.documents.get(uri)) continue; // the buffer wins over the disk
      const located = await this.locate(uri);
      if (located?.file.endsWith('.nix')) await located.session.analyzer.indexFileFromDisk(located.file);
    }
    for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
  }

  /** A problem is told to the user once (what happened, the domain, what to check); the log has it already. */
  private tell(problem: Problem): void {
    if (this.told.has(problem.message)) return;
    this.told.add(problem.message);
    void this.connection.sendNotification(PROBLEM_NOTIFICATION, {
      message: problem.message,
      hint: problem.hint,
      ...(problem.domain ? { domain: problem.domain } : {}),
    });
  }

  /** Publishes diagnostics shortly after the last change, so typing does not recompute them per keystroke. */
  private scheduleDiagnostics(uri: string): void {
    clearTimeout(this.pendingDiagnostics.get(uri));
    this.pendingDiagnostics.set(
      uri,
      setTimeout(() => {
        this.pendingDiagnostics.delete(uri);
        void this.publishDiagnostics(uri);
      }, 150),
    );
  }

  private async publishDiagnostics(uri: string): Promise<void> {
    const located = await this.locate(uri);
    if (!located) return;
    try {
      const options = { unknownInputs: this.settings.diagnostics.unknownInputs, edited: this.edited.has(uri) };
      const found = await diagnosticsAcross(
        located.session,
        located.file,
        options,
        this.requests.budget(undefined, this.settings.requestTimeoutMs),
      );
      void this.refreshWaveStatus(located.session);
      await this.connection.sendDiagnostics({ uri, diagnostics: found.map(toDiagnostic) });
    } catch (err) {
      this.connection.console.error(`Diagnostics of ${uri} failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
}

function mergeSettings(incoming: Partial<Settings>): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...incoming,
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics, ...(incoming.diagnostics ?? {}) },
    trace: { ...DEFAULT_SETTINGS.trace, ...(incoming.trace ?? {}) },
  };
}
