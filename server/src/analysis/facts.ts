// What one file contributes to the index (`FileFacts`), extracted from its syntax tree once:
// the file's value past its functions (a summarised `Val`: values.ts, applications.ts), its
// formals and how they are used, its derivation's facts, what it imports, its syntax errors.
import type { Tree } from 'web-tree-sitter';
import type { SyntaxNode as Node } from './syntaxTree';
import { withFlatTree } from './treeReader';
import path from 'node:path';
import { ApplicationReader } from './applications';
import { findDerivation, isAttrset, topBindings } from './derivationFacts';
import { decorates, type FileFacts, type Formal, type Val } from './factTypes';
import { importedPaths, mentionsOutputHash, returnsFunction, STDENV_FILES, stageNames, TOP_LEVEL_DIR } from './fileTraits';
import { libcSets } from './libcSets';
import { resolvePathLiteral } from './syntax';
import { usedFormals } from './formalUse';
import { failingAssertion, literalFlags } from './conditions';
import { forEach, spanOf, unparen, type Span } from './syntax';
import { formalsOf } from './formalsOf';

export type { DrvFacts } from './derivationFacts';
export { callOf, decorates, type Attr, type FileFacts, type Formal, type Val } from './factTypes';

/** The extractor's version: bump it whenever extraction changes, so on-disk index caches are rebuilt. */
export const FACTS_VERSION = 65;

const MAX_ERRORS = 50;

/** Extracts a file's facts from its syntax tree (or records that its parse was cut off). */
export function extractFacts(filePath: string, tree: Tree, timedOut = false): FileFacts {
  if (timedOut) {
    return {
      path: filePath,
      errors: [],
      value: { k: 'other', span: [0, 0, 0, 0] },
      problem: 'Parsing this file took too long (pathological nesting?); it is left out of the index.',
    };
  }
  return withFlatTree(tree, (root) => new Extractor(filePath).run(root));
}

/** The reader of a whole file: its functions peeled, its value, and what else the index keeps. */
class Extractor extends ApplicationReader {
  run(root: Node): FileFacts {
    const facts: FileFacts = { path: this.file, errors: syntaxErrors(root), value: { k: 'other', span: spanOf(root) } };
    let body: Node | null = root.namedChildren.find((c) => c!.type !== 'comment') ?? null;
    // Peel the file's functions: `{ lib, ... }:`, `self: super:`, `{ ... }: res: pkgs: super:`.
    let functions = 0;
    body =
      body &&
      this.peel(body, (fn) => {
        functions++;
        const formals = fn.childForFieldName('formals');
        const withUses = (list: Formal[]) => usedFormals(fn, list);
        if (formals && !facts.formals) {
          facts.formals = withUses(formalsOf(formals));
          const asserted = failingAssert(fn, formals);
          if (asserted) facts.failingAssert = asserted;
        } else if (formals && functions === 2) facts.innerFormals = withUses(formalsOf(formals));
      });
    if (facts.formals && (functions >= 2 || (body !== null && returnsFunction(body)))) facts.curried = true;
    // The whole-tree walks below cost more than the rest of the extraction: each runs only where
    // its answer is read (a cheap look at the text first).
    const text = root.text;
    if (text.includes('outputHash') && mentionsOutputHash(root)) facts.fixedOutput = true;
    if (body) facts.value = this.valueOf(body);
    // A flake's package set is its `packages.<system>` (what `nix build .#name` selects from);
    // a flake without one defines no packages (its `tests`, `lib`, `checks` are none).
    if (path.posix.basename(this.file) === 'flake.nix' && body) {
      facts.value = this.flakePackages(body) ?? { k: 'other', span: facts.value.span };
    }
    // `stdenv.mkDerivation { … } // lib.optionalAttrs … { … }`: the file still builds that derivation.
    const value = facts.value;
    const decorated = value.k === 'set' && value.also?.find((v) => (v.k === 'inline' || v.k === 'call') && decorates(value, v));
    if (decorated) facts.value = decorated;
    // A package set's members may be derivations; the set itself is not one.
    // The value already summarised the derivation when the file's value is one; search only otherwise.
    const drv = facts.value.k === 'inline' ? facts.value.drv : facts.value.k === 'set' ? undefined : findDerivation(root);
    if (drv) facts.drv = drv;
    // Imports matter where the top-level set is composed (DomainIndex.isTopLevelFile), and for which
    // files the set reaches at all (dependencyGraph.ts, reachedFiles).
    const imports = text.includes('import') ? importedPaths(root, this.file) : [];
    if (imports.length > 0) facts.imports = imports;
    // What bootstrap stages name matters in stdenv's own files (impact/stdenv.ts).
    const passed: { name: string; formal: string; path: string }[] = [];
    const byLibc: Record<string, string[]> = {};
    const stages = STDENV_FILES.test(this.file) ? stageNames(root, passed, byLibc) : [];
    if (stages.length > 0) facts.stageNames = stages;
    if (Object.keys(byLibc).length > 0) facts.libcStageNames = byLibc;
    const stageArgs = passed.flatMap(({ name, formal, path }) => {
      const file = resolvePathLiteral(this.file, path);
      return file === undefined ? [] : [{ name, formal, file }];
    });
    if (stageArgs.length > 0) facts.stageArgs = stageArgs;
    // The package sets made for another libc matter where the top-level set is composed (stage.nix).
    const sets = TOP_LEVEL_DIR.test(this.file) && /abis\.musl|libc\s*=\s*"musl"/.test(text) ? libcSets(root) : undefined;
    if (sets) facts.libcSets = sets;
    return facts;
  }

  /**
   * The package set of a flake: `outputs`' `packages` (or `legacyPackages`) for one system, seen
   * through the per-system helpers flakes use (`forAllSystems (pkgs: { … })`,
   * `genAttrs systems (system: { … })`, or a set keyed by system).
   */
  private flakePackages(body: Node): Val | undefined {
    if (!isAttrset(body)) return undefined;
    const outputs = topBindings(body).get('outputs')?.childForFieldName('expression');
    const depth = this.scopes.length;
    try {
      const result = outputs && this.peel(outputs);
      if (!result || !isAttrset(result)) return undefined;
      const bindings = topBindings(result);
      const binding = bindings.get('packages') ?? bindings.get('legacyPackages');
      let expression = binding?.type === 'binding' ? binding.childForFieldName('expression') : null;
      for (let guard = 0; expression && guard < 8; guard++) {
        const node = unparen(expression);
        if (node.type === 'apply_expression') {
          // The per-system function is the last argument: its body is one system's set.
          const argument = node.childForFieldName('argument');
          const fn = argument && unparen(argument);
          // Not a per-system function: the package set itself (`import ./. { inherit system; }`).
          if (fn?.type !== 'function_expression') return this.valueOf(node);
          expression = this.peel(fn);
        } else if (isAttrset(node)) {
          const systems = [...topBindings(node).keys()].filter((k) => /-(linux|darwin)$/.test(k));
          if (systems.length === 0) return this.valueOf(node);
          const first = topBindings(node).get(systems[0]!);
          expression = first?.type === 'binding' ? first.childForFieldName('expression') : null;
        } else {
          expression = this.peel(node);
          if (expression === node) break;
        }
      }
      return undefined;
    } finally {
      this.scopes.length = depth;
    }
  }
}

/**
 * The formals with a default that the condition reads of an `assert` the function's body makes
 * first and that does not hold on x86_64-linux under its defaults (port.nix: `assert
 * (!stdenv.hostPlatform.isDarwin) -> maloader != null;` with `maloader ? null`), or undefined.
 */
function failingAssert(fn: Node, formals: Node): string[] | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  const flags = literalFlags(formals);
  const defaulted = new Set<string>();
  for (const formal of formals.childrenForFieldName('formal')) {
    const name = formal?.childForFieldName('name')?.text;
    const fallback = formal?.childForFieldName('default');
    if (!name || !fallback) continue;
    defaulted.add(name);
    // In the body a null default is what the call leaves null: `maloader != null` does not hold.
    if (unparen(fallback).text === 'null') flags.set(`${name}==null`, true);
  }
  const condition = failingAssertion(body, flags);
  if (!condition) return undefined;
  const read = new Set<string>();
  forEach(condition, (node) => {
    if (node.type === 'variable_expression' && defaulted.has(node.text)) read.add(node.text);
  });
  return [...read];
}

function syntaxErrors(root: Node): Span[] {
  const errors: Span[] = [];
  if (!root.hasError) return errors;
  forEach(root, (node) => {
    if (errors.length >= MAX_ERRORS) return false;
    if (node.isError || node.isMissing) {
      errors.push(spanOf(node));
      return false;
    }
    return node.hasError;
  });
  return errors;
}
