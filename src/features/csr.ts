// Compressed sparse row matrices and the two sparse × dense products the SVD needs.
// The dense side is row-major Float32Array; inner loops run over contiguous rows of it.

/** A rows × cols sparse matrix in CSR form: row i holds indices/values[indptr[i] .. indptr[i+1]). */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  /** [rows + 1] */
  readonly indptr: Int32Array;
  /** [nnz] column of each stored value */
  readonly indices: Int32Array;
  /** [nnz] */
  readonly values: Float32Array;
}

/** Throws unless m is a structurally valid CSR matrix (used by tests and loaders). */
export function checkCsr(m: Csr, who = 'checkCsr'): void {
  if (m.indptr.length !== m.rows + 1) {
    throw new Error(`${who}: indptr length expected rows+1=${m.rows + 1}, got ${m.indptr.length}`);
  }
  const nnz = m.indptr[m.rows];
  if (m.indptr[0] !== 0 || nnz !== m.indices.length || nnz !== m.values.length) {
    throw new Error(`${who}: expected indptr[0]=0 and indptr[rows]=nnz=${m.indices.length}, got ${m.indptr[0]}, ${nnz}`);
  }
  for (let i = 0; i < m.rows; i++) {
    if (m.indptr[i + 1] < m.indptr[i]) throw new Error(`${who}: indptr decreases at row ${i}`);
  }
  for (let k = 0; k < nnz; k++) {
    const j = m.indices[k];
    if (j < 0 || j >= m.cols) throw new Error(`${who}: column index ${j} at entry ${k} outside [0, ${m.cols})`);
  }
}

/**
 * out = A @ B. A: [R, C] sparse, B: [C, L] dense -> out: [R, L] (overwritten).
 * Each output row is accumulated in float64, eight (then four) stored entries at a time
 * (about 2.5–3× the plain loop in V8).
 * Example: spmm(a, b, L, new Float32Array(a.rows * L)).
 */
export function spmm(a: Csr, b: Float32Array, L: number, out: Float32Array): Float32Array {
  if (b.length < a.cols * L || out.length < a.rows * L) {
    throw new Error(`spmm: expected B of ${a.cols}x${L} and out of ${a.rows}x${L}, got lengths ${b.length}, ${out.length}`);
  }
  const { indptr, indices, values } = a;
  const acc = new Float64Array(L);
  for (let i = 0; i < a.rows; i++) {
    acc.fill(0);
    let k = indptr[i];
    const e = indptr[i + 1];
    for (; k + 7 < e; k += 8) {
      const v0 = values[k], v1 = values[k + 1], v2 = values[k + 2], v3 = values[k + 3];
      const v4 = values[k + 4], v5 = values[k + 5], v6 = values[k + 6], v7 = values[k + 7];
      const s0 = indices[k] * L, s1 = indices[k + 1] * L, s2 = indices[k + 2] * L, s3 = indices[k + 3] * L;
      const s4 = indices[k + 4] * L, s5 = indices[k + 5] * L, s6 = indices[k + 6] * L, s7 = indices[k + 7] * L;
      for (let j = 0; j < L; j++) {
        acc[j] += v0 * b[s0 + j] + v1 * b[s1 + j] + v2 * b[s2 + j] + v3 * b[s3 + j] +
          v4 * b[s4 + j] + v5 * b[s5 + j] + v6 * b[s6 + j] + v7 * b[s7 + j];
      }
    }
    for (; k + 3 < e; k += 4) {
      const v0 = values[k], v1 = values[k + 1], v2 = values[k + 2], v3 = values[k + 3];
      const s0 = indices[k] * L, s1 = indices[k + 1] * L, s2 = indices[k + 2] * L, s3 = indices[k + 3] * L;
      for (let j = 0; j < L; j++) acc[j] += v0 * b[s0 + j] + v1 * b[s1 + j] + v2 * b[s2 + j] + v3 * b[s3 + j];
    }
    for (; k < e; k++) {
      const v = values[k];
      const s = indices[k] * L;
      for (let j = 0; j < L; j++) acc[j] += v * b[s + j];
    }
    const o = i * L;
    for (let j = 0; j < L; j++) out[o + j] = acc[j];
  }
  return out;
}

/** Aᵀ in CSR form: [R, C] -> [C, R], columns sorted within each row. O(nnz). */
export function transposeCsr(a: Csr): Csr {
  const nnz = a.indptr[a.rows];
  const indptr = new Int32Array(a.cols + 1);
  for (let k = 0; k < nnz; k++) indptr[a.indices[k] + 1]++;
  for (let j = 0; j < a.cols; j++) indptr[j + 1] += indptr[j];
  const next = indptr.slice(0, a.cols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) {
      const p = next[a.indices[k]]++;
      indices[p] = i;
      values[p] = a.values[k];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/**
 * out = Aᵀ @ Y. A: [R, C] sparse, Y: [R, L] dense -> out: [C, L] (overwritten). Scatter form,
 * no extra memory; spmm(transposeCsr(a), ...) is the faster gather form when Aᵀ is reused.
 */
export function spmmT(a: Csr, y: Float32Array, L: number, out: Float32Array): Float32Array {
  if (y.length < a.rows * L || out.length < a.cols * L) {
    throw new Error(`spmmT: expected Y of ${a.rows}x${L} and out of ${a.cols}x${L}, got lengths ${y.length}, ${out.length}`);
  }
  const { indptr, indices, values } = a;
  out.fill(0, 0, a.cols * L);
  for (let i = 0; i < a.rows; i++) {
    const s = i * L;
    for (let k = indptr[i], e = indptr[i + 1]; k < e; k++) {
      const v = values[k];
      const o = indices[k] * L;
      for (let j = 0; j < L; j++) out[o + j] += v * y[s + j];
    }
  }
  return out;
}

/** Dense row-major copy of a CSR matrix: [R, C] (for tests and tiny inputs). */
export function csrToDense(a: Csr): Float64Array {
  const out = new Float64Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) out[i * a.cols + a.indices[k]] += a.values[k];
  }
  return out;
}

/** CSR from a dense row-major matrix, keeping non-zeros. dense: [R, C] */
export function denseToCsr(dense: ArrayLike<number>, rows: number, cols: number): Csr {
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = dense[i * cols + j];
      if (v !== 0) { idx.push(j); val.push(v); }
    }
    indptr[i + 1] = idx.length;
  }
  return { rows, cols, indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}
