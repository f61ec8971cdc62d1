// Blocked float32 inverse of a symmetric positive-definite matrix, with the bulk of the work
// in sgemm (OpenBLAS through the tensor kernels when the addon is loaded):
//   1. right-looking blocked Cholesky A = L Lᵀ (block-row sgemm updates of the lower triangle),
//   2. blocked forward substitution Y = L⁻¹ (one sgemm per block row),
//   3. A⁻¹ = Yᵀ Y (one sgemm).
// ≈ 3n³ flops; 8n² bytes (the input, overwritten, plus the output). Small in-block loops
// accumulate in float64. spdInverse (float64, unblocked) is the reference it is tested against.

import { sgemm } from '../../tensor/kernels.ts';

/**
 * Returns A⁻¹ (full, symmetric) for symmetric positive-definite A; `a` is overwritten.
 *
 * a: [n, n] row-major float32 (only the lower triangle is read) -> [n, n]
 *
 * @example spdInverseF32(Float32Array.of(4, 2, 2, 3), 2) // ≈ [0.375, -0.25, -0.25, 0.5]
 */
export function spdInverseF32(a: Float32Array, n: number, block = 128): Float32Array {
  const fn = 'spdInverseF32';
  if (a.length !== n * n) throw new Error(`${fn}: a expected length n*n = ${n * n}, got ${a.length}`);
  if (!Number.isInteger(block) || block < 1) throw new Error(`${fn}: block expected an integer >= 1, got ${block}`);
  const nb = block;
  const diagInv: Float32Array[] = []; // L⁻¹ of every diagonal block, [kb, kb] each
  const tmp = new Float32Array(nb * n);
  // 1. Blocked Cholesky, lower, in place.
  for (let k0 = 0; k0 < n; k0 += nb) {
    const kb = Math.min(nb, n - k0);
    const k1 = k0 + kb;
    factorDiagonalBlock(a, n, k0, kb, fn);
    const linv = invertLowerBlock(a, n, k0, kb);
    diagInv.push(linv);
    // Panel below the block: L[k1.., k0..k1) = A[k1.., k0..k1) · L_kk⁻ᵀ.
    const m = n - k1;
    for (let r0 = k1; r0 < n; r0 += nb) {
      const rb = Math.min(nb, n - r0);
      sgemm(false, true, rb, kb, kb, 1, a.subarray(r0 * n + k0), n, linv, kb, 0, tmp, kb);
      for (let r = 0; r < rb; r++) a.set(tmp.subarray(r * kb, r * kb + kb), (r0 + r) * n + k0);
    }
    // Trailing lower triangle: A[r, k1..r] -= L[r, k0..k1) · L[k1..r, k0..k1)ᵀ, per block row.
    for (let r0 = k1; r0 < n && m > 0; r0 += nb) {
      const rb = Math.min(nb, n - r0);
      const cols = r0 + rb - k1;
      sgemm(false, true, rb, cols, kb, -1, a.subarray(r0 * n + k0), n, a.subarray(k1 * n + k0), n, 1, a.subarray(r0 * n + k1), n);
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n); // clear the upper triangle

  // 2. Y = L⁻¹ in place, block row by block row:
  //    Y[blk, 0..i0) = −L_ii⁻¹ · (L[blk, 0..i0) · Y[0..i0, 0..i0)),  Y[blk, blk] = L_ii⁻¹.
  for (let b = 0, i0 = 0; i0 < n; b++, i0 += nb) {
    const ib = Math.min(nb, n - i0);
    const linv = diagInv[b]!;
    if (i0 > 0) {
      sgemm(false, false, ib, i0, i0, 1, a.subarray(i0 * n), n, a, n, 0, tmp, i0);
      sgemm(false, false, ib, i0, ib, -1, linv, ib, tmp, i0, 0, a.subarray(i0 * n), n);
    }
    for (let r = 0; r < ib; r++) a.set(linv.subarray(r * ib, r * ib + ib), (i0 + r) * n + i0);
  }
  // 3. A⁻¹ = Yᵀ Y.
  const inv = new Float32Array(n * n);
  if (n > 0) sgemm(true, false, n, n, n, 1, a, n, a, n, 0, inv, n);
  return inv;
}

/** Unblocked Cholesky of the diagonal block at (k0, k0), size kb, in place (float64 sums). */
function factorDiagonalBlock(a: Float32Array, n: number, k0: number, kb: number, fn: string): void {
  for (let i = k0; i < k0 + kb; i++) {
    const ri = i * n;
    for (let j = k0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let t = k0; t < j; t++) s -= a[ri + t]! * a[rj + t]!;
      if (j < i) {
        a[ri + j] = s / a[rj + j]!;
      } else {
        if (!(s > 0)) throw new Error(`${fn}: matrix is not positive definite (pivot ${i} = ${s}); increase the ridge term`);
        a[ri + i] = Math.sqrt(s);
      }
    }
  }
}

/** Inverse of the lower-triangular diagonal block at (k0, k0), size kb -> [kb, kb] (upper part 0). */
function invertLowerBlock(a: Float32Array, n: number, k0: number, kb: number): Float32Array {
  const y = new Float64Array(kb * kb);
  const acc = new Float64Array(kb);
  for (let i = 0; i < kb; i++) {
    const ri = (k0 + i) * n + k0;
    acc.fill(0, 0, i);
    for (let t = 0; t < i; t++) {
      const l = a[ri + t]!;
      if (l === 0) continue;
      for (let c = 0; c <= t; c++) acc[c]! += l * y[t * kb + c]!;
    }
    const d = a[ri + i]!;
    for (let c = 0; c < i; c++) y[i * kb + c] = -acc[c]! / d;
    y[i * kb + i] = 1 / d;
  }
  return Float32Array.from(y);
}
