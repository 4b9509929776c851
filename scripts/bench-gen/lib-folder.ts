// A `lib/` folder: a few dozen functions with RFC 145 doc comments, split into files the way
// nixpkgs' lib is, plus the licenses and platforms the package files use.
import type { OutFile } from './package-file.js';

type Fn = [name: string, summary: string, type: string, params: string[], body: string];

const FILES: Record<string, Fn[]> = {
  trivial: [
    ['id', 'The identity function.', 'a -> a', ['x'], 'x'],
    ['const', 'The constant function: ignores its second argument.', 'a -> b -> a', ['x', 'y'], 'x'],
    ['flip', 'Swaps the two arguments of a function.', '(a -> b -> c) -> b -> a -> c', ['f', 'a', 'b'], 'f b a'],
    [
      'pipe',
      'Applies a list of functions to a value, left to right.',
      'a -> [(a -> a)] -> a',
      ['value', 'fns'],
      "builtins.foldl' (acc: fn: fn acc) value fns",
    ],
    ['concat', 'Concatenates two lists.', '[a] -> [a] -> [a]', ['x', 'y'], 'x ++ y'],
    ['or', 'Boolean or, as a function.', 'bool -> bool -> bool', ['x', 'y'], 'x || y'],
    ['and', 'Boolean and, as a function.', 'bool -> bool -> bool', ['x', 'y'], 'x && y'],
    ['min', 'The smaller of two numbers.', 'a -> a -> a', ['x', 'y'], 'if x < y then x else y'],
    ['max', 'The larger of two numbers.', 'a -> a -> a', ['x', 'y'], 'if x > y then x else y'],
    ['mod', 'Integer modulus.', 'int -> int -> int', ['base', 'int'], 'base - (int * (builtins.div base int))'],
    [
      'warnIf',
      'Prints a warning when the condition holds, then returns the value.',
      'bool -> string -> a -> a',
      ['cond', 'msg'],
      'if cond then builtins.trace "warning: ${msg}" else (x: x)',
    ],
  ],
  lists: [
    [
      'foldr',
      'Right fold over a list.',
      '(a -> b -> b) -> b -> [a] -> b',
      ['op', 'nul', 'list'],
      'let len = builtins.length list; fold = n: if n == len then nul else op (builtins.elemAt list n) (fold (n + 1)); in fold 0',
    ],
    ['singleton', 'A list of one element.', 'a -> [a]', ['x'], '[ x ]'],
    [
      'optional',
      'A one-element list when the condition holds, else the empty list.',
      'bool -> a -> [a]',
      ['cond', 'elem'],
      'if cond then [ elem ] else [ ]',
    ],
    [
      'optionals',
      'The list when the condition holds, else the empty list.',
      'bool -> [a] -> [a]',
      ['cond', 'elems'],
      'if cond then elems else [ ]',
    ],
    [
      'flatten',
      'Flattens nested lists into one list.',
      '[a] -> [b]',
      ['x'],
      'if builtins.isList x then builtins.concatMap flatten x else [ x ]',
    ],
    [
      'unique',
      'Removes duplicate elements, keeping the first.',
      '[a] -> [a]',
      ['list'],
      "builtins.foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ] list",
    ],
    [
      'last',
      'The last element of a non-empty list.',
      '[a] -> a',
      ['list'],
      'assert list != [ ]; builtins.elemAt list (builtins.length list - 1)',
    ],
    ['take', 'The first `count` elements of a list.', 'int -> [a] -> [a]', ['count'], 'sublist 0 count'],
    [
      'sublist',
      'The part of a list from `start`, at most `count` long.',
      'int -> int -> [a] -> [a]',
      ['start', 'count', 'list'],
      'let len = builtins.length list; in builtins.genList (n: builtins.elemAt list (n + start)) (if start >= len then 0 else if start + count > len then len - start else count)',
    ],
  ],
  strings: [
    [
      'concatStringsSep',
      'Joins strings with a separator.',
      'string -> [string] -> string',
      ['sep', 'list'],
      'builtins.concatStringsSep sep list',
    ],
    [
      'optionalString',
      'The string when the condition holds, else the empty string.',
      'bool -> string -> string',
      ['cond', 'string'],
      'if cond then string else ""',
    ],
    [
      'hasPrefix',
      'Whether a string starts with a prefix.',
      'string -> string -> bool',
      ['pref', 'str'],
      'builtins.substring 0 (builtins.stringLength pref) str == pref',
    ],
    [
      'hasSuffix',
      'Whether a string ends with a suffix.',
      'string -> string -> bool',
      ['suffix', 'content'],
      'let lenContent = builtins.stringLength content; lenSuffix = builtins.stringLength suffix; in lenContent >= lenSuffix && builtins.substring (lenContent - lenSuffix) lenContent content == suffix',
    ],
    [
      'enableFeature',
      'A `--enable-<feature>` or `--disable-<feature>` flag for configure scripts.',
      'bool -> string -> string',
      ['flag', 'feature'],
      '"--${if flag then "enable" else "disable"}-${feature}"',
    ],
    [
      'makeBinPath',
      'The `bin` directories of packages, as a PATH value.',
      '[derivation] -> string',
      ['pkgs'],
      'builtins.concatStringsSep ":" (map (p: "${p}/bin") pkgs)',
    ],
    [
      'toLower',
      'Converts ASCII letters to lower case.',
      'string -> string',
      ['s'],
      'builtins.replaceStrings [ "A" "B" "C" "D" "E" ] [ "a" "b" "c" "d" "e" ] s',
    ],
  ],
  attrsets: [
    [
      'attrByPath',
      'The value at an attribute path, or a default.',
      '[string] -> a -> attrset -> a',
      ['attrPath', 'default', 'set'],
      'if attrPath == [ ] then set else let h = builtins.head attrPath; in if set ? ${h} then attrByPath (builtins.tail attrPath) default set.${h} else default',
    ],
    [
      "mapAttrs'",
      'Maps names and values of an attribute set to new pairs.',
      '(string -> a -> { name, value }) -> attrset -> attrset',
      ['f', 'set'],
      'builtins.listToAttrs (map (attr: f attr set.${attr}) (builtins.attrNames set))',
    ],
    [
      'filterAttrs',
      'Keeps the attributes for which the predicate holds.',
      '(string -> a -> bool) -> attrset -> attrset',
      ['pred', 'set'],
      'builtins.removeAttrs set (builtins.filter (name: !pred name set.${name}) (builtins.attrNames set))',
    ],
    [
      'recurseIntoAttrs',
      'Marks a set so that hydra and nix-env look inside it.',
      'attrset -> attrset',
      ['attrs'],
      'attrs // { recurseForDerivations = true; }',
    ],
    ['getExe', 'The path of the main program of a package.', 'derivation -> string', ['x'], '"${x}/bin/${x.meta.mainProgram or x.pname}"'],
  ],
  customisation: [
    [
      'callPackageWith',
      'Calls a package function with its inputs taken from `autoArgs`.',
      'attrset -> path -> attrset -> a',
      ['autoArgs', 'fn', 'args'],
      'let f = if builtins.isFunction fn then fn else import fn; in f (builtins.intersectAttrs (builtins.functionArgs f) autoArgs // args)',
    ],
    [
      'makeScope',
      'A package set whose members see each other through `callPackage`.',
      '(attrset -> path -> attrset -> a) -> (attrset -> attrset) -> attrset',
      ['newScope', 'f'],
      'let self = f self // { callPackage = newScope self; }; in self',
    ],
    [
      'extends',
      'Applies an overlay to a fixed-point function.',
      '(attrset -> attrset -> attrset) -> (attrset -> attrset) -> attrset -> attrset',
      ['overlay', 'f', 'final'],
      'let prev = f final; in prev // overlay final prev',
    ],
  ],
  filesystem: [
    [
      'packagesFromDirectoryRecursive',
      'A package set from a directory: `<n>/package.nix` and `<n>.nix` become packages, other folders nested sets.',
      '{ callPackage, directory } -> attrset',
      ['args'],
      'let inherit (args) callPackage directory; entries = builtins.readDir directory; in builtins.mapAttrs (name: type: if type == "directory" then (if builtins.pathExists (directory + "/${name}/package.nix") then callPackage (directory + "/${name}/package.nix") { } else packagesFromDirectoryRecursive { inherit callPackage; directory = directory + "/${name}"; }) else callPackage (directory + "/${name}") { }) entries',
    ],
  ],
};

function doc([name, summary, type, params]: Fn): string {
  const inputs = params.map((p) => `    \`${p}\`\n    : The ${p} argument of \`${name}\`.\n`).join('\n');
  return `  /**\n    ${summary}\n\n    # Inputs\n\n${inputs}\n    # Type\n\n    \`\`\`\n    ${name} :: ${type}\n    \`\`\`\n  */\n`;
}

function libFile(fns: Fn[]): string {
  const bindings = fns.map((fn) => {
    const [name, , , params, body] = fn;
    return `${doc(fn)}  ${name} = ${params.map((p) => `${p}: `).join('')}${body};\n`;
  });
  return `{ lib }:\n\nlet\n  inherit (lib.lists) sublist;\nin\nrec {\n${bindings.join('\n')}}\n`;
}

const LICENSES = `{ lib }:

let
  mkLicense = spdxId: fullName: { inherit spdxId fullName; free = true; };
in
{
  mit = mkLicense "MIT" "MIT License";
  asl20 = mkLicense "Apache-2.0" "Apache License 2.0";
  bsd3 = mkLicense "BSD-3-Clause" "BSD 3-clause \\"New\\" or \\"Revised\\" License";
  gpl2Plus = mkLicense "GPL-2.0-or-later" "GNU General Public License v2.0 or later";
  gpl3Only = mkLicense "GPL-3.0-only" "GNU General Public License v3.0 only";
  lgpl21Plus = mkLicense "LGPL-2.1-or-later" "GNU Lesser General Public License v2.1 or later";
  mpl20 = mkLicense "MPL-2.0" "Mozilla Public License 2.0";
  isc = mkLicense "ISC" "ISC License";
  unfree = { fullName = "Unfree"; free = false; };
}
`;

const PLATFORMS = `{ lib }:

{
  linux = [ "x86_64-linux" "aarch64-linux" ];
  darwin = [ "x86_64-darwin" "aarch64-darwin" ];
  unix = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
}
`;

/** The files of `lib/`, and how many documented functions they define. */
export function libFolder(): { files: OutFile[]; functions: number } {
  const names = Object.keys(FILES);
  const callLibs = names.map((n) => `    ${n} = callLibs ./${n}.nix;\n`).join('');
  const inherits = names.map((n) => `    inherit (self.${n}) ${FILES[n].map(([name]) => name).join(' ')};\n`).join('');
  const root = `/*
  The library of the core domain. Functions live in topic files and are re-exported here,
  so both \`lib.lists.optionals\` and \`lib.optionals\` work.
*/
let
  fix = f: let x = f x; in x;
in
fix (self:
  let
    callLibs = file: import file { lib = self; };
  in
  {
${callLibs}    licenses = callLibs ./licenses.nix;
    platforms = callLibs ./platforms.nix;
    maintainers = import ../maintainers/maintainer-list.nix;

${inherits}  })
`;
  const files: OutFile[] = [
    { path: 'lib/default.nix', content: root },
    { path: 'lib/licenses.nix', content: LICENSES },
    { path: 'lib/platforms.nix', content: PLATFORMS },
    ...names.map((n) => ({ path: `lib/${n}.nix`, content: libFile(FILES[n]) })),
  ];
  return { files, functions: names.reduce((sum, n) => sum + FILES[n].length, 0) };
}
