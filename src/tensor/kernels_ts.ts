// Pure-TypeScript twins of every native kernel. They are the reference the addon is tested
// against and the fallback when the addon is absent. No validation here: the wrappers in
// kernels.ts check shapes and indices once, for both backends.

let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);

/** Copies the transpose of a [rows, cols] matrix (row stride ld) into a reusable scratch buffer. */
function transposed(src: Float32Array, rows: number, cols: number, ld: number, which: 'A' | 'B'): Float32Array {
  let dst = which === 'A' ? scratchA : scratchB;
  if (dst.length < rows * cols) {
    dst = new Float32Array(rows * cols);
    if (which === 'A') scratchA = dst;
    else scratchB = dst;
  }
  for (let r = 0; r < rows; r++) {
    const s = r * ld;
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[s + c];
  }
  return dst;
}

/**
 * Row-major C[M,N] = alpha * op(A) @ op(B) + beta * C (same contract as kernels.sgemm).
 * beta = 0 overwrites C (NaN in C is not propagated), like BLAS. Transposed operands are
 * copied to row-major scratch first (O(MK + KN) against O(MNK)), then one kernel does
 * rank-4 updates of C's rows, streaming rows of B (cache friendly, 4x fewer C loads/stores).
 */
export function sgemmTs(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    const ci = i * ldc;
    if (beta === 0) C.fill(0, ci, ci + N);
    else if (beta !== 1) for (let j = 0; j < N; j++) C[ci + j] *= beta;
  }
  if (alpha === 0 || K === 0 || M === 0 || N === 0) return;
  if (transA) { A = transposed(A, K, M, lda, 'A'); lda = K; }
  if (transB) { B = transposed(B, N, K, ldb, 'B'); ldb = N; }
  const K4 = K - (K % 4);
  let i = 0;
  for (; i + 1 < M; i += 2) {
    // two rows of C at a time: each loaded row segment of B feeds 8 multiply-adds
    const ci = i * ldc, cj = ci + ldc, ai = i * lda, aj = ai + lda;
    let k = 0;
    for (; k < K4; k += 4) {
      const a0 = alpha * A[ai + k], a1 = alpha * A[ai + k + 1], a2 = alpha * A[ai + k + 2], a3 = alpha * A[ai + k + 3];
      const e0 = alpha * A[aj + k], e1 = alpha * A[aj + k + 1], e2 = alpha * A[aj + k + 2], e3 = alpha * A[aj + k + 3];
      const b0 = k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < N; j++) {
        const x0 = B[b0 + j], x1 = B[b1 + j], x2 = B[b2 + j], x3 = B[b3 + j];
        C[ci + j] += a0 * x0 + a1 * x1 + a2 * x2 + a3 * x3;
        C[cj + j] += e0 * x0 + e1 * x1 + e2 * x2 + e3 * x3;
      }
    }
    for (; k < K; k++) {
      const a = alpha * A[ai + k], e = alpha * A[aj + k], bk = k * ldb;
      for (let j = 0; j < N; j++) {
        const x = B[bk + j];
        C[ci + j] += a * x;
        C[cj + j] += e * x;
      }
    }
  }
  for (; i < M; i++) {
    const ci = i * ldc, ai = i * lda;
    let k = 0;
    for (; k < K4; k += 4) {
      const a0 = alpha * A[ai + k], a1 = alpha * A[ai + k + 1], a2 = alpha * A[ai + k + 2], a3 = alpha * A[ai + k + 3];
      const b0 = k * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      for (let j = 0; j < N; j++) C[ci + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
    }
    for (; k < K; k++) {
      const a = alpha * A[ai + k], bk = k * ldb;
      for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
    }
  }
}

/** out[b, :] = src[idx[b], :]. src: [*, D], idx: [B] -> out: [B, D] */
export function gatherRowsTs(src: Float32Array, D: number, idx: Int32Array, out: Float32Array): void {
  for (let b = 0; b < idx.length; b++) {
    const s = idx[b] * D;
    out.set(src.subarray(s, s + D), b * D);
  }
}

/** out[idx[e], :] += src[e, :]. src: [E, D], idx: [E], out: [N, D] (accumulates) */
export function scatterAddRowsTs(src: Float32Array, D: number, idx: Int32Array, out: Float32Array): void {
  for (let e = 0; e < idx.length; e++) {
    const o = idx[e] * D;
    const s = e * D;
    for (let j = 0; j < D; j++) out[o + j] += src[s + j];
  }
}

/**
 * Segment max over CSR offsets. Segment s covers entries offsets[s]..offsets[s+1]; entry e
 * reads row idx[e] of x (or row e when idx is null). Empty segments give 0 and argmax -1.
 * argmax holds the x row that won each (s, j). x: [*, D], offsets: [S+1] -> out, argmax: [S, D]
 */
export function segmentMaxTs(
  x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null, out: Float32Array, argmax: Int32Array,
): void {
  const S = offsets.length - 1;
  for (let s = 0; s < S; s++) {
    const o = s * D;
    const e0 = offsets[s];
    const e1 = offsets[s + 1];
    if (e1 <= e0) {
      out.fill(0, o, o + D);
      argmax.fill(-1, o, o + D);
      continue;
    }
    const r0 = idx ? idx[e0] : e0;
    for (let j = 0; j < D; j++) {
      out[o + j] = x[r0 * D + j];
      argmax[o + j] = r0;
    }
    for (let e = e0 + 1; e < e1; e++) {
      const r = idx ? idx[e] : e;
      const xr = r * D;
      for (let j = 0; j < D; j++) {
        const v = x[xr + j];
        if (v > out[o + j]) {
          out[o + j] = v;
          argmax[o + j] = r;
        }
      }
    }
  }
}

/** gx[argmax[s, j], j] += gout[s, j] (entries with argmax -1 are skipped). gout: [S, D] -> gx: [*, D] */
export function segmentMaxBackwardTs(gout: Float32Array, D: number, argmax: Int32Array, gx: Float32Array): void {
  for (let i = 0; i < argmax.length; i++) {
    const r = argmax[i];
    if (r >= 0) gx[r * D + (i % D)] += gout[i];
  }
}

/** Segment mean over CSR offsets (rows idx[e] of x, or row e). Empty segments give 0. -> out: [S, D] */
export function segmentMeanTs(
  x: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null, out: Float32Array,
): void {
  const S = offsets.length - 1;
  for (let s = 0; s < S; s++) {
    const o = s * D;
    const e0 = offsets[s];
    const e1 = offsets[s + 1];
    out.fill(0, o, o + D);
    if (e1 <= e0) continue;
    for (let e = e0; e < e1; e++) {
      const xr = (idx ? idx[e] : e) * D;
      for (let j = 0; j < D; j++) out[o + j] += x[xr + j];
    }
    const inv = Math.fround(1 / (e1 - e0));
    for (let j = 0; j < D; j++) out[o + j] *= inv;
  }
}

/** gx[row(e), :] += gout[s, :] / count(s) for every entry e of segment s. gout: [S, D] -> gx: [*, D] */
export function segmentMeanBackwardTs(
  gout: Float32Array, D: number, offsets: Int32Array, idx: Int32Array | null, gx: Float32Array,
): void {
  const S = offsets.length - 1;
  for (let s = 0; s < S; s++) {
    const e0 = offsets[s];
    const e1 = offsets[s + 1];
    if (e1 <= e0) continue;
    const inv = Math.fround(1 / (e1 - e0));
    const o = s * D;
    for (let e = e0; e < e1; e++) {
      const xr = (idx ? idx[e] : e) * D;
      for (let j = 0; j < D; j++) gx[xr + j] += Math.fround(gout[o + j] * inv);
    }
  }
}

/**
 * One Adam step with bias correction over flat buffers, in place on p, m, v.
 * lrT = lr * sqrt(1 - b2^t) / (1 - b1^t) and epsT = eps * sqrt(1 - b2^t) fold the bias correction in, so this equals
 * p -= lr * mhat / (sqrt(vhat) + eps); wd is decoupled weight decay (AdamW) already multiplied by lr.
 * float32 maths: every operation is rounded with Math.fround in the addon's order (a double +, -, *, / or sqrt of
 * float32 inputs rounded to float32 equals the float32 operation), so both backends are bit-identical.
 */
export function adamStepTs(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  lrT: number, b1: number, b2: number, epsT: number, wd: number,
): void {
  const f = Math.fround;
  const lr = f(lrT), eps = f(epsT), w = f(wd), a1 = f(b1), a2 = f(b2), c1 = f(1 - b1), c2 = f(1 - b2);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = f(f(a1 * m[i]) + f(c1 * gi));
    const vi = f(f(a2 * v[i]) + f(f(c2 * gi) * gi));
    m[i] = mi;
    v[i] = vi;
    const pi = p[i];
    p[i] = pi - f(f(f(lr * mi) / f(f(Math.sqrt(vi)) + eps)) + f(w * pi));
  }
}

/**
 * Row-wise softmax: out[r, :] = softmax(x[r, :]) and lse[r] = log(sum(exp(x[r, :]))), R = lse.length.
 * x and out may be the same array; -Infinity entries get probability 0. x: [R, C] -> out: [R, C], lse: [R]
 */
export function softmaxRowsTs(x: Float32Array, C: number, out: Float32Array, lse: Float64Array): void {
  for (let r = 0; r < lse.length; r++) {
    const o = r * C;
    let mx = -Infinity;
    for (let j = 0; j < C; j++) if (x[o + j] > mx) mx = x[o + j];
    let s = 0;
    for (let j = 0; j < C; j++) {
      const e = Math.fround(Math.exp(x[o + j] - mx));
      out[o + j] = e;
      s += e;
    }
    const inv = Math.fround(1 / s);
    for (let j = 0; j < C; j++) out[o + j] *= inv;
    lse[r] = mx + Math.log(s);
  }
}

/**
 * CSR sparse × dense: out[i, :] = Σ_k values[k] · B[indices[k], :] for k in indptr[i]..indptr[i+1].
 * A: [rows, cols] (rows = indptr.length - 1), B: [cols, D] -> out: [rows, D] (overwritten).
 * Each output row is accumulated in float64, eight (then four) stored entries at a time
 * (about 2.5–3× the plain loop in V8), and rounded to float32 once.
 */
export function spmmTs(indptr: Int32Array, indices: Int32Array, values: Float32Array, B: Float32Array, D: number,
  out: Float32Array): void {
  const rows = indptr.length - 1;
  const acc = new Float64Array(D);
  for (let i = 0; i < rows; i++) {
    acc.fill(0);
    let k = indptr[i];
    const e = indptr[i + 1];
    for (; k + 7 < e; k += 8) {
      const v0 = values[k], v1 = values[k + 1], v2 = values[k + 2], v3 = values[k + 3];
      const v4 = values[k + 4], v5 = values[k + 5], v6 = values[k + 6], v7 = values[k + 7];
      const s0 = indices[k] * D, s1 = indices[k + 1] * D, s2 = indices[k + 2] * D, s3 = indices[k + 3] * D;
      const s4 = indices[k + 4] * D, s5 = indices[k + 5] * D, s6 = indices[k + 6] * D, s7 = indices[k + 7] * D;
      for (let j = 0; j < D; j++) {
        acc[j] += v0 * B[s0 + j] + v1 * B[s1 + j] + v2 * B[s2 + j] + v3 * B[s3 + j] +
          v4 * B[s4 + j] + v5 * B[s5 + j] + v6 * B[s6 + j] + v7 * B[s7 + j];
      }
    }
    for (; k + 3 < e; k += 4) {
      const v0 = values[k], v1 = values[k + 1], v2 = values[k + 2], v3 = values[k + 3];
      const s0 = indices[k] * D, s1 = indices[k + 1] * D, s2 = indices[k + 2] * D, s3 = indices[k + 3] * D;
      for (let j = 0; j < D; j++) acc[j] += v0 * B[s0 + j] + v1 * B[s1 + j] + v2 * B[s2 + j] + v3 * B[s3 + j];
    }
    for (; k < e; k++) {
      const v = values[k];
      const s = indices[k] * D;
      for (let j = 0; j < D; j++) acc[j] += v * B[s + j];
    }
    const o = i * D;
    for (let j = 0; j < D; j++) out[o + j] = acc[j];
  }
}

/**
 * Transposed CSR product, scatter form: out[indices[k], :] += values[k] · Y[i, :].
 * A: [rows, cols], Y: [rows, D] -> out: [cols, D] (overwritten). No extra memory.
 */
export function spmmTTs(indptr: Int32Array, indices: Int32Array, values: Float32Array, cols: number,
  Y: Float32Array, D: number, out: Float32Array): void {
  const rows = indptr.length - 1;
  out.fill(0, 0, cols * D);
  for (let i = 0; i < rows; i++) {
    const s = i * D;
    for (let k = indptr[i], e = indptr[i + 1]; k < e; k++) {
      const v = values[k];
      const o = indices[k] * D;
      for (let j = 0; j < D; j++) out[o + j] += v * Y[s + j];
    }
  }
}

/**
 * Max-pool message gradient (twin of the addon's maxPoolGrad): gt (if given) is overwritten
 * with gt[argmax[s, j], j] = Σ g[s, j], and db[j] (if given) += Σ_s g[s, j], both over the
 * (s, j) with argmax >= 0, s ascending, in float32. Returns the first flat index whose argmax
 * lies outside [-1, U), or -1.
 */
export function maxPoolGradTs(g: Float32Array, argmax: Int32Array, H: number, U: number, gt: Float32Array | null,
  db: Float32Array | null): number {
  const S = H > 0 ? argmax.length / H : 0;
  if (gt) gt.fill(0, 0, U * H);
  const colSum = db ? new Float32Array(H) : null;
  for (let s = 0, i = 0; s < S; s++) {
    for (let j = 0; j < H; j++, i++) {
      const r = argmax[i];
      if (r < 0) {
        if (r !== -1) return i;
        continue;
      }
      if (r >= U) return i;
      const v = g[i];
      if (gt) gt[r * H + j] += v;
      if (colSum) colSum[j] += v;
    }
  }
  if (db && colSum) for (let j = 0; j < H; j++) db[j] += colSum[j];
  return -1;
}
