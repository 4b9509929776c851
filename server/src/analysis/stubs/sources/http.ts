// A careful HTTP(S) GET: only the configured origin, bounded in time and size, gzip decoded
// with the same bound, ETag revalidation and byte ranges. Node's http/https, nothing else.
import http from 'node:http';
import https from 'node:https';
import { createGunzip } from 'node:zlib';
import { domainPathProblem } from '../format';
import {
  DEFAULT_MAX_BYTES,
  FetchError,
  type DomainFileSource,
  type Fetched,
  type NotModified,
  type ReadOptions,
  type StubTreeSource,
} from './types';

export interface HttpOptions {
  /** Time to open the connection (TCP and TLS). */
  connectTimeoutMs?: number;
  /** Time for the whole exchange, redirects included. */
  totalTimeoutMs?: number;
  maxBytes?: number;
  /** Same-origin redirects followed at most; default 3. */
  maxRedirects?: number;
  etag?: string;
  /** Bytes [start, end) of the resource. */
  range?: [number, number];
}

const DEFAULT_HTTP = { connectTimeoutMs: 10_000, totalTimeoutMs: 30_000, maxRedirects: 3 };

/** The time for a whole exchange when the caller sets none: `NIX_DOMAINS_HTTP_TIMEOUT_MS` (slow links, tests), else 30 s. */
function defaultTotalTimeoutMs(): number {
  const fromEnv = Number(process.env.NIX_DOMAINS_HTTP_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_HTTP.totalTimeoutMs;
}

/** GETs a URL; refuses (FetchError) anything off-origin, too slow, too large, truncated or overlong. */
export async function httpGet(url: string, options: HttpOptions = {}): Promise<Fetched | NotModified> {
  const first = parseHttpUrl(url);
  const deadline = Date.now() + (options.totalTimeoutMs ?? defaultTotalTimeoutMs());
  let current = first;
  for (let hop = 0; ; hop++) {
    const answer = await exchange(current, options, deadline);
    if (answer.kind !== 'redirect') return answer.result;
    const next = (() => {
      try {
        return new URL(answer.location, current);
      } catch {
        throw new FetchError(`refused redirect from ${current.href} to ${JSON.stringify(answer.location)}: not a URL`);
      }
    })();
    if (next.protocol !== first.protocol || next.host !== first.host) {
      throw new FetchError(
        `refused redirect from ${current.href} to ${next.protocol === 'file:' ? next.href : next.origin + next.pathname}: only redirects within ${first.origin} are followed`,
      );
    }
    if (hop + 1 > (options.maxRedirects ?? DEFAULT_HTTP.maxRedirects)) {
      throw new FetchError(`refused ${url}: more than ${options.maxRedirects ?? DEFAULT_HTTP.maxRedirects} redirects`);
    }
    current = next;
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchError(`${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new FetchError(`refused ${url}: only http and https URLs are fetched`);
  if (parsed.username || parsed.password) throw new FetchError(`refused ${parsed.origin}: credentials in URLs are not supported`);
  return parsed;
}

type Answer = { kind: 'redirect'; location: string } | { kind: 'done'; result: Fetched | NotModified };

function exchange(url: URL, options: HttpOptions, deadline: number): Promise<Answer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { 'accept-encoding': 'gzip', connection: 'close', 'user-agent': 'nix-domains' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.range) headers.range = `bytes=${options.range[0]}-${options.range[1] - 1}`;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let closed = false;
    // A gzip body is still being decoded after the connection has closed.
    let bodyPending = false;
    let answer: Answer | undefined;
    let failure: Error | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      if (settled || !closed || (bodyPending && !failure)) return;
      settled = true;
      timers.forEach(clearTimeout);
      if (failure) reject(failure);
      else if (answer) resolve(answer);
      else reject(new FetchError(`${url.href}: connection closed without an answer`));
    };
    // The first failure is the one reported; later errors are its consequences.
    const fail = (error: Error) => {
      failure ??= error instanceof FetchError ? error : new FetchError(`${url.href}: ${describe(error)}`);
      req.destroy();
      finish();
    };
    const req = lib.request(url, { method: 'GET', headers, agent: false });
    timers.push(
      setTimeout(
        () => fail(new FetchError(`${url.href}: no complete answer within ${options.totalTimeoutMs ?? defaultTotalTimeoutMs()} ms`)),
        Math.max(0, deadline - Date.now()),
      ),
    );
    const connectMs = options.connectTimeoutMs ?? DEFAULT_HTTP.connectTimeoutMs;
    req.on('socket', (socket) => {
      const timer = setTimeout(() => fail(new FetchError(`${url.href}: could not connect within ${connectMs} ms`)), connectMs);
      timers.push(timer);
      socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    });
    req.on('error', fail);
    // Resolve only once the connection is closed: bytes after the announced body show up as
    // a parse error after the response has ended, and must still refuse it.
    req.on('close', () => {
      closed = true;
      finish();
    });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
        answer = { kind: 'redirect', location: res.headers.location };
        res.resume();
        return;
      }
      if (status === 304) {
        answer = { kind: 'done', result: { notModified: true, from: url.href, transferred: 0 } };
        res.resume();
        return;
      }
      if (status === 404 || status === 410) {
        res.resume();
        return fail(new FetchError(`${url.href}: not found (HTTP ${status})`, true));
      }
      if (status !== 200 && !(status === 206 && options.range)) {
        res.resume();
        return fail(new FetchError(`${url.href}: HTTP ${status} ${res.statusMessage ?? ''}`.trim()));
      }
      const announced = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
      if (announced !== undefined && announced > maxBytes) {
        return fail(new FetchError(`${url.href}: refused, ${announced} bytes announced, the limit is ${maxBytes}`));
      }
      const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity' && encoding !== 'gzip')
        return fail(new FetchError(`${url.href}: unsupported Content-Encoding ${encoding}`));
      let transferred = 0;
      let size = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        transferred += chunk.length;
        if (transferred > maxBytes) fail(new FetchError(`${url.href}: refused, more than ${maxBytes} bytes`));
        if (announced !== undefined && transferred > announced)
          fail(new FetchError(`${url.href}: refused, more bytes than the ${announced} of Content-Length`));
      });
      res.on('aborted', () =>
        fail(
          new FetchError(
            `${url.href}: connection closed after ${transferred}${announced !== undefined ? ` of ${announced}` : ''} bytes (truncated)`,
          ),
        ),
      );
      res.on('error', fail);
      bodyPending = true;
      const body = encoding === 'gzip' ? res.pipe(createGunzip()) : res;
      if (body !== res) body.on('error', (err) => fail(new FetchError(`${url.href}: bad gzip data (${describe(err)})`)));
      body.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail(new FetchError(`${url.href}: refused, more than ${maxBytes} bytes after decompression`));
        chunks.push(chunk);
      });
      body.on('end', () => {
        if (failure) return;
        if (announced !== undefined && transferred < announced)
          return fail(new FetchError(`${url.href}: ${transferred} of ${announced} bytes (truncated)`));
        let bytes = Buffer.concat(chunks);
        if (options.range) {
          const [start, end] = options.range;
          if (status === 206) {
            const range = /^bytes (\d+)-(\d+)\//.exec(String(res.headers['content-range'] ?? ''));
            if (!range || Number(range[1]) !== start)
              return fail(new FetchError(`${url.href}: the server answered another range (${res.headers['content-range'] ?? 'none'})`));
          } else bytes = bytes.subarray(start, end); // the server ignored Range: cut it here
        }
        const etag = res.headers.etag;
        answer = { kind: 'done', result: { bytes, from: url.href, transferred, ...(etag ? { etag } : {}) } };
        bodyPending = false;
        finish();
      });
    });
    req.end();
  });
}

function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  return code ? `${error.message} (${code})` : error.message;
}

/** Joins a base URL and `/`-separated relative path, each segment percent-encoded. */
function joinUrl(base: string, relative: string): string {
  const problem = domainPathProblem(relative);
  if (problem) throw new FetchError(`refused path ${JSON.stringify(relative)}: it ${problem}`);
  return (base.endsWith('/') ? base : `${base}/`) + relative.split('/').map(encodeURIComponent).join('/');
}

/** A stub tree served over HTTP(S) at a base URL (the `stub --out` folder, as served). */
export class HttpStubSource implements StubTreeSource {
  readonly description: string;

  constructor(
    readonly base: string,
    readonly options: HttpOptions = {},
  ) {
    this.description = parseHttpUrl(base).href;
  }

  read(relative: string, options: ReadOptions = {}): Promise<Fetched | NotModified> {
    return httpGet(joinUrl(this.base, relative), { ...this.options, ...options });
  }
}

/** Files of a domain from a URL template: `{rev}`, `{path}` and `{domain}` are filled in. */
export class HttpFileSource implements DomainFileSource {
  readonly description: string;

  constructor(
    readonly template: string,
    readonly domain: string,
    readonly options: HttpOptions = {},
  ) {
    if (!template.includes('{path}')) throw new FetchError(`files URL ${template} has no {path}`);
    this.description = template;
  }

  async read(revision: string | undefined, file: string, options: ReadOptions & { range?: [number, number] } = {}): Promise<Fetched> {
    const problem = domainPathProblem(file);
    if (problem) throw new FetchError(`refused file ${JSON.stringify(file)}: it ${problem}`);
    if (revision === undefined && this.template.includes('{rev}'))
      throw new FetchError(`no revision of ${this.domain} is pinned, and ${this.template} needs one`);
    const url = this.template
      .replaceAll('{rev}', encodeURIComponent(revision ?? ''))
      .replaceAll('{domain}', encodeURIComponent(this.domain))
      .replaceAll('{path}', file.split('/').map(encodeURIComponent).join('/'));
    const result = await httpGet(url, { ...this.options, ...options, etag: undefined });
    if ('notModified' in result) throw new FetchError(`${url}: unexpected 304`);
    return result;
  }
}
