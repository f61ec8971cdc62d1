import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, add, biasAdd, mul, relu, scale } from '../index.ts';
import { gradcheck, randn, randnAwayFromZero } from '../../testing/index.ts';

test('add / biasAdd / mul / scale / relu hand-computed forward and backward', () => {
  const tp = new Tape();
  const a = Tensor.from([1, -2, 3, -4], [2, 2], { requiresGrad: true });
  const b = Tensor.from([10, 20, 30, 40], [2, 2], { requiresGrad: true });
  const bias = Tensor.from([0.5, -0.5], [2], { requiresGrad: true });
  assert.deepEqual(add(tp, a, b).toArray(), [11, 18, 33, 36]);
  assert.deepEqual(biasAdd(tp, a, bias).toArray(), [1.5, -2.5, 3.5, -4.5]);
  assert.deepEqual(mul(tp, a, b).toArray(), [10, -40, 90, -160]);
  assert.deepEqual(scale(tp, a, -2).toArray(), [-2, 4, -6, 8]);
  const r = relu(tp, a);
  assert.deepEqual(r.toArray(), [1, 0, 3, 0]);
  tp.backward(r, new Float32Array([1, 1, 1, 1]));
  assert.deepEqual(Array.from(a.grad!), [1, 0, 1, 0]);

  const tp2 = new Tape();
  a.grad = null;
  tp2.backward(biasAdd(tp2, mul(tp2, a, b), bias), new Float32Array([1, 2, 3, 4]));
  assert.deepEqual(Array.from(a.grad!), [10, 40, 90, 160]);
  assert.deepEqual(Array.from(b.grad!), [1, -4, 9, -16]);
  assert.deepEqual(Array.from(bias.grad!), [4, 6]);
});

test('elementwise gradchecks', () => {
  const rng = new Rng(3);
  const a = randn([3, 4], rng, 1, 'a'), b = randn([3, 4], rng, 1, 'b'), bias = randn([4], rng, 1, 'bias');
  gradcheck((tp, [x, y]) => add(tp, x, y), [a, b]);
  gradcheck((tp, [x, y]) => mul(tp, x, y), [a, b]);
  gradcheck((tp, [x, y]) => biasAdd(tp, x, y), [a, bias]);
  gradcheck((tp, [x]) => scale(tp, x, 0.7), [a]);
  gradcheck((tp, [x]) => relu(tp, x), [randnAwayFromZero([3, 4], rng, 0.05)]);
  gradcheck((tp, [x]) => mul(tp, x, x), [a]); // same input twice
});

test('elementwise ops reject bad shapes and arguments by name', () => {
  const tp = new Tape();
  assert.throws(() => add(tp, Tensor.zeros([2, 3]), Tensor.zeros([3, 2])), /add: b must have the shape of a \[2, 3\], got \[3, 2\]/);
  assert.throws(() => mul(tp, Tensor.zeros([2]), Tensor.zeros([3])), /mul: b must have the shape of a \[2\], got \[3\]/);
  assert.throws(() => biasAdd(tp, Tensor.zeros([2, 3]), Tensor.zeros([2])), /biasAdd: bias must be \[3\].*got \[2\]/);
  assert.throws(() => biasAdd(tp, Tensor.zeros([6]), Tensor.zeros([6])), /biasAdd: x must have rank 2/);
  assert.throws(() => scale(tp, Tensor.zeros([2]), NaN), /scale: s must be a finite number, got NaN/);
});

test('elementwise float64-reference gradchecks', () => {
  const rng = new Rng(6);
  const a = randn([3, 4], rng, 1, 'a'), b = randn([3, 4], rng, 1, 'b'), bias = randn([4], rng, 1, 'bias');
  gradcheck((tp, [x, y]) => add(tp, x, y), [a, b], { reference: ([x, y]) => x.map((v, i) => v + y[i]) });
  gradcheck((tp, [x, y]) => mul(tp, x, y), [a, b], { reference: ([x, y]) => x.map((v, i) => v * y[i]) });
  gradcheck((tp, [x, y]) => biasAdd(tp, x, y), [a, bias], { reference: ([x, y]) => x.map((v, i) => v + y[i % 4]) });
  gradcheck((tp, [x]) => scale(tp, x, -1.5), [a], { reference: ([x]) => x.map((v) => -1.5 * v) });
  gradcheck((tp, [x]) => relu(tp, x), [randnAwayFromZero([3, 4], rng, 0.05)], { reference: ([x]) => x.map((v) => Math.max(v, 0)) });
});
