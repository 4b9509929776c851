// What the nix-eval fixture defines, read from its text alone (nothing of the index), so impact
// tests can derive their expected figures from the fixture instead of writing numbers in.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const NIX_EVAL_FIXTURE = path.join(__dirname, '..', 'fixtures', 'nix-eval-domain');

interface FixturePackage {
  attr: string;
  /** Its function takes `stdenv` or `stdenvNoCC`, or it is an inline `stdenv.mkDerivation`. */
  withStdenv: boolean;
  /** Built by the bootstrap stage (`{ stdenv = bootstrapStdenv; }`): what stdenv itself is built from. */
  bootstrap: boolean;
}

/** The names in the first formals of a Nix file (`{ stdenv, zlib }:` → stdenv, zlib). */
function formalsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/#.*$/gm, '');
  const formals = /^\s*\{([^}]*)\}\s*:/.exec(text)?.[1] ?? '';
  return formals
    .split(',')
    .map((f) => f.trim().split(/[\s?]/)[0]!)
    .filter(Boolean);
}

const takesStdenv = (file: string) => formalsOf(file).some((f) => f === 'stdenv' || f === 'stdenvNoCC');

/** Every package of the fixture: by-name folders, then the bindings of all-packages.nix that build one. */
function fixturePackages(root = NIX_EVAL_FIXTURE): FixturePackage[] {
  const out: FixturePackage[] = [];
  const byName = path.join(root, 'pkgs', 'by-name');
  for (const shard of readdirSync(byName)) {
    for (const name of readdirSync(path.join(byName, shard))) {
      out.push({ attr: name, withStdenv: takesStdenv(path.join(byName, shard, name, 'package.nix')), bootstrap: false });
    }
  }
  const topLevel = path.join(root, 'pkgs', 'top-level');
  // Two spaces: a top-level binding; four: a member of the nested `xorg` set.
  const binding = /^( {2}| {4})([\w-]+) = (?:callPackage (\S+) \{(.*)\};|stdenv\.mkDerivation )/;
  for (const line of readFileSync(path.join(topLevel, 'all-packages.nix'), 'utf8').split('\n')) {
    const m = binding.exec(line);
    if (!m) continue;
    const [, indent, name, callee, args] = m;
    const attr = indent!.length === 4 ? `xorg.${name}` : name!;
    if (!callee) {
      out.push({ attr, withStdenv: true, bootstrap: false });
      continue;
    }
    let file = path.join(topLevel, callee);
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'default.nix');
    out.push({ attr, withStdenv: takesStdenv(file), bootstrap: /\bstdenv = bootstrapStdenv\b/.test(args!) });
  }
  return out.sort((a, b) => (a.attr < b.attr ? -1 : 1));
}

/** What a change to stdenv rebuilds: every package built with it, except those of the bootstrap stage. */
export function builtWithStdenv(root = NIX_EVAL_FIXTURE): string[] {
  return fixturePackages(root)
    .filter((p) => p.withStdenv && !p.bootstrap)
    .map((p) => p.attr);
}
