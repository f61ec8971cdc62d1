import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, mean, sum } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';

test('sum / mean hand-computed, whole and per row', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  assert.deepEqual(sum(tp, x).toArray(), [21]);
  assert.deepEqual(sum(tp, x, 1).toArray(), [6, 15]);
  assert.deepEqual(mean(tp, x, 1).toArray(), [2, 5]);
  const m = mean(tp, x);
  assert.equal(m.item(), 3.5);
  tp.backward(m);
  assert.deepEqual(Array.from(x.grad!).map((v) => +v.toFixed(6)), [1, 1, 1, 1, 1, 1].map((v) => +(v / 6).toFixed(6)));
  assert.equal(mean(tp, Tensor.zeros([0, 3])).item(), 0);
});

test('sum / mean gradchecks', () => {
  const rng = new Rng(4);
  const x = randn([3, 5], rng, 1, 'x');
  gradcheck((tp, [a]) => sum(tp, a), [x]);
  gradcheck((tp, [a]) => sum(tp, a, 1), [x]);
  gradcheck((tp, [a]) => mean(tp, a), [x]);
  gradcheck((tp, [a]) => mean(tp, a, 1), [x]);
});

test('sum rejects a bad axis', () => {
  assert.throws(() => sum(new Tape(), Tensor.zeros([2, 2]), 0 as unknown as 1), /sum: axis must be undefined \(all\) or 1 \(per row\), got 0/);
});

test('sum / mean float64-reference gradchecks', () => {
  const x = randn([3, 5], new Rng(5), 1, 'x');
  gradcheck((tp, [a]) => sum(tp, a), [x], { reference: ([a]) => [a.reduce((s, v) => s + v, 0)] });
  gradcheck((tp, [a]) => mean(tp, a, 1), [x], {
    reference: ([a]) => [0, 1, 2].map((n) => a.subarray(5 * n, 5 * n + 5).reduce((s, v) => s + v, 0) / 5),
  });
});
