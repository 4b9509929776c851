// A language server that does no work: it answers each references request with an answer the
// benchmark recorded from the real server (read once at start, held as objects, the way a server
// holds an answer it is about to send), so that what is left of a round trip is the protocol:
// the JSON written as the server writes it over stdio (`ImmediateStreamWriter`), the pipe, and the
// client reading it back. See floor.ts.
import { readFileSync } from 'node:fs';
import { createConnection, StreamMessageReader } from 'vscode-languageserver/node';
import { ImmediateStreamWriter } from '../../server/src/lsp/stdioWriter';

const answers = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as unknown[];
const connection = createConnection(new StreamMessageReader(process.stdin), new ImmediateStreamWriter(process.stdout));
connection.onInitialize(() => ({ capabilities: { referencesProvider: true } }));
// The recorded answer is named by the request's line.
connection.onReferences((params) => (answers[params.position.line] as never) ?? null);
connection.listen();
