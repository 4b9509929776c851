// The handlers of the language features, one per request: each finds the session of the
// document, asks the analysis (plain functions of the session, `analysis/across/`) within the
// request's budget, and converts the plain answer into LSP types. Nothing here decides anything.
import type { CodeLens, Connection } from 'vscode-languageserver';
import { completionAcross } from '../analysis/across/completion';
import { definitionAcross } from '../analysis/across/definition';
import { HOVER_IMPACT_WAIT_MS, hoverAcross } from '../analysis/across/hover';
import { impactAcross } from '../analysis/across/impact';
import { referencesAcross } from '../analysis/across/references';
import { workspaceSymbolsAcross } from '../analysis/across/symbols';
import { documentSymbols } from '../analysis/features/symbols';
import { impactSites } from '../analysis/impact/sites';
import type { DomainSession } from '../analysis/session';
import { COMMANDS, FILE_IMPACT_REQUEST, type FileImpactParams } from '../../../shared/protocol';
import { SYMBOL_KINDS, toCompletionItem, toDocumentSymbol, toImpactList, toRange, whereToLocation, whereToLocationJson } from './convert';
import { prepareHoverImpactInBackground } from './indexing';
import type { RequestRunner } from './requests';
import { madeAsWritten } from './stdioWriter';

/** A huge package set (all-packages.nix) would get thousands of lenses: the first few hundred are enough. */
const MAX_LENSES = 300;

/** What the handlers need from the server: the session and domain-relative file of a document, and every session. */
export interface FeatureContext {
  at(uri: string): Promise<{ session: DomainSession; file: string } | undefined>;
  sessions(): Iterable<Promise<DomainSession>>;
}

/** Attaches the handler of every language feature to the connection. */
export function registerFeatures(c: Connection, run: RequestRunner, server: FeatureContext): void {
  c.onDefinition((p, token) =>
    run.run('definition', token, null, async (budget) => {
      const at = await server.at(p.textDocument.uri);
      if (!at) return null;
      const found = await definitionAcross(at.session, at.file, p.position, budget);
      const note = at.session.indexingNote();
      if (note) c.console.info(`definition at ${at.file}:${p.position.line + 1}:${p.position.character + 1}: ${note}`);
      return found.map((w) => whereToLocation(at.session.analyzer, w));
    }),
  );
  c.onHover((p, token) =>
    run.run('hover', token, null, async (budget) => {
      const at = await server.at(p.textDocument.uri);
      const answer = at && (await hoverAcross(at.session, at.file, p.position, budget, { impactWaitMs: HOVER_IMPACT_WAIT_MS }));
      if (at && answer?.impactPending) prepareHoverImpactInBackground(c, at.session);
      return answer ? { contents: { kind: 'markdown' as const, value: answer.markdown }, range: toRange(answer.span) } : null;
    }),
  );
  c.onReferences((p, token) =>
    run.run('references', token, null, async (budget) => {
      const at = await server.at(p.textDocument.uri);
      const found = at && (await referencesAcross(at.session, at.file, p.position, p.context.includeDeclaration, budget));
      if (!found) return null;
      const { analyzer } = at.session;
      return madeAsWritten(
        found,
        (w) => whereToLocation(analyzer, w),
        (w) => whereToLocationJson(analyzer, w),
      );
    }),
  );
  c.onDocumentSymbol((p, token) =>
    run.run('document symbols', token, null, async () => {
      const at = await server.at(p.textDocument.uri);
      // A file that cannot be read as Nix (binary, gone) has no outline: null, where an empty file has [].
      const symbols = at && (await at.session.analyzer.withDocument(at.file, documentSymbols));
      return symbols ? symbols.map(toDocumentSymbol) : null;
    }),
  );
  c.onWorkspaceSymbol((p, token) =>
    run.run('workspace symbols', token, [], async (budget) => {
      const out = [];
      for (const pending of server.sessions()) {
        const session = await pending;
        for (const s of await workspaceSymbolsAcross(session, p.query, budget)) {
          out.push({
            name: s.name,
            kind: SYMBOL_KINDS[s.kind],
            location: whereToLocation(session.analyzer, s.where),
            containerName: s.container,
          });
        }
      }
      return out;
    }),
  );
  c.onCompletion((p, token) =>
    run.run('completion', token, null, async (budget) => {
      const at = await server.at(p.textDocument.uri);
      const answer = at && (await completionAcross(at.session, at.file, p.position, budget));
      return answer ? { isIncomplete: answer.isIncomplete, items: answer.items.map(toCompletionItem) } : null;
    }),
  );
  c.onCodeLens((p, token) =>
    run.run('code lens', token, null, async (budget) => {
      const at = await server.at(p.textDocument.uri);
      if (!at || !(await at.session.prepare(budget, ['packages']))) return null;
      const sites = await at.session.analyzer.withDocument(at.file, (doc) => impactSites(at.session.analyzer, doc));
      return (sites ?? []).slice(0, MAX_LENSES).map(
        (site): CodeLens => ({
          range: toRange(site.span),
          data: { uri: p.textDocument.uri, attr: site.package.attrPath, file: site.package.target.file },
        }),
      );
    }),
  );
  c.onCodeLensResolve((lens, token) =>
    run.run('code lens resolve', token, lens, async (budget) => {
      const data = lens.data as { uri: string; attr: string };
      const at = await server.at(data.uri);
      const answer = at && (await impactAcross(at.session, (pkgs) => pkgs.find((p) => p.attrPath === data.attr), budget));
      lens.command =
        at && answer
          ? { title: answer.title, command: COMMANDS.showImpact, arguments: [toImpactList(at.session.analyzer, answer)] }
          : { title: budget.cut ? 'rebuild impact: still computing, try again' : 'rebuild impact unavailable', command: '' };
      return lens;
    }),
  );
  c.onRequest(FILE_IMPACT_REQUEST, (p: FileImpactParams, token) =>
    run.run('file impact', token, null, async (budget) => {
      const at = await server.at(p.uri);
      const answer = at && (await impactAcross(at.session, () => at.session.analyzer.catalog.packagesInFile(at.file)[0], budget));
      return at && answer ? toImpactList(at.session.analyzer, answer) : null;
    }),
  );
}
