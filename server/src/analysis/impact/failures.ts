// What cannot evaluate in a domain, for the rebuild model: a package whose call lacks a required
// input (what the unknown-input diagnostic reports) or that asserts what does not hold, whose meta selects an unknown team, that Nix's
// default config refuses (insecure, broken, other kernels only), or whose default asks about an
// input that cannot evaluate; and what is surely built with one, or with a set member or a file
// that does not exist. Nix builds nothing for them, so they are not counted.
import type { Analyzer } from '../analyzer';
import { everyNth, SteppedValue, type Budget, type Steps } from '../budget';
import { domainGraph, nodeOfTarget, prepareDomainGraph, usedInputs, type DomainGraph } from '../dependencyGraph';
import { calledFormals } from '../calledFormals';
import { builderFormals, formalsUnder } from '../flaggedFormals';
import { callOf } from '../facts';
import type { Attr, Formal, Val } from '../factTypes';
import type { Binding } from '../domainIndex';
import { PACKAGE_SET_NAMES } from '../setNames';
import type { Target } from '../resolve';
import { PROVIDED_NAMES } from '../features/diagnostics';
import { prepareTopLevelAttributes } from './attributes';

/**
 * Packages that cannot evaluate: `direct`, their call fails (a required input nothing provides);
 * `carried`, those and what fails with them; `unlessPassed`, by node, the flags whose defaults
 * fail a package (`systemdSupport`): a variant that passes them evaluates.
 */
type Unevaluable = { direct: Uint8Array; carried: Uint8Array; unlessPassed: Map<number, string[]> };
const unevaluables = new WeakMap<DomainGraph, SteppedValue<Unevaluable>>();

/** What cannot evaluate in a graph, computed once, in steps when prepared ahead (it resolves every input). */
export function unevaluableValue(analyzer: Analyzer, graph: DomainGraph): SteppedValue<Unevaluable> {
  let value = unevaluables.get(graph);
  if (!value) {
    value = new SteppedValue(
      () => unevaluable(analyzer, graph),
      () => analyzer.index.structureGeneration !== graph.generation,
    );
    unevaluables.set(graph, value);
  }
  return value;
}

/**
 * Prepares the rebuild model's costly parts within a budget (the warm-up does, so no request waits
 * for them): what cannot evaluate, and the top-level attributes its queries read.
 */
export async function prepareRebuildModel(analyzer: Analyzer, budget: Budget): Promise<boolean> {
  for (;;) {
    // The graph first: asked for on a structure that changed meanwhile, it would be built in one piece.
    if (!(await prepareDomainGraph(analyzer, budget))) return false;
    const generation = analyzer.index.structureGeneration;
    const ready =
      (await unevaluableValue(analyzer, domainGraph(analyzer, 'built')).prepare(budget)) &&
      (await prepareTopLevelAttributes(analyzer, budget));
    // An edit of the structure while they were prepared: prepared again, for the structure of now.
    if (generation === analyzer.index.structureGeneration) return ready;
    if (budget.stopped) return false;
  }
}

/**
 * Whether a package surely builds with a member of a package set that no file of the domain binds
 * (`python3Packages.beautifulsoup4`, commented out of the set): "attribute missing".
 */
export function lacksMember(analyzer: Analyzer, formals: readonly Formal[]): boolean {
  return formals.some(
    (f) => f.members !== undefined && Object.entries(f.members).some(([name, use]) => use === 'build' && boundNowhere(analyzer, name)),
  );
}

/** Whether no file of the domain binds a name, in any set, nor is it a by-name package. */
function boundNowhere(analyzer: Analyzer, name: string): boolean {
  return !analyzer.index.bindingsByName.has(name) && !analyzer.index.byNameByName.has(name);
}

/** What a top-level file's `with pkgs;` cannot give but Nix knows anyway. */
const LANGUAGE_NAMES = new Set(['true', 'false', 'null', 'builtins', 'import', 'toString', 'throw', 'abort', 'derivation', 'map']);

/**
 * The bare name a value is (`qt5`), unless the language, the package set's own names or the
 * top-level file's formals give it: what `with pkgs;` alone would have to find.
 */
function bareName(analyzer: Analyzer, binding: Binding, val: Val): string | undefined {
  const name = val.k === 'ref' && val.path.length === 1 ? val.path[0]! : undefined;
  if (name === undefined || PROVIDED_NAMES.has(name) || PACKAGE_SET_NAMES.has(name) || LANGUAGE_NAMES.has(name)) return undefined;
  return analyzer.index.files.get(binding.file)?.formals?.some((f) => f.name === name) ? undefined : name;
}

/**
 * Whether an argument a top-level binding passes names what nothing binds (`doxygen_gui =
 * doxygen.override { inherit qt5; }` where no file binds `qt5`) and the package surely evaluates it
 * (`used`: the package's formals, under its flags): "undefined variable". Under `with pkgs;` the name is
 * looked up only when the argument is evaluated, so an unused one fails nothing.
 */
export function namesNothing(analyzer: Analyzer, binding: Binding, args: readonly Attr[], used: readonly Formal[]): boolean {
  if (!analyzer.index.isTopLevelFile(binding.file)) return false;
  return args.some((arg) => {
    const name = bareName(analyzer, binding, arg.val);
    return (
      name !== undefined &&
      used.some((f) => f.name === arg.name && (f.use === undefined || f.use === 'forced')) &&
      boundNowhere(analyzer, name)
    );
  });
}

/** Whether a value is a bare name that nothing in a top-level file's scope binds (no package, formal or language name). */
function unbound(analyzer: Analyzer, binding: Binding, val: Val): boolean {
  if (!analyzer.index.isTopLevelFile(binding.file)) return false;
  const name = bareName(analyzer, binding, val);
  return name !== undefined && !analyzer.resolver.resolveInput(binding.file, name, binding);
}

function* unevaluable(analyzer: Analyzer, domainGraph: DomainGraph): Steps<Unevaluable> {
  const { packages } = domainGraph;
  const { index, resolver } = analyzer;
  const broken = new Uint8Array(packages.length);
  const failing = new Uint8Array(packages.length);
  const evaluatesFailing: [number, Formal[]][] = [];
  // The required inputs a call leaves to the package set and surely builds with: the package, the input's target.
  const takenByName: [number, Target][] = [];
  // Files some binding selects from a callPackages call of (`inherit (callPackages ./. { }) subversion;`).
  const called = new Set<string>();
  const bindingsDue = everyNth(5000);
  for (const binding of index.allBindings()) {
    const val = binding.val;
    const of = val.k === 'sel' && val.of.k === 'call' && val.of.kind === 'callPackage' ? val.of : undefined;
    const target = of?.target !== undefined ? index.resolveFile(of.target) : undefined;
    if (target) called.add(target);
    // Every binding of the domain: hundreds of thousands on the generated core (a quarter of a second).
    if (bindingsDue()) yield;
  }
  for (const [at, pkg] of packages.entries()) {
    yield;
    const file = pkg.target.file;
    // Only a file callPackage calls itself has its formals filled by it (not generic.nix, which
    // boost/1.83.nix imports with arguments of its own, nor a file a helper calls).
    const call = pkg.binding && callOf(pkg.binding.val);
    // Also a derivation a package file returns among others (`subversion = common { … };` in the
    // file that `inherit (callPackages ./. { … }) subversion;` calls): callPackages fills the file's formals.
    const returned =
      pkg.binding?.val.k === 'inline' && pkg.binding.file === file && pkg.binding.pathInFile.length === 1 && called.has(file);
    const direct = pkg.binding
      ? returned || (call?.kind === 'callPackage' && call.target !== undefined && index.resolveFile(call.target) === file)
      : pkg.target.whole;
    // A wrapper applied to a set that calls a file that does not exist (`gnat-bootstrap12 = wrapCCWith
    // { cc = callPackage ../development/compilers/gnat-bootstrap { … }; }`): "getting status of …".
    const given = pkg.binding?.val.k === 'set' && pkg.binding.val.argOf ? pkg.binding.val.attrs : [];
    if (given.some((a) => a.val.k === 'call' && a.val.target !== undefined && !index.resolveFile(a.val.target))) failing[at] = 1;
    // A function given by position an override whose set names what nothing binds (`gcj6 = wrapCC
    // (gcc6.cc.override { inherit zip …; })`): Nix looks a bare name up in the `with` set when it builds
    // the set, used or not, and `.override` builds it: "undefined variable 'zip'".
    const positional = pkg.binding?.val.k === 'set' && pkg.binding.val.argOf ? (pkg.binding.val.positional ?? []) : [];
    if (positional.some((v) => v.k === 'ref' && v.overrides?.some((a) => unbound(analyzer, pkg.binding!, a.val)))) failing[at] = 1;
    // A derivation whose meta lists known vulnerabilities (python27): "marked as insecure, refusing to
    // evaluate"; one marked broken, or for other kernels only (`meta.platforms = lib.platforms.darwin;`,
    // fixDarwinDylibNames): "not available on the requested hostPlatform". Whoever builds it.
    if (pkg.drv?.refused) failing[at] = 1;
    if (!direct) continue;
    const formals = calledFormals(analyzer.index, pkg) ?? [];
    // Each input resolved once, for the questions below.
    const inputs = new Map<string, Target | undefined>();
    const inputOf = (name: string) => {
      if (!inputs.has(name)) inputs.set(name, resolver.resolveInput(file, name, pkg.binding));
      return inputs.get(name);
    };
    const missing = formals.some(
      (f) => !f.hasDefault && !PROVIDED_NAMES.has(f.name) && !resolver.isProvided(file, f.name) && !inputOf(f.name),
    );
    const missingMember = lacksMember(analyzer, formals);
    // An input it surely builds with whose file does not exist (`callPackage ../development/libraries/librsvg { }`
    // where that folder is gone): "getting status of …: No such file or directory".
    // Also one a curried builder applied in sight surely builds with, under what its inner function is
    // given (glibc_memusage: `withGd = true`, so common.nix's `lib.optionals withGd [ gd libpng ]`).
    const applied = builderFormals(analyzer, pkg);
    const missingFile =
      formals.some((f) => f.use === undefined && inputOf(f.name)?.missing === true) ||
      (applied !== undefined &&
        analyzer.catalog
          .builderInputs(pkg, formals)
          .some((i) => applied.has(i.formal.name) && applied.get(i.formal.name)!.use === undefined && i.target?.missing === true));
    // A team no list has whose members are selected (`[ hexa ] ++ teams.helsinki-systems.members`):
    // evaluating the list forces the selection, "attribute 'helsinki-systems' missing". An unknown
    // handle in a list (`[ sander ]`) is never forced.
    const unknownTeam = analyzer.maintainers.unknownOf(pkg.drv?.maintainers.filter((m) => m.team) ?? []).length > 0;
    // A default that asks about an input whose own call lacks a required input (`systemdSupport ?
    // lib.meta.availableOn stdenv.hostPlatform systemd`) evaluates that call, when the call here does not pass the flag.
    const asking = formals.filter((f) => f.availableOn !== undefined && !call?.args.some((a) => a.name === f.name));
    for (const f of formals) {
      if (f.use !== undefined || f.hasDefault || call?.args.some((a) => a.name === f.name)) continue;
      const target = inputOf(f.name);
      if (target?.binding?.name === f.name) takenByName.push([at, target]);
    }
    if (asking.length > 0) evaluatesFailing.push([at, asking]);
    // Failures of what it evaluates, not of its call: carried like an input's, no barrier to a change.
    if (missingMember || missingFile || unknownTeam) failing[at] = 1;
    // An assertion the file makes first that fails under the defaults it reads (port.nix: `assert
    // (!stdenv.hostPlatform.isDarwin) -> maloader != null;` with `maloader ? null`, which the call
    // leaves null and no file binds): evaluating the call aborts, as a missing argument does.
    const asserted = index.files.get(file)?.failingAssert;
    const assertFails = asserted !== undefined && !asserted.some((name) => call?.args.some((a) => a.name === name) || inputOf(name));
    // An argument the call passes that names nothing fails the call, as a missing one does.
    if (missing || assertFails || (call && namesNothing(analyzer, pkg.binding!, call.args, formalsUnder(analyzer, pkg, call.args) ?? [])))
      broken[at] = 1;
  }
  const direct = broken.slice();
  for (let at = 0; at < failing.length; at++) if (failing[at]) broken[at] = 1;
  // Carried on to what is surely built with one (a required input the derivation uses, or one the
  // call passes): evaluating the derivation forces it, and the error aborts that too. An input the
  // derivation only selects an attribute of (`glib.flattenInclude`) carries only a failure of its
  // own call (a missing argument): selecting from it evaluates the call, not its derivation.
  const builtBy: number[][] = packages.map(() => []);
  const selectedBy: number[][] = packages.map(() => []);
  const nodeOf = (target: Target) => nodeOfTarget(analyzer, domainGraph, target);
  for (const [at, pkg] of packages.entries()) {
    yield;
    const inputs = usedInputs(analyzer, pkg, 'built', 'evaluated');
    const built = new Set(inputs.filter((input) => input.use !== 'forced').map((input) => nodeOf(input.target)));
    for (const to of built) if (to >= 0 && to !== at) builtBy[to]!.push(at);
    for (const input of inputs) {
      const to = input.use === 'forced' ? nodeOf(input.target) : -1;
      if (to >= 0 && to !== at && !built.has(to)) selectedBy[to]!.push(at);
    }
  }
  const queue = [...broken.keys()].filter((at) => broken[at]);
  let head = 0;
  const carry = () => {
    for (; head < queue.length; head++) {
      const at = queue[head]!;
      for (const up of builtBy[at]!) if (!broken[up]) (broken[up] = 1), queue.push(up);
      if (direct[at]) for (const up of selectedBy[at]!) if (!broken[up]) (broken[up] = 1), queue.push(up);
    }
  };
  carry();
  // A package surely built with a variant (`ssh-copy-id` takes `openssh = opensshPackages.openssh.override
  // { etcDir = …; }`) fails when the variant does: when what its flags surely build it with fails.
  const variantFails = new Map<Binding, boolean>();
  const fails = (via: Binding, base: number): boolean => {
    let known = variantFails.get(via);
    if (known === undefined) {
      known = usedInputs(analyzer, packages[base]!, 'built', 'evaluated', via).some(
        (i) => i.use !== 'forced' && broken[nodeOf(i.target)] === 1,
      );
      variantFails.set(via, known);
    }
    return known;
  };
  const size = domainGraph.graph.size;
  const variantsDue = everyNth(500);
  for (let changed = true; changed; ) {
    changed = false;
    variantFails.clear();
    for (const [key, via] of domainGraph.variantEdges) {
      // Each one may resolve a package's inputs twice: a turn of the event loop now and then.
      if (variantsDue()) yield;
      const taker = Math.floor(key / size);
      const base = key % size;
      if (broken[taker] || !broken[base] || !fails(via, base)) continue;
      if (!usedInputs(analyzer, packages[taker]!, 'built').some((i) => i.via === via && i.use === undefined)) continue;
      broken[taker] = 1;
      queue.push(taker);
      changed = true;
    }
    carry();
    yield;
  }
  // Not carried: the variants that pass the flag (`util-linuxMinimal`) share the package's node, and
  // what is built with them evaluates.
  const unlessPassed = new Map<number, string[]>();
  for (const [at, asking] of evaluatesFailing) {
    const pkg = packages[at]!;
    const fails = asking.filter((f) => {
      const target = resolver.resolveInput(pkg.target.file, f.availableOn!, pkg.binding);
      return target !== undefined && direct[nodeOf(target)] === 1;
    });
    if (fails.length === 0) continue;
    broken[at] = 1;
    unlessPassed.set(
      at,
      fails.map((f) => f.name),
    );
  }
  // Carried to a package whose call leaves such an input to the package set, which binds it by that
  // name with the flag at its default (wolfssl's `util-linux`: `util-linux = callPackage ./. { };`).
  for (const [at, target] of takenByName) {
    const to = nodeOf(target);
    const pkg = packages[to];
    if (to !== at && !broken[at] && unlessPassed.has(to) && pkg?.binding !== undefined && target.binding === pkg.binding)
      (broken[at] = 1), queue.push(at);
  }
  carry();
  return { direct, carried: broken, unlessPassed };
}
