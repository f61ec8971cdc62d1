// GraphSAGE layer with the max-pooling aggregator, bipartite and type-agnostic (SPEC §2):
//   m[i] = max over sampled neighbours j of i of ReLU(W x_src[j] + b), empty neighbourhood -> 0.
// The transform is computed ONCE per unique source row the CSR references, then the segment
// max reads those rows through a remapped index (no duplicate transforms: a row that is the
// neighbour of 30 destinations is multiplied by W once). Bias and ReLU are applied after the
// max (same function, see max_pool_message.ts), so they touch [Ndst, H], not [U, H].
import { ParamStore, Tape, Tensor, gather, init as inits } from '../tensor/index.ts';
import { maxPoolMessage } from './max_pool_message.ts';

/**
 * Source rows of a conv: `table` holds the values, `rows` (optional) maps block position p to
 * table row rows[p] (so a layer can read straight from a full feature table without first
 * copying every sampled node). Without `rows`, position p is table row p.
 */
export interface SourceRows {
  /** table: [V, D] */
  table: Tensor;
  /** rows: [P] table row of each block position (positions index the CSR). */
  rows?: Int32Array;
}

/** CSR over destination rows: neighbours of dst i are positions indices[indptr[i] .. indptr[i+1]). */
export interface NeighbourCsr {
  /** indptr: [Ndst + 1] */
  indptr: Int32Array;
  /** indices: [E] source positions */
  indices: Int32Array;
}

/**
 * Bipartite max-pool SAGE message function. Parameters `${name}.W` [D, H] and `${name}.b` [H].
 * @example const conv = new SageConv(ps, 'l0.podcast->audiobook', 384, 256);
 *          const m = conv.forward(tp, { table: x, rows }, { indptr, indices }); // [Ndst, 256]
 */
export class SageConv {
  readonly W: Tensor;
  readonly b: Tensor;

  constructor(ps: ParamStore, readonly name: string, readonly inDim: number, readonly outDim: number) {
    for (const [k, v] of [['inDim', inDim], ['outDim', outDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`SageConv(${name}): ${k} must be an integer >= 1, got ${v}`);
    }
    this.W = ps.add(`${name}.W`, [inDim, outDim], inits.heNormal);
    this.b = ps.add(`${name}.b`, [outDim], inits.zeros);
  }

  /**
   * Messages for every destination row.
   * src.table: [V, D], src.rows: [P], csr.indptr: [Ndst + 1], csr.indices: [E] -> [Ndst, H]
   * With `acc` [Ndst, H] the messages are added into it and acc is returned (see maxPoolMessage).
   */
  forward(tp: Tape, src: SourceRows, csr: NeighbourCsr, acc?: Tensor): Tensor {
    const { table, rows } = src;
    const { indptr, indices } = csr;
    if (table.shape.length !== 2 || table.shape[1] !== this.inDim) {
      throw new RangeError(`SageConv(${this.name}).forward: src.table must be [V, ${this.inDim}], got [${table.shape.join(', ')}]`);
    }
    if (!(indptr instanceof Int32Array) || indptr.length < 1) {
      throw new RangeError(`SageConv(${this.name}).forward: csr.indptr must be an Int32Array of length Ndst + 1 >= 1, got ${indptr?.length}`);
    }
    const nDst = indptr.length - 1;
    const E = indices.length;
    if (E === 0) return acc ?? tp.zeros([nDst, this.outDim]); // no neighbours anywhere: every message is 0
    const V = table.shape[0];
    const P = rows ? rows.length : V;
    // unique table rows -> compact rows (first-seen order), entries remapped onto them
    const mark = tp.pool.i32(V);
    mark.fill(-1);
    const uniq = tp.pool.i32(E);
    const remap = tp.pool.i32(E);
    let U = 0;
    for (let e = 0; e < E; e++) {
      const p = indices[e];
      if (p < 0 || p >= P) throw new RangeError(`SageConv(${this.name}).forward: csr.indices[${e}] = ${p} out of range [0, ${P})`);
      const row = rows ? rows[p] : p;
      if (row < 0 || row >= V) throw new RangeError(`SageConv(${this.name}).forward: src.rows[${p}] = ${row} out of range [0, ${V})`);
      let u = mark[row];
      if (u < 0) {
        u = U++;
        mark[row] = u;
        uniq[u] = row;
      }
      remap[e] = u;
    }
    let x = table;
    if (U >= FULL_TABLE_SHARE * V) {
      // nearly every row is used (full-graph inference): transform the table as it is
      for (let e = 0; e < E; e++) remap[e] = uniq[remap[e]];
    } else {
      x = gather(tp, table, uniq.subarray(0, U)); // [U, D]
    }
    // ReLU(xW + b) for each used row once, max over each neighbourhood: [Ndst, H]
    return maxPoolMessage(tp, x, this.W, this.b, indptr, remap.subarray(0, E), acc);
  }
}

// When at least this share of the table's rows is referenced, transforming the whole table
// is cheaper than gathering the used rows first (the extra rows cost less than the copy).
const FULL_TABLE_SHARE = 0.9;
