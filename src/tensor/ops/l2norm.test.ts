import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, l2Normalize } from '../index.ts';
import { assertClose, gradcheck, randn } from '../../testing/index.ts';
import { l2Normalize64 } from '../../testing/reference.ts';

test('l2Normalize hand-computed (3-4-5 row) and zero row', () => {
  const tp = new Tape();
  const x = Tensor.from([3, 4, 0, 0], [2, 2], { requiresGrad: true });
  const y = l2Normalize(tp, x);
  assertClose(y.data, [0.6, 0.8, 0, 0]);
  tp.backward(y, new Float32Array([1, 0, 0, 0]));
  // d y0 / d x = (e0 - y0 * y) / 5 = ([1, 0] - 0.6 * [0.6, 0.8]) / 5
  assertClose(x.grad!.subarray(0, 2), [0.64 / 5, -0.48 / 5]);
  assert.ok(Number.isFinite(x.grad![2]));
});

test('l2Normalize gradcheck', () => {
  const rng = new Rng(9);
  gradcheck((tp, [a]) => l2Normalize(tp, a), [randn([4, 5], rng, 1, 'x')], { eps: 1e-3 });
});

test('l2Normalize rejects bad rank and eps by name', () => {
  assert.throws(() => l2Normalize(new Tape(), Tensor.zeros([4])), /l2Normalize: x must have rank 2, got shape \[4\]/);
  assert.throws(() => l2Normalize(new Tape(), Tensor.zeros([1, 4]), 0), /l2Normalize: eps must be > 0, got 0/);
});

test('l2Normalize float64-reference gradcheck', () => {
  const rng = new Rng(10);
  gradcheck((tp, [a]) => l2Normalize(tp, a), [randn([4, 5], rng, 1, 'x')], { reference: ([a]) => l2Normalize64(a, 4, 5) });
});
