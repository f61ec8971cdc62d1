import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, concat } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';

test('concat hand-computed along columns and rows, gradient split back', () => {
  const tp = new Tape();
  const a = Tensor.from([1, 2, 3, 4], [2, 2], { requiresGrad: true });
  const b = Tensor.from([5, 6], [2, 1], { requiresGrad: true });
  const y = concat(tp, [a, b]);
  assert.deepEqual(y.shape, [2, 3]);
  assert.deepEqual(y.toArray(), [1, 2, 5, 3, 4, 6]);
  tp.backward(y, new Float32Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(Array.from(a.grad!), [1, 2, 4, 5]);
  assert.deepEqual(Array.from(b.grad!), [3, 6]);
  const z = concat(tp, [a, Tensor.from([7, 8], [1, 2])], 0);
  assert.deepEqual(z.shape, [3, 2]);
  assert.deepEqual(z.toArray(), [1, 2, 3, 4, 7, 8]);
});

test('concat gradchecks', () => {
  const rng = new Rng(2);
  const a = randn([3, 2], rng, 1, 'a'), b = randn([3, 4], rng, 1, 'b'), c = randn([1, 2], rng, 1, 'c');
  gradcheck((tp, [x, y]) => concat(tp, [x, y, x], 1), [a, b]);
  gradcheck((tp, [x, y]) => concat(tp, [x, y], 0), [a, c]);
});

test('concat rejects mismatched shapes and bad axes by name', () => {
  const tp = new Tape();
  assert.throws(() => concat(tp, [Tensor.zeros([2, 2]), Tensor.zeros([3, 2])]), /concat: xs\[1\] must have 2 rows like xs\[0\] \[2, 2\], got \[3, 2\]/);
  assert.throws(() => concat(tp, [Tensor.zeros([2, 2]), Tensor.zeros([2, 3])], 0), /concat: xs\[1\] must have 2 columns/);
  assert.throws(() => concat(tp, []), /concat: xs must hold at least one tensor/);
  assert.throws(() => concat(tp, [Tensor.zeros([2, 2])], 2 as 0), /concat: axis must be 0 or 1, got 2/);
});

test('concat float64-reference gradcheck', () => {
  const rng = new Rng(3);
  const a = randn([2, 2], rng, 1, 'a'), b = randn([2, 1], rng, 1, 'b');
  gradcheck((tp, [x, y]) => concat(tp, [x, y]), [a, b], { reference: ([x, y]) => [x[0], x[1], y[0], x[2], x[3], y[1]] });
});
