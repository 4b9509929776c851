// Where the rebuild-impact lens goes in a file, and which package's closure each place shows.
import type { SyntaxNode as Node } from '../syntaxTree';
import type { Analyzer, NixDocument } from '../analyzer';
import { resolveAt } from '../features/locate';
import type { Package } from '../packages';
import { targetKey } from '../packages';
import type { Target } from '../resolve';
import { PACKAGE_SET_NAMES } from '../setNames';
import { applicationParts, attrPathNames, forEach, referencePath, sameSpan, spanOf, unparen, type Span } from '../syntax';

/** What kind of place a site is. */
type SiteKind =
  /** The top of a package file: the package(s) the file builds. */
  | 'file'
  /** `X.override`, `X.overrideAttrs`, `X.overridePythonAttrs`, …: X. */
  | 'override'
  /** `X = …;` in an overlay (`final: prev: { … }`): X. */
  | 'overlay'
  /** `X = …;` in the arguments of `callPackage ./y { … }`: the package the call builds, which is what changes. */
  | 'callPackageArgument';

/** One place of the lens and the package whose rebuild closure it shows. */
export interface ImpactSite {
  span: Span;
  package: Package;
  kind: SiteKind;
  /** For `callPackageArgument`: the argument's name. */
  argument?: string;
}

const OVERRIDE = /^override\w*$/;
const SET = new Set(['attrset_expression', 'rec_attrset_expression']);

/** The places in a document where a change rebuilds a package of the domain, in document order. */
export function impactSites(analyzer: Analyzer, doc: NixDocument): ImpactSite[] {
  const sites: ImpactSite[] = [];
  const seen = new Set<string>();
  const add = (span: Span, pkg: Package | undefined, kind: SiteKind, argument?: string) => {
    if (!pkg) return;
    // One lens per line and package: `X = prev.X.override { … }` is one change.
    const key = `${span[0]}:${targetKey(pkg.target)}`;
    if (seen.has(key)) return;
    seen.add(key);
    sites.push({ span, package: pkg, kind, ...(argument !== undefined ? { argument } : {}) });
  };
  for (const pkg of analyzer.catalog.packagesInFile(doc.path)) {
    if (pkg.binding?.val.k !== 'inline') add([0, 0, 0, 0], pkg, 'file');
  }
  forEach(doc.tree.rootNode, (node) => {
    if (node.type === 'select_expression') overrideSite(analyzer, doc, node, add);
    else if (node.type === 'function_expression') overlaySites(analyzer, node, add);
    else if (node.type === 'apply_expression') callPackageSites(analyzer, doc, node, add);
  });
  return sites.sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
}

type Add = (span: Span, pkg: Package | undefined, kind: SiteKind, argument?: string) => void;

function packageOf(analyzer: Analyzer, target: Target | undefined): Package | undefined {
  return target && analyzer.catalog.packageAt(target);
}

// `X.override…`: the package is what the selection before `override…` resolves to, found the
// way go-to-definition finds it (formals, `with`, `prev.X`, nested sets).
function overrideSite(analyzer: Analyzer, doc: NixDocument, select: Node, add: Add): void {
  const attrpath = select.childForFieldName('attrpath');
  const parts = attrpath?.childrenForFieldName('attr') ?? [];
  const last = parts[parts.length - 1];
  if (!last || !OVERRIDE.test(last.text)) return;
  const base = select.childForFieldName('expression');
  const names = referencePath(select)?.slice(0, -1);
  if (!base || !names) return;
  // `prev.X`, `final.X`, `pkgs.X`: X of the package set (locate does not treat overlay arguments as the set).
  if (names.length >= 2 && PACKAGE_SET_NAMES.has(names[0]!)) {
    let target = analyzer.resolver.lookupGlobal(names[1]!);
    for (const name of names.slice(2)) target = target && analyzer.resolver.select(target, name);
    add(spanOf(select), packageOf(analyzer, target), 'override');
    return;
  }
  // The name just before `override…`: the previous segment, or the end of the base reference.
  const before = parts.length > 1 ? parts[parts.length - 2]! : base;
  const end = before.endPosition;
  const resolution = resolveAt(analyzer, doc, { line: end.row, character: end.column });
  add(spanOf(select), packageOf(analyzer, resolution?.target), 'override');
}

// `final: prev: { X = …; }` (also with `with`/`let` around the set): a function of two plain
// arguments returning a set. Each binding names a package of the final set.
function overlaySites(analyzer: Analyzer, fn: Node, add: Add): void {
  if (!fn.childForFieldName('universal') || fn.childForFieldName('formals')) return;
  // The inner pair of `a: b: c: { … }` is not an overlay: overlays take exactly two arguments.
  let outer = fn.parent;
  while (outer?.type === 'parenthesized_expression') outer = outer.parent;
  if (outer?.type === 'function_expression' && outer.childForFieldName('universal')) return;
  const inner = fn.childForFieldName('body');
  const second = inner && unparen(inner);
  if (second?.type !== 'function_expression' || !second.childForFieldName('universal') || second.childForFieldName('formals')) return;
  // `a: b: c: { … }` is not an overlay's shape, and the inner pair is visited on its own.
  let body: Node | null = second.childForFieldName('body');
  while (body && ['parenthesized_expression', 'with_expression', 'let_expression'].includes(body.type)) {
    body = body.type === 'parenthesized_expression' ? body.childForFieldName('expression') : body.childForFieldName('body');
  }
  if (!body || !SET.has(body.type)) return;
  const bindings = body.namedChildren.find((c) => c?.type === 'binding_set');
  for (const binding of bindings?.namedChildren ?? []) {
    if (binding?.type !== 'binding') continue;
    const attrpath = binding.childForFieldName('attrpath');
    const names = attrpath && attrPathNames(attrpath);
    if (!attrpath || !names || names.length === 0) continue;
    let target = analyzer.resolver.lookupGlobal(names[0]!);
    for (const name of names.slice(1)) target = target && analyzer.resolver.select(target, name);
    add(spanOf(attrpath), packageOf(analyzer, target), 'overlay');
  }
}

// `callPackage ./y { X = …; }`: each argument changes the package the call builds.
function callPackageSites(analyzer: Analyzer, doc: NixDocument, apply: Node, add: Add): void {
  const { head, args, complete } = applicationParts(apply);
  if (!complete) return;
  const headPath = referencePath(head);
  const name = headPath?.[headPath.length - 1];
  if ((name !== 'callPackage' && name !== 'callPackages') || args.length < 2 || !SET.has(args[1]!.type)) return;
  const pkg = calledPackage(analyzer, doc, apply, args[0]!);
  const bindings = args[1]!.namedChildren.find((c) => c?.type === 'binding_set');
  for (const binding of bindings?.namedChildren ?? []) {
    if (!binding) continue;
    if (binding.type === 'binding') {
      const attrpath = binding.childForFieldName('attrpath');
      if (attrpath) add(spanOf(attrpath), pkg, 'callPackageArgument', attrpath.text);
    } else if (binding.type === 'inherit' || binding.type === 'inherit_from') {
      for (const attr of binding.childForFieldName('attrs')?.namedChildren ?? []) {
        if (attr) add(spanOf(attr), pkg, 'callPackageArgument', attr.text);
      }
    }
  }
}

// The package a call builds: the package-set binding whose value is this call (a file called
// by several bindings builds one package per binding), else the only package of the called file.
function calledPackage(analyzer: Analyzer, doc: NixDocument, apply: Node, what: Node): Package | undefined {
  const span = spanOf(apply);
  const binding = analyzer.index.bindingsOf(doc.path).find((b) => b.val.k === 'call' && sameSpan(b.val.span, span));
  if (binding) return packageOf(analyzer, analyzer.resolver.resolveBinding(binding));
  if (what.type !== 'path_expression') return undefined;
  const resolution = resolveAt(analyzer, doc, { line: what.startPosition.row, character: what.startPosition.column });
  const file = resolution?.target?.file;
  const packages = file ? analyzer.catalog.packagesInFile(file) : [];
  return packages.length === 1 ? packages[0] : undefined;
}
