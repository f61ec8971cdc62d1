import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, type Tensor } from '../tensor/index.ts';
import { gradcheck, randn } from './gradcheck.ts';

/** y = x^2 with a WRONG backward (2x replaced by x): gradcheck must catch it. */
function brokenSquare(tp: Tape, x: Tensor): Tensor {
  const out = tp.alloc(x.shape, tp.needsGrad(x));
  for (let i = 0; i < x.size; i++) out.data[i] = x.data[i] * x.data[i];
  if (out.requiresGrad) {
    tp.record(out, () => {
      const g = out.grad!, gx = tp.grad(x);
      for (let i = 0; i < g.length; i++) gx[i] += g[i] * x.data[i];
    });
  }
  return out;
}

test('gradcheck fails on a wrong backward, naming the input and element', () => {
  const x = randn([3, 2], new Rng(1), 1, 'x');
  assert.throws(() => gradcheck((tp, [a]) => brokenSquare(tp, a), [x]), /gradcheck: input 0 x \[3, 2\] element 0: analytic .* vs numeric/);
});

test('gradcheck with a float64 reference catches a 1% gradient error the float32 check cannot', () => {
  const x = randn([3, 2], new Rng(2), 1, 'x');
  const slightlyOff = (tp: Tape, a: Tensor): Tensor => {
    const out = tp.alloc(a.shape, tp.needsGrad(a));
    for (let i = 0; i < a.size; i++) out.data[i] = a.data[i] * a.data[i];
    if (out.requiresGrad) {
      tp.record(out, () => {
        const g = out.grad!, gx = tp.grad(a);
        for (let i = 0; i < g.length; i++) gx[i] += 2.02 * a.data[i] * g[i];
      });
    }
    return out;
  };
  const square64 = ([a]: Float64Array[]) => a.map((v) => v * v);
  assert.throws(() => gradcheck((tp, [a]) => slightlyOff(tp, a), [x], { reference: square64 }), /float64 reference/);
  const exact = (tp: Tape, a: Tensor): Tensor => slightlyOff(tp, a); // same op; reference must also check forward
  assert.throws(() => gradcheck((tp, [a]) => exact(tp, a), [x], { reference: ([a]) => a.map((v) => v * v + 1) }), /forward output 0/);
});
