// maintainers/maintainer-list.nix in the real file's shape: a long header comment, entries
// sorted by handle, quoted handles that are not identifiers ("1example"), `_0x…` handles,
// GPG keys, the odd comment between entries, and names in many scripts.
import type { Random } from './random.js';
import { personName } from './names.js';

const HANDLE_PARTS = [
  'an',
  'bo',
  'cy',
  'dev',
  'el',
  'fox',
  'gu',
  'hax',
  'io',
  'jo',
  'kit',
  'lu',
  'max',
  'nix',
  'ol',
  'pi',
  'qu',
  'ro',
  'sam',
  'tux',
  'uv',
  'vim',
  'wex',
  'yo',
  'zed',
];

export interface MaintainerList {
  /** Handles usable as bare identifiers inside `with lib.maintainers; [ … ]`. */
  identifierHandles: string[];
  /** Handles that must be quoted (`lib.maintainers."1example"`). */
  quotedHandles: string[];
  text: string;
}

interface Entry {
  key: string;
  handle: string;
  body: string;
  comment?: string;
}

const HEADER = `/*
  List of NixOS maintainers.

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
  - \`email\` is your maintainer email address,
  - \`matrix\` is your Matrix user ID,
  - \`github\` is your GitHub handle (as it appears in the URL of your profile page,
    \`https://github.com/<userhandle>\`),
  - \`githubId\` is your GitHub user ID, which can be found at
    \`https://api.github.com/users/<userhandle>\`,
  - \`keys\` is a list of your PGP/GPG key fingerprints.

  Specifying a GitHub account ensures that you automatically:
  - get invited to the @NixOS/nixpkgs-maintainers team;
  - once you are part of the @NixOS org, OfBorg will request you review
    pull requests that modify a package for which you are a maintainer.

  \`handle == github\` is strongly preferred whenever \`github\` is an acceptable attribute name
  and is short and convenient.

  If \`github\` begins with a numeral, \`handle\` should be prefixed with an underscore.
    \`\`\`nix
    _1example = {
      github = "1example";
    };
    \`\`\`

  Add PGP/GPG keys only if you actually use them to sign commits and/or mail.

  To get the required PGP/GPG values for a key run
    \`\`\`shell
    gpg --fingerprint <email> | head -n 2
    \`\`\`

  !!! Note that PGP/GPG values stored here are for informational purposes only, don't use this
  file as a source of truth.

  More fields may be added in the future, however, in order to comply with GDPR this file
  should stay as minimal as possible.

  When editing this file:
   * keep the list alphabetically sorted, check with:
       nix-instantiate --eval maintainers/scripts/check-maintainers-sorted.nix
   * test the validity of the format with:
       nix-build lib/tests/maintainers.nix

  See \`./scripts/check-maintainer-github-handles.sh\` for an example on how to work with this
  data.
*/
{
`;

const COMMENTS = [
  '# keep-sorted: the entries below moved here from the teams list',
  '# This account is shared by the project team; contact them via Matrix',
  '# Emeritus maintainer, kept for the history of meta.maintainers',
  '# TODO: githubId missing, ask on the pull request',
];

function hex(random: Random, digits: number): string {
  return random
    .bytes(Math.ceil(digits / 2))
    .toString('hex')
    .slice(0, digits)
    .toUpperCase();
}

function fingerprint(random: Random): string {
  const groups = Array.from({ length: 10 }, () => hex(random, 4));
  return `${groups.slice(0, 5).join(' ')}  ${groups.slice(5).join(' ')}`;
}

function freshHandle(random: Random, taken: Set<string>): { handle: string; key: string } {
  for (;;) {
    const roll = random.next();
    let handle: string;
    let key: string;
    if (roll < 0.02) {
      handle = `${random.int(0, 9)}${random.pick(HANDLE_PARTS)}${random.pick(HANDLE_PARTS)}`;
      key = `"${handle}"`;
    } else if (roll < 0.025) {
      handle = `_0x${hex(random, 4)}`;
      key = handle;
    } else {
      const parts = random.int(1, 3);
      handle = '';
      for (let i = 0; i < parts; i++) handle += random.pick(HANDLE_PARTS);
      if (random.chance(0.1)) handle = handle[0].toUpperCase() + handle.slice(1);
      if (random.chance(0.35)) handle += String(random.int(0, 999));
      if (random.chance(0.05)) handle += `-${random.pick(HANDLE_PARTS)}`;
      key = handle;
    }
    if (!taken.has(handle.toLowerCase())) {
      taken.add(handle.toLowerCase());
      return { handle, key };
    }
  }
}

/** Builds a maintainer list of `count` entries. */
export function maintainerList(random: Random, count: number): MaintainerList {
  const taken = new Set<string>(['in', 'if', 'or', 'let', 'rec', 'with', 'then', 'else', 'assert', 'inherit']);
  const githubIds = new Set<number>();
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const { handle, key } = freshHandle(random, taken);
    const lines: string[] = [];
    const github = handle.replace(/^_/, '');
    if (random.chance(0.7))
      lines.push(`email = "${github.toLowerCase()}@${random.pick(['example.org', 'posteo.de', 'proton.me', 'mailbox.org'])}";`);
    if (random.chance(0.92)) {
      let id = random.int(1, 200_000_000);
      while (githubIds.has(id)) id = random.int(1, 200_000_000);
      githubIds.add(id);
      lines.push(`github = "${github}";`, `githubId = ${id};`);
    }
    if (random.chance(0.05)) {
      const keys = random.chance(0.8) ? [fingerprint(random)] : [fingerprint(random), fingerprint(random)];
      lines.push('keys = [', ...keys.map((f) => `  { fingerprint = "${f}"; }`), '];');
    }
    if (random.chance(0.08) || lines.length === 0) lines.push(`matrix = "@${github.toLowerCase()}:matrix.org";`);
    lines.push(`name = ${JSON.stringify(personName(random))};`);
    const comment = random.chance(0.01) ? random.pick(COMMENTS) : undefined;
    entries.push({ key, handle, body: lines.map((l) => `    ${l}`).join('\n'), comment });
  }
  // The real list is sorted case-insensitively, so quoted and `_` handles come first.
  entries.sort((a, b) => (a.key.toLowerCase() < b.key.toLowerCase() ? -1 : 1));
  const text = `${HEADER + entries.map((e) => `${e.comment ? `  ${e.comment}\n` : ''}  ${e.key} = {\n${e.body}\n  };\n`).join('')}}\n`;
  return {
    identifierHandles: entries.filter((e) => !e.key.startsWith('"')).map((e) => e.handle),
    quotedHandles: entries.filter((e) => e.key.startsWith('"')).map((e) => e.handle),
    text,
  };
}
