// Pure-TypeScript twins of every native kernel. They are the reference the addon is tested
// against and the fallback when the addon is absent. No validation here: the wrappers in
// kernels.ts check shapes and indices once, for both backends.

/**
 * Row-major C[M,N] = alpha * op(A) @ op(B) + beta * C (same contract as kernels.sgemm).
 * beta = 0 overwrites C (NaN in C is not propagated), like BLAS.
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
  if (alpha === 0 || K === 0) return;
  if (!transB) {
    // Rank-1 updates along k: streams rows of B and C (cache friendly for row-major).
    for (let i = 0; i < M; i++) {
      const ci = i * ldc;
      for (let k = 0; k < K; k++) {
        const a = alpha * (transA ? A[k * lda + i] : A[i * lda + k]);
        const bk = k * ldb;
        for (let j = 0; j < N; j++) C[ci + j] += a * B[bk + j];
      }
    }
  } else {
    // B stored [N,K]: each C entry is a dot product of two contiguous rows (when !transA).
    for (let i = 0; i < M; i++) {
      const ci = i * ldc;
      for (let j = 0; j < N; j++) {
        const bj = j * ldb;
        let s = 0;
        if (transA) for (let k = 0; k < K; k++) s += A[k * lda + i] * B[bj + k];
        else {
          const ai = i * lda;
          for (let k = 0; k < K; k++) s += A[ai + k] * B[bj + k];
        }
        C[ci + j] += alpha * s;
      }
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
 */
export function adamStepTs(
  p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  lrT: number, b1: number, b2: number, epsT: number, wd: number,
): void {
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = Math.fround(b1 * m[i] + c1 * gi);
    const vi = Math.fround(b2 * v[i] + c2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] -= lrT * mi / (Math.sqrt(vi) + epsT) + wd * p[i];
  }
}
