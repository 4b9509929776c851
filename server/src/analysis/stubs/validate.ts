// Strict checks of stub files on load. Stub data is untrusted: every field is checked for
// type and size, every path for staying inside its domain, every part against its hash.
import {
  domainPathProblem,
  isDomainName,
  isRevision,
  READABLE_STUB_VERSIONS,
  sha256,
  shardRange,
  STUB_FORMAT,
  STUB_INDEX_FORMAT,
  STUB_INDEX_VERSION,
  type PartRef,
  type StubIndex,
  type StubPackage,
  type StubReverse,
  type StubRoot,
  type StubShard,
  type StubVersion,
} from './format';

/** Thrown for a stub file that cannot be trusted; the message says which file and why. */
export class StubFormatError extends Error {}

/** Limits far above any real domain (nixpkgs has ~120,000 attributes); beyond them, data is absurd. */
const LIMITS = {
  packages: 1_000_000,
  shards: 100_000,
  listItems: 100_000,
  string: 16 * 1024,
  partBytes: 256 * 1024 * 1024,
  line: 10_000_000,
  closure: 1_000_000,
};

type Obj = Record<string, unknown>;

/** A small typed reader over parsed JSON that fails with the JSON path of the bad value. */
class Check {
  constructor(readonly what: string) {}

  fail(at: string, why: string): never {
    throw new StubFormatError(`${this.what}: ${at} ${why}`);
  }

  obj(v: unknown, at: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(at, `must be an object, not ${kind(v)}`);
    return v as Obj;
  }

  str(v: unknown, at: string, max = LIMITS.string): string {
    if (typeof v !== 'string') this.fail(at, `must be a string, not ${kind(v)}`);
    if (v.length > max) this.fail(at, `is ${v.length} characters long (at most ${max})`);
    return v;
  }

  optStr(v: unknown, at: string): string | undefined {
    return v === undefined ? undefined : this.str(v, at);
  }

  int(v: unknown, at: string, max: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(at, `must be a whole number, not ${kind(v)}`);
    if (v < 0 || v > max) this.fail(at, `is ${v}, outside 0…${max}`);
    return v;
  }

  arr(v: unknown, at: string, max = LIMITS.listItems): unknown[] {
    if (!Array.isArray(v)) this.fail(at, `must be a list, not ${kind(v)}`);
    if (v.length > max) this.fail(at, `has ${v.length} items (at most ${max})`);
    return v;
  }

  strs(v: unknown, at: string): string[] {
    return this.arr(v, at).map((s, i) => this.str(s, `${at}[${i}]`));
  }

  path(v: unknown, at: string): string {
    const file = this.str(v, at, 1024);
    const problem = domainPathProblem(file);
    if (problem) this.fail(at, `${JSON.stringify(file)} ${problem}`);
    return file;
  }

  pos(v: unknown, at: string): [number, number] {
    const a = this.arr(v, at, 2);
    if (a.length !== 2) this.fail(at, 'must be [line, column]');
    return [this.int(a[0], `${at}[0]`, LIMITS.line), this.int(a[1], `${at}[1]`, LIMITS.line)];
  }

  /** Format and version (one of `versions`); returns the version. */
  version(o: Obj, format: string, versions: readonly number[]): number {
    if (o.format !== format) this.fail('format', `is ${JSON.stringify(o.format)}, expected "${format}"`);
    if (typeof o.version !== 'number' || !versions.includes(o.version)) {
      this.fail('version', `${JSON.stringify(o.version)} is not supported (this reader knows version ${versions.join(' and ')})`);
    }
    return o.version;
  }

  /** The header of a root, or of a shard or part of the root `of`: format, version, domain, revision. */
  header(o: Obj, domain: string, revision: string | undefined, of?: StubRoot): StubVersion {
    const version = this.version(o, STUB_FORMAT, of ? [of.version] : READABLE_STUB_VERSIONS) as StubVersion;
    const d = this.str(o.domain, 'domain', 64);
    if (d !== domain) this.fail('domain', `is ${JSON.stringify(d)}, expected ${JSON.stringify(domain)}`);
    // Since version 2 only the root names its revision; its sha256 of each part ties the part to it.
    if (of && version >= 2) {
      if (o.revision !== undefined) this.fail('revision', `is not part of a version ${version} shard or part`);
      return version;
    }
    const r = this.str(o.revision, 'revision', 128);
    if (revision !== undefined && r !== revision) this.fail('revision', `is ${JSON.stringify(r)}, expected ${JSON.stringify(revision)}`);
    return version;
  }

  part(v: unknown, at: string, folder: RegExp): PartRef {
    const o = this.obj(v, at);
    const file = this.path(o.file, `${at}.file`);
    if (!folder.test(file)) this.fail(`${at}.file`, `${JSON.stringify(file)} is not where this part belongs`);
    const hash = this.str(o.sha256, `${at}.sha256`, 64);
    if (!/^[0-9a-f]{64}$/.test(hash)) this.fail(`${at}.sha256`, 'must be 64 lowercase hex digits');
    return { file, sha256: hash, size: this.int(o.size, `${at}.size`, LIMITS.partBytes) };
  }
}

/** Parses JSON bytes, refusing invalid or truncated text with a clear message. */
export function parseJson(bytes: Buffer | string, what: string): unknown {
  try {
    return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    const size = typeof bytes === 'string' ? bytes.length : bytes.byteLength;
    throw new StubFormatError(`${what}: not valid JSON (${size} bytes; truncated or corrupt?): ${(err as Error).message}`);
  }
}

/** Checks a stub root; `domain` and `revision` are what the reader asked for. */
export function validateRoot(data: unknown, domain: string, revision?: string): StubRoot {
  const c = new Check(`stub root of ${domain}${revision ? `@${revision}` : ''}`);
  const o = c.obj(data, 'the root');
  const version = c.header(o, domain, revision);
  if (!isRevision(o.revision as string)) c.fail('revision', 'contains characters a revision cannot have');
  const shards = c.arr(o.shards, 'shards', LIMITS.shards).map((s, i) => {
    const at = `shards[${i}]`;
    const part = c.part(s, at, /^shards\/\d{4,6}\.json$/);
    const so = s as Obj;
    return { ...part, from: c.str(so.from, `${at}.from`, 512), packages: c.int(so.packages, `${at}.packages`, LIMITS.packages) };
  });
  // Lookups binary-search `from`: it must start at "" and strictly increase.
  shards.forEach((s, i) => {
    if (i === 0 ? s.from !== '' : !(shards[i - 1]!.from < s.from))
      c.fail(`shards[${i}].from`, i === 0 ? 'must be "" for the first shard' : "must come after the previous shard's");
  });
  const lib = c.arr(o.lib, 'lib').map((f, i) => {
    const fo = c.obj(f, `lib[${i}]`);
    return { name: c.str(fo.name, `lib[${i}].name`, 512), file: c.path(fo.file, `lib[${i}].file`), pos: c.pos(fo.pos, `lib[${i}].pos`) };
  });
  const maintainers = c.arr(o.maintainers, 'maintainers', 16).map((m, i) => {
    const at = `maintainers[${i}]`;
    const mo = c.obj(m, at);
    return {
      file: c.path(mo.file, `${at}.file`),
      size: c.int(mo.size, `${at}.size`, LIMITS.partBytes),
      count: c.int(mo.count, `${at}.count`, LIMITS.packages),
      part: c.part(mo.part, `${at}.part`, /^parts\/maintainers-\d+\.json$/),
    };
  });
  const importsObj = c.obj(o.imports, 'imports');
  const imports: Record<string, [number, number]> = {};
  const importNames = Object.keys(importsObj);
  if (importNames.length > LIMITS.listItems) c.fail('imports', `has ${importNames.length} names (at most ${LIMITS.listItems})`);
  for (const name of importNames) {
    const pair = c.arr(importsObj[name], `imports.${name}`, 2);
    if (pair.length !== 2) c.fail(`imports.${name}`, 'must be [direct, closure]');
    imports[c.str(name, 'an imports key', 512)] = [
      c.int(pair[0], `imports.${name}[0]`, LIMITS.packages),
      c.int(pair[1], `imports.${name}[1]`, LIMITS.packages),
    ];
  }
  return {
    format: STUB_FORMAT,
    version,
    domain,
    revision: o.revision as string,
    generator: c.str(o.generator, 'generator', 256),
    packages: c.int(o.packages, 'packages', LIMITS.packages),
    shards,
    lib,
    maintainers,
    imports,
    reverse: c.part(o.reverse, 'reverse', /^parts\/reverse\.json$/),
  };
}

/** Checks shard i of a root: header, fields, and every name inside the shard's range. */
export function validateShard(data: unknown, root: StubRoot, i: number): StubShard {
  const { from, until } = shardRange(root.shards, i);
  const c = new Check(`stub shard ${i} ("${from}"…) of ${root.domain}@${root.revision}`);
  const o = c.obj(data, 'the shard');
  c.header(o, root.domain, root.revision, root);
  if (o.from !== from) c.fail('from', `is ${JSON.stringify(o.from)}, expected ${JSON.stringify(from)}`);
  const inRange = (name: string) => name >= from && (until === undefined || name < until);
  const packages = c.arr(o.packages, 'packages', LIMITS.packages).map((p, i): StubPackage => {
    const at = `packages[${i}]`;
    const po = c.obj(p, at);
    const pkg: StubPackage = {
      attr: c.str(po.attr, `${at}.attr`, 512),
      file: c.path(po.file, `${at}.file`),
      pos: c.pos(po.pos, `${at}.pos`),
      inputs: c.strs(po.inputs, `${at}.inputs`),
      unresolved: c.strs(po.unresolved, `${at}.unresolved`),
      maintainers: c.strs(po.maintainers, `${at}.maintainers`),
      dependants: c.strs(po.dependants, `${at}.dependants`),
      direct: c.int(po.direct, `${at}.direct`, LIMITS.closure),
      closure: c.int(po.closure, `${at}.closure`, LIMITS.closure),
    };
    if (pkg.direct < pkg.dependants.length) c.fail(`${at}.direct`, `is ${pkg.direct}, but ${pkg.dependants.length} dependants are listed`);
    if (!inRange(pkg.attr)) c.fail(`${at}.attr`, `${JSON.stringify(pkg.attr)} is outside the shard's range`);
    for (const input of pkg.inputs)
      if (!/^[A-Za-z0-9._-]+:./.test(input)) c.fail(`${at}.inputs`, `${JSON.stringify(input)} is not domain-qualified`);
    for (const key of ['version', 'description', 'homepage', 'license'] as const) {
      const v = c.optStr(po[key], `${at}.${key}`);
      if (v !== undefined) pkg[key] = v;
    }
    return pkg;
  });
  const importsObj = c.obj(o.imports, 'imports');
  const imports: Record<string, string[]> = {};
  for (const name of Object.keys(importsObj)) imports[name] = c.strs(importsObj[name], `imports.${name}`);
  const aliasesObj = c.obj(o.aliases, 'aliases');
  const aliases: Record<string, string> = {};
  for (const name of Object.keys(aliasesObj)) aliases[name] = c.str(aliasesObj[name], `aliases.${name}`, 512);
  for (const name of [...Object.keys(imports), ...Object.keys(aliases)]) {
    if (!inRange(name)) c.fail('imports/aliases', `name ${JSON.stringify(name)} is outside the shard's range`);
  }
  return { format: STUB_FORMAT, version: root.version, domain: root.domain, from, packages, imports, aliases };
}

/** Checks the reverse-graph part: every number must name a package. */
export function validateReverse(data: unknown, root: StubRoot): StubReverse {
  const c = new Check(`reverse graph of ${root.domain}@${root.revision}`);
  const o = c.obj(data, 'the part');
  c.header(o, root.domain, root.revision, root);
  const names = c.arr(o.names, 'names', LIMITS.packages).map((n, i) => c.str(n, `names[${i}]`, 512));
  const ids = (v: unknown, at: string) => c.arr(v, at, LIMITS.packages).map((n, i) => c.int(n, `${at}[${i}]`, names.length - 1));
  const dependants = c.arr(o.dependants, 'dependants', LIMITS.packages).map((d, i) => ids(d, `dependants[${i}]`));
  if (dependants.length !== names.length) c.fail('dependants', `has ${dependants.length} lists for ${names.length} names`);
  const importsObj = c.obj(o.imports, 'imports');
  const imports: Record<string, number[]> = {};
  for (const name of Object.keys(importsObj)) imports[name] = ids(importsObj[name], `imports.${name}`);
  return { format: STUB_FORMAT, version: root.version, domain: root.domain, names, dependants, imports };
}

/** Checks index.json at the top of a stub tree. */
export function validateIndex(data: unknown): StubIndex {
  const c = new Check('stub index (index.json)');
  const o = c.obj(data, 'the index');
  c.version(o, STUB_INDEX_FORMAT, [STUB_INDEX_VERSION]);
  const domainsObj = c.obj(o.domains, 'domains');
  const domains: StubIndex['domains'] = {};
  for (const domain of Object.keys(domainsObj)) {
    if (!isDomainName(domain)) c.fail('domains', `has the key ${JSON.stringify(domain)}, which is not a domain name`);
    domains[domain] = c.arr(domainsObj[domain], `domains.${domain}`).map((e, i) => {
      const at = `domains.${domain}[${i}]`;
      const eo = c.obj(e, at);
      const revision = c.str(eo.revision, `${at}.revision`, 128);
      if (!isRevision(revision)) c.fail(`${at}.revision`, `${JSON.stringify(revision)} is not a revision`);
      const ro = c.obj(eo.root, `${at}.root`);
      const hash = c.str(ro.sha256, `${at}.root.sha256`, 64);
      if (!/^[0-9a-f]{64}$/.test(hash)) c.fail(`${at}.root.sha256`, 'must be 64 lowercase hex digits');
      return {
        revision,
        committed: c.int(eo.committed, `${at}.committed`, 2 ** 40),
        root: { sha256: hash, size: c.int(ro.size, `${at}.root.size`, LIMITS.partBytes) },
      };
    });
  }
  return { format: STUB_INDEX_FORMAT, version: STUB_INDEX_VERSION, domains };
}

/** Refuses bytes whose size or sha256 differ from what the root says. */
export function verifyPart(bytes: Buffer, part: PartRef, what: string): void {
  if (bytes.byteLength !== part.size) throw new StubFormatError(`${what}: ${bytes.byteLength} bytes, the root says ${part.size}`);
  const actual = sha256(bytes);
  if (actual !== part.sha256)
    throw new StubFormatError(`${what}: sha256 ${actual.slice(0, 12)}… does not match ${part.sha256.slice(0, 12)}… named in the root`);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}
