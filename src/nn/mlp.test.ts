import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, BufferPool, ParamStore, Rng, Tape, Tensor, softmaxCrossEntropy } from '../tensor/index.ts';
import { gradcheck, randn } from '../testing/index.ts';
import { Linear } from './linear.ts';
import { Mlp } from './mlp.ts';
import { rowDot } from './activations.ts';

/** XOR-like data: 4 noisy clusters at (+-1, +-1); class = sign(x0) != sign(x1). */
function xorData(n: number, rng: Rng): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(n * 2), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.int(2), b = rng.int(2);
    x[2 * i] = (a ? 1 : -1) + 0.1 * rng.normal();
    x[2 * i + 1] = (b ? 1 : -1) + 0.1 * rng.normal();
    y[i] = a ^ b;
  }
  return { x, y };
}

function trainXor(seed: number, steps: number): number[] {
  const rng = new Rng(seed);
  const ps = new ParamStore(rng.fork());
  const mlp = new Mlp(ps, 'xor', [2, 16, 2]);
  const opt = new Adam(ps, { lr: 0.05 });
  const data = xorData(64, rng.fork());
  const tp = new Tape(new BufferPool());
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const x = tp.input(data.x, [64, 2]);
    const loss = softmaxCrossEntropy(tp, mlp.forward(tp, x), data.y);
    losses.push(loss.item());
    tp.backward(loss);
    opt.step();
    ps.zeroGrad();
    tp.reset();
  }
  return losses;
}

test('a tiny MLP learns XOR-like data to near-zero loss, deterministically under a seed', () => {
  const a = trainXor(2024, 300);
  assert.ok(a[0] > 0.3, `initial loss ${a[0]} should be far from 0`);
  assert.ok(a[a.length - 1] < 0.01, `final loss ${a[a.length - 1]}`);
  assert.deepEqual(trainXor(2024, 300), a, 'same seed, same loss curve');
  assert.notDeepEqual(trainXor(7, 300).slice(0, 3), a.slice(0, 3));
});

test('Linear / Mlp: named parameters, shapes, gradcheck through the stack', () => {
  const ps = new ParamStore(new Rng(1));
  const mlp = new Mlp(ps, 'm', [3, 5, 2], { finalActivation: 'relu' });
  assert.deepEqual(ps.names(), ['m.0.W', 'm.0.b', 'm.1.W', 'm.1.b']);
  assert.deepEqual(ps.get('m.0.W').shape, [3, 5]);
  const x = randn([4, 3], new Rng(2), 1, 'x');
  gradcheck((tp, [a]) => mlp.forward(tp, a), [x], { eps: 1e-3, atol: 5e-3 });
  const lin = new Linear(ps, 'solo', 3, 2, { bias: false });
  assert.equal(lin.b, null);
  assert.throws(() => lin.forward(new Tape(), Tensor.zeros([4, 4])), /Linear\(solo\).forward: x must be \[N, 3\], got \[4, 4\]/);
  assert.throws(() => new Mlp(ps, 'bad', [3]), /Mlp\(bad\): dims must list at least input and output sizes/);
  assert.throws(() => new Linear(ps, 'z', 0, 2), /Linear\(z\): inDim must be an integer >= 1, got 0/);
});

test('rowDot hand-computed and gradchecked', () => {
  const tp = new Tape();
  assert.deepEqual(rowDot(tp, Tensor.from([1, 2, 3, 4], [2, 2]), Tensor.from([5, 6, 7, 8], [2, 2])).toArray(), [17, 53]);
  const rng = new Rng(3);
  gradcheck((t, [a, b]) => rowDot(t, a, b), [randn([3, 4], rng), randn([3, 4], rng)]);
});
