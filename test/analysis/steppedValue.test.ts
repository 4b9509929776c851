// A value computed in steps keeps its value, not the generator that made it: a finished generator
// still holds the variables of its body (the rebuild model's lists, 8 MB on a 40,000-file domain).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Budget, SteppedValue, type Steps } from '../../server/src/analysis/budget';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * A generator whose body holds a large list until it returns its length; `held` sees whether the
 * list is still alive. A closure reads the list, as the rebuild model's do: the list then lives in
 * the body's context, which the generator object keeps once finished.
 */
function counted(held: WeakRef<object>[]): () => Steps<number> {
  return function* () {
    const list = Array.from({ length: 1000 }, (_, i) => ({ i }));
    const size = () => list.length;
    held.push(new WeakRef(list));
    yield;
    yield;
    return size();
  };
}

/** Whether anything still holds what the WeakRefs point at, after a full collection (a WeakRef keeps its target until the job ends). */
async function alive(held: WeakRef<object>[]): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return held.some((ref) => ref.deref() !== undefined);
}

test('a stepped value prepared within a budget lets its finished steps go', async () => {
  const held: WeakRef<object>[] = [];
  const value = new SteppedValue(counted(held));
  assert.equal(await value.prepare(new Budget({ sliceMs: 0, pauseMs: 0 })), true);
  assert.equal(await alive(held), false, 'the finished generator still holds its body');
  assert.equal(value.get(), 1000);
});

test('a stepped value computed at once lets its finished steps go', async () => {
  const held: WeakRef<object>[] = [];
  const value = new SteppedValue(counted(held));
  assert.equal(value.get(), 1000);
  assert.equal(await alive(held), false, 'the finished generator still holds its body');
  assert.equal(value.ready, true);
});

test('a stepped value not yet finished keeps its steps, and finishes where it stopped', async () => {
  const held: WeakRef<object>[] = [];
  let made = 0;
  const make = counted(held);
  const value = new SteppedValue(() => {
    made++;
    return make();
  });
  // Cancelled during the first pause, after one step.
  const token = { isCancellationRequested: false };
  setImmediate(() => {
    token.isCancellationRequested = true;
  });
  assert.equal(await value.prepare(new Budget({ sliceMs: 0, pauseMs: 0, token })), false);
  assert.equal(await alive(held), true);
  assert.equal(value.get(), 1000);
  assert.equal(made, 1);
});

test('a budget already stopped takes no step', async () => {
  let made = 0;
  const value = new SteppedValue(() => {
    made++;
    return counted([])();
  });
  assert.equal(await value.prepare(new Budget({ timeoutMs: 0 })), false);
  assert.equal(made, 0, 'the steps were started');
  assert.equal(value.ready, false);
});
