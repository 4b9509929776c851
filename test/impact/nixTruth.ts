// The evaluated truth for the accuracy test: for each package, the attributes whose derivation
// path changes when real Nix evaluates the fixture with that package overridden.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * How Nix is run: `--store dummy://` with `--read-only` computes derivation paths without writing
 * a store, so it works offline, as any user, without a daemon.
 */
const NIX_EVAL = [
  '--extra-experimental-features',
  'nix-command',
  'eval',
  '--store',
  'dummy://',
  '--read-only',
  '--impure',
  '--json',
  '--expr',
];

async function nixEval(expr: string): Promise<unknown> {
  const { stdout } = await run('nix', [...NIX_EVAL, expr], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

// Attribute paths of every derivation in the set: top-level ones and those of nested sets
// marked `recurseForDerivations` (as nixpkgs' release tooling walks it).
const PRELUDE = (root: string) => `
let
  root = ${JSON.stringify(root)};
  isDrv = v: builtins.isAttrs v && (v.type or null) == "derivation";
  drvPathsOf = pkgs:
    let
      top = builtins.attrNames pkgs;
      one = name:
        let v = builtins.tryEval pkgs.\${name}; in
        if !v.success then [ ]
        else if isDrv v.value then [ { name = name; value = v.value.drvPath; } ]
        else if builtins.isAttrs v.value && (v.value.recurseForDerivations or false) then
          builtins.concatMap (inner: let w = v.value.\${inner}; in if isDrv w then [ { name = "\${name}.\${inner}"; value = w.drvPath; } ] else [ ]) (builtins.attrNames v.value)
        else [ ];
    in builtins.listToAttrs (builtins.concatMap one top);
  before = drvPathsOf (import (/. + root) { });
  updateAt = set: path: f:
    let head = builtins.head path; rest = builtins.tail path; in
    set // { \${head} = if rest == [ ] then f set.\${head} else updateAt set.\${head} rest f; };
  probe = path: final: prev:
    let updated = updateAt prev path (d: d.overrideAttrs (old: { impactProbe = "changed"; })); in
    { \${builtins.head path} = updated.\${builtins.head path}; };
  changedBy = path:
    let after = drvPathsOf (import (/. + root) { overlays = [ (probe path) ]; }); in
    builtins.filter (n: (after.\${n} or null) != before.\${n}) (builtins.attrNames before);
in`;

/** Every derivation attribute of the fixture (dotted paths). */
export async function derivationAttributes(root: string): Promise<string[]> {
  return nixEval(`${PRELUDE(root)} builtins.attrNames before`) as Promise<string[]>;
}

/** For each dotted attribute path, the attributes whose derivation path changes when it is overridden. */
export async function evaluatedRebuilds(root: string, attrPaths: readonly string[]): Promise<Record<string, string[]>> {
  const list = attrPaths.map((p) => `{ name = ${JSON.stringify(p)}; value = changedBy ${nixList(p.split('.'))}; }`).join(' ');
  return nixEval(`${PRELUDE(root)} builtins.listToAttrs [ ${list} ]`) as Promise<Record<string, string[]>>;
}

function nixList(parts: string[]): string {
  return `[ ${parts.map((p) => JSON.stringify(p)).join(' ')} ]`;
}
