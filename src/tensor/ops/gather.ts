// Row gather (embedding lookup, selecting nodes) and its adjoint, scatter-add.
import * as k from '../kernels.ts';
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectI32, expectRank } from './check.ts';

/**
 * Rows of a table: out[b] = table[idx[b]]. Gradient scatter-adds back into the table.
 * table: [V, D], idx: [B] -> [B, D]
 * @example const e = gather(tp, emb, new Int32Array([3, 0, 3])); // [3, D]
 */
export function gather(tp: Tape, table: Tensor, idx: Int32Array): Tensor {
  expectRank('gather', 'table', table, 2);
  expectI32('gather', 'idx', idx);
  const [V, D] = table.shape;
  k.checkIndices('gather', 'idx', idx, V);
  const rg = tp.needsGrad(table);
  const out = tp.alloc([idx.length, D], rg);
  k.gatherRows(table.data, D, idx, out.data);
  if (rg) {
    tp.record(out, () => {
      // Row-sparse tables record which rows got gradient (LazyAdam); others accumulate densely.
      if (table.touched && table.grad) {
        table.touched.addAll(idx);
        k.scatterAddRows(out.grad!, D, idx, table.grad);
      } else k.scatterAddRows(out.grad!, D, idx, tp.grad(table));
    });
  }
  return out;
}

/**
 * Sum rows into n buckets: out[idx[e]] += src[e], out starts at zero. Gradient gathers.
 * src: [E, D], idx: [E] -> [n, D]
 */
export function scatterAdd(tp: Tape, src: Tensor, idx: Int32Array, n: number): Tensor {
  expectRank('scatterAdd', 'src', src, 2);
  expectI32('scatterAdd', 'idx', idx);
  const [E, D] = src.shape;
  if (idx.length !== E) throw new RangeError(`scatterAdd: idx must have length ${E} (rows of src), got ${idx.length}`);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`scatterAdd: n must be a non-negative integer, got ${n}`);
  k.checkIndices('scatterAdd', 'idx', idx, n);
  const rg = tp.needsGrad(src);
  const out = tp.zeros([n, D], rg);
  k.scatterAddRows(src.data, D, idx, out.data);
  if (rg) {
    tp.record(out, () => {
      // d src[e] = d out[idx[e]]: gather into a pooled buffer, then accumulate.
      const tmp = tp.pool.f32(E * D);
      k.gatherRows(out.grad!, D, idx, tmp);
      const gs = tp.grad(src);
      for (let i = 0; i < tmp.length; i++) gs[i] += tmp[i];
    });
  }
  return out;
}
