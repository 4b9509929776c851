// The Nix TextMate grammar and language configuration, checked through the same engine VS Code
// uses (vscode-textmate on vscode-oniguruma).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..');
const grammarPath = path.join(root, 'syntaxes', 'nix.tmLanguage.json');
const languageConfigurationPath = path.join(root, 'language-configuration.json');

let grammarPromise: Promise<IGrammar> | undefined;

/** Loads the Nix grammar once per test file. */
function nixGrammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    await loadWASM(readFileSync(path.join(root, 'node_modules/vscode-oniguruma/release/onig.wasm')));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (text: string) => new OnigString(text),
      }),
      loadGrammar: async (scopeName: string) =>
        scopeName === 'source.nix' ? parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath) : null,
    });
    const grammar = await registry.loadGrammar('source.nix');
    if (!grammar) throw new Error('source.nix did not load');
    return grammar;
  })();
  return grammarPromise;
}

interface Token {
  start: number;
  end: number;
  text: string;
  scopes: string[];
}

/** Tokenizes `source` line by line; offsets are into the whole source. */
function tokenize(grammar: IGrammar, source: string): Token[] {
  const tokens: Token[] = [];
  let stack: StateStack = INITIAL;
  let lineStart = 0;
  for (const line of source.split('\n')) {
    const result = grammar.tokenizeLine(line, stack);
    for (const token of result.tokens) {
      const end = Math.min(token.endIndex, line.length);
      tokens.push({
        start: lineStart + token.startIndex,
        end: lineStart + end,
        text: line.slice(token.startIndex, end),
        scopes: token.scopes,
      });
    }
    stack = result.ruleStack;
    lineStart += line.length + 1;
  }
  return tokens;
}

/**
 * `[text, ...scopes]`: every token of `text` has, for each scope, a scope equal to it or beneath it
 * (`comment.line` covers `comment.line.number-sign.nix`); `'!scope'` means none of them has it.
 * Each text is searched for after the previous one, so a case reads left to right.
 */
type Expectation = [text: string, ...scopes: string[]];

async function check(source: string, expectations: Expectation[]): Promise<void> {
  const tokens = tokenize(await nixGrammar(), source);
  let from = 0;
  for (const [text, ...scopes] of expectations) {
    const start = source.indexOf(text, from);
    assert.ok(start >= 0, `${JSON.stringify(text)} not found after offset ${from} in ${JSON.stringify(source)}`);
    const end = start + text.length;
    from = end;
    const covering = tokens.filter((t) => t.start < end && t.end > start);
    const shown = covering.map((t) => `  ${JSON.stringify(t.text)}: ${t.scopes.join(' ')}`).join('\n');
    for (const scope of scopes) {
      const negated = scope.startsWith('!');
      const wanted = negated ? scope.slice(1) : scope;
      const has = (t: Token) => t.scopes.some((s) => s === wanted || s.startsWith(`${wanted}.`));
      const ok = negated ? !covering.some(has) : covering.length > 0 && covering.every(has);
      assert.ok(ok, `${JSON.stringify(text)} should ${negated ? 'not ' : ''}be ${wanted}, tokens:\n${shown}`);
    }
  }
}

const cases: { name: string; source: string; expect: Expectation[] }[] = [
  {
    name: 'line comment',
    source: 'x # hi',
    expect: [
      ['x', '!comment'],
      ['# hi', 'comment.line.number-sign'],
    ],
  },
  {
    name: 'block comment over two lines',
    source: '/* a\n  b */ x',
    expect: [
      ['/* a', 'comment.block'],
      ['b */', 'comment.block'],
      ['x', '!comment'],
    ],
  },
  {
    name: 'double-quoted string with escapes',
    source: '"a\\n\\"b" c',
    expect: [
      ['a', 'string.quoted.double'],
      ['\\n', 'constant.character.escape'],
      ['\\"', 'string.quoted.double'],
      ['b', 'string.quoted.double'],
      ['c', '!string'],
    ],
  },
  {
    name: 'interpolation is not string',
    source: '"a${x}b"',
    expect: [
      ['a', 'string.quoted.double'],
      ['${', 'punctuation.section.embedded.begin'],
      ['x', '!string', 'variable.other'],
      ['}', 'punctuation.section.embedded.end'],
      ['b', 'string.quoted.double'],
    ],
  },
  {
    name: 'nested interpolation',
    source: '"${f "in${y}" { a = 1; }}" z',
    expect: [
      ['f', '!string'],
      ['in', 'string.quoted.double'],
      ['y', '!string'],
      ['a', 'entity.other.attribute-name'],
      ['"', 'punctuation.definition.string.end'],
      ['z', '!string'],
    ],
  },
  {
    name: 'literal dollars in strings',
    source: '"$x $${y}" z',
    expect: [
      ['$x', 'string.quoted.double'],
      ['$${y}', 'string.quoted.double'],
      ['z', '!string'],
    ],
  },
  {
    name: 'indented string with interpolation',
    source: "''\n  hello ${name}\n'' x",
    expect: [
      ['hello', 'string.quoted.other.indented'],
      ['name', '!string'],
      ["''", 'punctuation.definition.string.end'],
      ['x', '!string'],
    ],
  },
  {
    name: 'indented string escapes keep the string open',
    source: "'' a ''${b} '''c ''\\n d'' e",
    expect: [
      ["''$", 'constant.character.escape'],
      ['{b}', 'string.quoted.other.indented'],
      ["'''", 'constant.character.escape'],
      ['c', 'string'],
      ["''\\n", 'constant.character.escape'],
      ['d', 'string'],
      ['e', '!string'],
    ],
  },
  {
    name: 'paths',
    source: '[ ./foo/bar.nix ../x /abs/path ~/x a/b ]',
    expect: [
      ['./foo/bar.nix', 'string.unquoted.path'],
      ['../x', 'string.unquoted.path'],
      ['/abs/path', 'string.unquoted.path'],
      ['~/x', 'string.unquoted.path'],
      ['a/b', 'string.unquoted.path'],
      [']', 'punctuation.section.list.end'],
    ],
  },
  {
    name: 'search path',
    source: 'import <nixpkgs> { } <nixpkgs/lib>',
    expect: [
      ['<nixpkgs>', 'string.unquoted.path.search'],
      ['<nixpkgs/lib>', 'string.unquoted.path'],
    ],
  },
  {
    name: 'path with interpolation',
    source: 'import ./${name}.nix',
    expect: [
      ['./', 'string.unquoted.path'],
      ['name', '!string'],
      ['.nix', 'string.unquoted.path'],
    ],
  },
  {
    name: 'division and update are operators, not paths',
    source: 'a / b // c',
    expect: [
      ['/', 'keyword.operator.arithmetic'],
      ['b', 'variable.other'],
      ['//', 'keyword.operator.update'],
      ['c', 'variable.other'],
    ],
  },
  {
    name: 'uri',
    source: 'url = https://example.org/a.tar.gz?x=1;',
    expect: [
      ['https://example.org/a.tar.gz?x=1', 'string.unquoted.uri'],
      [';', '!string'],
    ],
  },
  {
    name: 'numbers',
    source: '[ 42 3.14 .5 1.0e3 ]',
    expect: [
      ['42', 'constant.numeric.integer'],
      ['3.14', 'constant.numeric.float'],
      ['.5', 'constant.numeric.float'],
      ['1.0e3', 'constant.numeric.float'],
    ],
  },
  {
    name: 'rec, inherit and inherited names',
    source: 'rec { inherit (pkgs) hello; inherit x; }',
    expect: [
      ['rec', 'keyword.other'],
      ['inherit', 'keyword.other.inherit'],
      ['pkgs', 'variable.other'],
      ['hello', 'entity.other.attribute-name'],
      ['inherit', 'keyword.other.inherit'],
      ['x', 'entity.other.attribute-name'],
    ],
  },
  {
    name: 'let ... in',
    source: 'let\n  a = 1;\n  b.c = a;\nin a',
    expect: [
      ['let', 'keyword.other.let'],
      ['a', 'entity.other.attribute-name'],
      ['b', 'entity.other.attribute-name'],
      ['c', 'entity.other.attribute-name'],
      ['a', 'variable.other'],
      ['in', 'keyword.other.in'],
      ['a', 'variable.other'],
    ],
  },
  {
    name: 'control keywords and constants',
    source: 'assert x; with pkgs; if a.b or true then null else false',
    expect: [
      ['assert', 'keyword.control'],
      ['with', 'keyword.other'],
      ['if', 'keyword.control'],
      ['b', 'variable.other.member'],
      ['or', 'keyword.other'],
      ['true', 'constant.language'],
      ['then', 'keyword.control'],
      ['null', 'constant.language'],
      ['else', 'keyword.control'],
      ['false', 'constant.language'],
    ],
  },
  {
    name: 'import and builtins',
    source: 'builtins.map (import ./x.nix) lib.map',
    expect: [
      ['builtins', 'support.constant.builtins'],
      ['map', 'support.function.builtin'],
      ['import', 'support.function.builtin'],
      ['map', 'variable.other.member'],
    ],
  },
  {
    name: 'formals with defaults, ellipsis and @-pattern',
    source: '{ lib, stdenv ? null, ... }@args: lib',
    expect: [
      ['lib', 'variable.parameter'],
      ['stdenv', 'variable.parameter'],
      ['null', 'constant.language'],
      ['...', 'keyword.operator.ellipsis'],
      ['args', 'variable.parameter'],
      ['lib', 'variable.other'],
    ],
  },
  {
    name: 'leading-comma formals over several lines',
    source: '{ lib\n, fetchurl # comment\n, pkgs ? import <nixpkgs> { }\n}:\nfetchurl',
    expect: [
      ['lib', 'variable.parameter'],
      ['fetchurl', 'variable.parameter'],
      ['pkgs', 'variable.parameter'],
      ['<nixpkgs>', 'string.unquoted.path.search'],
      ['fetchurl', 'variable.other'],
    ],
  },
  {
    name: 'trailing-comma formals, one per line',
    source: '{\n  lib,\n  stdenv,\n}:\n{ }',
    expect: [
      ['lib', 'variable.parameter'],
      ['stdenv', 'variable.parameter'],
      [':', 'punctuation.separator.lambda'],
    ],
  },
  {
    name: 'args@ before formals, default holding an attribute set',
    source: 'args@{ a ? { x = 1; }, b }: b',
    expect: [
      ['args', 'variable.parameter'],
      ['a', 'variable.parameter'],
      ['x', 'entity.other.attribute-name'],
      ['b', 'variable.parameter'],
      ['b', 'variable.other'],
    ],
  },
  {
    name: 'attribute paths in bindings, quoted and dynamic names',
    source: '{ foo.bar = 1; "baz-qux" = 2; ${n} = 3; }',
    expect: [
      ['foo', 'entity.other.attribute-name'],
      ['bar', 'entity.other.attribute-name'],
      ['=', 'keyword.operator.bind'],
      ['"baz-qux"', 'string.quoted.double'],
      ['n', 'variable.other'],
    ],
  },
  {
    name: 'with inside a binding value does not end the binding',
    source: '{\n  buildInputs = with pkgs; [ zlib ];\n  meta.x = 1;\n}',
    expect: [
      ['buildInputs', 'entity.other.attribute-name'],
      ['zlib', 'variable.other'],
      ['meta', 'entity.other.attribute-name'],
    ],
  },
  {
    name: 'simple lambdas',
    source: 'x: y: x + y',
    expect: [
      ['x', 'variable.parameter'],
      ['y', 'variable.parameter'],
      ['x', 'variable.other'],
      ['+', 'keyword.operator.arithmetic'],
    ],
  },
  {
    name: "names with '-' and '''",
    source: "{ python3-foo' = x-y; } // { a = pkgs.python3.pkgs.foo-bar'; }",
    expect: [
      ["python3-foo'", 'entity.other.attribute-name'],
      ['x-y', 'variable.other'],
      ["foo-bar'", 'variable.other.member'],
    ],
  },
];

for (const c of cases) {
  test(`grammar: ${c.name}`, () => check(c.source, c.expect));
}

test('grammar: every include points into the repository', () => {
  const grammar = JSON.parse(readFileSync(grammarPath, 'utf8')) as { scopeName: string; repository: object };
  assert.equal(grammar.scopeName, 'source.nix');
  const includes = [...JSON.stringify(grammar).matchAll(/"include":"#([^"]+)"/g)].map((m) => m[1]);
  const missing = includes.filter((name) => !(name in grammar.repository));
  assert.deepEqual(missing, []);
});

test('language configuration: comments, pairs, words, indentation', () => {
  const config = JSON.parse(readFileSync(languageConfigurationPath, 'utf8')) as {
    comments: { lineComment: string; blockComment: [string, string] };
    autoClosingPairs: { open: string; close: string }[];
    wordPattern: string;
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
  assert.ok(config.autoClosingPairs.some((p) => p.open === '${' && p.close === '}'));
  const words = "python3-foo' = x.y".match(new RegExp(config.wordPattern, 'g'));
  assert.deepEqual(words, ["python3-foo'", 'x', 'y']);
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['{', '  a = [', 'let', "  script = ''", '  b = f ( # why']) assert.match(line, increase);
  for (const line of ['{ a = 1; }', '  inherit a;']) assert.doesNotMatch(line, increase);
  for (const line of ['}', '  ];', 'in', "  '';"]) assert.match(line, decrease);
  assert.doesNotMatch('  inherit a;', decrease);
});
