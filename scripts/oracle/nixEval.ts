// Running `nix eval` for the real-core oracle: one process per batch, and bisection of a batch
// that aborts. Nix 2.8's `tryEval` catches `throw` and `assert`, but a missing attribute or an
// `abort` ends the whole evaluation, so a batch that fails is split until the attribute that
// fails stands alone.
import { spawn } from 'node:child_process';

/** The `nix` arguments for an impure evaluation to JSON; the local store is written (drv files). */
const NIX_EVAL = ['--extra-experimental-features', 'nix-command', 'eval', '--impure', '--json', '--expr'];

class NixError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Evaluates one expression to JSON; rejects with the first `error:` line of Nix's output. */
export function nixEval(expr: string, timeoutMs = 30 * 60_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn('nix', [...NIX_EVAL, expr], {
      env: { ...process.env, NIX_REMOTE: process.env.NIX_REMOTE ?? 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      if (code === 0) {
        try {
          resolve(JSON.parse(Buffer.concat(out).toString()));
        } catch (e) {
          reject(new NixError(`nix printed no JSON: ${(e as Error).message}`, stderr));
        }
        return;
      }
      const reason = signal ? `killed by ${signal} after ${timeoutMs / 1000} s` : errorLine(stderr);
      reject(new NixError(reason, stderr));
    });
  });
}

/** The first line of Nix's error message, without the `error:` prefix and terminal colours. */
function errorLine(stderr: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = stderr.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const lines = plain.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => l.startsWith('error:'));
  if (at < 0) return lines.filter(Boolean).slice(-1)[0] ?? 'nix failed without a message';
  const first = lines[at]!.slice('error:'.length).trim();
  // Nix 2.8 often puts the message on the line after a bare `error:`.
  return first || (lines.slice(at + 1).find((l) => l && !l.startsWith('…')) ?? 'error');
}

export interface Bisected<T> {
  /** Results of the items that evaluated, by item. */
  ok: Map<string, T>;
  /** Items whose evaluation aborts even alone, with Nix's message. */
  failed: Map<string, string>;
}

/**
 * Evaluates `items` in batches of `batchSize` with `evalBatch` (which returns one result per
 * item), splitting a batch that fails in two until a failing item is alone.
 */
export async function bisect<T>(
  items: readonly string[],
  evalBatch: (batch: readonly string[]) => Promise<Record<string, T>>,
  batchSize: number,
  progress: (done: number) => void = () => {},
): Promise<Bisected<T>> {
  const ok = new Map<string, T>();
  const failed = new Map<string, string>();
  const run = async (batch: readonly string[]): Promise<void> => {
    try {
      const result = await evalBatch(batch);
      for (const item of batch) {
        if (!(item in result)) throw new Error(`nix returned no result for ${item}`);
        ok.set(item, result[item]!);
      }
    } catch (error) {
      if (!(error instanceof NixError)) throw error;
      if (batch.length === 1) {
        failed.set(batch[0]!, error.message);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await run(batch.slice(0, half));
      await run(batch.slice(half));
    }
    progress(ok.size + failed.size);
  };
  for (let i = 0; i < items.length; i += batchSize) await run(items.slice(i, i + batchSize));
  return { ok, failed };
}
