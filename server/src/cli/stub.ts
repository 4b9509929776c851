import path from 'node:path';
import { prepareStub, writeStub } from '../analysis/stubs/generate';
import { publishStub, resolvePublishTarget, type PublishTarget } from '../analysis/stubs/publish';
import { openDomain } from './common';

const USAGE = `usage: nix-domains stub [DIR] (--out OUT | --publish REMOTE[#REF]) [--revision REV] [--allow-dirty]
  --out OUT                write the stub into the folder OUT (beside the revisions already there)
  --publish REMOTE[#REF]   push it to REF of REMOTE (default ref: refs/nix-domains/stubs), beside the
                           revisions already published; REMOTE is a remote name (origin), a URL or a folder
  --revision REV           name the stub REV instead of HEAD's commit (not with --publish)
  --allow-dirty            with uncommitted .nix changes, write <commit>-dirty instead of refusing
`;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `nix-domains stub`: writes the stub of the domain in DIR into OUT and/or publishes it on a git ref; returns the exit code. */
export async function stubCommand(
  args: string[],
  io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
): Promise<number> {
  let dir: string | undefined;
  let out: string | undefined;
  let publish: string | undefined;
  let revision: string | undefined;
  let allowDirty = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--out' || arg === '--revision' || arg === '--publish') {
      const value = args[++i];
      if (value === undefined) {
        io.err(`nix-domains stub: ${arg} needs a value\n${USAGE}`);
        return 2;
      }
      if (arg === '--out') out = value;
      else if (arg === '--publish') publish = value;
      else revision = value;
    } else if (arg === '--allow-dirty') allowDirty = true;
    else if (arg.startsWith('-') || dir !== undefined) {
      io.err(`nix-domains stub: unexpected argument '${arg}'\n${USAGE}`);
      return 2;
    } else dir = arg;
  }
  if (out === undefined && publish === undefined) {
    io.err(`nix-domains stub: --out or --publish is required\n${USAGE}`);
    return 2;
  }
  if (publish !== undefined && revision !== undefined) {
    // A published stub is read by whoever pins that commit: it must describe the commit checked out.
    io.err(`nix-domains stub: --publish publishes the checked-out commit; check out ${revision} instead of passing --revision\n`);
    return 2;
  }
  const root = path.resolve(dir ?? '.');
  try {
    // The target first: a typo in it should not cost an indexing run.
    const target: PublishTarget | undefined = publish === undefined ? undefined : await resolvePublishTarget(publish, root);
    const analyzer = await openDomain(root);
    const prepared = await prepareStub(analyzer, { revision, allowDirty });
    const written = out === undefined ? undefined : await writeStub(path.resolve(out), prepared);
    const published = target && (await publishStub(prepared, target, { log: (message) => io.err(`nix-domains stub: ${message}\n`) }));
    const { stub } = prepared;
    const sizes = stub.root.shards.map((s) => s.size);
    io.out(
      `${JSON.stringify(
        {
          domain: prepared.domain,
          revision: prepared.revision,
          ...(written ? { folder: written.folder } : {}),
          packages: stub.root.packages,
          shards: sizes.length,
          rootBytes: stub.files.get('root.json')!.byteLength,
          largestShardBytes: Math.max(0, ...sizes),
          stubBytes: [...stub.files.values()].reduce((total, bytes) => total + bytes.byteLength, 0),
          ...(published ? { published } : {}),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  } catch (err) {
    io.err(`nix-domains stub: ${(err as Error).message}\n`);
    return 1;
  }
}
