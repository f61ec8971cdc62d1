import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, add, biasAdd, matmul, relu } from '../../tensor/index.ts';
import { assertClose, gradcheck, randn } from '../../testing/index.ts';
import { fusedLinear } from './fused_linear.ts';

test('fusedLinear hand-computed: [1, 2] @ [[1], [-1]] + 0.5 -> -0.5, ReLU -> 0', () => {
  const tp = new Tape();
  const x = Tensor.from([1, 2, 3, 1], [2, 2]);
  const W = Tensor.from([1, -1], [2, 1], { requiresGrad: true });
  const b = Tensor.from([0.5], [1], { requiresGrad: true });
  assert.deepEqual(fusedLinear(tp, [x], [W], b, false).toArray(), [-0.5, 2.5]);
  const y = fusedLinear(tp, [x], [W], b, true);
  assert.deepEqual(y.toArray(), [0, 2.5]);
  tp.backward(y, new Float32Array([10, 1]));
  assert.deepEqual(Array.from(W.grad!), [3, 1]); // only row 2 passes the ReLU
  assert.deepEqual(Array.from(b.grad!), [1]);
});

test('fusedLinear equals matmul + add + biasAdd (+ relu) and gradchecks for every input', () => {
  const rng = new Rng(6);
  const x1 = randn([4, 3], rng, 1, 'x1'), x2 = randn([4, 2], rng, 1, 'x2');
  const W1 = randn([3, 5], rng, 1, 'W1'), W2 = randn([2, 5], rng, 1, 'W2'), b = randn([5], rng, 1, 'b');
  const tp = new Tape(undefined, { grad: false });
  for (const act of [false, true]) {
    const ref = biasAdd(tp, add(tp, matmul(tp, x1, W1), matmul(tp, x2, W2)), b);
    assertClose(fusedLinear(tp, [x1, x2], [W1, W2], b, act).toArray(), (act ? relu(tp, ref) : ref).toArray(), 1e-6);
    gradcheck((t, [a, c, w1, w2, bb]) => fusedLinear(t, [a, c], [w1, w2], bb, act), [x1, x2, W1, W2, b], { eps: 1e-3, atol: 5e-3 });
  }
  const frozen = Tensor.from(x1.data, [4, 3]); // constant input: no gradient buffer is made for it
  const t2 = new Tape();
  t2.backward(fusedLinear(t2, [frozen], [W1], null, false), new Float32Array(20).fill(1));
  assert.equal(frozen.grad, null);
});

test('fusedLinear keeps a positive NaN, zeroes -0 and rejects bad shapes by name', () => {
  const tp = new Tape();
  const y = fusedLinear(tp, [Tensor.from([NaN], [1, 1])], [Tensor.from([1], [1, 1])], null, true);
  assert.ok(Number.isNaN(y.data[0]));
  const z = fusedLinear(tp, [Tensor.from([-0, 2, -3e-30, 1e30], [4, 1])], [Tensor.from([1], [1, 1])], null, true);
  assert.deepEqual(Array.from(z.data), [0, 2, 0, 1e30].map(Math.fround));
  assert.ok(Object.is(z.data[0], 0));
  assert.throws(() => fusedLinear(tp, [Tensor.zeros([2, 3])], [Tensor.zeros([2, 4])], null, false), /fusedLinear: xs\[0\] \[2, 3\] @ Ws\[0\] \[2, 4\] must give \[2, 4\]/);
  assert.throws(() => fusedLinear(tp, [Tensor.zeros([2, 3])], [Tensor.zeros([3, 4])], Tensor.zeros([3]), false), /fusedLinear: b must be \[4\], got \[3\]/);
});
