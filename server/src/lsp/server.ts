import {
  CompletionItemKind, DiagnosticSeverity, SymbolKind, TextDocumentSyncKind, TextDocuments,
  type CodeLens, type CompletionItem, type Connection, type Diagnostic, type DocumentSymbol, type Hover, type InitializeParams,
  type ServerCapabilities, type SymbolInformation,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { Analyzer, type NixDocument } from '../analysis/analyzer';
import { completion } from '../analysis/features/completion';
import { definition } from '../analysis/features/definition';
import { diagnostics, type Diagnostic as OurDiagnostic } from '../analysis/features/diagnostics';
import { hover } from '../analysis/features/hover';
import type { Position } from '../analysis/features/locate';
import { references } from '../analysis/features/references';
import { documentSymbols, workspaceSymbols, type DocumentSymbolItem, type SymbolKind as OurKind } from '../analysis/features/symbols';
import { isMaintainerList } from '../analysis/features/maintainers';
import { DomainWaves } from '../analysis/features/waves';
import { inMaintainerList, maintainerHandleAt, nodeAt, resolveAt, unresolvedNameAt } from '../analysis/features/locate';
import { FOREIGN_SCHEME, foreignCard, Universe } from '../analysis/universe';
import { impactSites } from '../analysis/impact/sites';
import { MANIFEST_FILE, readDomainName } from '../analysis/manifest';
import { manifestFileDiagnostics } from '../analysis/features/manifestDiagnostics';
import { renderWavePlan } from '../analysis/waves';
import {
  CLEAR_STUB_CACHE_REQUEST, DEFAULT_SETTINGS, FILE_CONTENT_REQUEST, FILE_IMPACT_REQUEST, PROBLEM_NOTIFICATION, REFRESH_STUBS_REQUEST,
  STATUS_NOTIFICATION, STATUS_REQUEST, WAVE_PLAN_REQUEST, type FileContentParams, type FileImpactParams, type ServerStatus,
  type Settings, type WavePlanParams,
} from '../../../shared/protocol';
import { foreignLocation, lineBefore, parseForeignUri, toLocation, toRange, uriToPath } from './convert';
import { ImpactService } from './impact';

const MAX_LENSES = 300;
const MAX_FOREIGN_REFERENCES = 100;

const SYMBOL_KINDS: Record<OurKind, SymbolKind> = {
  package: SymbolKind.Package, function: SymbolKind.Function, set: SymbolKind.Object, variable: SymbolKind.Variable, input: SymbolKind.TypeParameter,
};
const COMPLETION_KINDS = {
  package: CompletionItemKind.Module, function: CompletionItemKind.Function, set: CompletionItemKind.Struct,
  variable: CompletionItemKind.Variable, input: CompletionItemKind.Variable,
} as const;

/**
 * The language server: one analyzer per domain (workspace folder), LSP wiring on top.
 * `create` builds it, `register` attaches one handler per feature, `capabilities` says what it offers.
 */
export class NixDomainsServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly analyzers = new Map<string, Promise<Analyzer>>();
  private readonly waves = new Map<Analyzer, Promise<DomainWaves>>();
  private readonly universes = new Map<Analyzer, Promise<Universe>>();
  private readonly impact = new ImpactService((a) => this.universeOf(a), (message) => this.onStubLog(message));
  /** Problems already shown to the user: each is told once, not on every keystroke. */
  private readonly told = new Set<string>();
  /** Documents changed since they were opened: editing a frozen package deserves a warning. */
  private readonly edited = new Set<string>();
  private settings: Settings = DEFAULT_SETTINGS;
  private readonly pendingDiagnostics = new Map<string, NodeJS.Timeout>();
  private status: ServerStatus = { domain: '', indexing: null, files: 0, packages: 0 };
  /** Resolves when every workspace folder has been indexed once; tests await it. */
  indexed: Promise<void> = Promise.resolve();

  /** False in an untrusted workspace (VS Code's Restricted Mode): read files, but fetch nothing and run no git. */
  private trusted = true;

  private constructor(private readonly connection: Connection, private readonly roots: string[]) {}

  /** Builds the server for the workspace folders of an initialize request. */
  static create(connection: Connection, params: InitializeParams): NixDomainsServer {
    const roots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
    if (roots.length === 0 && params.rootUri) roots.push(URI.parse(params.rootUri).fsPath);
    const server = new NixDomainsServer(connection, roots);
    const options = params.initializationOptions as (Partial<Settings> & { trusted?: boolean }) | undefined;
    if (options) server.settings = mergeSettings(options);
    server.trusted = options?.trusted !== false;
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

  /** Attaches the handlers to the connection. */
  register(): void {
    const c = this.connection;
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
    c.onDidChangeWatchedFiles((change) => {
      if (change.changes.some((ch) => ch.uri.endsWith(`/${MANIFEST_FILE}`))) void this.publishManifestDiagnostics();
      void this.onWatchedFiles(change.changes.map((ch) => ch.uri));
    });
    c.onDefinition(async (p) => {
      const local = await this.at(p.textDocument.uri, p.position, (a, doc, pos) => ({
        locations: definition(a, doc, pos).map((place) => toLocation(a, place)), foreign: unresolvedNameAt(a, doc, pos), analyzer: a,
        handle: maintainerHandleAt(a, doc, pos),
      }));
      if (!local) return null;
      if (local.locations.length === 0 && local.handle) {
        const universe = await this.universeOf(local.analyzer);
        const entry = await universe.maintainer(local.handle.handle);
        if (entry) return [foreignLocation(universe.locationOfFile(entry.domain, entry.revision, entry.file, entry.line, entry.character))];
      }
      if (local.locations.length > 0 || !local.foreign) return local.locations;
      const found = await (await this.universeOf(local.analyzer)).lookup(local.foreign.name);
      if (!found) return [];
      return [foreignLocation((await this.universeOf(local.analyzer)).location(found))];
    });
    c.onHover(async (p) => {
      const result = await this.at(p.textDocument.uri, p.position, (a, doc, pos) => {
        const found = hover(a, doc, pos);
        return found && { ...found, analyzer: a };
      });
      if (!result) return this.foreignHover(p.textDocument.uri, p.position);
      let markdown = result.markdown;
      if (result.maintainer) {
        markdown = (await result.analyzer.maintainers.card(result.maintainer.file, result.maintainer.handle).catch(() => undefined)) ?? markdown;
      }
      if (result.pkg) {
        const title = await this.impact.titleFor(result.analyzer, result.pkg).catch(() => undefined);
        if (title) markdown += `\n\n**Impact:** changing it ${title}.`;
        const section = await this.wavesOf(result.analyzer).then((w) => w.hoverSection(result.pkg!))
          .catch(() => (this.trusted ? '' : '**Waves**\n\nShown once the workspace is trusted: they read git branches, and git does not run in Restricted Mode.'));
        if (section) markdown += `\n\n---\n\n${section}`;
      }
      return { contents: { kind: 'markdown' as const, value: markdown }, range: toRange(result.span) };
    });
    c.onReferences(async (p) => {
      const local = await this.at(p.textDocument.uri, p.position, (a, doc, pos) => {
        const found = resolveAt(a, doc, pos);
        const pkg = found?.target && a.catalog.packageAt(found.target);
        const locations = references(a, doc, pos, p.context.includeDeclaration).map((place) => toLocation(a, place));
        // A handle of another domain's maintainers list: the packages of this domain that name it.
        const handle = locations.length === 0 ? maintainerHandleAt(a, doc, pos) : undefined;
        // On an entry of this domain's own list, in the list itself.
        const node = isMaintainerList(doc.path) ? nodeAt(doc, pos) : null;
        const entry = node?.type === 'identifier' && a.maintainers.entry(doc.path, node.text) ? node.text : undefined;
        const named = handle?.handle ?? (locations.length === 0 ? entry : undefined);
        if (named) locations.push(...a.maintainers.packagesMaintainedBy(named).map((place) => toLocation(a, place)));
        // The handle whose packages in other domains are wanted too.
        const own = found?.target && isMaintainerList(found.target.file) ? found.name : handle?.handle ?? entry;
        return { locations, pkg, analyzer: a, handle: own };
      });
      if (!local) return null;
      if (local.handle) {
        // The packages of the other domains that name this handle, from their stubs.
        const universe = await this.universeOf(local.analyzer);
        for (const found of (await universe.store?.maintainedBy(local.handle).catch(() => [])) ?? []) {
          local.locations.push(foreignLocation(universe.location(found)));
        }
      }
      if (!local.pkg) return local.locations;
      // Packages of the other domains that take this one as an input, from their stubs.
      const universe = await this.universeOf(local.analyzer);
      const takers = new Set<string>();
      for (const name of local.analyzer.catalog.namesOf(local.pkg)) for (const t of await universe.takers(name)) takers.add(t);
      for (const taker of [...takers].slice(0, MAX_FOREIGN_REFERENCES)) {
        const [domain, attr] = [taker.slice(0, taker.indexOf(':')), taker.slice(taker.indexOf(':') + 1)];
        const pkg = await universe.store?.lookup(domain, attr).catch(() => undefined);
        if (!pkg) continue;
        const revision = (await universe.store!.root(domain)).revision;
        local.locations.push(foreignLocation(universe.location({ domain, revision, pkg })));
      }
      return local.locations;
    });
    c.onDocumentSymbol((p) => this.at(p.textDocument.uri, { line: 0, character: 0 }, (_a, doc) => documentSymbols(doc).map(toDocumentSymbol)));
    c.onWorkspaceSymbol(async (p) => {
      const out: SymbolInformation[] = [];
      for (const pending of this.analyzers.values()) {
        const analyzer = await pending;
        for (const item of workspaceSymbols(analyzer, p.query)) {
          out.push({ name: item.name, kind: SYMBOL_KINDS[item.kind], location: toLocation(analyzer, item.place), containerName: item.container });
        }
        if (p.query.length >= 2) {
          const universe = await this.universeOf(analyzer);
          for (const symbol of await universe.search(p.query)) {
            const location = foreignLocation(universe.location({ domain: symbol.domain, revision: symbol.revision, pkg: {
              attr: symbol.name, file: symbol.file, pos: symbol.pos, inputs: [], unresolved: [], maintainers: [], dependants: [], direct: 0, closure: 0,
            } }));
            out.push({ name: symbol.name, kind: symbol.kind === 'function' ? SymbolKind.Function : SymbolKind.Package, location, containerName: symbol.domain });
          }
        }
      }
      return out;
    });
    c.onCompletion(async (p) => {
      const local = await this.at(p.textDocument.uri, p.position, (a, doc, pos) => ({
        result: completion(a, doc, pos), analyzer: a, doc, pos, handles: inMaintainerList(doc, pos) && !a.maintainers.has('maintainers/maintainer-list.nix'),
      }));
      if (!local) return null;
      const items = local.result.items.map((item): CompletionItem => ({ label: item.label, kind: COMPLETION_KINDS[item.kind] }));
      if (local.handles) {
        // Handles of the domain that has the maintainers list, from its stub's handle index (no file read).
        const partial = /[A-Za-z_][\w'-]*$/.exec(lineBefore(local.doc.text, local.pos))?.[0] ?? '';
        const handles = [...((await (await this.universeOf(local.analyzer)).handles()) ?? [])].filter((h) => h.startsWith(partial)).sort();
        return { isIncomplete: handles.length > 200, items: handles.slice(0, 200).map((label) => ({ label, kind: CompletionItemKind.Reference })) };
      }
      // Packages of other domains, once a few letters narrow them down (the first search fetches their shards).
      const partial = /[A-Za-z_][\w'-]*$/.exec(lineBefore(local.doc.text, local.pos))?.[0] ?? '';
      if (partial.length >= 3 && local.result.kind !== 'member') {
        const universe = await this.universeOf(local.analyzer);
        const seen = new Set(items.map((i) => i.label));
        for (const symbol of await universe.search(partial, 50)) {
          if (symbol.kind !== 'package' || !symbol.name.startsWith(partial) || seen.has(symbol.name)) continue;
          seen.add(symbol.name);
          items.push({ label: symbol.name, kind: CompletionItemKind.Module, detail: `from ${symbol.domain}` });
        }
      }
      return { isIncomplete: true, items };
    });
    c.onRequest(STATUS_REQUEST, () => this.status);
    c.onCodeLens((p) => this.at(p.textDocument.uri, { line: 0, character: 0 }, (a, doc) =>
      // A huge package set (all-packages.nix) would get thousands: the first few hundred are enough to be useful.
      impactSites(a, doc).slice(0, MAX_LENSES).map((site): CodeLens => ({
        range: toRange(site.span),
        data: { uri: p.textDocument.uri, attr: site.package.attrPath, file: site.package.target.file },
      }))));
    c.onCodeLensResolve(async (lens) => {
      const data = lens.data as { uri: string; attr: string };
      const located = await this.locate(data.uri);
      const list = located && await this.impact.listFor(located.analyzer, (pkgs) => pkgs.find((p) => p.attrPath === data.attr));
      lens.command = list
        ? { title: list.title, command: 'nixDomains.showImpact', arguments: [list] }
        : { title: 'rebuild impact unavailable', command: '' };
      return lens;
    });
    c.onRequest(FILE_IMPACT_REQUEST, async (p: FileImpactParams) => {
      const located = await this.locate(p.uri);
      if (!located) return null;
      return this.impact.listFor(located.analyzer, () => located.analyzer.catalog.packagesInFile(located.file)[0]);
    });
    c.onRequest(FILE_CONTENT_REQUEST, async (p: FileContentParams) => {
      const parsed = parseForeignUri(p.uri);
      if (!parsed) throw new Error(`not a ${FOREIGN_SCHEME}: URI: ${p.uri}`);
      for (const pending of this.analyzers.values()) {
        const universe = await this.universeOf(await pending);
        if (universe.domains().includes(parsed.domain)) return universe.fileContent(parsed.domain, parsed.file);
      }
      throw new Error(`no open domain knows domain '${parsed.domain}'`);
    });
    c.onRequest(REFRESH_STUBS_REQUEST, async () => {
      for (const pending of this.universes.values()) {
        const universe = await pending;
        universe.store?.refresh();
        universe.forget();
      }
      this.told.clear();
      for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
    });
    c.onRequest(CLEAR_STUB_CACHE_REQUEST, async () => {
      for (const pending of this.universes.values()) {
        const universe = await pending;
        await universe.store?.clearCache();
        universe.forget();
      }
    });
    c.onRequest(WAVE_PLAN_REQUEST, async (p: WavePlanParams) => {
      const located = p.uri ? await this.locate(p.uri) : undefined;
      const analyzer = located?.analyzer ?? (this.roots[0] ? await this.analyzerForRoot(this.roots[0]) : undefined);
      if (!analyzer) return 'No Nix domain is open.';
      await analyzer.indexed;
      const waves = await this.wavesOf(analyzer).catch(() => undefined);
      if (!waves) return 'Waves read git branches, which does not run until the workspace is trusted (Restricted Mode).';
      const result = await waves.plan({
        ...(p.branch ? { branch: p.branch } : {}), ...(p.package ? { package: p.package } : {}),
      });
      return result.ok ? renderWavePlan(result.plan, p.format) : result.error;
    });
  }

  /** Problems of each domain's nix-domains.json are shown in that file (and logged), after start-up and on every change of it. */
  private async publishManifestDiagnostics(): Promise<void> {
    for (const root of this.roots) {
      const file = path.join(root, MANIFEST_FILE);
      const found = await manifestFileDiagnostics(file);
      for (const d of found) this.connection.console.warn(`${file}:${d.span[0] + 1}: ${d.message}`);
      const lsp = found.map((d): Diagnostic => ({ range: toRange(d.span), message: d.message, code: d.code, source: 'nix-domains', severity: DiagnosticSeverity.Error }));
      await this.connection.sendDiagnostics({ uri: URI.file(file).toString(), diagnostics: lsp });
    }
  }

  /** Starts indexing every workspace folder in the background (not awaited; see `indexed`). */
  private startIndexing(): void {
    const jobs = this.roots.map(async (root) => {
      const analyzer = await this.analyzerForRoot(root);
      const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
      progress?.begin('Indexing Nix domain', 0, analyzer.index.domain, false);
      const started = Date.now();
      await analyzer.indexAll(({ done, total }) => {
        progress?.report(Math.round((done / Math.max(1, total)) * 100), `${done}/${total} files`);
        this.setStatus({ domain: analyzer.index.domain, indexing: { done, total }, files: done, packages: 0 });
      });
      progress?.done();
      const wave = await this.wavesOf(analyzer).then((w) => w.status()).catch(() => undefined);
      this.setStatus({
        domain: analyzer.index.domain, indexing: null, files: analyzer.index.files.size, packages: analyzer.catalog.all().length,
        ...(wave ? { wave } : {}),
      });
      this.connection.console.info(`Indexed domain ${analyzer.index.domain}: ${analyzer.index.files.size} files in ${Date.now() - started} ms`);
      for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
    });
    this.indexed = Promise.all(jobs).then(() => undefined, (err) => {
      const message = err instanceof Error ? err.message : String(err);
      this.connection.console.error(`Indexing failed: ${err instanceof Error ? err.stack : message}`);
      this.setStatus({ ...this.status, indexing: null, error: `Indexing failed: ${message}` });
    });
  }

  private setStatus(status: ServerStatus): void {
    this.status = status;
    void this.connection.sendNotification(STATUS_NOTIFICATION, status);
  }

  private wavesOf(analyzer: Analyzer): Promise<DomainWaves> {
    if (!this.trusted) return Promise.reject(new Error('waves read git branches, which does not run in Restricted Mode'));
    let waves = this.waves.get(analyzer);
    if (!waves) this.waves.set(analyzer, (waves = DomainWaves.create(analyzer)));
    return waves;
  }

  /** Re-reads the branch state (cheap when nothing changed) and tells the client when it moved. */
  private async refreshWaveStatus(analyzer: Analyzer): Promise<void> {
    if (!analyzer.isIndexed) return;
    const wave = await this.wavesOf(analyzer).then((w) => w.status()).catch(() => undefined);
    if (wave && JSON.stringify(wave) !== JSON.stringify(this.status.wave)) this.setStatus({ ...this.status, wave });
  }

  private analyzerForRoot(root: string): Promise<Analyzer> {
    let analyzer = this.analyzers.get(root);
    if (!analyzer) {
      analyzer = readDomainName(root).then((domain) =>
        Analyzer.create(root, domain, {
          largeFileThreshold: this.settings.largeFileThreshold, useGit: this.trusted,
          log: (message) => this.connection.console.warn(message),
        }));
      this.analyzers.set(root, analyzer);
    }
    return analyzer;
  }

  /** The analyzer of the domain a file belongs to, and the file's domain-relative path. */
  private async locate(uri: string): Promise<{ analyzer: Analyzer; file: string } | undefined> {
    const fsPath = uriToPath(uri);
    if (!fsPath) return undefined;
    const root = [...this.roots, ...this.analyzers.keys()]
      .filter((r) => !path.relative(r, fsPath).startsWith('..'))
      .sort((a, b) => b.length - a.length)[0] ?? path.dirname(fsPath);
    const analyzer = await this.analyzerForRoot(root);
    const file = analyzer.index.relative(fsPath);
    return file === undefined ? undefined : { analyzer, file };
  }

  /** Runs a feature at a position of a document; errors are logged and answered with null. */
  private async at<T>(uri: string, position: Position, feature: (a: Analyzer, doc: NixDocument, pos: Position) => T): Promise<T | null> {
    try {
      if (this.updating.size > 0) await Promise.all(this.updating);
      const located = await this.locate(uri);
      if (!located) return null;
      const { analyzer, file } = located;
      const open = this.documents.get(uri);
      if (open && analyzer.openDocumentFor(file)?.version !== open.version) analyzer.openDocument(file, open.getText(), open.version);
      return (await analyzer.withDocument(file, (doc) => feature(analyzer, doc, position))) ?? null;
    } catch (err) {
      this.connection.console.error(`Request failed on ${uri}: ${err instanceof Error ? err.stack : String(err)}`);
      return null;
    }
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
    try {
      const doc = located.analyzer.openDocument(located.file, document.getText(), document.version);
      if (isMaintainerList(located.file) && located.analyzer.isIndexed) await located.analyzer.maintainers.updateFromBuffer(located.file, doc.text);
    } catch (err) {
      this.connection.console.error(`Cannot analyse ${document.uri}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.scheduleDiagnostics(document.uri);
  }

  private async onClose(uri: string): Promise<void> {
    const located = await this.locate(uri);
    await located?.analyzer.closeDocument(located.file);
    if (located && isMaintainerList(located.file)) await located.analyzer.maintainers.closeBuffer(located.file);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async onWatchedFiles(uris: string[]): Promise<void> {
    // A moved flake.lock pins other domains at other revisions: forget what was looked up in them;
    // the store reads the lock again and loads the stub of the new pin on the next lookup.
    if (uris.some((uri) => uri.endsWith('/flake.lock'))) for (const pending of this.universes.values()) (await pending).forget();
    for (const uri of uris) {
      if (this.documents.get(uri)) continue; // the buffer wins over the disk
      const located = await this.locate(uri);
      if (located && located.file.endsWith('.nix')) await located.analyzer.indexFileFromDisk(located.file);
    }
    for (const doc of this.documents.all()) this.scheduleDiagnostics(doc.uri);
  }

  /** Unknown inputs are looked up in the other domains first (this is what fetches their stubs lazily). */
  private async withoutForeignInputs(analyzer: Analyzer, found: OurDiagnostic[]): Promise<OurDiagnostic[]> {
    if (!found.some((d) => d.code === 'unknown-input')) return found;
    const universe = await this.universeOf(analyzer);
    const kept: OurDiagnostic[] = [];
    for (const d of found) {
      const name = d.code === 'unknown-input' ? d.name : undefined;
      if (name && (await universe.lookup(name))) continue;
      if (name && universe.domains().length > 0) {
        d.message = `\`${name}\` names no package in domain \`${analyzer.index.domain}\` nor in ${universe.domains().map((x) => `\`${x}\``).join(', ')}: callPackage cannot fill this input.`;
      }
      kept.push(d);
    }
    return kept;
  }

  /** In a domain without its own maintainers list, handles are checked against the other domains' lists. */
  private async foreignUnknownHandles(analyzer: Analyzer, file: string): Promise<OurDiagnostic[]> {
    if (!analyzer.isIndexed || analyzer.maintainers.has('maintainers/maintainer-list.nix')) return [];
    const named = analyzer.index.files.get(file)?.drv?.maintainers ?? [];
    if (named.length === 0) return [];
    const universe = await this.universeOf(analyzer);
    const known = await universe.handles();
    if (!known) return [];
    return named.filter((m) => !known.has(m.handle)).map((m) => ({
      span: m.span, severity: 'warning' as const, code: 'unknown-maintainer',
      message: `\`${m.handle}\` is in no maintainers list of ${universe.domains().map((d) => `\`${d}\``).join(', ')}.`,
    }));
  }

  private async foreignHover(uri: string, position: Position): Promise<Hover | null> {
    const local = await this.at(uri, position, (a, doc, pos) => ({ foreign: unresolvedNameAt(a, doc, pos), handle: maintainerHandleAt(a, doc, pos), analyzer: a }));
    if (local?.handle) {
      const entry = await (await this.universeOf(local.analyzer)).maintainer(local.handle.handle);
      if (entry) return { contents: { kind: 'markdown', value: `${entry.card}\n\n*From domain \`${entry.domain}\`'s \`${entry.file}\`.*` }, range: toRange(local.handle.span) };
    }
    if (!local?.foreign) return null;
    const found = await (await this.universeOf(local.analyzer)).lookup(local.foreign.name);
    if (!found) return null;
    return { contents: { kind: 'markdown', value: foreignCard(found, local.foreign.name) }, range: toRange(local.foreign.span) };
  }

  private universeOf(analyzer: Analyzer): Promise<Universe> {
    let universe = this.universes.get(analyzer);
    if (!universe) {
      universe = Universe.create(analyzer, { log: (message) => this.onStubLog(message), fetch: this.trusted });
      this.universes.set(analyzer, universe);
    }
    return universe;
  }

  /** Every stub fetch and refusal goes to the log; a refusal or failure is also told to the user, once. */
  private onStubLog(message: string): void {
    this.connection.console.info(`[stubs] ${message}`);
    if (!/refus|fail|cannot|unavailable|invalid|error|timed out|mismatch/i.test(message)) return;
    if (this.told.has(message)) return;
    this.told.add(message);
    // Say what to check, not only what happened.
    const hint = /manifest|nix-domains\.json|invalid/i.test(message)
      ? 'Check nix-domains.json.'
      : 'Check that domain\'s "stubs"/"files" entry in nix-domains.json and the network; then run "Nix Domains: Refresh Domain Stubs". The server log has the details.';
    void this.connection.sendNotification(PROBLEM_NOTIFICATION, { message: `${message}. ${hint}` });
  }

  private async frozenDiagnostics(analyzer: Analyzer, file: string): Promise<OurDiagnostic[]> {
    return this.wavesOf(analyzer).then((w) => frozenDiagnosticsOf(w, analyzer, file)).catch(() => []);
  }

  /** Publishes diagnostics shortly after the last change, so typing does not recompute them per keystroke. */
  private scheduleDiagnostics(uri: string): void {
    clearTimeout(this.pendingDiagnostics.get(uri));
    this.pendingDiagnostics.set(uri, setTimeout(() => {
      this.pendingDiagnostics.delete(uri);
      void this.publishDiagnostics(uri);
    }, 150));
  }

  private async publishDiagnostics(uri: string): Promise<void> {
    const located = await this.locate(uri);
    if (!located) return;
    // Until the whole domain is indexed, an input may look unknown only because its definition is not read yet.
    const unknownInputs = this.settings.diagnostics.unknownInputs && located.analyzer.isIndexed;
    let found = diagnostics(located.analyzer, located.file, { unknownInputs });
    found = await this.withoutForeignInputs(located.analyzer, found);
    found.push(...(await this.foreignUnknownHandles(located.analyzer, located.file)));
    if (this.edited.has(uri) && located.analyzer.isIndexed) found.push(...(await this.frozenDiagnostics(located.analyzer, located.file)));
    void this.refreshWaveStatus(located.analyzer);
    const lsp: Diagnostic[] = found.map((d) => ({
      range: toRange(d.span), message: d.message, code: d.code, source: 'nix-domains',
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    }));
    await this.connection.sendDiagnostics({ uri, diagnostics: lsp });
  }
}

/** A file whose package the checked-out WIP wave has frozen gets a warning on its derivation. */
async function frozenDiagnosticsOf(waves: DomainWaves, analyzer: Analyzer, file: string): Promise<OurDiagnostic[]> {
  const out: OurDiagnostic[] = [];
  for (const pkg of analyzer.catalog.packagesInFile(file)) {
    const warning = await waves.frozenWarning(pkg);
    if (warning) out.push({ span: pkg.target.span, severity: 'warning', code: 'frozen-package', message: warning.message });
  }
  return out;
}

function toDocumentSymbol(item: DocumentSymbolItem): DocumentSymbol {
  return {
    name: item.name || '""', kind: SYMBOL_KINDS[item.kind], range: toRange(item.span), selectionRange: toRange(item.selection),
    children: item.children.map(toDocumentSymbol),
  };
}

function mergeSettings(incoming: Partial<Settings>): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...incoming,
    diagnostics: { ...DEFAULT_SETTINGS.diagnostics, ...(incoming.diagnostics ?? {}) },
    trace: { ...DEFAULT_SETTINGS.trace, ...(incoming.trace ?? {}) },
  };
}

