// What the oracle changes in its own copies of core before evaluating them. Nothing here touches
// a user's checkout: the oracle clones the corpus bundle into a temporary folder.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function replaceOnce(text: string, from: string, to: string, file: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) {
    throw new Error(`${file}: expected exactly one ${JSON.stringify(from)}; core's lib changed, update scripts/oracle/instrument.ts`);
  }
  return text.slice(0, at) + to + text.slice(at + from.length);
}

// The package function, wrapped so that its result (when a set) carries the calls that made it:
// the file given to callPackage (null for a function) and the arguments it received, outermost
// call first. `override` re-calls the wrapped function, so overridden arguments are seen too.
const RECORDING_F = `(setFunctionArgs (callArgs: let r = f callArgs; in
        if isAttrs r then r // { __oracleCalls = [ { fn = if isFunction fn then null else toString fn; args = callArgs; missing = builtins.attrNames missingArgs; } ] ++ (r.__oracleCalls or [ ]); } else r) fargs)`;

/**
 * Makes `lib.callPackageWith` record, on each package it returns, the file it called and the
 * arguments it passed (`__oracleCalls`). This only adds an attribute to the result; the oracle
 * checks that every derivation path stays the same. With `lenient`, a call missing a required
 * argument no longer aborts: the missing arguments become `throw`s (caught by `tryEval`) and the
 * call records their names — so one evaluation names every input callPackage cannot find.
 */
export function recordCallArguments(root: string, options: { lenient?: boolean } = {}): void {
  const file = path.join(root, 'lib', 'customisation.nix');
  let text = readFileSync(file, 'utf8');
  const missing = options.lenient
    ? `makeOverridable ${RECORDING_F} (allArgs // builtins.mapAttrs (name: _: throw "oracle: callPackage cannot find \${name}") missingArgs)`
    : 'abort "lib.customisation.callPackageWith: ${error}"';
  text = replaceOnce(text, 'then makeOverridable f allArgs', `then makeOverridable ${RECORDING_F} allArgs`, file);
  text = replaceOnce(text, 'else abort "lib.customisation.callPackageWith: ${error}"', `else ${missing}`, file);
  writeFileSync(file, text);
}
