import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The file at a domain's root that describes it. */
export const MANIFEST_FILE = 'nix-domains.json';

/** The domain's name: `domain` in its manifest, else the folder's name. */
export async function readDomainName(root: string): Promise<string> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(root, MANIFEST_FILE), 'utf8')) as { domain?: unknown };
    if (typeof manifest.domain === 'string' && manifest.domain.length > 0) return manifest.domain;
  } catch {
    // No manifest, or an invalid one: the folder names the domain.
  }
  return path.basename(path.resolve(root));
}
