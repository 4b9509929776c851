// A check of the harness, not of the product: a tiny stand-in extension (kept here as text,
// written to a temp folder) contributes the `nix` language, a hover, a definition, a code lens, a
// diagnostic and a status bar item, and the test drives a real VS Code workbench to each of them.
// When it fails, the harness (code-server, Chromium, workbench.ts) is broken, whatever the
// extension does; the real extension is tested by universe.e2e.ts and crossDomain.e2e.ts.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launch, type Session } from './harness';

const standInManifest = {
  name: 'nix-stand-in',
  publisher: 'e2e',
  version: '0.0.1',
  engines: { vscode: '^1.80.0' },
  main: './extension.js',
  activationEvents: ['onLanguage:nix'],
  contributes: { languages: [{ id: 'nix', aliases: ['Nix', 'nix'], extensions: ['.nix'] }] },
};

const standInExtension = String.raw`
const vscode = require('vscode');
exports.activate = (context) => {
  const nix = { language: 'nix' };
  const defs = (folder) => vscode.Uri.joinPath(folder.uri, 'lib', 'defs.nix');
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(nix, {
      provideHover(document, position) {
        const range = document.getWordRangeAtPosition(position);
        const word = range ? document.getText(range) : '?';
        return new vscode.Hover(new vscode.MarkdownString('**stand-in hover** for \`' + word + '\`'), range);
      },
    }),
    vscode.languages.registerDefinitionProvider(nix, {
      provideDefinition(document) {
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        return new vscode.Location(defs(folder), new vscode.Position(1, 2));
      },
    }),
    vscode.languages.registerCodeLensProvider(nix, {
      provideCodeLenses() {
        return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: 'stand-in lens: 3 dependents', command: '' })];
      },
    }),
  );
  const diagnostics = vscode.languages.createDiagnosticCollection('stand-in');
  context.subscriptions.push(diagnostics);
  const check = (document) => {
    if (document.languageId !== 'nix') return;
    const at = document.getText().indexOf('unknownThing');
    if (at < 0) return;
    const range = new vscode.Range(document.positionAt(at), document.positionAt(at + 'unknownThing'.length));
    diagnostics.set(document.uri, [new vscode.Diagnostic(range, 'stand-in: unknown input unknownThing', vscode.DiagnosticSeverity.Warning)]);
  };
  vscode.workspace.textDocuments.forEach(check);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(check));
  const item = vscode.window.createStatusBarItem('standIn.status', vscode.StatusBarAlignment.Left, 100);
  item.text = 'stand-in · wave 2';
  item.tooltip = 'Nix stand-in status';
  item.show();
  context.subscriptions.push(item);
};
`;

const workspaceFiles: Record<string, string> = {
  'pkgs/hello/default.nix': '{ stdenv, fetchurl, unknownThing }:\n\nstdenv.mkDerivation {\n  pname = "hello";\n}\n',
  'lib/defs.nix': '{\n  stdenv = import ./stdenv.nix;\n}\n',
};

function writeTree(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
}

describe('harness check: a stand-in extension in a real VS Code (not the product)', () => {
  const temp = mkdtempSync(path.join(tmpdir(), 'nix-domains-harness-check-'));
  const workspace = path.join(temp, 'universe');
  const extension = path.join(temp, 'stand-in');
  let session: Session;

  before(async () => {
    writeTree(workspace, workspaceFiles);
    writeTree(extension, {
      'package.json': JSON.stringify(standInManifest, null, 2),
      'extension.js': standInExtension,
    });
    const started = Date.now();
    session = await launch({ workspace, extension: { folder: extension }, name: 'harness-check' });
    console.log(`code-server answered in ${session.startMs} ms; workbench ready in ${Date.now() - started} ms`);
  });

  after(async () => {
    await session?.close();
    rmSync(temp, { recursive: true, force: true });
  });

  it('opens a .nix file from the Explorer and the language reads Nix', async () => {
    await session.workbench.openFile('pkgs/hello/default.nix');
    await session.workbench.waitForLanguage('Nix');
  });

  it('shows the hover for the token under the cursor', async () => {
    const text = await session.workbench.hoverAt(1, 4, /stand-in hover/);
    assert.match(text, /stand-in hover for stdenv/);
    await session.workbench.screenshot('harness-check-hover');
    await session.workbench.dismissHover();
  });

  it('shows the extension status bar item', async () => {
    const item = await session.workbench.waitForStatusBarItem(/stand-in/);
    assert.equal(item.text, 'stand-in · wave 2');
  });

  it('shows the code lens', async () => {
    assert.deepEqual(await session.workbench.codeLenses(), ['stand-in lens: 3 dependents']);
  });

  it('lists the diagnostic in Problems', async () => {
    const [problem] = await session.workbench.problems();
    assert.deepEqual(
      { ...problem, label: undefined },
      { severity: 'Warning', message: 'stand-in: unknown input unknownThing', line: 1, col: 21, label: undefined },
    );
    assert.deepEqual(await session.workbench.problemCounts(), { errors: 0, warnings: 1 });
    await session.workbench.screenshot('harness-check-problems');
  });

  it('F12 opens the definition and the cursor lands on it', async () => {
    await session.workbench.goTo(1, 4);
    // The whole landing: the status bar may still show the old cursor for a frame after the tab switches.
    const jump = await session.workbench.goToDefinition({ tab: 'defs.nix', line: 2, col: 3 });
    assert.deepEqual(jump, { tab: 'defs.nix', line: 2, col: 3 });
    await session.workbench.screenshot('harness-check-definition');
  });
});
