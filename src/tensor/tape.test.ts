import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool, Tape, Tensor, matmul, relu, sizeClass, sum } from './index.ts';

test('Tape.reset recycles buffers: a second identical step allocates nothing new', () => {
  const pool = new BufferPool();
  const tp = new Tape(pool);
  const w = Tensor.from([1, -1, 2, 0.5], [2, 2], { requiresGrad: true, grad: new Float32Array(4) });
  const step = () => {
    const x = tp.input([1, 2, 3, 4, 5, 6], [3, 2]);
    tp.backward(sum(tp, relu(tp, matmul(tp, x, w))));
    tp.reset();
  };
  step();
  const misses = pool.misses, bytes = pool.bytes;
  step();
  assert.equal(pool.misses, misses);
  assert.equal(pool.bytes, bytes);
  assert.ok(pool.hits > 0);
  assert.equal(tp.size, 0);
});

test('grad-disabled tapes record nothing; backward on such outputs names the problem', () => {
  const tp = new Tape(undefined, { grad: false });
  const w = Tensor.from([1, 2, 3, 4], [2, 2], { requiresGrad: true });
  const y = sum(tp, matmul(tp, w, w));
  assert.equal(tp.size, 0);
  assert.equal(y.requiresGrad, false);
  assert.throws(() => tp.backward(y), /Tape.backward: \[1\] does not require grad/);
  const tp2 = new Tape();
  assert.throws(() => tp2.backward(matmul(tp2, w, w)), /Tape.backward: expected a one-element loss, got \[2, 2\]/);
});

test('sizeClass rounds up to at most 25% slack', () => {
  for (const n of [1, 64, 65, 100, 1000, 4097, 123457]) {
    const c = sizeClass(n);
    assert.ok(c >= n && (n <= 64 || c <= 1.25 * n + 1), `${n} -> ${c}`);
  }
});

test('detach stops the gradient but shares the values', () => {
  const tp = new Tape();
  const w = Tensor.from([1, 2, 3, 4], [2, 2], { requiresGrad: true });
  const d = tp.detach(w);
  assert.equal(d.data, w.data);
  assert.equal(d.requiresGrad, false);
  tp.backward(sum(tp, matmul(tp, d, w)));
  assert.deepEqual(Array.from(w.grad!), [4, 4, 6, 6]); // only the second operand's path
});
