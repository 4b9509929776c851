import { domainPathProblem } from '../format';
import { readConfined } from './folder';
import { runGit } from './git';
import { DEFAULT_MAX_BYTES, FetchError, type DomainFileSource, type Fetched, type ReadOptions } from './types';

/**
 * Files of a domain from a local checkout: `git show REV:path` in that checkout when a
 * revision is pinned (so the user sees the pinned file even if the checkout moved on), the
 * working tree when none is.
 */
export class CheckoutFileSource implements DomainFileSource {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = root;
  }

  async read(revision: string | undefined, file: string, options: ReadOptions & { range?: [number, number] } = {}): Promise<Fetched> {
    const problem = domainPathProblem(file);
    if (problem) throw new FetchError(`refused file ${JSON.stringify(file)}: it ${problem}`);
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (revision === undefined) return readConfined(this.root, file, maxBytes, options.range);
    const commit = revision.replace(/-dirty$/, '');
    if (!/^[0-9a-f]{7,64}$/.test(commit)) throw new FetchError(`${this.root}: ${JSON.stringify(revision)} is not a commit id`);
    const has = await runGit(['-C', this.root, 'cat-file', '-e', `${commit}^{commit}`]).then(
      () => true,
      () => false,
    );
    if (!has)
      throw new FetchError(
        `${this.root} does not have commit ${commit.slice(0, 12)} (fetch it there, or configure stubs/files for this domain)`,
        true,
      );
    const size = await runGit(['-C', this.root, 'cat-file', '-s', `${commit}:${file}`]).then(
      (b) => Number(b.toString('utf8').trim()),
      () => {
        throw new FetchError(`${this.root} ${commit.slice(0, 12)}:${file}: not found`, true);
      },
    );
    if (!options.range && size > maxBytes)
      throw new FetchError(`refused ${this.root} ${commit.slice(0, 12)}:${file}: ${size} bytes, the limit is ${maxBytes}`);
    let bytes = await runGit(['-C', this.root, 'cat-file', 'blob', `${commit}:${file}`], { maxBuffer: size + 1024 });
    if (options.range) bytes = bytes.subarray(options.range[0], options.range[1]);
    return { bytes, from: `${this.root} ${commit.slice(0, 12)}:${file}`, transferred: 0 };
  }
}
