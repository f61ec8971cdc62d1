// Segment max / mean over CSR offsets: the neighbour aggregations of GraphSAGE.
// Segment s (a destination node) covers entries offsets[s]..offsets[s+1]; entry e reads row
// idx[e] of x (a source node), or row e when idx is omitted. Empty segments give 0.
import * as k from '../kernels.ts';
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectI32, expectRank } from './check.ts';

function check(op: string, x: Tensor, offsets: Int32Array, idx: Int32Array | undefined): void {
  expectRank(op, 'x', x, 2);
  expectI32(op, 'offsets', offsets);
  if (idx !== undefined) expectI32(op, 'idx', idx);
  if (offsets.length < 1) throw new RangeError(`${op}: offsets must have length S+1 >= 1, got 0`);
  const E = idx ? idx.length : x.shape[0];
  k.checkOffsets(op, offsets, E);
  if (idx) k.checkIndices(op, 'idx', idx, x.shape[0]);
}

/**
 * Per-segment, per-column max; the gradient goes to the arg-max row (first one on ties).
 * x: [N, D], offsets: [S+1], idx: [E] (optional; default row e) -> [S, D]
 * @example segmentMax(tp, hSrc, csr.offsets, csr.neighbors) // [Ndst, H]
 */
export function segmentMax(tp: Tape, x: Tensor, offsets: Int32Array, idx?: Int32Array): Tensor {
  check('segmentMax', x, offsets, idx);
  const S = offsets.length - 1, D = x.shape[1];
  const rg = tp.needsGrad(x);
  const out = tp.alloc([S, D], rg);
  const argmax = tp.pool.i32(S * D);
  k.segmentMax(x.data, D, offsets, idx ?? null, out.data, argmax);
  if (rg) tp.record(out, () => k.segmentMaxBackward(out.grad!, D, argmax, tp.grad(x)));
  return out;
}

/**
 * Per-segment mean; the gradient is spread evenly over the segment's rows.
 * x: [N, D], offsets: [S+1], idx: [E] (optional; default row e) -> [S, D]
 */
export function segmentMean(tp: Tape, x: Tensor, offsets: Int32Array, idx?: Int32Array): Tensor {
  check('segmentMean', x, offsets, idx);
  const S = offsets.length - 1, D = x.shape[1];
  const rg = tp.needsGrad(x);
  const out = tp.alloc([S, D], rg);
  k.segmentMean(x.data, D, offsets, idx ?? null, out.data);
  if (rg) tp.record(out, () => k.segmentMeanBackward(out.grad!, D, offsets, idx ?? null, tp.grad(x)));
  return out;
}
