import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape } from '../../tensor/index.ts';
import { assertClose, gradcheck, randn } from '../../testing/index.ts';
import { duplicateMask, inBatchSoftmaxLoss, itemLogQ, logQOffsets, normalizeRows } from './loss.ts';

test('itemLogQ, logQOffsets and duplicateMask hand-computed', () => {
  assertClose(itemLogQ([3, 1, 0]), [Math.log(3 / 4), Math.log(1 / 4), Math.log(0.5 / 4)]);
  const lq = Float32Array.from([-1, -2, -3]);
  assert.deepEqual([...logQOffsets(Int32Array.from([2, 0, 2]), lq)], [3, 1, 3]);
  assert.deepEqual([...duplicateMask(Int32Array.from([2, 0, 2]))], [0, 0, 1, 0, 0, 0, 1, 0, 0]);
});

/** Independent float64 reference: mean_b [ log sum_{c kept} exp(s_bc - lq_c) - (s_bb - lq_b) ], c kept unless c != b shares b's id. */
function referenceLoss(u: Float32Array, v: Float32Array, ids: Int32Array, lq: Float32Array | null, H: number): number {
  const B = ids.length;
  let total = 0;
  for (let b = 0; b < B; b++) {
    const z: number[] = [];
    let pos = 0;
    for (let c = 0; c < B; c++) {
      if (c !== b && ids[c] === ids[b]) continue;
      let s = 0;
      for (let j = 0; j < H; j++) s += u[b * H + j] * v[c * H + j];
      const zc = s - (lq ? lq[ids[c]] : 0);
      z.push(zc);
      if (c === b) pos = zc;
    }
    const m = Math.max(...z);
    total += m + Math.log(z.reduce((acc, x) => acc + Math.exp(x - m), 0)) - pos;
  }
  return total / B;
}

test('in-batch softmax loss equals an independent float64 computation (logQ, masking of duplicate positives)', () => {
  const rng = new Rng(4);
  const B = 6, H = 5;
  const u = randn([B, H], rng, 1, 'u'), v = randn([B, H], rng, 1, 'v');
  const ids = Int32Array.from([3, 1, 3, 0, 2, 1]);
  const lq = itemLogQ([4, 2, 1, 5]);
  const tp = new Tape();
  assertClose([inBatchSoftmaxLoss(tp, u, v, ids, lq).item()], [referenceLoss(u.data, v.data, ids, lq, H)], 1e-5);
  assertClose([inBatchSoftmaxLoss(tp, u, v, ids, null).item()], [referenceLoss(u.data, v.data, ids, null, H)], 1e-5);
  // logQ really changes the loss, masking really changes it
  assert.ok(Math.abs(inBatchSoftmaxLoss(tp, u, v, ids, lq).item() - inBatchSoftmaxLoss(tp, u, v, ids, null).item()) > 1e-3);
  assert.ok(Math.abs(inBatchSoftmaxLoss(tp, u, v, ids, null).item() - inBatchSoftmaxLoss(tp, u, v, Int32Array.from([0, 1, 2, 3, 4, 5]), null).item()) > 1e-3);
});

test('gradient check of the loss with logQ and masking (central differences, both towers)', () => {
  const rng = new Rng(12);
  const B = 7, H = 4;
  const u = randn([B, H], rng, 1, 'u'), v = randn([B, H], rng, 1, 'v');
  const ids = Int32Array.from([5, 2, 5, 0, 2, 1, 5]);
  const lq = itemLogQ([1, 2, 3, 0, 0, 9]);
  const r = gradcheck((tp, [a, b]) => inBatchSoftmaxLoss(tp, a, b, ids, lq), [u, v], { eps: 1e-2 });
  assert.equal(r.checked, 2 * B * H);
});

test('inBatchSoftmaxLoss rejects mismatched batch sizes by name', () => {
  const rng = new Rng(1);
  assert.throws(() => inBatchSoftmaxLoss(new Tape(), randn([3, 2], rng), randn([2, 2], rng), Int32Array.from([0, 1, 2]), null),
    /inBatchSoftmaxLoss: u and v must have 3 rows \(itemIds\), got \[3, 2\] and \[2, 2\]/);
});

test('temperature: loss = dot-product loss of the L2-normalised rows scaled by 1/τ; gradients check; normalizeRows', () => {
  const rng = new Rng(7);
  const B = 5, H = 4, tau = 0.2;
  const u = randn([B, H], rng, 1, 'u'), v = randn([B, H], rng, 1, 'v');
  const ids = Int32Array.from([1, 0, 1, 2, 3]);
  const lq = itemLogQ([2, 1, 1, 3]);
  const un = normalizeRows(Float32Array.from(u.data), H).map((x) => x / tau), vn = normalizeRows(Float32Array.from(v.data), H);
  for (let r = 0; r < B; r++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += vn[r * H + j] ** 2;
    assertClose([s], [1], 1e-6);
  }
  const tp = new Tape();
  assertClose([inBatchSoftmaxLoss(tp, u, v, ids, lq, undefined, tau).item()], [referenceLoss(un, vn, ids, lq, H)], 1e-5);
  // scale-invariant in the inputs (cosine), unlike the raw dot product
  const u3 = randn([B, H], rng, 1, 'u3');
  u3.data.set(u.data.map((x) => 3 * x));
  assertClose([inBatchSoftmaxLoss(tp, u3, v, ids, lq, undefined, tau).item()], [inBatchSoftmaxLoss(tp, u, v, ids, lq, undefined, tau).item()], 1e-5);
  assert.ok(Math.abs(inBatchSoftmaxLoss(tp, u3, v, ids, lq).item() - inBatchSoftmaxLoss(tp, u, v, ids, lq).item()) > 1e-3);
  const r = gradcheck((t, [a, b]) => inBatchSoftmaxLoss(t, a, b, ids, lq, undefined, tau), [u, v], { eps: 1e-2 });
  assert.equal(r.checked, 2 * B * H);
  assert.throws(() => inBatchSoftmaxLoss(tp, u, v, ids, lq, undefined, 0), /inBatchSoftmaxLoss: temperature must be null or a finite number > 0, got 0/);
  assertClose(normalizeRows(Float32Array.from([3, 4, 0, 0]), 2), [0.6, 0.8, 0, 0], 1e-7);
});
