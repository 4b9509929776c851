// The writer of the server's messages over stdio (`--stdio`: other editors, the benchmark's
// plain client, `nix-domains lsp --stdio`). The LSP library's own stream writer puts every
// message behind a semaphore that starts each write from `setImmediate`, one turn of the event
// loop after the answer is ready: background work that yields with a timer (the warm-up after
// indexing, a few milliseconds at a time) runs first in that turn. Measured on the generated core, a hover
// during the warm-up took 11–17 ms at the median that way, 5.6–9.7 ms written at once (README.md,
// Decisions). Over VS Code's IPC the library's writer already sends at once.
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/** Writes each message to the stream as soon as it is given: a `Content-Length` header, then the JSON. */
export class ImmediateStreamWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (err: Error) => this.fireError(err));
    stream.on('close', () => this.fireClose());
  }

  /**
   * Writes the message now, header and body in one buffer; the promise settles once the stream has
   * taken it (rejected, and the error reported with the message, when it could not: a closed pipe).
   */
  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      // As the library encodes it: JSON in UTF-8, its length in bytes in the header.
      const json = JSON.stringify(message);
      const length = Buffer.byteLength(json, 'utf8');
      const header = `Content-Length: ${length}\r\n\r\n`;
      frame = Buffer.allocUnsafe(header.length + length);
      frame.write(header, 0, 'ascii');
      frame.write(json, header.length, 'utf8');
    } catch (err) {
      return Promise.reject(this.failed(err, message));
    }
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (err?: Error | null) => {
        if (err) reject(this.failed(err, message));
        else {
          this.errors = 0;
          resolve();
        }
      });
    });
  }

  private failed(err: unknown, message: Message): Error {
    const error = err instanceof Error ? err : new Error(String(err));
    this.fireError(error, message, ++this.errors);
    return error;
  }

  end(): void {
    this.stream.end();
  }
}
