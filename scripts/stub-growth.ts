// How a published stub ref grows: publishes successive revisions of a domain onto a fresh bare
// repository, as `nix-domains stub --publish` does, and reports per publication what it adds
// (new files, new git objects and bytes) and the ref's size once packed. Reports figures, never
// fails on them. The domain given is not modified: the script works in a clone sharing its objects.
//
//   node --import tsx scripts/stub-growth.ts DIR --last N     the last N commits of HEAD (first parents)
//   node --import tsx scripts/stub-growth.ts DIR --edits N    HEAD, then N-1 commits of one small package edit each
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Analyzer } from '../server/src/analysis/analyzer';
import { readDomainName } from '../server/src/analysis/manifest';
import { prepareStub } from '../server/src/analysis/stubs/generate';
import { publishStub, resolvePublishTarget, type PublishResult } from '../server/src/analysis/stubs/publish';

const USAGE = 'usage: stub-growth DIR (--last N | --edits N)';

interface Row {
  revision: string;
  edit: string;
  packages: number;
  files: number;
  stubBytes: number;
  published: PublishResult;
  /** The new objects as the push left them on the remote, before a repack: zlib-compressed, deltas only among themselves. */
  receivedBytes: number;
  packedBytes: number;
  seconds: number;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-C', cwd, '-c', 'user.name=stub-growth', '-c', 'user.email=stub-growth@localhost', ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  }).trim();
}

/** The size of the repository's packs, in bytes (`git count-objects -v`, after a repack). */
function packedBytes(repo: string): number {
  git(repo, 'repack', '-a', '-d', '-q');
  return Number(/size-pack: (\d+)/.exec(git(repo, 'count-objects', '-v'))?.[1] ?? 0) * 1024;
}

/** On-disk size of the objects the ref's newest commit added (before a repack: as the push stored them). */
function receivedBytes(repo: string, ref: string, first: boolean): number {
  const ids = git(repo, 'rev-list', '--objects', '--no-object-names', ref, ...(first ? [] : ['--not', `${ref}~1`]));
  const sizes = execFileSync('git', ['-C', repo, 'cat-file', '--batch-check=%(objectsize:disk)'], { input: `${ids}\n`, encoding: 'utf8' });
  return sizes
    .split('\n')
    .filter(Boolean)
    .reduce((total, size) => total + Number(size), 0);
}

/**
 * Edit i of a generated domain: a version bump of one by-name package, or (every third edit) a
 * new input, `zlib`, for one package, which changes dependants and closures in other shards too.
 */
async function edit(clone: string, files: string[], i: number): Promise<{ what: string; file: string }> {
  for (let k = 0; k < files.length; k++) {
    const file = files[(i * 7919 + k) % files.length]!;
    const absolute = path.join(clone, file);
    const text = await fs.readFile(absolute, 'utf8');
    const name = path.basename(path.dirname(file));
    if (i % 3 === 0) {
      if (/\bzlib\b/.test(text) || !/buildInputs = \[/.test(text)) continue;
      // zlib becomes the first formal, in either style: `{\n  lib,` or `{ lib\n, stdenv`.
      const formals = text.startsWith('{\n')
        ? text.replace('{\n', '{\n  zlib,\n')
        : text.startsWith('{ ')
          ? text.replace('{ ', '{ zlib\n, ')
          : undefined;
      if (!formals) continue;
      await fs.writeFile(absolute, formals.replace(/buildInputs = \[/, 'buildInputs = [ zlib'));
      git(clone, 'commit', '-q', '-am', `${name}: take zlib`);
      return { what: `${name} takes zlib`, file };
    }
    const version = /version = "([^"]+)";/.exec(text);
    if (!version) continue;
    await fs.writeFile(absolute, text.replace(version[0], `version = "${version[1]}.${i}";`));
    git(clone, 'commit', '-q', '-am', `${name}: ${version[1]} -> ${version[1]}.${i}`);
    return { what: `${name} ${version[1]} → ${version[1]}.${i}`, file };
  }
  throw new Error(`no package file to edit for edit ${i}`);
}

async function main(argv: string[]): Promise<void> {
  const [dir, mode, countText] = argv;
  const count = Number(countText);
  if (!dir || (mode !== '--last' && mode !== '--edits') || !Number.isInteger(count) || count < 1) throw new Error(USAGE);
  const source = path.resolve(dir);
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'nix-domains-stub-growth-'));
  try {
    // Same folder name, so a domain without a manifest keeps its name; objects shared, nothing copied.
    const clone = path.join(work, path.basename(source));
    git(work, 'clone', '-q', '--shared', source, clone);
    const remote = path.join(work, 'remote.git');
    git(work, 'init', '-q', '--bare', remote);
    const target = await resolvePublishTarget(remote, clone);
    const history = mode === '--last' ? git(clone, 'rev-list', '--first-parent', '--reverse', '-n', String(count), 'HEAD').split('\n') : [];
    const packageFiles = mode === '--edits' ? git(clone, 'ls-files', 'pkgs/by-name/*/*/package.nix').split('\n').sort() : [];
    const rows: Row[] = [];
    for (let i = 0; i < count; i++) {
      let what = 'as generated';
      let edited: string | undefined;
      if (mode === '--last') {
        git(clone, 'checkout', '-q', '--detach', history[i]!);
        what = git(clone, 'log', '-1', '--format=%s').slice(0, 60);
      } else if (i > 0) ({ what, file: edited } = await edit(clone, packageFiles, i));
      const started = performance.now();
      const analyzer = await Analyzer.create(clone, await readDomainName(clone));
      await analyzer.indexAll();
      // An edit must leave valid Nix, or the figures would measure a broken package.
      if (edited && analyzer.index.files.get(edited)?.errors.length)
        throw new Error(`edit ${i} (${what}) left a syntax error in ${edited}`);
      const prepared = await prepareStub(analyzer);
      const published = await publishStub(prepared, target);
      const files = [...prepared.stub.files.values()];
      rows.push({
        revision: prepared.revision,
        edit: what,
        packages: prepared.stub.root.packages,
        files: files.length,
        stubBytes: files.reduce((total, b) => total + b.byteLength, 0),
        published,
        receivedBytes: published.changed ? receivedBytes(remote, target.ref, rows.length === 0) : 0,
        packedBytes: packedBytes(remote),
        seconds: (performance.now() - started) / 1000,
      });
      process.stderr.write(`published ${i + 1}/${count}: ${prepared.revision.slice(0, 12)} (${what})\n`);
    }
    printTable(path.basename(source), rows);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function printTable(domain: string, rows: Row[]): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`\n${domain}: ${rows.length} publications onto one ref (git ${git('.', 'version').replace('git version ', '')})\n`);
  console.log(
    '| # | revision | change | stub | files new / shared | objects added | bytes added | received (before repack) | ref packed | packed growth |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  rows.forEach((r, i) => {
    const p = r.published;
    const growth = i === 0 ? r.packedBytes : r.packedBytes - rows[i - 1]!.packedBytes;
    console.log(
      `| ${i + 1} | ${r.revision.slice(0, 9)} | ${r.edit} | ${r.packages} packages, ${r.files} files, ${kb(r.stubBytes)} | ${r.files - p.shared.files} / ${p.shared.files} | ${p.added.objects} | ${kb(p.added.bytes)} | ${kb(r.receivedBytes)} | ${kb(r.packedBytes)} | ${kb(growth)} |`,
    );
  });
  const last = rows[rows.length - 1]!;
  const naive = rows.reduce((total, r) => total + r.stubBytes, 0);
  console.log(
    `\nEvery stub stored whole would be ${kb(naive)}; the ref holds ${kb(last.packedBytes)} packed. Slowest publication: ${Math.max(...rows.map((r) => r.seconds)).toFixed(1)} s (index + stub + publish).`,
  );
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
