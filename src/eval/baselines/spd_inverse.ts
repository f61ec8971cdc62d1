// Inverse of a symmetric positive-definite matrix through its Cholesky factor, in float64,
// row-major, with every inner loop running over contiguous memory:
//   A = L Lᵀ (Cholesky–Crout, row dots)  →  M = L⁻¹ (row axpys)  →  A⁻¹ = Mᵀ M (rank-1 row updates).
// About n³ flops in all (n³/2 multiply–adds) and two n×n float64 buffers.

/**
 * Returns A⁻¹ for symmetric positive-definite A. `a` is overwritten (it ends up holding L⁻¹).
 *
 * a: [n, n] row-major (only the lower triangle is read) -> [n, n] full symmetric inverse
 *
 * @example spdInverse(Float64Array.of(4, 2, 2, 3), 2) // [0.375, -0.25, -0.25, 0.5]
 */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`spdInverse: a expected length n*n = ${n * n}, got ${a.length}`);
  // 1. Cholesky: L[i][j] = (A[i][j] − Σ_{k<j} L[i][k] L[j][k]) / L[j][j], in place (lower).
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (j < i) {
        a[ri + j] = s / a[rj + j]!;
      } else {
        if (!(s > 0)) {
          throw new Error(`spdInverse: matrix is not positive definite (pivot ${i} = ${s}); increase the ridge term`);
        }
        a[ri + i] = Math.sqrt(s);
      }
    }
  }
  // 2. M = L⁻¹, row by row: M[i, 0..i) = −(Σ_{k<i} L[i][k] M[k, 0..k]) / L[i][i]; M[i][i] = 1/L[i][i].
  const tmp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    tmp.fill(0, 0, i);
    for (let k = 0; k < i; k++) {
      const l = a[ri + k]!;
      if (l === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) tmp[j]! += l * a[rk + j]!;
    }
    const d = a[ri + i]!;
    for (let j = 0; j < i; j++) a[ri + j] = -tmp[j]! / d;
    a[ri + i] = 1 / d;
  }
  // 3. A⁻¹ = Mᵀ M = Σ_k M[k,:]ᵀ M[k,:]; row k of M is nonzero on 0..k. Fill the lower triangle.
  const inv = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const m = a[rk + i]!;
      if (m === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) inv[ri + j]! += m * a[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j]!;
  return inv;
}
