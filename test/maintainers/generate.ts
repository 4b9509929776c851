// Writes maintainer lists in the shape of nixpkgs' maintainers/maintainer-list.nix, with the
// entries the scan must find, so tests can compare the scan against what was written.
import { writeFileSync } from 'node:fs';
import type { HandleEntry } from '../../server/src/analysis/maintainers/index';

export interface GeneratedList {
  text: string;
  expected: HandleEntry[];
}

export interface GenerateOptions {
  entries: number;
  seed?: number;
  crlf?: boolean;
}

/** A small deterministic PRNG (mulberry32), so every run writes the same file. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = `/* List of NixOS maintainers.
    \`\`\`nix
    handle = {
      # Required
      name = "Your name";

      # Optional, but at least one of email, matrix or githubId must be given
      email = "address@example.org";
      matrix = "@user:example.org";
      github = "GithubUsername";
      githubId = your-github-id;

      keys = [{
        fingerprint = "AAAA BBBB CCCC DDDD EEEE  FFFF 0000 1111 2222 3333";
      }];
    };
    \`\`\`

    where

    - \`handle\` is the handle you are going to use in nixpkgs expressions,
    - \`name\` is a name that people would know and recognize you by,
    - \`github\` is your GitHub handle (as it appears in the URL of your profile page, \`https://github.com/<userhandle>\`),
    - \`keys\` is a list of your PGP/GPG key fingerprints.

    If \`github\` begins with a numeral, \`handle\` should be prefixed with an underscore.
    \`\`\`nix
    _1example = {
      github = "1example";
    };
    \`\`\`

    When editing this file:
     * keep the list alphabetically sorted, check with:
         nix-instantiate --eval maintainers/scripts/check-maintainers-sorted.nix
*/
{
`;

const SYLLABLES = ['ka', 'ro', 'mi', 'tan', 'el', 'vo', 'shi', 'zu', 'an', 'dre', 'lo', 'qui', 'ne', 'bar', 'ix', 'or'];
const FIRST = ['Alice', 'Jörg', 'Łukasz', 'Zoë', 'Mateus', 'Siobhán', '张伟', 'Søren', 'Ana', 'Dmitrij', 'Æsa', 'Kim'];
const LAST = ['Thalheim', 'Müller', 'Nguyễn', 'O\\"Brien', 'Ødegaard', 'Smith', '山田', 'Šimek', 'García', 'Tables'];
const NOTES = ['# Retired, kept so old references still evaluate', '# TODO: confirm githubId', '# see #12345 { } ; "'];

/** A maintainer list of options.entries entries, with the scan's expected result. */
export function generateMaintainerList(options: GenerateOptions): GeneratedList {
  const random = prng(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const handles = new Set<string>();
  while (handles.size < options.entries) {
    let h = '';
    const parts = 1 + Math.floor(random() * 3);
    for (let i = 0; i < parts; i++) h += pick(SYLLABLES);
    if (random() < 0.3) h += Math.floor(random() * 100);
    const r = random();
    if (r < 0.01)
      h = `_0x${Math.floor(random() * 0xffff)
        .toString(16)
        .toUpperCase()}`;
    else if (r < 0.02) h = `${Math.floor(random() * 10)}${h}`;
    else if (r < 0.03) h = `${h}-${pick(SYLLABLES)}'`;
    handles.add(h);
  }
  const nl = options.crlf ? '\r\n' : '\n';
  const chunks: string[] = [];
  const expected: HandleEntry[] = [];
  let bytes = 0;
  let line = 0;
  const emit = (s: string) => {
    const text = options.crlf ? s.replace(/\n/g, '\r\n') : s;
    chunks.push(text);
    bytes += Buffer.byteLength(text);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
  };
  emit(HEADER);
  for (const handle of [...handles].sort()) {
    if (random() < 0.02) emit(`  ${pick(NOTES)}\n`);
    const quoted = /^[0-9]/.test(handle);
    const github = handle.startsWith('_') ? handle.slice(1) : random() < 0.2 ? handle.toUpperCase() : handle;
    const rawName = `${pick(FIRST)} ${pick(LAST)}${random() < 0.02 ? ' 🦊 {not; a #brace}' : ''}`;
    const fields: string[] = [];
    if (random() < 0.35) fields.push(`    email = "${handle.replace(/['"_]/g, '')}@example.org";\n`);
    if (random() < 0.06) fields.push(`    matrix = "@${handle}:matrix.org";\n`);
    fields.push(`    github = "${github}";\n`, `    githubId = ${Math.floor(random() * 1e8)};\n`);
    fields.push(`    name = "${rawName}";\n`);
    const keys = random() < 0.05 ? 1 + Math.floor(random() * 2) : 0;
    if (keys) {
      const fps = Array.from({ length: keys }, () => fingerprint(random));
      fields.push(`    keys = [${fps.map((fp) => `{\n      fingerprint = "${fp}";\n    }`).join(' ')}];\n`);
    }
    if (random() < 0.5) fields.reverse();
    const start = bytes + 2; // past the indentation
    const startLine = line;
    emit(`  ${quoted ? `"${handle}"` : handle} = {\n${fields.join('')}  };`);
    expected.push({ handle, start, end: bytes, line: startLine, column: 2, name: rawName.replace(/\\"/g, '"'), github });
    emit('\n');
  }
  emit('}\n');
  return { text: chunks.join('').replace(/\r\n/g, nl), expected };
}

function fingerprint(random: () => number): string {
  const groups = Array.from({ length: 10 }, () =>
    Math.floor(random() * 0x10000)
      .toString(16)
      .toUpperCase()
      .padStart(4, '0'),
  );
  return `${groups.slice(0, 5).join(' ')}  ${groups.slice(5).join(' ')}`;
}

/** Writes a generated maintainer list to path and returns what it wrote. */
export function writeMaintainerList(path: string, options: GenerateOptions): GeneratedList {
  const list = generateMaintainerList(options);
  writeFileSync(path, list.text);
  return list;
}
