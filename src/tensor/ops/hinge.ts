// Max-margin (hinge) loss over positive and negative scores (the HGNN's link objective).
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectFinite, fmt } from './check.ts';

/**
 * mean over b, m of max(0, margin - pos[b] + neg[b, m]).
 * pos: [B] or [B, 1], neg: [B] or [B, M] -> [1]. Empty batches give 0.
 * @example hingeLoss(tp, sum(tp, mul(tp, zu, zv), 1), sum(tp, mul(tp, zu, zn), 1), 1)
 */
export function hingeLoss(tp: Tape, pos: Tensor, neg: Tensor, margin = 1): Tensor {
  expectFinite('hingeLoss', 'margin', margin);
  const B = pos.shape[0];
  if (pos.size !== B || (pos.shape.length !== 1 && pos.shape.length !== 2)) {
    throw new RangeError(`hingeLoss: pos must be [B] or [B, 1], got ${fmt(pos.shape)}`);
  }
  if (neg.shape.length > 2 || neg.shape[0] !== B) {
    throw new RangeError(`hingeLoss: neg must be [${B}] or [${B}, M] (B from pos ${fmt(pos.shape)}), got ${fmt(neg.shape)}`);
  }
  const M = neg.cols;
  const cnt = B * M;
  const rg = tp.needsGrad(pos, neg);
  const out = tp.alloc([1], rg);
  const p = pos.data, q = neg.data;
  let s = 0;
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < M; m++) {
      const v = margin - p[b] + q[b * M + m];
      if (v > 0) s += v;
    }
  }
  out.data[0] = cnt === 0 ? 0 : s / cnt;
  if (rg) {
    tp.record(out, () => {
      if (cnt === 0) return;
      const g = out.grad![0] / cnt;
      const gp = pos.requiresGrad ? tp.grad(pos) : null;
      const gn = neg.requiresGrad ? tp.grad(neg) : null;
      for (let b = 0; b < B; b++) {
        for (let m = 0; m < M; m++) {
          if (margin - p[b] + q[b * M + m] > 0) {
            if (gp) gp[b] -= g;
            if (gn) gn[b * M + m] += g;
          }
        }
      }
    });
  }
  return out;
}
