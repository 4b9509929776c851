// Property-based fuzzing: mutated Nix (the fixture domain's files with random characters, bytes,
// braces, quotes, `${`, comment openers and truncations) fed to the parser, the extractor, the
// trailing-comma rewrite, the domain index and every feature; mutated stubs fed to the stub
// validators. A fixed number of runs here; `FUZZ_RUNS=N` (or `npm run fuzz`) for more.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { Analyzer } from '../../server/src/analysis/analyzer';
import { DomainIndex } from '../../server/src/analysis/domainIndex';
import { extractFacts, type FileFacts } from '../../server/src/analysis/facts';
import { completion } from '../../server/src/analysis/features/completion';
import { definition } from '../../server/src/analysis/features/definition';
import { diagnostics } from '../../server/src/analysis/features/diagnostics';
import { hover } from '../../server/src/analysis/features/hover';
import { unresolvedNameAt } from '../../server/src/analysis/features/locate';
import { manifestDiagnostics } from '../../server/src/analysis/features/manifestDiagnostics';
import { references } from '../../server/src/analysis/features/references';
import { documentSymbols, workspaceSymbols } from '../../server/src/analysis/features/symbols';
import { blankTrailingCommas, NixParser } from '../../server/src/analysis/parser';
import { buildStub } from '../../server/src/analysis/stubs/generate';
import type { StubRoot } from '../../server/src/analysis/stubs/format';
import {
  parseJson,
  StubFormatError,
  validateIndex,
  validateReverse,
  validateRoot,
  validateShard,
  verifyPart,
} from '../../server/src/analysis/stubs/validate';
import { FIXTURE } from '../helpers';

/** Runs per property: small in CI (the whole file well under a minute), FUZZ_RUNS for more. */
// biome-ignore lint/complexity/useMathMinMax: Math.max would keep NaN (an unset or malformed FUZZ_RUNS), the ternary gives 0
const RUNS = Number(process.env.FUZZ_RUNS) > 0 ? Number(process.env.FUZZ_RUNS) : 0;
const runs = (ci: number) => ({ numRuns: RUNS || ci, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) });

function nixFiles(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel)).flatMap((name) => {
    const file = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, file)).isDirectory()) return nixFiles(dir, file);
    return file.endsWith('.nix') ? [file] : [];
  });
}

const FILES = nixFiles(FIXTURE).filter((f) => statSync(path.join(FIXTURE, f)).size < 64 * 1024);
const TEXTS = new Map(FILES.map((f) => [f, readFileSync(path.join(FIXTURE, f), 'utf8')]));

/** Pieces that break Nix in interesting ways: unbalanced brackets, strings, interpolation, comments. */
const NASTY = [
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '"',
  "''",
  '${',
  '#',
  '/*',
  '*/',
  ';',
  ',',
  '=',
  ':',
  '.',
  '\\',
  '\n',
  '\r\n',
  '\ufeff',
  '\u0000',
  'inherit',
  'let',
  'in',
  'with',
  'rec',
  '...',
  '?',
  '@',
];

type Mutation =
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; text: string }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(text: string, mutations: Mutation[]): string {
  for (const m of mutations) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
    else if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
    else if (m.kind === 'replace') text = text.slice(0, at) + m.text + text.slice(at + 1);
    else text = text.slice(0, at);
  }
  return text;
}

/** A fixture file, mutated: its path and the new text. */
const mutatedFile = fc
  .record({ file: fc.constantFrom(...FILES), mutations: fc.array(mutation, { minLength: 1, maxLength: 6 }) })
  .map(({ file, mutations }) => ({ file, text: mutate(TEXTS.get(file)!, mutations) }));

/** Generated Nix-ish text from the nasty pieces and identifiers, with no fixture behind it. */
const generatedNix = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.constantFrom(' ', 'x', 'pkgs', 'lib', 'a.b', '1', '"s"', 'callPackage ./x.nix { }')), {
    maxLength: 200,
  })
  .map((parts) => parts.join(' '));

let parser: NixParser;
let analyzer: Analyzer;
let stubFiles: Map<string, Buffer>;
let stubRoot: StubRoot;
before(async () => {
  parser = await NixParser.create();
  analyzer = await Analyzer.create(FIXTURE, 'nixpkgs', { indexWorkers: 0, cacheDir: null, log: () => {} });
  await analyzer.indexAll();
  const built = await buildStub(analyzer, 'f'.repeat(40));
  stubFiles = built.files;
  stubRoot = built.root;
});

function factsOf(file: string, text: string): FileFacts {
  const tree = parser.parse(text);
  try {
    return extractFacts(file, tree, parser.timedOut);
  } finally {
    tree.delete();
  }
}

test('the parser and the extractor never throw on mutated or generated Nix', () => {
  // What the fuzzer found once: `callPackage` selected from something that is no name.
  for (const text of ['"s" . callPackage ./x.nix { }', '(f x).callPackage ./x.nix { }', '"s".import ./x.nix']) {
    assert.equal(factsOf('pkgs/by-name/ge/gen/package.nix', text).path, 'pkgs/by-name/ge/gen/package.nix', text);
  }
  fc.assert(
    fc.property(
      fc.oneof(
        mutatedFile,
        generatedNix.map((text) => ({ file: 'pkgs/by-name/ge/gen/package.nix', text })),
      ),
      ({ file, text }) => {
        const facts = factsOf(file, text);
        assert.equal(facts.path, file);
        JSON.stringify(facts); // plain data: it goes to the cache and across worker threads
      },
    ),
    runs(1000),
  );
});

test('blankTrailingCommas keeps the length and only turns commas into spaces', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        mutatedFile.map((m) => m.text),
        generatedNix,
        fc.string(),
      ),
      (text) => {
        const out = blankTrailingCommas(text);
        assert.equal(out.length, text.length);
        for (let i = 0; i < text.length; i++) if (out[i] !== text[i]) assert.ok(text[i] === ',' && out[i] === ' ', `position ${i}`);
      },
    ),
    runs(500),
  );
});

/** The index's public maps, as comparable data. */
function snapshot(index: DomainIndex): string {
  const keyed = (m: Map<string, unknown[]>) =>
    [...m]
      .filter(([, v]) => v.length > 0)
      .map(([k, v]) => `${k}:${v.length}`)
      .sort();
  return JSON.stringify({
    files: [...index.files.keys()].sort(),
    byName: keyed(index.bindingsByName),
    callers: keyed(index.callersByTarget),
    byNamePackages: [...index.byNameByName.keys()].sort(),
  });
}

test('the domain index stays consistent under setFile/removeFile sequences, and is empty after removing every file', () => {
  const step = fc.oneof(
    fc.record({ op: fc.constant('set' as const), file: mutatedFile }),
    fc.record({ op: fc.constant('setOriginal' as const), file: fc.constantFrom(...FILES) }),
    fc.record({ op: fc.constant('remove' as const), file: fc.constantFrom(...FILES) }),
  );
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
      const index = new DomainIndex(FIXTURE, 'nixpkgs');
      const final = new Map<string, FileFacts>();
      for (const s of steps) {
        if (s.op === 'remove') {
          index.removeFile(s.file);
          final.delete(s.file);
        } else {
          const facts = s.op === 'set' ? factsOf(s.file.file, s.file.text) : factsOf(s.file, TEXTS.get(s.file)!);
          index.setFile(facts);
          final.set(facts.path, facts);
        }
      }
      // The same files set once, in order, give the same maps.
      const fresh = new DomainIndex(FIXTURE, 'nixpkgs');
      for (const facts of final.values()) fresh.setFile(facts);
      assert.equal(snapshot(index), snapshot(fresh));
      for (const file of [...index.files.keys()]) index.removeFile(file);
      assert.equal(index.files.size, 0);
      assert.equal(snapshot(index), snapshot(new DomainIndex(FIXTURE, 'nixpkgs')));
    }),
    runs(200),
  );
});

test('every feature answers at random positions of mutated documents without throwing', async () => {
  const position = fc.record({ line: fc.integer({ min: -1, max: 120 }), character: fc.integer({ min: -1, max: 200 }) });
  let version = 1;
  await fc.assert(
    fc.asyncProperty(
      mutatedFile,
      fc.array(position, { minLength: 1, maxLength: 8 }),
      fc.string({ maxLength: 6 }),
      async ({ file, text }, positions, query) => {
        const doc = analyzer.openDocument(file, text, ++version);
        try {
          for (const pos of positions) {
            definition(analyzer, doc, pos);
            hover(analyzer, doc, pos);
            references(analyzer, doc, pos, true);
            completion(analyzer, doc, pos);
            unresolvedNameAt(analyzer, doc, pos);
          }
          documentSymbols(doc);
          diagnostics(analyzer, file, { unknownInputs: true });
          workspaceSymbols(analyzer, query);
        } finally {
          await analyzer.closeDocument(file);
        }
      },
    ),
    runs(400),
  );
});

test('manifest diagnostics never throw on mutated manifests', () => {
  const manifest = JSON.stringify(
    {
      domain: 'rust',
      domains: { core: { path: '../core', stubs: 'https://x/', rev: 'a'.repeat(40) } },
      waves: { steps: [['glibc']] },
      impact: { stdenv: ['gcc'] },
    },
    null,
    2,
  );
  fc.assert(
    fc.property(fc.array(mutation, { maxLength: 6 }), (mutations) => {
      for (const d of manifestDiagnostics(mutate(manifest, mutations), 'rust')) assert.ok(d.span[0] >= 0 && d.span[1] >= 0);
    }),
    runs(300),
  );
});

// ---- stubs ----------------------------------------------------------------------------------

/** A JSON value with one place replaced, deleted, or retyped. */
function mutateJson(value: unknown, path_: number[], replacement: unknown, op: 'replace' | 'delete'): unknown {
  if (path_.length === 0 || value === null || typeof value !== 'object') return op === 'replace' ? replacement : undefined;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as object);
  if (entries.length === 0) return op === 'replace' ? replacement : value;
  const [key, child] = entries[path_[0]! % entries.length]!;
  const next = mutateJson(child, path_.slice(1), replacement, op);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (next === undefined) copy.splice(Number(key), 1);
    else copy[Number(key)] = next;
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as object) };
  if (next === undefined) delete copy[key];
  else copy[key] = next;
  return copy;
}

/** Validates any stub file as the loader would; only StubFormatError may come out. */
function load(name: string, bytes: Buffer | string): void {
  try {
    const data = parseJson(bytes, name);
    if (name === 'root.json') validateRoot(data, stubRoot.domain, stubRoot.revision);
    else if (name === 'index.json') validateIndex(data);
    else if (name.includes('reverse')) validateReverse(data, stubRoot);
    else {
      const i = stubRoot.shards.findIndex((s) => s.file === name);
      if (i >= 0) validateShard(data, stubRoot, i);
      else validateReverse(data, stubRoot);
    }
    const ref = [...stubRoot.shards, ...(stubRoot.reverse ? [stubRoot.reverse] : [])].find((r) => r.file === name);
    if (ref) verifyPart(Buffer.from(bytes), ref, name);
  } catch (err) {
    if (!(err instanceof StubFormatError)) throw new Error(`${name}: ${String(err)} is not a StubFormatError`, { cause: err });
  }
}

test('stub validators accept or throw StubFormatError on mutated stubs, never anything else', () => {
  const names = [...stubFiles.keys()].filter((n) => n.endsWith('.json'));
  assert.ok(names.includes('root.json'));
  const jsonMutation = fc.record({
    name: fc.constantFrom(...names),
    path: fc.array(fc.nat(), { maxLength: 6 }),
    op: fc.constantFrom('replace' as const, 'delete' as const),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(
        -1,
        1e12,
        Number.MAX_SAFE_INTEGER,
        0.5,
        '',
        '../../etc/passwd',
        '/etc/passwd',
        'C:/x',
        'a'.repeat(20_000),
        [],
        {},
        null,
      ),
    ),
  });
  fc.assert(
    fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      for (const m of mutations) {
        const data = JSON.parse(stubFiles.get(m.name)!.toString('utf8')) as unknown;
        load(m.name, JSON.stringify(mutateJson(data, m.path, m.value, m.op) ?? null));
      }
    }),
    runs(300),
  );
  fc.assert(
    fc.property(fc.constantFrom(...names), fc.array(mutation, { minLength: 1, maxLength: 4 }), (name, mutations) => {
      load(name, mutate(stubFiles.get(name)!.toString('utf8'), mutations));
    }),
    runs(300),
  );
});
