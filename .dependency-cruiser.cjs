// The layers of the code, enforced in `npm test` (`npm run lint:layers`). See ARCHITECTURE.md, Invariants.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'analysis-is-plain',
      comment: 'The analysis never imports the LSP wiring, the CLI, the client or vscode: it is plain functions and data.',
      severity: 'error',
      from: { path: '^server/src/analysis/' },
      to: { path: ['^server/src/lsp/', '^server/src/cli/', '^client/', '^shared/', 'node_modules/vscode-languageserver', 'node_modules/vscode-languageclient'] },
    },
    {
      name: 'only-the-client-imports-vscode',
      comment: 'Only client/ imports the vscode API (it exists only inside VS Code).',
      severity: 'error',
      from: { pathNot: '^(client/|test/electron/)' },
      to: { path: '(^|node_modules/)(@types/)?vscode(/|$)' },
    },
    {
      name: 'client-is-thin',
      comment: 'The client talks to the server over the protocol: it never imports the server.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/' },
    },
    {
      name: 'shared-is-the-protocol',
      comment: 'shared/ is what both sides agree on: it imports neither side.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: ['^server/', '^client/'] },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.e2e|\\.bench)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
