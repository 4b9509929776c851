import path from 'node:path';
import { Analyzer } from '../analysis/analyzer';
import { readDomainName } from '../analysis/manifest';
import { generateStub } from '../analysis/stubs/generate';

const USAGE = 'usage: nix-domains stub [DIR] --out OUT [--revision REV] [--allow-dirty]\n';

/** `nix-domains stub`: writes the stub of the domain in DIR into OUT; returns the exit code. */
export async function stubCommand(
  args: string[],
  io: { out: (text: string) => void; err: (text: string) => void } = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  let dir: string | undefined;
  let out: string | undefined;
  let revision: string | undefined;
  let allowDirty = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--out' || arg === '--revision') {
      const value = args[++i];
      if (value === undefined) {
        io.err(`nix-domains stub: ${arg} needs a value\n${USAGE}`);
        return 2;
      }
      if (arg === '--out') out = value;
      else revision = value;
    } else if (arg === '--allow-dirty') allowDirty = true;
    else if (arg.startsWith('-') || dir !== undefined) {
      io.err(`nix-domains stub: unexpected argument '${arg}'\n${USAGE}`);
      return 2;
    } else dir = arg;
  }
  if (out === undefined) {
    io.err(`nix-domains stub: --out is required\n${USAGE}`);
    return 2;
  }
  const root = path.resolve(dir ?? '.');
  const analyzer = await Analyzer.create(root, await readDomainName(root));
  await analyzer.indexAll();
  try {
    const result = await generateStub(analyzer, { out: path.resolve(out), revision, allowDirty });
    const sizes = result.stub.root.shards.map((s) => s.size);
    io.out(`${JSON.stringify({
      domain: result.domain, revision: result.revision, folder: result.folder, packages: result.stub.root.packages,
      shards: sizes.length, rootBytes: result.stub.files.get('root.json')!.byteLength, largestShardBytes: Math.max(0, ...sizes),
    }, null, 2)}\n`);
    return 0;
  } catch (err) {
    io.err(`nix-domains stub: ${(err as Error).message}\n`);
    return 1;
  }
}
