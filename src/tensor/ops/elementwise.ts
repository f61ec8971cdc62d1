// Element-wise ops: add, bias-add, mul, scale, relu. Forward and backward side by side.
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectFinite, expectRank, expectSameShape, fmt } from './check.ts';

/** a + b (same shape). [*] , [*] -> [*] */
export function add(tp: Tape, a: Tensor, b: Tensor): Tensor {
  expectSameShape('add', a, 'a', b, 'b');
  const rg = tp.needsGrad(a, b);
  const out = tp.alloc(a.shape, rg);
  const x = a.data, y = b.data, o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] + y[i];
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      for (const t of [a, b]) {
        if (!t.requiresGrad) continue;
        const [gt, beta] = tp.gradForWrite(t);
        if (beta === 0) gt.set(g);
        else for (let i = 0; i < g.length; i++) gt[i] += g[i];
      }
    });
  }
  return out;
}

/** Row-wise bias: x[n, :] + bias. x: [N, D], bias: [D] -> [N, D] */
export function biasAdd(tp: Tape, x: Tensor, bias: Tensor): Tensor {
  expectRank('biasAdd', 'x', x, 2);
  const D = x.shape[1];
  if (bias.size !== D || bias.shape.length !== 1) {
    throw new RangeError(`biasAdd: bias must be [${D}] (the columns of x ${fmt(x.shape)}), got ${fmt(bias.shape)}`);
  }
  const rg = tp.needsGrad(x, bias);
  const out = tp.alloc(x.shape, rg);
  const xd = x.data, bd = bias.data, o = out.data, N = x.shape[0];
  for (let n = 0; n < N; n++) {
    const r = n * D;
    for (let j = 0; j < D; j++) o[r + j] = xd[r + j] + bd[j];
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      if (x.requiresGrad) {
        const [gx, beta] = tp.gradForWrite(x);
        if (beta === 0) gx.set(g);
        else for (let i = 0; i < g.length; i++) gx[i] += g[i];
      }
      if (bias.requiresGrad) {
        const gb = tp.grad(bias);
        for (let n = 0; n < N; n++) {
          const r = n * D;
          for (let j = 0; j < D; j++) gb[j] += g[r + j];
        }
      }
    });
  }
  return out;
}

/** Element-wise product (same shape). [*], [*] -> [*] */
export function mul(tp: Tape, a: Tensor, b: Tensor): Tensor {
  expectSameShape('mul', a, 'a', b, 'b');
  const rg = tp.needsGrad(a, b);
  const out = tp.alloc(a.shape, rg);
  const x = a.data, y = b.data, o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = x[i] * y[i];
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      if (a.requiresGrad) {
        const ga = tp.grad(a);
        for (let i = 0; i < g.length; i++) ga[i] += g[i] * y[i];
      }
      if (b.requiresGrad) {
        const gb = tp.grad(b);
        for (let i = 0; i < g.length; i++) gb[i] += g[i] * x[i];
      }
    });
  }
  return out;
}

/** x * s for a constant s (temperature, sign flip). [*] -> [*] */
export function scale(tp: Tape, x: Tensor, s: number): Tensor {
  expectFinite('scale', 's', s);
  const rg = tp.needsGrad(x);
  const out = tp.alloc(x.shape, rg);
  const xd = x.data, o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = xd[i] * s;
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!, gx = tp.grad(x);
      for (let i = 0; i < g.length; i++) gx[i] += g[i] * s;
    });
  }
  return out;
}

/** max(x, 0); the gradient at exactly 0 is 0. [*] -> [*] */
export function relu(tp: Tape, x: Tensor): Tensor {
  const rg = tp.needsGrad(x);
  const out = tp.alloc(x.shape, rg);
  const xd = x.data, o = out.data;
  // Branch-free on purpose: pre-activations have random signs, and a mispredicted branch per
  // element made relu ~9x slower (1.3 ms vs 0.14 ms for [1024, 256]).
  for (let i = 0; i < o.length; i++) {
    const v = xd[i];
    o[i] = (v + Math.abs(v)) * 0.5;
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      const [gx, beta] = tp.gradForWrite(x);
      if (beta === 0) for (let i = 0; i < g.length; i++) gx[i] = g[i] * +(o[i] > 0);
      else for (let i = 0; i < g.length; i++) gx[i] += g[i] * +(o[i] > 0);
    });
  }
  return out;
}
