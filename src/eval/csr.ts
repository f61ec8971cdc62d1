// Compressed sparse rows over dense ids: the one sparse layout eval uses for
// user → items (training history, exclusions, held-out targets) and item → users.

/**
 * Row r holds the column ids `indices[indptr[r] .. indptr[r+1])`, sorted ascending and
 * without duplicates (every builder here guarantees both).
 */
export interface Csr {
  nRows: number;
  nCols: number;
  indptr: Int32Array; // [nRows + 1]
  indices: Int32Array; // [nnz]
}

/**
 * Builds a CSR from parallel (row, col) pairs, dropping duplicate pairs and pairs whose
 * `keep(i)` is false. Rows are sorted ascending.
 *
 * rows, cols: [P] -> Csr [nRows, nCols]
 *
 * @example csrFromPairs(Int32Array.of(1, 0, 1), Int32Array.of(2, 0, 2), 2, 3)
 *   // row 0: [0], row 1: [2]
 */
export function csrFromPairs(
  rows: Int32Array,
  cols: Int32Array,
  nRows: number,
  nCols: number,
  keep?: (i: number) => boolean,
): Csr {
  const fn = 'csrFromPairs';
  if (rows.length !== cols.length) {
    throw new Error(`${fn}: rows and cols must have the same length, got ${rows.length} and ${cols.length}`);
  }
  const counts = new Int32Array(nRows + 1);
  for (let i = 0; i < rows.length; i++) {
    if (keep && !keep(i)) continue;
    const r = rows[i]!;
    const c = cols[i]!;
    if (r < 0 || r >= nRows) throw new Error(`${fn}: rows[${i}] expected in [0, ${nRows}), got ${r}`);
    if (c < 0 || c >= nCols) throw new Error(`${fn}: cols[${i}] expected in [0, ${nCols}), got ${c}`);
    counts[r + 1]!++;
  }
  for (let r = 0; r < nRows; r++) counts[r + 1]! += counts[r]!;
  const fill = counts.slice(0, nRows);
  const raw = new Int32Array(counts[nRows]!);
  for (let i = 0; i < rows.length; i++) {
    if (keep && !keep(i)) continue;
    raw[fill[rows[i]!]!++] = cols[i]!;
  }
  // Sort and deduplicate each row, compacting in place.
  const indptr = new Int32Array(nRows + 1);
  let w = 0;
  for (let r = 0; r < nRows; r++) {
    const row = raw.subarray(counts[r]!, counts[r + 1]!);
    row.sort();
    for (let j = 0; j < row.length; j++) {
      if (j > 0 && row[j] === row[j - 1]) continue;
      raw[w++] = row[j]!;
    }
    indptr[r + 1] = w;
  }
  return { nRows, nCols, indptr, indices: raw.slice(0, w) };
}

/** Row `r` of a CSR as a view (no copy). */
export function csrRow(m: Csr, r: number): Int32Array {
  return m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!);
}

/** Number of stored entries in row `r`. */
export function csrRowLength(m: Csr, r: number): number {
  return m.indptr[r + 1]! - m.indptr[r]!;
}

/** Transpose: [nRows, nCols] -> [nCols, nRows] (rows stay sorted and unique). */
export function csrTranspose(m: Csr): Csr {
  const counts = new Int32Array(m.nCols + 1);
  for (let i = 0; i < m.indices.length; i++) counts[m.indices[i]! + 1]!++;
  for (let c = 0; c < m.nCols; c++) counts[c + 1]! += counts[c]!;
  const fill = counts.slice(0, m.nCols);
  const indices = new Int32Array(m.indices.length);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) indices[fill[m.indices[p]!]!++] = r;
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr: counts, indices };
}

/** Keeps only the entries whose column passes `keepCol` (a 0/1 mask over columns). */
export function csrFilterCols(m: Csr, keepCol: Uint8Array): Csr {
  const indptr = new Int32Array(m.nRows + 1);
  const out: number[] = [];
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.indptr[r]!; p < m.indptr[r + 1]!; p++) {
      const c = m.indices[p]!;
      if (keepCol[c]) out.push(c);
    }
    indptr[r + 1] = out.length;
  }
  return { nRows: m.nRows, nCols: m.nCols, indptr, indices: Int32Array.from(out) };
}

/** An empty CSR with `nRows` rows (e.g. "exclude nothing"). */
export function emptyCsr(nRows: number, nCols: number): Csr {
  return { nRows, nCols, indptr: new Int32Array(nRows + 1), indices: new Int32Array(0) };
}
