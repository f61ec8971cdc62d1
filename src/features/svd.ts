// Randomised truncated SVD (Halko, Martinsson & Tropp 2011, algorithms 4.4 + 5.1):
//   Y = A Ω (Ω Gaussian [C, L], L = k + oversample), q power iterations with
//   re-orthonormalisation (Z = orth(Aᵀ Q); Q = orth(A Z)), then B = Qᵀ A and the small SVD of
//   B through the eigen-decomposition of B Bᵀ ([L, L], float64).
// The big products A·X / Aᵀ·X are the operator's (tensor/kernels spmm for CSR); every dense product
// goes through the project GEMM. orth() is Gram-eigen orthonormalisation done twice
// (Q = Y W Λ^{-1/2}; the second pass repairs what float32 Grams lose), which keeps the tall
// work in GEMM instead of a Householder QR over millions of rows.
// Rank deficiency (fewer rows or columns than k, duplicates): directions whose eigenvalue is
// below RANK_TOL × the largest are dropped; the result then has fewer than k non-zero singular
// values and the matching component columns are zero.

import { sgemm } from '../tensor/kernels.ts';
import { spmm, transposeCsr, type Csr } from './csr.ts';
import { symmetricEigen } from './linalg.ts';
import { Rng } from '../tensor/rng.ts';

/** A linear operator A: [rows, cols] that can multiply dense row-major blocks. */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** out = A @ X. X: [cols, L] -> out: [rows, L] (overwritten) */
  mul(x: Float32Array, L: number, out: Float32Array): void;
  /** out = Aᵀ @ Y. Y: [rows, L] -> out: [cols, L] (overwritten) */
  mulT(y: Float32Array, L: number, out: Float32Array): void;
}

/**
 * The operator of a CSR matrix (tensor/kernels spmm: C addon or TypeScript twin). Keeps Aᵀ in
 * CSR form too (one extra copy of the non-zeros, built on the first mulT) so both products are
 * row-gathers, which are ≈2.5× faster than the scatter form (kernels.spmmT) on the addon.
 */
export function csrOperator(a: Csr): LinearOperator {
  let at: Csr | null = null;
  return {
    rows: a.rows, cols: a.cols,
    mul: (x, L, out) => { spmm(a, x, L, out); },
    mulT: (y, L, out) => { spmm(at ??= transposeCsr(a), y, L, out); },
  };
}

/** The operator of a dense row-major matrix a: [rows, cols] (GEMM). */
export function denseOperator(a: Float32Array, rows: number, cols: number): LinearOperator {
  if (a.length < rows * cols) throw new Error(`denseOperator: a expected ${rows}x${cols} values, got ${a.length}`);
  return {
    rows, cols,
    mul: (x, L, out) => sgemm(false, false, rows, L, cols, 1, a, cols, x, L, 0, out, L),
    mulT: (y, L, out) => sgemm(true, false, cols, L, rows, 1, a, cols, y, L, 0, out, L),
  };
}

export interface SvdOptions {
  /** extra random directions beyond k (default 10) */
  readonly oversample?: number;
  /** power iterations (default 2) */
  readonly powerIters?: number;
  /** RNG seed for Ω (default 0) */
  readonly seed?: number;
  /** also return the left singular vectors u: [rows, k] (default false) */
  readonly wantU?: boolean;
}

export interface TruncatedSvd {
  /** requested number of components */
  readonly k: number;
  /** numerical rank found (<= k); s[rank..] = 0 */
  readonly rank: number;
  /** singular values, descending, [k] */
  readonly s: Float64Array;
  /** right singular vectors as columns: [cols, k] row-major (column i <-> s[i]) */
  readonly v: Float32Array;
  /** left singular vectors [rows, k] when wantU */
  readonly u?: Float32Array;
}

/** Relative eigenvalue threshold (on σ², i.e. 1e-3 on σ) below which a direction is treated as zero. */
export const RANK_TOL = 1e-6;

/**
 * Orthonormalises the columns of y: [n, L] in place (Gram-eigen, twice). Columns spanning
 * (numerically) nothing become zero. Returns the number of non-zero columns.
 */
export function orthonormalize(y: Float32Array, n: number, L: number): number {
  let kept = 0;
  const g = new Float32Array(L * L);
  const t = new Float32Array(n * L);
  for (let pass = 0; pass < 2; pass++) {
    // g = yᵀ y: [L, L]
    sgemm(true, false, L, L, n, 1, y, L, y, L, 0, g, L);
    const { values, vectors } = symmetricEigen(g, L);
    const top = Math.max(values[0], 0);
    const w = new Float32Array(L * L);
    kept = 0;
    for (let j = 0; j < L; j++) {
      if (!(values[j] > top * RANK_TOL) || top === 0) continue;
      const inv = 1 / Math.sqrt(values[j]);
      for (let i = 0; i < L; i++) w[i * L + j] = vectors[i * L + j] * inv;
      kept++;
    }
    // y <- y W Λ^{-1/2}: [n, L] @ [L, L]
    sgemm(false, false, n, L, L, 1, y, L, w, L, 0, t, L);
    y.set(t);
  }
  return kept;
}

/**
 * Top-k singular triplets of A by the randomised range finder.
 * A: [R, C] -> s: [k], v: [C, k] (and u: [R, k]). k may exceed min(R, C): the extra
 * singular values are 0 and their vectors zero.
 * Example: const { s, v } = randomizedSvd(csrOperator(x), 256, { seed: 1 });
 */
export function randomizedSvd(a: LinearOperator, k: number, opts: SvdOptions = {}): TruncatedSvd {
  const oversample = opts.oversample ?? 10;
  const powerIters = opts.powerIters ?? 2;
  if (!Number.isInteger(k) || k < 1) throw new Error(`randomizedSvd: k expected integer >= 1, got ${k}`);
  if (!Number.isInteger(oversample) || oversample < 0) throw new Error(`randomizedSvd: oversample expected integer >= 0, got ${oversample}`);
  if (!Number.isInteger(powerIters) || powerIters < 0) throw new Error(`randomizedSvd: powerIters expected integer >= 0, got ${powerIters}`);
  const R = a.rows;
  const C = a.cols;
  const s = new Float64Array(k);
  const v = new Float32Array(C * k);
  const u = opts.wantU ? new Float32Array(R * k) : undefined;
  const L = Math.min(k + oversample, R, C);
  if (L === 0) return { k, rank: 0, s, v, u };

  const rng = new Rng(opts.seed ?? 0);
  const omega = new Float32Array(C * L);
  for (let i = 0; i < omega.length; i++) omega[i] = rng.normal();
  const q = new Float32Array(R * L);
  a.mul(omega, L, q); // q: [R, L]
  orthonormalize(q, R, L);
  const z = omega; // reuse: [C, L]
  for (let it = 0; it < powerIters; it++) {
    a.mulT(q, L, z);
    orthonormalize(z, C, L);
    a.mul(z, L, q);
    orthonormalize(q, R, L);
  }
  // bt = Aᵀ Q = Bᵀ: [C, L]; g = B Bᵀ = btᵀ bt: [L, L]
  const bt = z;
  a.mulT(q, L, bt);
  const g = new Float32Array(L * L);
  sgemm(true, false, L, L, C, 1, bt, L, bt, L, 0, g, L);
  const { values, vectors } = symmetricEigen(g, L);
  const top = Math.max(values[0], 0);
  const kk = Math.min(k, L);
  let rank = 0;
  // w: [L, kk], column i = eigenvector i / σ_i (zero when σ_i is numerically 0)
  const w = new Float32Array(L * kk);
  for (let i = 0; i < kk; i++) {
    if (!(top > 0 && values[i] > top * RANK_TOL)) continue;
    const sigma = Math.sqrt(values[i]);
    s[i] = sigma;
    rank++;
    for (let r = 0; r < L; r++) w[r * kk + i] = vectors[r * L + i] / sigma;
  }
  // v = bt W Σ^{-1}: [C, L] @ [L, kk] written into the first kk columns of [C, k]
  sgemm(false, false, C, kk, L, 1, bt, L, w, kk, 0, v, k);
  if (u) {
    // u = Q Wu: [R, L] @ [L, kk] with the unscaled eigenvectors of the kept directions
    const wu = new Float32Array(L * kk);
    for (let i = 0; i < rank; i++) for (let r = 0; r < L; r++) wu[r * kk + i] = vectors[r * L + i];
    sgemm(false, false, R, kk, L, 1, q, L, wu, kk, 0, u, k);
  }
  return { k, rank, s, v, u };
}
