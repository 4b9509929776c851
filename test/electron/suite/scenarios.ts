// The universe scenarios of test/e2e/universe.e2e.ts, through VS Code's API instead of the
// screen: `vscode.execute*Provider` asks every provider (ours is the only one) what the editor
// would show. Readiness is a signal: the hover is polled until the package card appears.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import type { NixDomainsApi } from '../../../client/src/extension';
import { at, files, waveBranch } from '../../e2e/universeScenario';
import { waitUntil } from '../../e2e/wait';

export interface Scenario {
  name: string;
  run(): Promise<void>;
}

const timeoutMs = 120_000;
const extensionId = 'nix-domains.nix-domains';

function workspace(): string {
  const folder = process.env.NIX_DOMAINS_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) throw new Error('no workspace folder: runTest.ts opens core of the example universe');
  return folder;
}

const uriOf = (file: string) => vscode.Uri.file(path.join(workspace(), file));
/** A 1-based position, as the scenarios write them, in VS Code's 0-based terms. */
const position = (p: { line: number; col: number }) => new vscode.Position(p.line - 1, p.col - 1);

async function open(file: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uriOf(file));
  assert.equal(document.languageId, 'nix');
  return vscode.window.showTextDocument(document);
}

/** The hovers' markdown at a position, joined. */
async function hoverText(file: string, p: { line: number; col: number }): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uriOf(file), position(p));
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Polls the hover until it matches `expect`: the server answers once it has indexed the domain. */
async function waitForHover(file: string, p: { line: number; col: number }, expect: RegExp): Promise<string> {
  let seen = '';
  return waitUntil(
    `the hover at ${file}:${p.line}:${p.col} matches ${expect}`,
    timeoutMs,
    async () => (expect.test((seen = await hoverText(file, p))) ? seen : false),
    () => JSON.stringify(seen),
  );
}

async function api(): Promise<NixDomainsApi> {
  const extension = vscode.extensions.getExtension<NixDomainsApi>(extensionId);
  assert.ok(extension, `${extensionId} is not installed`);
  return extension.activate();
}

export const scenarios: Scenario[] = [
  {
    name: 'a package file opens as Nix and the extension activates',
    async run() {
      await open(files.numpy);
      await api();
      assert.ok(vscode.extensions.getExtension(extensionId)?.isActive);
    },
  },
  {
    name: 'hover on an input: the package card and its Waves section',
    async run() {
      const text = await waitForHover(files.numpy, at.pythonInput, /Waves/);
      assert.match(text, /pythonInterpreters\.python311/);
      assert.match(text, /High-level dynamically-typed programming language/);
      assert.match(text, /Defined in/);
      assert.match(text, /cpython\/default\.nix/);
      assert.match(text, new RegExp(waveBranch.replace('.', '\\.')));
    },
  },
  {
    name: 'the status bar shows the domain and the checked-out wave',
    async run() {
      const extension = await api();
      let seen = '';
      await waitUntil(
        'the status bar reads core · Wave1.3 · in progress',
        timeoutMs,
        async () => /^\$\(package\) core · Wave1\.3 · in progress$/.test((seen = extension.statusText())),
        () => seen,
      );
    },
  },
  {
    name: 'the impact code lens shows how many packages rebuild',
    async run() {
      let seen: string[] = [];
      // The second argument resolves up to that many lenses: ours get their title when resolved.
      await waitUntil(
        'a code lens reads "rebuilds N packages"',
        timeoutMs,
        async () => {
          const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf(files.numpy), 10);
          seen = (lenses ?? []).map((l) => l.command?.title ?? '');
          return seen.some((t) => /rebuilds \d+ packages?/.test(t));
        },
        () => JSON.stringify(seen),
      );
    },
  },
  {
    name: 'hover on a maintainer: the entry from the maintainers list',
    async run() {
      const text = await waitForHover(files.numpy, at.maintainer, /GitHub/);
      assert.match(text, /Grace Hopper-Example/);
      assert.match(text, /@grace-h/);
    },
  },
  {
    name: 'go to definition on an alias (python) lands where the interpreter is built',
    async run() {
      const results = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        uriOf(files.numpy),
        position(at.pythonInput),
      );
      assert.equal(results?.length, 1, JSON.stringify(results));
      const [result] = results;
      const uri = 'targetUri' in result ? result.targetUri : result.uri;
      const range = 'targetUri' in result ? (result.targetSelectionRange ?? result.targetRange) : result.range;
      assert.equal(uri.fsPath, uriOf(files.cpython).fsPath);
      assert.deepEqual({ line: range.start.line + 1, col: range.start.character + 1 }, at.pythonDefinition);
    },
  },
  {
    name: 'an input that names no package is a diagnostic',
    async run() {
      await open(files.hello);
      const uri = uriOf(files.hello);
      const diagnostic = await waitUntil(
        'a diagnostic names libfrobnicate',
        timeoutMs,
        async () => vscode.languages.getDiagnostics(uri).find((d) => /libfrobnicate/.test(d.message)) ?? false,
        () => JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => d.message)),
      );
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(diagnostic.message, /names no package (known )?in domain .core./);
      assert.deepEqual({ line: diagnostic.range.start.line + 1, col: diagnostic.range.start.character + 1 }, at.unknownInput);
    },
  },
  {
    name: '"Nix Domains: Show Wave Plan" opens the plan',
    async run() {
      await vscode.commands.executeCommand('nixDomains.showWavePlan');
      const plan = await waitUntil(
        'a wave plan document is open',
        timeoutMs,
        async () =>
          vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# Wave plan')) ?? false,
        () => vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', '),
      );
      assert.match(plan.getText(), /Major wave 1/);
      assert.match(plan.getText(), /WIP-Wave1\.3/);
    },
  },
];
