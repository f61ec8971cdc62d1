// Reductions: sum and mean, over everything (-> [1]) or over each row (axis 1: [N, D] -> [N]).
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { fmt } from './check.ts';

function reduce(op: string, tp: Tape, x: Tensor, axis: number | undefined, isMean: boolean): Tensor {
  if (axis !== undefined && axis !== 1) throw new RangeError(`${op}: axis must be undefined (all) or 1 (per row), got ${axis}`);
  if (axis === 1 && x.shape.length < 1) throw new RangeError(`${op}: axis 1 needs rank >= 1, got ${fmt(x.shape)}`);
  const N = axis === 1 ? x.shape[0] : 1;
  const D = axis === 1 ? x.cols : x.size;
  const rg = tp.needsGrad(x);
  const out = tp.alloc(axis === 1 ? [N] : [1], rg);
  const xd = x.data, o = out.data;
  const f = isMean ? (D === 0 ? 0 : 1 / D) : 1;
  for (let n = 0; n < N; n++) {
    let s = 0;
    const r = n * D;
    for (let j = 0; j < D; j++) s += xd[r + j];
    o[n] = s * f;
  }
  if (rg) {
    tp.record(out, () => {
      const g = out.grad!, gx = tp.grad(x);
      for (let n = 0; n < N; n++) {
        const gn = g[n] * f, r = n * D;
        for (let j = 0; j < D; j++) gx[r + j] += gn;
      }
    });
  }
  return out;
}

/** Sum of all elements ([*] -> [1]) or of each row (axis 1: [N, D] -> [N]). Accumulates in float64. */
export function sum(tp: Tape, x: Tensor, axis?: 1): Tensor {
  return reduce('sum', tp, x, axis, false);
}

/** Mean of all elements ([*] -> [1]) or of each row (axis 1: [N, D] -> [N]); empty gives 0. */
export function mean(tp: Tape, x: Tensor, axis?: 1): Tensor {
  return reduce('mean', tp, x, axis, true);
}
