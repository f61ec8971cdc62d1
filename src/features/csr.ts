// Compressed sparse row matrices and the two sparse × dense products the SVD needs.
// The dense side is row-major Float32Array; the products run on the kernel layer
// (src/tensor/kernels.ts spmm / spmmT: C addon, or the TypeScript twins in kernels_ts.ts).
import * as kernels from '../tensor/kernels.ts';

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
 * Runs on the kernel layer (tensor/kernels.spmm): the C addon (float accumulation, two
 * threads) or its TypeScript twin (float64 accumulation) under HGREC_KERNELS=ts.
 * Example: spmm(a, b, L, new Float32Array(a.rows * L)).
 */
export function spmm(a: Csr, b: Float32Array, L: number, out: Float32Array): Float32Array {
  if (b.length < a.cols * L || out.length < a.rows * L) {
    throw new Error(`spmm: expected B of ${a.cols}x${L} and out of ${a.rows}x${L}, got lengths ${b.length}, ${out.length}`);
  }
  kernels.spmm(a.indptr, a.indices, a.values, b, L, out);
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
 * no extra memory; spmm(transposeCsr(a), ...) is the faster gather form when Aᵀ is reused
 * (measured on the addon, 20k×200k with 9.8 M non-zeros, L = 266: scatter 3.6 s CPU,
 * transpose once 0.4 s + gather 1.4 s per product).
 */
export function spmmT(a: Csr, y: Float32Array, L: number, out: Float32Array): Float32Array {
  if (y.length < a.rows * L || out.length < a.cols * L) {
    throw new Error(`spmmT: expected Y of ${a.rows}x${L} and out of ${a.cols}x${L}, got lengths ${y.length}, ${out.length}`);
  }
  kernels.spmmT(a.indptr, a.indices, a.values, a.cols, y, L, out);
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
