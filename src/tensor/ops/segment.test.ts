import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, segmentMax, segmentMean } from '../index.ts';
import { assertClose, gradcheck, randn } from '../../testing/index.ts';
import { segmentMean64, segmentMax64 } from '../../testing/reference.ts';

// 3 destinations: {x0, x2}, {} (empty), {x1, x2, x2}
const offsets = new Int32Array([0, 2, 2, 5]);
const idx = new Int32Array([0, 2, 1, 2, 2]);

test('segmentMax hand-computed: per-column max, gradient to the arg-max, empty segment 0', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 9, 5, 2, 3, 4], [3, 2], { requiresGrad: true });
  const y = segmentMax(tp, x, offsets, idx);
  assert.deepEqual(y.toArray(), [3, 9, 0, 0, 5, 4]);
  tp.backward(y, new Float32Array([1, 10, 100, 1000, 7, 70]));
  // col 0: seg0 max from x2 (3), seg2 max from x1 (5); col 1: seg0 from x0 (9), seg2 from x2 (4)
  assert.deepEqual(Array.from(x.grad!), [0, 10, 7, 0, 1, 70]);
});

test('segmentMean hand-computed: gradient spread evenly, repeated rows count twice', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 9, 5, 2, 3, 4], [3, 2], { requiresGrad: true });
  const y = segmentMean(tp, x, offsets, idx);
  assertClose(y.data, [2, 6.5, 0, 0, 11 / 3, 10 / 3]);
  tp.backward(y, new Float32Array([2, 4, 100, 100, 3, 6]));
  assertClose(x.grad!, [1, 2, 1, 2, 3, 6]);
});

test('segment ops without idx read consecutive rows', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 4, 2, 3], [4, 1]);
  assert.deepEqual(segmentMax(tp, x, new Int32Array([0, 3, 4])).toArray(), [4, 3]);
  assertClose(segmentMean(tp, x, new Int32Array([0, 3, 4])).data, [7 / 3, 3]);
});

test('segment gradchecks (random CSR incl. empty segments)', () => {
  const rng = new Rng(21);
  const x = randn([6, 4], rng, 1, 'x');
  const off = new Int32Array([0, 3, 3, 4, 9]);
  const id = new Int32Array([5, 0, 1, 2, 3, 4, 5, 0, 1]);
  gradcheck((tp, [a]) => segmentMax(tp, a, off, id), [x], { eps: 1e-3 });
  gradcheck((tp, [a]) => segmentMean(tp, a, off, id), [x]);
  gradcheck((tp, [a]) => segmentMean(tp, a, new Int32Array([0, 2, 6])), [x]);
});

test('segment ops reject bad offsets and indices by name', () => {
  const tp = new Tape();
  const x = Tensor.zeros([3, 2]);
  assert.throws(() => segmentMax(tp, x, new Int32Array([1, 3]), new Int32Array([0, 1])), /segmentMax: offsets\[0\] must be 0, got 1/);
  assert.throws(() => segmentMax(tp, x, new Int32Array([0, 2, 1]), new Int32Array([0])), /segmentMax: offsets must be non-decreasing/);
  assert.throws(() => segmentMean(tp, x, new Int32Array([0, 3]), new Int32Array([0, 1])), /segmentMean: offsets\[last\] must equal the entry count 2, got 3/);
  assert.throws(() => segmentMean(tp, x, new Int32Array([0, 1]), new Int32Array([7])), /segmentMean: idx\[0\] = 7 out of range \[0, 3\)/);
  assert.throws(() => segmentMax(tp, Tensor.zeros([6]), new Int32Array([0, 6])), /segmentMax: x must have rank 2/);
});

test('segment ops float64-reference gradcheck', () => {
  const rng = new Rng(22);
  const x = randn([6, 4], rng, 1, 'x');
  const off = new Int32Array([0, 3, 3, 4, 9]);
  const id = new Int32Array([5, 0, 1, 2, 3, 4, 5, 0, 1]);
  gradcheck((tp, [a]) => segmentMean(tp, a, off, id), [x], { reference: ([a]) => segmentMean64(a, 4, off, id) });
  gradcheck((tp, [a]) => segmentMax(tp, a, off, id), [x], { reference: ([a]) => segmentMax64(a, 4, off, id) });
});
