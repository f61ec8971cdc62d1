// Concatenation of matrices along rows (axis 0) or columns (axis 1).
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectRank, fmt } from './check.ts';

/**
 * Concatenate rank-2 tensors. axis 1 (default): [N, D1], [N, D2] -> [N, D1 + D2];
 * axis 0: [N1, D], [N2, D] -> [N1 + N2, D]. The gradient is split back.
 */
export function concat(tp: Tape, xs: readonly Tensor[], axis: 0 | 1 = 1): Tensor {
  if (xs.length === 0) throw new RangeError('concat: xs must hold at least one tensor, got 0');
  if (axis !== 0 && axis !== 1) throw new RangeError(`concat: axis must be 0 or 1, got ${axis}`);
  xs.forEach((x, i) => expectRank('concat', `xs[${i}]`, x, 2));
  const keep = 1 - axis;
  const k0 = xs[0].shape[keep];
  xs.forEach((x, i) => {
    if (x.shape[keep] !== k0) {
      throw new RangeError(`concat: xs[${i}] must have ${k0} ${keep === 0 ? 'rows' : 'columns'} like xs[0] ${fmt(xs[0].shape)}, got ${fmt(x.shape)}`);
    }
  });
  const total = xs.reduce((s, x) => s + x.shape[axis], 0);
  const rg = tp.needsGrad(...xs);
  if (axis === 0) {
    const D = k0;
    const out = tp.alloc([total, D], rg);
    let off = 0;
    for (const x of xs) { out.data.set(x.data, off); off += x.size; }
    if (rg) {
      tp.record(out, () => {
        const g = out.grad!;
        let o = 0;
        for (const x of xs) {
          if (x.requiresGrad) {
            const gx = tp.grad(x);
            for (let i = 0; i < gx.length; i++) gx[i] += g[o + i];
          }
          o += x.size;
        }
      });
    }
    return out;
  }
  const N = k0;
  const out = tp.alloc([N, total], rg);
  const od = out.data;
  let c0 = 0;
  for (const x of xs) {
    const D = x.shape[1], xd = x.data;
    for (let n = 0; n < N; n++) od.set(xd.subarray(n * D, n * D + D), n * total + c0);
    c0 += D;
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!;
      let c = 0;
      for (const x of xs) {
        const D = x.shape[1];
        if (x.requiresGrad) {
          const gx = tp.grad(x);
          for (let n = 0; n < N; n++) {
            const r = n * total + c, q = n * D;
            for (let j = 0; j < D; j++) gx[q + j] += g[r + j];
          }
        }
        c += D;
      }
    });
  }
  return out;
}
