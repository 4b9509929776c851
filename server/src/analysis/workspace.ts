import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const SKIP_DIRS = new Set(['.git', 'node_modules', 'result', '.direnv']);

/**
 * The `.nix` files of a domain, domain-relative with `/` separators: the files git tracks plus
 * untracked ones it does not ignore; outside a git repository (or when git may not run, in an
 * untrusted workspace), a walk of the folder.
 */
export async function listNixFiles(root: string, useGit = true): Promise<string[]> {
  if (!useGit) return (await walk(root, '')).sort();
  try {
    const { stdout } = await run(
      'git',
      ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate', '--', '*.nix'],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    const files = stdout.split('\0').filter((f) => f.length > 0);
    // Deleted but still tracked files are listed by --cached; keep only what exists.
    const exists = await Promise.all(
      files.map((f) =>
        fs.stat(path.join(root, f)).then(
          (s) => s.isFile(),
          () => false,
        ),
      ),
    );
    return files.filter((_, i) => exists[i]).sort();
  } catch {
    return (await walk(root, '')).sort();
  }
}

async function walk(root: string, dir: string, seen = new Set<string>()): Promise<string[]> {
  const absolute = path.join(root, dir);
  let real: string;
  try {
    real = await fs.realpath(absolute);
  } catch {
    return [];
  }
  if (seen.has(real)) return []; // symlink loop
  seen.add(real);
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(absolute, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory() || entry.isSymbolicLink()) {
      if (SKIP_DIRS.has(entry.name)) continue;
      if (entry.isSymbolicLink()) {
        const stat = await fs.stat(path.join(root, rel)).catch(() => undefined);
        if (stat?.isFile() && entry.name.endsWith('.nix')) out.push(rel);
        if (!stat?.isDirectory()) continue;
      }
      out.push(...(await walk(root, rel, seen)));
    } else if (entry.isFile() && entry.name.endsWith('.nix')) {
      out.push(rel);
    }
  }
  return out;
}

/** Reads a file as text: UTF-8 with a BOM removed; undefined when it cannot be read or looks binary. */
export async function readNixFile(absolute: string): Promise<string | undefined> {
  let buffer: Buffer;
  try {
    buffer = await fs.readFile(absolute);
  } catch {
    return undefined;
  }
  return decodeNix(buffer);
}

/** Decodes file bytes as UTF-8 text (BOM stripped); undefined for binary content (NUL bytes). */
export function decodeNix(buffer: Buffer): string | undefined {
  if (buffer.subarray(0, 8192).includes(0)) return undefined;
  const text = buffer.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
