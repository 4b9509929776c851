// A file of the domain parsed again, when what a caller passes changes how it reads (flags,
// versions, a mapped member's own element): the editor's text when it is open, else the file.
import { readFileSync } from 'node:fs';
import type { Analyzer } from './analyzer';
import type { SyntaxNode as Node } from './syntaxTree';
import { withFlatTree } from './treeReader';

/** Parses a file of the domain and hands its value (its first expression) to `read`; undefined when it cannot be read. */
export function withFileValue<T>(analyzer: Analyzer, file: string, read: (value: Node) => T | undefined): T | undefined {
  let text = analyzer.openDocumentFor(file)?.text;
  try {
    text ??= readFileSync(analyzer.index.absolute(file), 'utf8');
  } catch {
    return undefined;
  }
  const tree = analyzer.parser.parse(text);
  try {
    return withFlatTree(tree, (root) => {
      const first = root.namedChildren.find((c) => c?.type !== 'comment');
      return first ? read(first) : undefined;
    });
  } finally {
    tree.delete();
  }
}
