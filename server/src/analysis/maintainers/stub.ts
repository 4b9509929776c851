import { type HandleIndex, HandleIndexBuilder, type HandleEntry } from './index';

/**
 * The handle index as a stub carries it: one array per column, entries in file order (so
 * the same file always gives the same JSON), `null` for a missing name or GitHub handle.
 */
export interface HandleIndexJson {
  format: typeof FORMAT;
  version: typeof VERSION;
  handle: string[];
  start: number[];
  /** end − start. */
  length: number[];
  line: number[];
  column: number[];
  name: (string | null)[];
  /** `null` when absent; `0` when equal to the handle (most are). */
  github: (string | null | 0)[];
}

const FORMAT = 'nix-domains/handle-index';
const VERSION = 1;
const MAX_HANDLE_LENGTH = 1024;
const MAX_TEXT_LENGTH = 1024;

/** Thrown for stub data that is not a handle index this code can trust. */
class HandleIndexFormatError extends Error {}

/** The index as JSON-friendly columns, for a stub. */
export function handleIndexToJson(index: HandleIndex): HandleIndexJson {
  const json: HandleIndexJson = {
    format: FORMAT,
    version: VERSION,
    handle: [],
    start: [],
    length: [],
    line: [],
    column: [],
    name: [],
    github: [],
  };
  for (const e of index) {
    json.handle.push(e.handle);
    json.start.push(e.start);
    json.length.push(e.end - e.start);
    json.line.push(e.line);
    json.column.push(e.column);
    json.name.push(e.name ?? null);
    json.github.push(e.github === undefined ? null : e.github === e.handle ? 0 : e.github);
  }
  return json;
}

/** Rebuilds an index from stub data, refusing anything malformed with a message saying what. */
export function handleIndexFromJson(data: unknown): HandleIndex {
  const fail = (why: string): never => {
    throw new HandleIndexFormatError(`handle index in stub is invalid: ${why}`);
  };
  if (typeof data !== 'object' || data === null) return fail('not an object');
  const json = data as Partial<Record<keyof HandleIndexJson, unknown>>;
  if (json.format !== FORMAT) fail(`format is ${JSON.stringify(json.format)}, expected "${FORMAT}"`);
  if (json.version !== VERSION) fail(`version ${JSON.stringify(json.version)} is not supported (expected ${VERSION})`);
  const columns = ['handle', 'start', 'length', 'line', 'column', 'name', 'github'] as const;
  for (const key of columns) if (!Array.isArray(json[key])) fail(`"${key}" is not an array`);
  const j = json as HandleIndexJson;
  const n = j.handle.length;
  for (const key of columns) if (j[key].length !== n) fail(`"${key}" has ${j[key].length} items, "handle" has ${n}`);

  const count = (v: unknown, what: string, i: number): number =>
    Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
      ? (v as number)
      : fail(`${what} of entry ${i} is not a valid count`);
  const text = (v: unknown, what: string, i: number, max: number): string =>
    typeof v === 'string' && v.length <= max ? v : fail(`${what} of entry ${i} is not a valid string`);

  const builder = new HandleIndexBuilder(n);
  let previousEnd = 0;
  let previousLine = 0;
  for (let i = 0; i < n; i++) {
    const handle = text(j.handle[i], 'handle', i, MAX_HANDLE_LENGTH);
    const start = count(j.start[i], 'start', i);
    const end = start + count(j.length[i], 'length', i);
    const line = count(j.line[i], 'line', i);
    // Ranges are used for reads (HTTP Range, blob slices): they must be ordered and disjoint.
    if (start < previousEnd || end > 0xffffffff) fail(`entry ${i} (${handle}) overlaps the one before`);
    if (line < previousLine) fail(`entry ${i} (${handle}) has a line before the one before`);
    const entry: HandleEntry = { handle, start, end, line, column: count(j.column[i], 'column', i) };
    if (j.name[i] !== null) entry.name = text(j.name[i], 'name', i, MAX_TEXT_LENGTH);
    const github = j.github[i];
    if (github === 0) entry.github = handle;
    else if (github !== null) entry.github = text(github, 'github', i, MAX_TEXT_LENGTH);
    builder.push(entry);
    previousEnd = end;
    previousLine = line;
  }
  return builder.build();
}
