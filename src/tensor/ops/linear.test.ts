import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, linear } from '../index.ts';
import { gradcheck, randn } from '../../testing/index.ts';
import { linear64 } from '../../testing/reference.ts';

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

test('linear with relu: hand-computed mask and gradcheck', () => {
  const tp = new Tape();
  const x = Tensor.from([1, -1], [1, 2], { requiresGrad: true });
  const W = Tensor.from([1, 2, 1, 3], [2, 2], { requiresGrad: true });
  const y = linear(tp, x, W, null, { relu: true }); // x W = [0, -1] -> relu [0, 0]... use bias
  assert.deepEqual(y.toArray(), [0, 0]);
  const tp2 = new Tape();
  const b = Tensor.from([1, 0.5], [2], { requiresGrad: true });
  const y2 = linear(tp2, x, W, b, { relu: true }); // [1, -0.5] -> [1, 0]
  assert.deepEqual(y2.toArray(), [1, 0]);
  tp2.backward(y2, new Float32Array([1, 1]));
  assert.deepEqual(Array.from(b.grad!), [1, 0]);
  assert.deepEqual(Array.from(W.grad!), [1, 0, -1, 0]);
  const rng = new Rng(32);
  const xs = randn([6, 3], rng, 1, 'x'), Ws = randn([3, 4], rng, 1, 'W'), bs = randn([4], rng, 1, 'b');
  // keep pre-activations away from 0 so the kink is not straddled by the finite difference
  const pre = new Tape(undefined, { grad: false });
  const z = linear(pre, xs, Ws, bs);
  for (let i = 0; i < z.size; i++) if (Math.abs(z.data[i]) < 0.05) bs.data[i % 4] += 0.2;
  gradcheck((t, [a, w, c]) => linear(t, a, w, c, { relu: true }), [xs, Ws, bs], { eps: 1e-3 });
});

test('linear rejects mismatched shapes by name', () => {
  const tp = new Tape();
  assert.throws(() => linear(tp, Tensor.zeros([2, 3]), Tensor.zeros([4, 5])), /linear: W must be \[3, H\] \(D from x \[2, 3\]\), got \[4, 5\]/);
  assert.throws(() => linear(tp, Tensor.zeros([2, 3]), Tensor.zeros([3, 5]), Tensor.zeros([4])), /linear: b must be \[5\]/);
});

test('linear float64-reference gradcheck (with relu)', () => {
  const rng = new Rng(33);
  const x = randn([5, 4], rng, 1, 'x'), W = randn([4, 3], rng, 1, 'W'), b = randn([3], rng, 1, 'b');
  gradcheck((tp, [a, w, c]) => linear(tp, a, w, c, { relu: true }), [x, W, b],
    { reference: ([a, w, c]) => linear64(a, w, c, 5, 4, 3, true) });
});
