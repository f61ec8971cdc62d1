import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, backend, matmul } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';
import { matmul64 } from '../../testing/reference.ts';

test(`matmul hand-computed, all transpose flags (backend ${backend()})`, () => {
  const tp = new Tape();
  const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2]);
  assert.deepEqual(matmul(tp, a, b).toArray(), [4, 5, 10, 11]);
  const aT = Tensor.from([1, 4, 2, 5, 3, 6], [3, 2]);
  const bT = Tensor.from([1, 0, 1, 0, 1, 1], [2, 3]);
  assert.deepEqual(matmul(tp, aT, b, { transA: true }).toArray(), [4, 5, 10, 11]);
  assert.deepEqual(matmul(tp, a, bT, { transB: true }).toArray(), [4, 5, 10, 11]);
  assert.deepEqual(matmul(tp, aT, bT, { transA: true, transB: true }).toArray(), [4, 5, 10, 11]);
});

test('matmul backward hand-computed: d(sum(a@b))/da = rowsums of b', () => {
  const tp = new Tape();
  const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
  const b = Tensor.from([1, 0, 0, 1, 1, 1], [3, 2], { requiresGrad: true });
  tp.backward(matmul(tp, a, b), new Float32Array([1, 1, 1, 1]));
  assert.deepEqual(Array.from(a.grad!), [1, 1, 2, 1, 1, 2]);
  assert.deepEqual(Array.from(b.grad!), [5, 5, 7, 7, 9, 9]);
});

for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
  test(`matmul gradcheck transA=${ta} transB=${tb}`, () => {
    const rng = new Rng(11);
    const [M, K, N] = [3, 5, 4];
    const a = randn(ta ? [K, M] : [M, K], rng, 1, 'a');
    const b = randn(tb ? [N, K] : [K, N], rng, 1, 'b');
    gradcheck((tp, [x, y]) => matmul(tp, x, y, { transA: ta, transB: tb }), [a, b]);
  });
}

test('matmul with the same tensor twice (Gram matrix) accumulates both gradients', () => {
  const rng = new Rng(5);
  const x = randn([4, 3], rng, 1, 'x');
  gradcheck((tp, [u]) => matmul(tp, u, u, { transB: true }), [x]);
});

test('matmul empty batch gives [0, N] and zero weight gradients', () => {
  const tp = new Tape();
  const x = Tensor.zeros([0, 3]);
  const w = Tensor.from([1, 2, 3, 4, 5, 6], [3, 2], { requiresGrad: true });
  const y = matmul(tp, x, w);
  assert.deepEqual(y.shape, [0, 2]);
  tp.backward(y, new Float32Array(0));
  assert.deepEqual(Array.from(w.grad ?? []), [0, 0, 0, 0, 0, 0]);
});

test('matmul rejects mismatched inner dimensions and bad ranks, naming them', () => {
  const tp = new Tape();
  assert.throws(() => matmul(tp, Tensor.zeros([2, 3]), Tensor.zeros([4, 2])), /matmul: inner dimensions differ.*\[4, 2\]/);
  assert.throws(() => matmul(tp, Tensor.zeros([6]), Tensor.zeros([6, 2])), /matmul: a must have rank 2, got shape \[6\]/);
  assert.throws(() => matmul(tp, Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), { transB: false }), /matmul: inner/);
});

for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
  test(`matmul float64-reference gradcheck transA=${ta} transB=${tb}`, () => {
    const rng = new Rng(12);
    const [M, K, N] = [4, 6, 3];
    const a = randn(ta ? [K, M] : [M, K], rng, 1, 'a'), b = randn(tb ? [N, K] : [K, N], rng, 1, 'b');
    gradcheck((tp, [x, y]) => matmul(tp, x, y, { transA: ta, transB: tb }), [a, b],
      { reference: ([x, y]) => matmul64(x, y, M, K, N, ta, tb) });
  });
}
