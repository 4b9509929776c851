// git as publishing runs it: an argument array (never a shell), no prompts, URL transports
// only, bytes on stdin, a timeout, and messages with any password in a URL hidden.
import { spawn } from 'node:child_process';

export interface GitRunnerOptions {
  /** Where git runs (`-C` in the arguments works too). */
  cwd?: string;
  timeoutMs?: number;
  /** Strings (remote URLs) whose password is hidden wherever they appear in a message. */
  redact?: string[];
}

export interface RunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Refuse more output than this (default 64 MB). */
  maxBuffer?: number;
}

/** A finished git command that may have failed: whether it succeeded, and why not in one line. */
export interface Attempt {
  ok: boolean;
  reason: string;
}

/** `https://user:secret@host/x` → `https://user:***@host/x`; a token alone as user is hidden too. */
export function redactUrl(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+)(:[^/@\s]*)?@/gi,
    (_m, scheme: string, user: string, password?: string) => `${scheme}${password ? `${user}:***` : '***'}@`,
  );
}

export class GitRunner {
  constructor(readonly options: GitRunnerOptions = {}) {}

  /** Runs git; its stdout, or a rejection with git's last lines of stderr. */
  async run(args: string[], options: RunOptions = {}): Promise<Buffer> {
    const result = await this.spawn(args, options);
    if (result.code === 0) return result.stdout;
    throw new Error(`git ${subcommand(args)} failed: ${result.reason}`);
  }

  /** Runs git and gives its stdout as trimmed text. */
  async text(args: string[], options: RunOptions = {}): Promise<string> {
    return (await this.run(args, options)).toString('utf8').trim();
  }

  /** Runs git whatever its exit: a push is expected to fail now and then. */
  async attempt(args: string[], options: RunOptions = {}): Promise<Attempt> {
    const result = await this.spawn(args, options);
    return { ok: result.code === 0, reason: result.reason };
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.options.redact ?? []) if (secret !== redactUrl(secret)) out = out.split(secret).join(redactUrl(secret));
    return redactUrl(out);
  }

  private spawn(args: string[], options: RunOptions): Promise<{ code: number | null; stdout: Buffer; stderr: string; reason: string }> {
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    const maxBuffer = options.maxBuffer ?? 64 * 1024 * 1024;
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, {
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {
          // A machine-made commit; GIT_AUTHOR_*/GIT_COMMITTER_* in the environment still win.
          GIT_AUTHOR_NAME: 'nix-domains',
          GIT_AUTHOR_EMAIL: 'nix-domains@localhost',
          GIT_COMMITTER_NAME: 'nix-domains',
          GIT_COMMITTER_EMAIL: 'nix-domains@localhost',
          ...repositoryFreeEnv(),
          ...options.env,
          GIT_TERMINAL_PROMPT: '0',
          GCM_INTERACTIVE: 'never',
          GIT_ALLOW_PROTOCOL: 'https:http:ssh:file',
        },
      });
      const out: Buffer[] = [];
      let outBytes = 0;
      let err = '';
      let killedFor: string | undefined;
      const timer = setTimeout(() => {
        killedFor = `timed out after ${timeoutMs} ms`;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        outBytes += chunk.byteLength;
        if (outBytes > maxBuffer) {
          killedFor = `more than ${maxBuffer} bytes of output`;
          child.kill('SIGKILL');
        } else out.push(chunk);
      });
      // stderr is kept short: only its last lines make the message.
      child.stderr.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString('utf8')).slice(-8192);
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run git: ${error.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const lines = err
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('hint:'));
        const reason = this.redact(killedFor ?? (lines.slice(-2).join('; ') || `exit code ${code}`));
        resolve({ code: killedFor ? null : code, stdout: Buffer.concat(out), stderr: err, reason });
      });
      child.stdin.on('error', () => undefined); // git may exit before reading all of stdin; its exit code says why
      child.stdin.end(options.input ?? '');
    });
  }
}

/** The git subcommand in an argument list (`-C DIR` and `-c KEY=VALUE` skipped), for messages. */
function subcommand(args: string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-C' || args[i] === '-c') i++;
    else return args[i]!;
  }
  return '';
}

/**
 * The environment without the variables that point git at a repository: run from a git hook,
 * `GIT_DIR` and friends would make every command here act on the hook's repository instead.
 */
function repositoryFreeEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'GIT_OBJECT_DIRECTORY',
    'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_COMMON_DIR',
    'GIT_NAMESPACE',
    'GIT_PREFIX',
    'GIT_QUARANTINE_PATH',
  ])
    delete env[name];
  return env;
}
