// Naive float64 references of tape ops, for gradcheck's `reference` option (flat inputs ->
// flat output, row-major). Written for clarity, not speed.

/** C[M,N] = op(A) op(B) with A stored [M,K] or [K,M] (transA), B stored [K,N] or [N,K] (transB). */
export function matmul64(a: Float64Array, b: Float64Array, M: number, K: number, N: number,
  transA = false, transB = false): Float64Array {
  const c = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += (transA ? a[k * M + i] : a[i * K + k]) * (transB ? b[j * K + k] : b[k * N + j]);
    c[i * N + j] = s;
  }
  return c;
}

/** act(x W + b): x [N,D], W [D,H], b [H] (or null). */
export function linear64(x: Float64Array, W: Float64Array, b: Float64Array | null, N: number, D: number, H: number,
  relu = false): Float64Array {
  const y = matmul64(x, W, N, D, H);
  for (let i = 0; i < y.length; i++) {
    const v = y[i] + (b ? b[i % H] : 0);
    y[i] = relu ? Math.max(v, 0) : v;
  }
  return y;
}

/** Row-wise x / max(||x||, eps). */
export function l2Normalize64(x: Float64Array, N: number, D: number, eps = 1e-12): Float64Array {
  const y = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += x[n * D + j] ** 2;
    const nrm = Math.max(Math.sqrt(s), eps);
    for (let j = 0; j < D; j++) y[n * D + j] = x[n * D + j] / nrm;
  }
  return y;
}

/** Weighted mean softmax cross-entropy with column/logit offsets and a mask (see softmaxCrossEntropy). */
export function softmaxCrossEntropy64(z: Float64Array, B: number, C: number, targets: Int32Array,
  opts: { weights?: ArrayLike<number>; offsets?: ArrayLike<number>; mask?: Uint8Array } = {}): number {
  let loss = 0, wsum = 0;
  for (let b = 0; b < B; b++) {
    const zz: number[] = [];
    for (let c = 0; c < C; c++) {
      if (opts.mask?.[b * C + c]) continue;
      zz.push(z[b * C + c] + (opts.offsets ? opts.offsets[opts.offsets.length === C ? c : b * C + c] : 0));
    }
    const mx = Math.max(...zz);
    const lse = mx + Math.log(zz.reduce((s, v) => s + Math.exp(v - mx), 0));
    const t = targets[b];
    const zt = z[b * C + t] + (opts.offsets ? opts.offsets[opts.offsets.length === C ? t : b * C + t] : 0);
    const w = opts.weights ? opts.weights[b] : 1;
    loss += w * (lse - zt);
    wsum += w;
  }
  return wsum === 0 ? 0 : loss / wsum;
}

/** Segment mean over CSR offsets of rows idx[e] (or e) of x [*, D]. */
export function segmentMean64(x: Float64Array, D: number, offsets: Int32Array, idx?: Int32Array): Float64Array {
  const S = offsets.length - 1;
  const y = new Float64Array(S * D);
  for (let s = 0; s < S; s++) {
    const n = offsets[s + 1] - offsets[s];
    for (let e = offsets[s]; e < offsets[s + 1]; e++) {
      const r = idx ? idx[e] : e;
      for (let j = 0; j < D; j++) y[s * D + j] += x[r * D + j] / n;
    }
  }
  return y;
}

/** Segment max over CSR offsets (empty segments 0). */
export function segmentMax64(x: Float64Array, D: number, offsets: Int32Array, idx?: Int32Array): Float64Array {
  const S = offsets.length - 1;
  const y = new Float64Array(S * D);
  for (let s = 0; s < S; s++) {
    for (let j = 0; j < D; j++) {
      let m = -Infinity;
      for (let e = offsets[s]; e < offsets[s + 1]; e++) m = Math.max(m, x[(idx ? idx[e] : e) * D + j]);
      y[s * D + j] = m === -Infinity ? 0 : m;
    }
  }
  return y;
}

/** mean over b, m of max(0, margin - pos[b] + neg[b, m]). */
export function hingeLoss64(pos: Float64Array, neg: Float64Array, margin: number): number {
  const B = pos.length, M = B === 0 ? 0 : neg.length / B;
  let s = 0;
  for (let b = 0; b < B; b++) for (let m = 0; m < M; m++) s += Math.max(0, margin - pos[b] + neg[b * M + m]);
  return B * M === 0 ? 0 : s / (B * M);
}
