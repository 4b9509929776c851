// Levels, strongly connected components and closures. Each case is a graph written as
// `id: dependencies` and the levels it must get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyGraph, dependantsClosure, dependenciesClosure, stronglyConnectedComponents } from '../../server/src/analysis/waves';

function check(name: string, dependencies: Record<string, string[]>, levels: Record<string, number>): void {
  test(`levels: ${name}`, () => {
    const graph = DependencyGraph.fromDependencies(dependencies);
    const computed = graph.levels();
    assert.deepEqual(Object.fromEntries(graph.ids().map((id) => [id, computed.levelOf(id)])), levels);
  });
}

check('empty graph', {}, {});
check('lone packages are level 0', { a: [], b: [] }, { a: 0, b: 0 });
check('a chain', { glibc: [], llvm: ['glibc'], python: ['llvm'], numpy: ['python'] }, { glibc: 0, llvm: 1, python: 2, numpy: 3 });
check('the highest dependency wins', { a: [], b: ['a'], c: ['b'], d: ['a', 'c'] }, { a: 0, b: 1, c: 2, d: 3 });
check('a dependency outside the universe does not count', { a: ['elsewhere:x'], b: ['a'] }, { a: 0, b: 1 });
check('a self-dependency is no level', { a: ['a'], b: ['a'] }, { a: 0, b: 1 });
check('a cycle shares one level', { base: [], x: ['base', 'y'], y: ['x'], top: ['y'] }, { base: 0, x: 1, y: 1, top: 2 });
check(
  'a cycle collapses the longest path through it',
  { a: [], b: ['a', 'd'], c: ['b'], d: ['c'], e: ['d'] },
  { a: 0, b: 1, c: 1, d: 1, e: 2 },
);
check('two cycles stacked', { p: ['q'], q: ['p'], r: ['s', 'q'], s: ['r'] }, { p: 0, q: 0, r: 1, s: 1 });

test('components: members of a cycle share a component, dependencies come first', () => {
  const graph = DependencyGraph.fromDependencies({ base: [], x: ['base', 'y'], y: ['x'], top: ['y'] });
  const { componentOf, members } = stronglyConnectedComponents(graph);
  const of = (id: string) => componentOf[graph.indexOf(id)]!;
  assert.equal(of('x'), of('y'));
  assert.equal(members.length, 3);
  assert.ok(of('base') < of('x') && of('x') < of('top'));
});

test('a 200,000-long chain and a 100,000-long cycle need no recursion', () => {
  const chain = new DependencyGraph();
  for (let i = 1; i < 200_000; i++) chain.addDependency(`n${i}`, `n${i - 1}`);
  assert.equal(chain.levels().maxLevel, 199_999);
  const ring = new DependencyGraph();
  for (let i = 0; i < 100_000; i++) ring.addDependency(`n${i}`, `n${(i + 1) % 100_000}`);
  assert.equal(ring.levels().maxLevel, 0);
  assert.equal(stronglyConnectedComponents(ring).members.length, 1);
});

test('closures: dependants and dependencies, transitively', () => {
  const graph = DependencyGraph.fromDependencies({
    glibc: [],
    zlib: [],
    llvm: ['glibc'],
    python: ['llvm', 'zlib'],
    numpy: ['python'],
    ripgrep: ['zlib'],
  });
  assert.deepEqual([...dependantsClosure(graph, ['llvm'])].sort(), ['numpy', 'python']);
  assert.deepEqual([...dependantsClosure(graph, ['zlib'])].sort(), ['numpy', 'python', 'ripgrep']);
  assert.deepEqual([...dependenciesClosure(graph, ['numpy'])].sort(), ['glibc', 'llvm', 'python', 'zlib']);
  assert.deepEqual([...dependantsClosure(graph, ['unknown'])], []);
});

test('lookup by bare attribute name finds the package in every domain', () => {
  const graph = DependencyGraph.fromDependencies({ 'core:zlib': [], 'extras:zlib': [], 'core:python3Packages.numpy': [] });
  assert.deepEqual(graph.lookupAttr('zlib').sort(), ['core:zlib', 'extras:zlib']);
  assert.deepEqual(graph.lookupAttr('python3Packages.numpy'), ['core:python3Packages.numpy']);
  assert.deepEqual(graph.lookupAttr('core:zlib'), ['core:zlib']);
  assert.deepEqual(graph.lookupAttr('nope'), []);
});

test('adding an edge refreshes levels and reverse edges', () => {
  const graph = DependencyGraph.fromDependencies({ a: [], b: [] });
  assert.equal(graph.levels().levelOf('b'), 0);
  assert.deepEqual(graph.dependantsOf('a'), []);
  graph.addDependency('b', 'a');
  graph.addDependency('b', 'a');
  assert.equal(graph.edgeCount, 1);
  assert.equal(graph.levels().levelOf('b'), 1);
  assert.deepEqual(graph.dependantsOf('a'), ['b']);
});

test('a graph over the same ids shares their tables, and either copies them before adding a node', () => {
  const inputs = DependencyGraph.fromDependencies({ a: ['b', 'c'], b: ['c'], c: [] });
  const built = DependencyGraph.fromDependencies({ a: ['c'], b: [], c: [] }, { sameNodesAs: inputs });
  assert.equal(built.ids(), inputs.ids(), 'one id list');
  assert.deepEqual(built.dependenciesOf('a'), ['c']);
  assert.deepEqual(inputs.dependenciesOf('a'), ['b', 'c']);
  // Other ids, or another order: tables of its own.
  const other = DependencyGraph.fromDependencies({ b: [], a: [], c: [] }, { sameNodesAs: inputs });
  assert.notEqual(other.ids(), inputs.ids());
  built.addDependency('c', 'd');
  assert.deepEqual([...built.ids()], ['a', 'b', 'c', 'd']);
  assert.deepEqual([...inputs.ids()], ['a', 'b', 'c'], 'the other graph keeps its nodes');
  assert.equal(inputs.indexOf('d'), -1);
  inputs.addNode('e');
  assert.equal(built.indexOf('e'), -1);
  assert.deepEqual(inputs.dependantsOf('c'), ['a', 'b']);
});
