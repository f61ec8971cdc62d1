import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, ParamStore, Rng, Tape, gather, init, matmul, sum, mul, type Tensor } from './index.ts';

function setup(sparse: boolean) {
  const ps = new ParamStore(new Rng(1));
  const w = ps.add('w', [3, 2], init.normal(1));
  const emb = ps.add('emb', [6, 2], init.normal(1), { sparseRows: sparse });
  const opt = new Adam(ps, { lr: 0.1 });
  return { ps, w, emb, opt };
}

function step(s: ReturnType<typeof setup>, idx: Int32Array, useMatmul = false): void {
  const tp = new Tape();
  const e = gather(tp, s.emb, idx);
  let loss: Tensor = sum(tp, mul(tp, e, e));
  if (useMatmul) loss = sum(tp, matmul(tp, s.w, s.emb, { transB: true }));
  tp.backward(loss);
  s.opt.step();
  s.ps.zeroGrad();
  tp.reset();
}

test('row-sparse tables: only gathered rows move; grads of those rows are cleared', () => {
  const s = setup(true);
  const before = s.emb.data.slice();
  step(s, new Int32Array([4, 1, 4]));
  for (let r = 0; r < 6; r++) {
    const moved = s.emb.data[2 * r] !== before[2 * r] || s.emb.data[2 * r + 1] !== before[2 * r + 1];
    assert.equal(moved, r === 1 || r === 4, `row ${r}`);
  }
  assert.ok(s.ps.grad.every((v) => v === 0));
  assert.deepEqual(Array.from(s.emb.touched!.rows()), []);
});

test('row-sparse == dense Adam when every row is touched, and after a dense write (fallback)', () => {
  const a = setup(true), b = setup(false);
  const all = new Int32Array([0, 1, 2, 3, 4, 5, 2]);
  for (let i = 0; i < 3; i++) { step(a, all); step(b, all); }
  assert.deepEqual(a.ps.data, b.ps.data);
  const c = setup(true), d = setup(false);
  step(c, new Int32Array([1]), true);
  step(d, new Int32Array([1]), true);
  assert.deepEqual(c.ps.data, d.ps.data, 'matmul on the table forced a dense update');
});

test('clipGradNorm scales gradients to the max norm and reports the norm before', () => {
  const s = setup(false);
  s.w.grad!.set([3, 4, 0, 0, 0, 0]);
  assert.equal(s.ps.clipGradNorm(1), 5);
  assert.ok(Math.abs(s.ps.gradNorm() - 1) < 1e-6);
  assert.throws(() => s.ps.clipGradNorm(0), /clipGradNorm: maxNorm must be > 0, got 0/);
  assert.throws(() => new ParamStore(new Rng(1)).add('v', [4], init.zeros, { sparseRows: true }), /sparseRows parameter "v" must be \[V, D\], got \[4\]/);
});
