// What the commands share: opening a domain, and reading `--flag value` arguments.
import path from 'node:path';
import { Analyzer } from '../analysis/analyzer';
import { readDomainName } from '../analysis/manifest';

/** Opens the domain containing `dir` and indexes it, for a command that answers once and exits (its facts are not shared: `DomainIndex`). */
export async function openDomain(dir: string): Promise<Analyzer> {
  const root = path.resolve(dir);
  const analyzer = await Analyzer.create(root, await readDomainName(root), { shareFacts: false });
  await analyzer.indexAll();
  return analyzer;
}

/** Splits `--flag value` pairs from positional arguments. */
export function parseFlags(args: string[], known: string[]): { values: Record<string, string>; positional: string[] } {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (known.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new Error(`${name} needs a value`);
      values[name] = value;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  return { values, positional };
}
