import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitTracked, listDomainFiles } from '../../server/src/analysis/indexing/listing';

/**
 * A repository with every kind of entry git's listing reports: unchanged, deleted, modified,
 * a conflict's three stages, skip-worktree, a link, a file only staged, an untracked one.
 */
function mixedRepository(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nd-listing-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], {
      stdio: 'pipe',
    });
  git('init', '-q');
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) writeFileSync(path.join(root, `${name}.nix`), `{ ${name} = 1; }\n`);
  symlinkSync('a.nix', path.join(root, 'link.nix'));
  git('add', '.');
  git('commit', '-qm', 'one');
  git('checkout', '-q', '-b', 'other');
  writeFileSync(path.join(root, 'c.nix'), '{ c = 2; }\n');
  git('commit', '-qam', 'other');
  git('checkout', '-q', 'main');
  writeFileSync(path.join(root, 'c.nix'), '{ c = 3; }\n');
  git('commit', '-qam', 'mine');
  try {
    git('merge', 'other');
  } catch {
    // The conflict on c.nix is the point.
  }
  rmSync(path.join(root, 'b.nix'));
  writeFileSync(path.join(root, 'd.nix'), '{ d = 9; }\n');
  git('update-index', '--skip-worktree', 'e.nix');
  writeFileSync(path.join(root, 'staged.nix'), '{ s = 1; }\n');
  git('add', 'staged.nix');
  writeFileSync(path.join(root, 'untracked.nix'), '{ u = 1; }\n');
  return root;
}

test("git's listing: every file present once, each with the blob id of what is on disk, whatever git says of it", async () => {
  const root = mixedRepository();
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
    assert.notEqual(git('ls-files', '-u', 'c.nix'), '', 'c.nix is not in conflict: the repository is not what the test means');
    const blobOf = (file: string) => git('hash-object', '--no-filters', file);
    // What git's listing gives: the blob ids of unchanged regular files at stage 0 (not skip-worktree: its file is read).
    const tracked = await gitTracked(root);
    assert.deepEqual(tracked.files, ['a.nix', 'c.nix', 'd.nix', 'e.nix', 'f.nix', 'link.nix', 'staged.nix']);
    assert.deepEqual(
      [...tracked.blobByFile].sort(),
      ['a.nix', 'f.nix', 'staged.nix'].map((file) => [file, blobOf(file)]),
    );
    // The whole listing: b.nix is deleted; c.nix (three stages) is listed once; the rest is hashed here.
    const listing = await listDomainFiles(root);
    assert.deepEqual(listing.files, ['a.nix', 'c.nix', 'd.nix', 'e.nix', 'f.nix', 'link.nix', 'staged.nix', 'untracked.nix']);
    for (const file of listing.files) {
      // A link is read through: its blob is that of what it points to.
      assert.equal(listing.blobByFile.get(file), blobOf(file === 'link.nix' ? 'a.nix' : file), file);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
