// The SAGE max-pool message as one op, reordered so that no element-wise pass touches the big
// per-source-row tensor:
//   m[i] = max_{e in seg(i)} ReLU(x[idx[e]] W + b)          (SPEC §2, as written)
//        = ReLU( max_{e in seg(i)} (x[idx[e]] W) + b )       (b is shared; ReLU is monotone)
// and m[i] = 0 for an empty segment. So the [U, H] transform is a bare GEMM; bias, ReLU and the
// empty-segment mask act on the much smaller [Ndst, H] result. The gradient is the same
// function's: it reaches the arg-max row of each (dst, column) when that message is > 0.
// Checked against the literal composition relu -> biasAdd -> matmul -> segmentMax in tests.
import { Tape, Tensor, add, kernels, sgemm } from '../tensor/index.ts';
import { arenaBytes, wasmArena } from './segment_max_wasm.ts';

/**
 * x: [U, D] (rows already unique), W: [D, H], b: [H], indptr: [Ndst + 1], idx: [E] rows of x
 * -> [Ndst, H]. With `acc` ([Ndst, H]) the message is added INTO acc (same float32 additions as
 * add(acc, m)) and acc is returned: no separate message tensor, no add op (HeteroConv sums its
 * relations this way); its backward passes acc's gradient through unchanged.
 * @example const m = maxPoolMessage(tp, xRows, conv.W, conv.b, csr.indptr, remapped);
 */
export function maxPoolMessage(tp: Tape, x: Tensor, W: Tensor, b: Tensor, indptr: Int32Array, idx: Int32Array, acc?: Tensor): Tensor {
  if (x.shape.length !== 2 || W.shape.length !== 2 || x.shape[1] !== W.shape[0]) {
    throw new RangeError(`maxPoolMessage: x must be [U, ${W.shape[0]}] for W [${W.shape.join(', ')}], got x [${x.shape.join(', ')}]`);
  }
  const U = x.shape[0], D = x.shape[1], H = W.shape[1];
  if (b.shape.length !== 1 || b.shape[0] !== H) throw new RangeError(`maxPoolMessage: b must be [${H}], got [${b.shape.join(', ')}]`);
  const S = indptr.length - 1;
  if (acc && (acc.shape.length !== 2 || acc.shape[0] !== S || acc.shape[1] !== H)) {
    throw new RangeError(`maxPoolMessage: acc must be [${S}, ${H}], got [${acc.shape.join(', ')}]`);
  }
  const rg = tp.needsGrad(x, W, b);
  // an accumulator that is not tracked cannot carry the message's gradient: add it as an op
  if (acc && rg && !acc.requiresGrad) return add(tp, acc, maxPoolMessage(tp, x, W, b, indptr, idx));
  const out = acc ?? tp.alloc([S, H], rg);
  // argmax[s, j]: source row of the max, or -1 where the message is 0 (empty segment or ReLU
  // off): the backward's mask, so it needs no copy of the message itself
  const argmax = tp.pool.i32(S * H);
  const o = out.data, bd = b.data;
  const A = H % 4 === 0 ? wasmArena() : null;
  if (A) {
    // WebAssembly SIMD: GEMM straight into the arena, then max + arg-max + bias + ReLU (+ acc) in one sweep
    checkCsr(indptr, idx, U);
    const E = idx.length;
    A.reset(arenaBytes(U * H, E, S + 1, H, S * H, S * H));
    const [pt, t] = A.f32(U * H);
    sgemm(false, false, U, H, D, 1, x.data, D, W.data, H, 0, t, H); // x W, each row once
    const [pi, vi] = A.i32(E), [pp, vp] = A.i32(S + 1), [pb, vb] = A.f32(H);
    vi.set(idx); vp.set(indptr); vb.set(bd);
    const [po, vo] = A.f32(S * H), [pa, va] = A.i32(S * H);
    if (acc) vo.set(o.subarray(0, S * H)); else vo.fill(0);
    A.maxArgAcc(pt, 4 * H, pi, pp, S, pb, po, pa, 4 * H);
    o.set(vo);
    argmax.set(va);
  } else {
    const t = tp.pool.f32(U * H); // x W, each row once
    sgemm(false, false, U, H, D, 1, x.data, D, W.data, H, 0, t, H);
    const m = acc ? tp.pool.f32(S * H) : o;
    kernels.segmentMax(t, H, indptr, idx, m, argmax); // validates indptr / idx
    for (let s = 0; s < S; s++) {
      const r = s * H;
      if (indptr[s + 1] === indptr[s]) continue; // empty: kernel wrote 0 and -1
      for (let j = 0; j < H; j++) {
        const v = m[r + j] + bd[j];
        m[r + j] = v > 0 ? v : 0;
        if (!(v > 0)) argmax[r + j] = -1;
      }
    }
    if (acc) for (let i = 0; i < S * H; i++) o[i] += m[i];
  }
  if (rg) {
    tp.record(out, () => {
      // mask by the arg-max, scatter to the arg-max rows (gt, overwritten) and sum the bias
      // gradient's columns, in one kernel pass (columns split over threads on the addon)
      const needT = W.requiresGrad || x.requiresGrad;
      const gt = needT ? tp.pool.f32(U * H) : null;
      kernels.maxPoolGrad(out.grad!, argmax, H, U, gt, b.requiresGrad ? tp.grad(b) : null);
      if (!gt) return;
      if (W.requiresGrad) {
        const [gw, beta] = tp.gradForWrite(W);
        sgemm(true, false, D, H, U, 1, x.data, D, gt, H, beta, gw, H); // dW = x^T gt
      }
      if (x.requiresGrad) {
        const [gx, beta] = tp.gradForWrite(x);
        sgemm(false, true, U, D, H, 1, gt, H, W.data, H, beta, gx, D); // dx = gt W^T
      }
    });
  }
  return out;
}

// The wasm kernel reads unchecked: indptr must be monotone from 0 to E and idx rows of x.
function checkCsr(indptr: Int32Array, idx: Int32Array, U: number): void {
  if (!(indptr instanceof Int32Array) || !(idx instanceof Int32Array)) {
    throw new TypeError('maxPoolMessage: indptr and idx must be Int32Arrays');
  }
  kernels.checkOffsets('maxPoolMessage', indptr, idx.length);
  kernels.checkIndices('maxPoolMessage', 'idx', idx, U);
}
