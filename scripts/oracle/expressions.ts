// The Nix expressions the oracle evaluates. Each takes the root of a copy of core and a batch of
// attribute paths (`zlib`, `python311Packages.pip`) and returns one JSON value per path.

/** How core is imported: a fixed system, no user config or overlays from the home folder. */
export function importCore(root: string): string {
  return `import (/. + ${JSON.stringify(root)}) { system = "x86_64-linux"; config = { }; overlays = [ ]; }`;
}

// `toString` of a path in a package group gives its copy in the store (groups are imported as
// "${path}/packages.nix"); the script maps those back to the repository (see storeFolders).
function prelude(root: string, batch: readonly string[]): string {
  return `
  pkgs = ${importCore(root)};
  batch = [ ${batch
    .map(
      (p) =>
        `[ ${p
          .split('.')
          .map((s) => JSON.stringify(s))
          .join(' ')} ]`,
    )
    .join(' ')} ];
  key = path: builtins.concatStringsSep "." path;
  get = path: builtins.foldl' (s: n: s.\${n}) pkgs path;
  parentOf = path: get (builtins.genList (i: builtins.elemAt path i) (builtins.length path - 1));
  posOf = p: if p == null then null else "\${p.file}:\${toString p.line}";
  isDrv = v: builtins.isAttrs v && (v.type or null) == "derivation";
  safe = x: let r = builtins.tryEval (builtins.deepSeq x x); in if r.success then r.value else null;
  fnsOf = v: map (c: c.fn) (v.__oracleCalls or [ ]);
  kindOf = v: if isDrv v then "derivation" else if builtins.isAttrs v then (if v.recurseForDerivations or false then "recursive set" else "set") else builtins.typeOf v;
  each = f: builtins.listToAttrs (map (path: { name = key path; value = f path; }) batch);
`;
}

/**
 * What each attribute is: a derivation (drvPath, output path, name, \`meta.position\`, whether it
 * is fixed-output, the files \`callPackage\` was given on the way), a set, another value, or
 * \`throws\` (caught by \`tryEval\`: a \`throw\` or a failed \`assert\`); and where it is bound.
 */
export function describeAttributes(root: string, batch: readonly string[]): string {
  return `let ${prelude(root, batch)}
  describe = path: let
      r = builtins.tryEval (let v = get path; out =
        if isDrv v then {
          kind = "derivation"; drvPath = v.drvPath; out = v.outPath; name = v.name;
          position = safe (v.meta.position or null); fns = safe (fnsOf v);
          fixedOutput = safe ((v.drvAttrs.outputHash or null) != null);
        } else { kind = kindOf v; };
        in builtins.deepSeq out out);
      binding = posOf (builtins.unsafeGetAttrPos (builtins.elemAt path (builtins.length path - 1)) (parentOf path));
    in (if r.success then r.value else { kind = "throws"; }) // { inherit binding; };
in each describe`;
}

/** The member names of each set in the batch. */
export function memberNames(root: string, batch: readonly string[]): string {
  return `let ${prelude(root, batch)} in each (path: builtins.attrNames (get path))`;
}

/**
 * The \`callPackage\` calls that made each attribute (outermost first): the file, the required
 * inputs callPackage could not find, and the names of the inputs it passed.
 */
export function describeCalls(root: string, batch: readonly string[]): string {
  return `let ${prelude(root, batch)}
  call = c: { fn = c.fn; missing = c.missing; inputs = builtins.attrNames (removeAttrs c.args c.missing); };
  callsOf = path: let r = builtins.tryEval (let v = get path; in builtins.isAttrs v && v ? __oracleCalls); in
    if r.success && r.value then map call (get path).__oracleCalls else [ ];
in each callsOf`;
}

/**
 * What inputs were, one per item \`attr#call#input\` (the call's index in \`describeCalls\`): for
 * a derivation its name, \`meta.position\` and callPackage files (not its drvPath: instantiating
 * every input, failing packages included, costs hours); else its kind. Evaluated under
 * \`tryEval\`; an input whose evaluation aborts fails its batch.
 */
export function describeInputs(root: string, items: readonly string[]): string {
  const parsed = items.map((item) => {
    const [attr, call, input] = item.split('#') as [string, string, string];
    return `{ key = ${JSON.stringify(item)}; path = [ ${attr
      .split('.')
      .map((s) => JSON.stringify(s))
      .join(' ')} ]; call = ${Number(call)}; input = ${JSON.stringify(input)}; }`;
  });
  return `let ${prelude(root, [])}
  describe = v: let r = builtins.tryEval (let out =
      if isDrv v then { kind = "derivation"; name = safe v.name; position = safe (v.meta.position or null); fns = safe (fnsOf v); }
      else { kind = kindOf v; };
    in builtins.deepSeq out out); in if r.success then r.value else { kind = "throws"; };
  one = i: describe (builtins.elemAt (get i.path).__oracleCalls i.call).args.\${i.input};
in builtins.listToAttrs (map (i: { name = i.key; value = one i; }) [ ${parsed.join(' ')} ])`;
}

/** The output path of each attribute of the batch (all known to be derivations). */
export function outPaths(root: string, batch: readonly string[]): string {
  return `let ${prelude(root, batch)} in each (path: (get path).outPath)`;
}

/** The store path of each folder (relative to root) when it is copied, as `"\${path}"` does. */
export function storeFolders(root: string, folders: readonly string[]): string {
  const list = folders.map((f) => `{ name = ${JSON.stringify(f)}; value = "\${/. + ${JSON.stringify(`${root}/${f}`)}}"; }`).join(' ');
  return `builtins.listToAttrs [ ${list} ]`;
}

/** The handles of \`lib.maintainers\` and the names of \`lib.teams\`. */
export function maintainerNames(root: string): string {
  return `let lib = import (/. + ${JSON.stringify(`${root}/lib`)}); in { maintainers = builtins.attrNames lib.maintainers; teams = builtins.attrNames lib.teams; }`;
}

/**
 * Files no attribute reaches, judged as callPackage of the top-level set would call them (a by-name
 * package is called so): the formals it fills from the set (xorg's members included, as
 * `splicedPackagesWithXorg` does) and the required ones it cannot find. A file that is no
 * function of an attribute set gives null.
 */
export function callFiles(root: string, files: readonly string[]): string {
  const list = files.map((f) => `{ name = ${JSON.stringify(f)}; value = /. + ${JSON.stringify(`${root}/${f}`)}; }`).join(' ');
  return `let ${prelude(root, [])}
  scope = pkgs // pkgs.xorg;
  call = file: let r = builtins.tryEval (let f = import file; fargs = builtins.functionArgs f; in
      if !(builtins.isFunction f) || fargs == { } then null else {
        inputs = builtins.attrNames (builtins.intersectAttrs fargs scope);
        missing = builtins.filter (n: !fargs.\${n} && !(scope ? \${n})) (builtins.attrNames fargs);
      });
    in if r.success then r.value else null;
in builtins.mapAttrs (name: call) (builtins.listToAttrs [ ${list} ])`;
}
