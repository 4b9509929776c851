// Conditions on versions: Nix's `compareVersions`, `lib.versionAtLeast version "2.21pre"` of a
// version a caller passes, and `atLeast "6"` where a `let` binds `atLeast = lib.versionAtLeast
// majorMinorVersion` of a known version (gcc's all.nix, for each version its list maps).
import type { SyntaxNode as Node } from './syntaxTree';
import { applicationParts, literalString, referencePath, unparen } from './syntax';

const COMPARISONS = ['versionAtLeast', 'versionOlder'] as const;

/** The flags that record a string flag's value (`type ? ""`, `type = "lib"`): whether it is known, and what it equals. */
export function setText(flags: Map<string, boolean>, name: string, text: string): void {
  flags.set(`${name}:text`, true);
  flags.set(`${name}==${JSON.stringify(text)}`, true);
}

/** A string flag's value as setText recorded it, or undefined. */
function textOf(flags: ReadonlyMap<string, boolean>, name: string): string | undefined {
  if (!flags.has(`${name}:text`)) return undefined;
  const prefix = `${name}==`;
  for (const key of flags.keys()) if (key.startsWith(prefix)) return JSON.parse(key.slice(prefix.length)) as string;
  return undefined;
}

/** A version operand: a name whose value is known, or a string literal. */
function operand(node: Node, known: (name: string) => string | undefined): string | undefined {
  const n = unparen(node);
  const path = referencePath(n);
  return path?.length === 1 ? known(path[0]!) : literalString(n);
}

function compared(fn: (typeof COMPARISONS)[number], a: string | undefined, b: string | undefined): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  return fn === 'versionAtLeast' ? compareVersions(a, b) >= 0 : compareVersions(a, b) < 0;
}

/**
 * `lib.versionAtLeast majorMinorVersion "6"` (or `versionOlder`) of a version the flags know, and
 * `atLeast "6"` where a `let` made `atLeast` of one (`partialVersion`); else undefined.
 */
export function appliedVersion(node: Node, flags: ReadonlyMap<string, boolean>): boolean | undefined {
  const { head, args, complete } = applicationParts(node, 2);
  const path = complete ? referencePath(head) : undefined;
  const name = path?.at(-1);
  if (!path || !name) return undefined;
  const known = (n: string) => textOf(flags, n);
  const fn = COMPARISONS.find((c) => c === name);
  if (fn && args.length === 2) return compared(fn, operand(args[0]!, known), operand(args[1]!, known));
  if (path.length !== 1 || args.length !== 1) return undefined;
  for (const c of COMPARISONS) {
    const version = textOf(flags, `${name}:${c}`);
    if (version !== undefined) return compared(c, version, operand(args[0]!, known));
  }
  return undefined;
}

/**
 * A `let` binding of a comparison applied to a known version only (`atLeast = lib.versionAtLeast
 * majorMinorVersion;`): recorded in the flags, so `atLeast "6"` is known; whether it was one.
 */
export function partialVersion(name: string, expression: Node, flags: Map<string, boolean>): boolean {
  const { head, args, complete } = applicationParts(unparen(expression), 2);
  const fn = complete && args.length === 1 ? COMPARISONS.find((c) => c === referencePath(head)?.at(-1)) : undefined;
  const version = fn && operand(args[0]!, (n) => textOf(flags, n));
  if (!fn || version === undefined) return false;
  setText(flags, `${name}:${fn}`, version);
  return true;
}

/** The parts of a version `lib.versions` names (`lib.versions.major release_version`: "12" of "12.0.1"). */
const PARTS: Record<string, (c: string[]) => string | undefined> = {
  major: (c) => c[0],
  minor: (c) => c[1],
  patch: (c) => c[2],
  majorMinor: (c) => (c.length > 1 ? `${c[0]}.${c[1]}` : undefined),
};

/**
 * A part of a known version (`lib.versions.major release_version`, where the caller's scope binds
 * `release_version = "12.0.1"`): Nix's `splitVersion`, as `compareVersions` splits; else undefined.
 */
export function versionPart(node: Node, flags: ReadonlyMap<string, boolean>): string | undefined {
  const { head, args, complete } = applicationParts(unparen(node), 1);
  const path = complete && args.length === 1 ? referencePath(head) : undefined;
  const part =
    path && path.length >= 2 && path.at(-2) === 'versions' && Object.hasOwn(PARTS, path.at(-1)!) ? PARTS[path.at(-1)!] : undefined;
  const version = part && operand(args[0]!, (n) => textOf(flags, n));
  return version === undefined ? undefined : part!(splitVersion(version));
}

/** `lib.versionAtLeast version "2.21pre"` or `lib.versionOlder …` of a known version and a literal, else undefined. */
export function versionCondition(node: Node, versions: ReadonlyMap<string, string>): boolean | undefined {
  const n = unparen(node);
  const inner = n.type === 'apply_expression' ? n.childForFieldName('function') : null;
  const head = inner?.type === 'apply_expression' ? inner.childForFieldName('function') : null;
  const name = head && referencePath(unparen(head))?.at(-1);
  const fn = COMPARISONS.find((c) => c === name);
  const argument = inner?.childForFieldName('argument');
  const last = n.childForFieldName('argument');
  if (!fn || !argument || !last) return undefined;
  const known = (v: string) => versions.get(v);
  return compared(fn, operand(argument, known), operand(last, known));
}

/** Nix's `builtins.compareVersions`: components split at dots, dashes and digit boundaries; "pre" sorts first. */
export function compareVersions(a: string, b: string): number {
  const x = splitVersion(a);
  const y = splitVersion(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? '';
    const q = y[i] ?? '';
    if (p === q) continue;
    return componentLess(p, q) ? -1 : componentLess(q, p) ? 1 : 0;
  }
  return 0;
}

/** Nix's `builtins.splitVersion`: components split at dots, dashes and digit boundaries. */
function splitVersion(v: string): string[] {
  return v.split(/[.-]/).flatMap((part) => part.match(/\d+|\D+/g) ?? ['']);
}

function componentLess(p: string, q: string): boolean {
  const pn = /^\d+$/.test(p);
  const qn = /^\d+$/.test(q);
  if (pn && qn) return Number(p) < Number(q);
  if (p === '' && qn) return true;
  if (p === 'pre' && q !== 'pre') return true;
  if (q === 'pre') return false;
  if (pn) return false;
  if (qn) return true;
  return p < q;
}
