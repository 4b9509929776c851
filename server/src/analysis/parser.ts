import { Language, Parser, type Tree } from 'web-tree-sitter';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { installFastTreeReader } from './treeReader';

/** Finds a WASM file next to the bundle (dist/) or, when run from source, in node_modules. */
function locateWasm(fileName: string, packagePath: string): string {
  const besideBundle = path.join(__dirname, fileName);
  if (existsSync(besideBundle)) return besideBundle;
  return require.resolve(packagePath);
}

let languagePromise: Promise<Language> | undefined;

/** How long one parse may take unless `NixParser.create` is told: `NIX_DOMAINS_PARSE_BUDGET_MS`, else 5 s. */
export function defaultParseBudgetMs(): number {
  const fromEnv = Number(process.env.NIX_DOMAINS_PARSE_BUDGET_MS);
  return process.env.NIX_DOMAINS_PARSE_BUDGET_MS && Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : 5000;
}

export interface ParserOptions {
  /** Milliseconds one parse may take (default: `defaultParseBudgetMs()`); a parse still running then is cut off. */
  budgetMs?: number;
}

async function loadLanguage(): Promise<Language> {
  const binding: Record<string, unknown> = {
    locateFile: () => locateWasm('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm'),
  };
  await Parser.init(binding);
  fastTransfer(binding);
  const language = await Language.load(locateWasm('tree-sitter-nix.wasm', '@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm'));
  const parser = new Parser();
  try {
    parser.setLanguage(language);
    installFastTreeReader(binding, parser);
  } finally {
    parser.delete();
  }
  return language;
}

/** Whether the parser's binding reads and writes 32-bit values directly (see `fastTransfer`). */
let transferIsFast = false;

/** Whether `fastTransfer` took effect in this process (a test keeps it from silently going away). */
export function fastTransferInstalled(): boolean {
  return transferIsFast;
}

type SetValue = (ptr: number, value: number, type?: string) => void;
type GetValue = (ptr: number, type?: string) => number;

/**
 * web-tree-sitter passes every node between JavaScript and WASM through `setValue`/`getValue`,
 * which look at their type string and then go through a DataView: most of the time indexing
 * spends outside the parse itself. The binding object given to `Parser.init` is the module
 * those functions live on, so their 32-bit case is replaced with a direct typed-array access
 * (read from the binding on every call, since the views are replaced when memory grows), after
 * checking on a scratch word that both paths agree. Anything unexpected leaves the originals.
 */
function fastTransfer(binding: Record<string, unknown>): void {
  const set = binding.setValue as SetValue | undefined;
  const get = binding.getValue as GetValue | undefined;
  const malloc = binding._malloc as ((size: number) => number) | undefined;
  const free = binding._free as ((ptr: number) => void) | undefined;
  if (!set || !get || !malloc || !free || !(binding.HEAP32 instanceof Int32Array)) return;
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) return; // WASM memory is little-endian
  const fastSet: SetValue = (ptr, value, type) => {
    if (type === 'i32') (binding.HEAP32 as Int32Array)[ptr >> 2] = value;
    else set(ptr, value, type);
  };
  const fastGet: GetValue = (ptr, type) => (type === 'i32' ? (binding.HEAP32 as Int32Array)[ptr >> 2]! : get(ptr, type));
  const scratch = malloc(8);
  try {
    fastSet(scratch, -123456789, 'i32');
    set(scratch + 4, 987654321, 'i32');
    if (get(scratch, 'i32') !== -123456789 || fastGet(scratch + 4, 'i32') !== 987654321) return;
  } finally {
    free(scratch);
  }
  binding.setValue = fastSet;
  binding.getValue = fastGet;
  transferIsFast = true;
}

/** A Nix parser. Parsing never fails: a file with syntax errors still yields a tree with ERROR nodes. */
export class NixParser {
  /** Set when the last parse was cancelled for taking longer than the budget. */
  timedOut = false;
  /** Milliseconds one parse may take; pathological input (a 100,000-long selection chain) is cut off. */
  budgetMs: number;

  private constructor(
    private readonly parser: Parser,
    options: ParserOptions,
  ) {
    this.budgetMs = options.budgetMs ?? defaultParseBudgetMs();
  }

  /** Loads the grammar once per process and returns a ready parser. */
  static async create(options: ParserOptions = {}): Promise<NixParser> {
    languagePromise ??= loadLanguage();
    const language = await languagePromise;
    const parser = new Parser();
    parser.setLanguage(language);
    return new NixParser(parser, options);
  }

  /** Parses Nix source; positions in the tree are exact positions in `text`. */
  parse(text: string): Tree {
    const deadline = Date.now() + this.budgetMs;
    // Returning true from the progress callback cancels the parse (the typings say void). Tree-sitter
    // calls it every hundred or so steps, so a budget of 0 cuts off any parse that reaches the first call.
    const progressCallback = (() => Date.now() >= deadline) as unknown as () => void;
    let tree = this.parser.parse(blankTrailingCommas(text), null, { progressCallback });
    this.timedOut = tree === null;
    if (!tree) {
      this.parser.reset();
      tree = this.parser.parse('');
    }
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}

/** A comma followed by blanks and then `}`, `#` or `/`: the only commas `blankTrailingCommas` may blank. */
const MAY_TRAIL = /,\s*[}#/]/;

enum Mode {
  Code,
  String,
  IndentedString,
}

/**
 * Replaces each comma that is followed (after whitespace and comments) by `}` with a space.
 * Outside strings and comments, commas only occur in function formals, so these are exactly
 * the trailing commas of formals, which this grammar build rejects. Length-preserving, so
 * every position in the tree stays exact.
 */
export function blankTrailingCommas(text: string): string {
  // A comma the scan blanks is followed by blanks and then `}` or a comment: where no comma is
  // (most files), the scan below is skipped. It was a tenth of an index worker's time outside the parse.
  if (!MAY_TRAIL.test(text)) return text;
  const commas: number[] = [];
  // Each entry is the mode to return to; Code entries opened by `${` count their braces.
  const stack: { mode: Mode; braces: number }[] = [{ mode: Mode.Code, braces: 0 }];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const top = stack[stack.length - 1];
    const c = text[i];
    if (top.mode === Mode.Code) {
      if (c === '#') {
        i = skipLine(text, i);
        continue;
      }
      if (c === '/' && text[i + 1] === '*') {
        i = skipBlockComment(text, i);
        continue;
      }
      if (c === '"') {
        stack.push({ mode: Mode.String, braces: 0 });
        i++;
        continue;
      }
      if (c === "'" && text[i + 1] === "'") {
        stack.push({ mode: Mode.IndentedString, braces: 0 });
        i += 2;
        continue;
      }
      if (c === '{') {
        top.braces++;
        i++;
        continue;
      }
      if (c === '}') {
        if (top.braces === 0 && stack.length > 1) {
          stack.pop();
          i++;
          continue;
        }
        top.braces = Math.max(0, top.braces - 1);
        i++;
        continue;
      }
      if (c === ',' && nextSignificant(text, i + 1) === '}') commas.push(i);
      i++;
      continue;
    }
    if (top.mode === Mode.String) {
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '"') {
        stack.pop();
        i++;
        continue;
      }
      if (c === '$' && text[i + 1] === '{') {
        stack.push({ mode: Mode.Code, braces: 0 });
        i += 2;
        continue;
      }
      i++;
      continue;
    }
    // Indented string: '' closes unless it escapes ('''  ''$  ''\x).
    if (c === "'" && text[i + 1] === "'") {
      const after = text[i + 2];
      if (after === "'" || after === '$') {
        i += 3;
        continue;
      }
      if (after === '\\') {
        i += 4;
        continue;
      }
      stack.pop();
      i += 2;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      stack.push({ mode: Mode.Code, braces: 0 });
      i += 2;
      continue;
    }
    i++;
  }
  if (commas.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const at of commas) {
    parts.push(text.slice(from, at), ' ');
    from = at + 1;
  }
  parts.push(text.slice(from));
  return parts.join('');
}

function skipLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

function skipBlockComment(text: string, i: number): number {
  const end = text.indexOf('*/', i + 2);
  return end < 0 ? text.length : end + 2;
}

/** The next character that is not whitespace or inside a comment. */
function nextSignificant(text: string, i: number): string | undefined {
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      i = skipLine(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = skipBlockComment(text, i);
      continue;
    }
    return c;
  }
  return undefined;
}
