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
