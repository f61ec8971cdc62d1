import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, linear } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';

test('linear hand-computed forward and backward', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 2], [1, 2], { requiresGrad: true });
  const W = Tensor.from([1, 0, 2, 0, 1, 3], [2, 3], { requiresGrad: true });
  const b = Tensor.from([10, 20, 30], [3], { requiresGrad: true });
  const y = linear(tp, x, W, b);
  assert.deepEqual(y.toArray(), [11, 22, 38]);
  tp.backward(y, new Float32Array([1, 1, 1]));
  assert.deepEqual(Array.from(x.grad!), [3, 4]);
  assert.deepEqual(Array.from(W.grad!), [1, 1, 1, 2, 2, 2]);
  assert.deepEqual(Array.from(b.grad!), [1, 1, 1]);
});

test('linear gradcheck with and without bias; empty batch', () => {
  const rng = new Rng(31);
  const x = randn([5, 4], rng, 1, 'x'), W = randn([4, 3], rng, 1, 'W'), b = randn([3], rng, 1, 'b');
  gradcheck((tp, [a, w, c]) => linear(tp, a, w, c), [x, W, b]);
  gradcheck((tp, [a, w]) => linear(tp, a, w), [x, W]);
  assert.deepEqual(linear(new Tape(), Tensor.zeros([0, 4]), W, b).shape, [0, 3]);
});

test('linear rejects mismatched shapes by name', () => {
  const tp = new Tape();
  assert.throws(() => linear(tp, Tensor.zeros([2, 3]), Tensor.zeros([4, 5])), /linear: W must be \[3, H\] \(D from x \[2, 3\]\), got \[4, 5\]/);
  assert.throws(() => linear(tp, Tensor.zeros([2, 3]), Tensor.zeros([3, 5]), Tensor.zeros([4])), /linear: b must be \[5\]/);
});
