import type { Analyzer, NixDocument } from '../analyzer';
import type { Package } from '../packages';
import type { Target } from '../resolve';
import type { Span } from '../syntax';
import { resolveAt, type Position } from './locate';
import { isMaintainerList } from './maintainers';

export interface HoverResult {
  markdown: string;
  span: Span;
  /** The package hovered, when it is one. */
  pkg?: Package;
  /** A maintainer or team handle: the full card is read from that entry's bytes by the caller. */
  maintainer?: { file: string; handle: string };
}

/** Hover: a package card for packages, the doc comment for lib functions. */
export function hover(analyzer: Analyzer, doc: NixDocument, pos: Position, found = resolveAt(analyzer, doc, pos)): HoverResult | undefined {
  if (!found?.target || found.target.global) return undefined;
  if (isMaintainerList(found.target.file)) {
    const entry = analyzer.maintainers.entry(found.target.file, found.name);
    if (entry) {
      const markdown = [`**${entry.handle}**`, entry.name, entry.github ? `GitHub: @${entry.github}` : ''].filter(Boolean).join('\n\n');
      return { markdown, span: found.span, maintainer: { file: found.target.file, handle: entry.handle } };
    }
  }
  const markdown = describeTarget(analyzer, found.target, found.name);
  if (!markdown) return undefined;
  const pkg = analyzer.catalog.packageAt(found.target);
  return pkg ? { markdown, span: found.span, pkg } : { markdown, span: found.span };
}

/** Markdown for a resolved definition: a package card, a lib function, or a file. */
function describeTarget(analyzer: Analyzer, target: Target, name: string): string | undefined {
  const pkg = analyzer.catalog.packageAt(target);
  if (pkg) return packageCard(analyzer, pkg, name);
  if (target.file === 'lib/default.nix' && target.span.every((n) => n === 0)) {
    return `**lib** · \`${analyzer.index.domain}\`\n\nThe domain's library of Nix functions (\`lib/default.nix\`).`;
  }
  if (target.file.startsWith('lib/')) return libCard(analyzer, target, name);
  const drv = analyzer.index.files.get(target.file)?.drv;
  if (drv && target.span[0] === drv.span[0] && target.span[1] === drv.span[1]) {
    return [`**${name}**${drv.version ? ` · ${drv.version}` : ''}`, drv.description ?? '', `Defined in \`${target.file}\``]
      .filter(Boolean)
      .join('\n\n');
  }
  if (target.missing) return `**${name}**\n\n\`${target.file}\` is not in domain \`${analyzer.index.domain}\`.`;
  if (target.binding) return `**${target.binding.name}**\n\nDefined in \`${target.file}:${target.span[0] + 1}\``;
  return undefined;
}

/** The package card: what a contributor wants to know about a package at a glance. */
function packageCard(analyzer: Analyzer, pkg: Package, lookedUp = pkg.name): string {
  // Literals are read from the file's current facts: the catalog survives edits that keep the structure.
  const drv = pkg.binding?.val.k === 'inline' ? pkg.drv : (analyzer.index.files.get(pkg.target.file)?.drv ?? pkg.drv);
  const title = [`**${pkg.attrPath}**`, `\`${analyzer.index.domain}\``, drv?.version].filter(Boolean).join(' · ');
  const lines = [title];
  if (lookedUp !== pkg.name && lookedUp !== pkg.attrPath) lines.push(`\`${lookedUp}\` resolves to \`${pkg.attrPath}\`.`);
  if (drv?.description) lines.push(drv.description);
  const facts: string[] = [];
  if (drv?.homepage) facts.push(`Homepage: ${drv.homepage}`);
  if (drv?.license) facts.push(`License: ${drv.license}`);
  facts.push(`Defined in \`${pkg.target.file}:${(drv?.span ?? pkg.target.span)[0] + 1}\``);
  if (drv && drv.maintainers.length > 0) facts.push(`Maintainers: ${drv.maintainers.map((m) => m.handle).join(', ')}`);
  const inputs = analyzer.catalog.inputsOf(pkg).length;
  // Dependants need every package's inputs resolved: a request that could not prepare them in its
  // budget leaves the figure out rather than computing it all now.
  const dependants = analyzer.catalog.isReady('dependants') ? ` · Direct dependants: ${analyzer.catalog.dependantCount(pkg)}` : '';
  facts.push(`Inputs: ${inputs}${dependants}`);
  lines.push(facts.join('  \n'));
  return lines.join('\n\n');
}

function libCard(analyzer: Analyzer, target: Target, name: string): string {
  const facts = analyzer.index.files.get(target.file);
  let doc: string | undefined;
  const visit = (attrs: { name: string; span: Span; doc?: string; val: { k: string } }[]) => {
    for (const attr of attrs) {
      if (attr.span[0] === target.span[0] && attr.span[1] === target.span[1]) doc = attr.doc;
      const val = attr.val as { k: string; attrs?: typeof attrs };
      if (!doc && val.k === 'set' && val.attrs) visit(val.attrs);
    }
  };
  if (facts?.value.k === 'set') visit(facts.value.attrs);
  const stem = target.file
    .replace(/^lib\//, '')
    .replace(/\.nix$/, '')
    .replace(/\/default$/, '');
  const qualified = stem === 'default' ? `lib.${name}` : `lib.${stem.replace(/\//g, '.')}.${name}`;
  return [`**${qualified}**`, doc ?? '', `Defined in \`${target.file}:${target.span[0] + 1}\``].filter(Boolean).join('\n\n');
}
