// The writer of the server's messages over stdio (`--stdio`: other editors, the benchmark's
// plain client, `nix-domains lsp --stdio`). The LSP library's own stream writer puts every
// message behind a semaphore that starts each write from `setImmediate`, one turn of the event
// loop after the answer is ready: background work that yields with a timer (the warm-up after
// indexing, 4 ms at a time) runs first in that turn. Measured on the generated core, a hover
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

  write(message: Message): Promise<void> {
    try {
      // As the library encodes it: JSON in UTF-8, its length in bytes in the header.
      const body = Buffer.from(JSON.stringify(message), 'utf8');
      this.stream.write(`Content-Length: ${body.byteLength}\r\n\r\n`, 'ascii');
      this.stream.write(body);
      this.errors = 0;
      return Promise.resolve();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.fireError(error, message, ++this.errors);
      return Promise.reject(error);
    }
  }

  end(): void {
    this.stream.end();
  }
}
