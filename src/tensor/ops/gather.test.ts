import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, gather, scatterAdd } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';

test('gather hand-computed: repeated rows scatter their gradients back', () => {
  const tp = new Tape();
  const emb = Tensor.from([1, 2, 3, 4, 5, 6], [3, 2], { requiresGrad: true });
  const y = gather(tp, emb, new Int32Array([2, 0, 2]));
  assert.deepEqual(y.toArray(), [5, 6, 1, 2, 5, 6]);
  tp.backward(y, new Float32Array([1, 1, 10, 10, 100, 100]));
  assert.deepEqual(Array.from(emb.grad!), [10, 10, 0, 0, 101, 101]);
});

test('scatterAdd hand-computed', () => {
  const tp = new Tape();
  const src = Tensor.from([1, 2, 3, 4, 5, 6], [3, 2], { requiresGrad: true });
  const y = scatterAdd(tp, src, new Int32Array([1, 1, 3]), 4);
  assert.deepEqual(y.toArray(), [0, 0, 4, 6, 0, 0, 5, 6]);
  tp.backward(y, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
  assert.deepEqual(Array.from(src.grad!), [3, 4, 3, 4, 7, 8]);
});

test('gather / scatterAdd gradchecks and empty batches', () => {
  const rng = new Rng(8);
  const table = randn([5, 3], rng, 1, 'table');
  gradcheck((tp, [t]) => gather(tp, t, new Int32Array([4, 0, 4, 2])), [table]);
  gradcheck((tp, [t]) => scatterAdd(tp, t, new Int32Array([1, 1, 0, 6, 2]), 7), [table]);
  const tp = new Tape();
  assert.deepEqual(gather(tp, table, new Int32Array(0)).shape, [0, 3]);
  assert.deepEqual(scatterAdd(tp, Tensor.zeros([0, 3]), new Int32Array(0), 2).toArray(), [0, 0, 0, 0, 0, 0]);
});

test('gather / scatterAdd reject bad indices and shapes by name', () => {
  const tp = new Tape();
  const t = Tensor.zeros([3, 2]);
  assert.throws(() => gather(tp, t, new Int32Array([0, 3])), /gather: idx\[1\] = 3 out of range \[0, 3\)/);
  assert.throws(() => gather(tp, t, new Int32Array([-1])), /gather: idx\[0\] = -1 out of range/);
  assert.throws(() => gather(tp, t, [0, 1] as unknown as Int32Array), /gather: idx must be an Int32Array, got Array/);
  assert.throws(() => scatterAdd(tp, t, new Int32Array([0, 1]), 2), /scatterAdd: idx must have length 3 \(rows of src\), got 2/);
  assert.throws(() => scatterAdd(tp, t, new Int32Array([0, 1, 2]), 2), /scatterAdd: idx\[2\] = 2 out of range \[0, 2\)/);
});

test('gather / scatterAdd float64-reference gradchecks', () => {
  const table = randn([5, 3], new Rng(9), 1, 'table');
  const idx = new Int32Array([4, 0, 4, 2, 1]);
  gradcheck((tp, [t]) => gather(tp, t, idx), [table], {
    reference: ([t]) => Array.from(idx).flatMap((r) => Array.from(t.subarray(3 * r, 3 * r + 3))),
  });
  gradcheck((tp, [t]) => scatterAdd(tp, t, idx, 6), [table], {
    reference: ([t]) => {
      const o = new Float64Array(18);
      idx.forEach((r, e) => { for (let j = 0; j < 3; j++) o[3 * r + j] += t[3 * e + j]; });
      return o;
    },
  });
});
