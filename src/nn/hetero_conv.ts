// Heterogeneous wrapper: one SageConv per directed relation (src type -> dst type) and one
// self transform per destination type; messages are SUMMED per destination type (SPEC §2):
//   h_dst[t] = W_self[t] h_dst[t] + b_self[t] + Σ_{r: dst(r) = t} m_r
// No activation here (the model puts ReLU between layers, none after the last).
// Destination row i of type t is source position i of type t (the sampler's prefix rule), so
// the self term reads the first numDst[t] positions of the type's source rows.
import { Linear } from './linear.ts';
import { SageConv, type NeighbourCsr, type SourceRows } from './sage_conv.ts';
import { ParamStore, Tape, Tensor, gather } from '../tensor/index.ts';

/** One directed relation handled by the wrapper (type indices into `types`). */
export interface HeteroRelation {
  /** e.g. 'podcast->audiobook' (names the parameters). */
  name: string;
  srcType: number;
  dstType: number;
}

/**
 * Parameters: `${name}.rel.${relation}.{W,b}` (SageConv) and `${name}.self.${type}.{W,b}`.
 * @example const conv = new HeteroConv(ps, 'conv0', ['audiobook', 'podcast'], rels, 384, 256);
 *          const h = conv.forward(tp, src, numDst, csr); // h[t]: [numDst[t], 256]
 */
export class HeteroConv {
  readonly convs: SageConv[];
  readonly self: Linear[];

  constructor(ps: ParamStore, readonly name: string, readonly types: readonly string[],
    readonly relations: readonly HeteroRelation[], readonly inDim: number, readonly outDim: number) {
    for (const r of relations) {
      for (const k of ['srcType', 'dstType'] as const) {
        if (!Number.isInteger(r[k]) || r[k] < 0 || r[k] >= types.length) {
          throw new RangeError(`HeteroConv(${name}): relation ${r.name} ${k} must be a type index in [0, ${types.length}), got ${r[k]}`);
        }
      }
    }
    this.self = types.map((t) => new Linear(ps, `${name}.self.${t}`, inDim, outDim));
    this.convs = relations.map((r) => new SageConv(ps, `${name}.rel.${r.name}`, inDim, outDim));
  }

  /**
   * One layer over a block.
   * src[t]: source rows of type t (table [V_t, D] + optional position->row map);
   * numDst[t]: destination rows of type t (= the first numDst[t] source positions);
   * csr[r]: neighbours of relation r (this wrapper's order) over dst rows of its dst type,
   * or null for none -> out[t]: [numDst[t], H]
   */
  forward(tp: Tape, src: readonly SourceRows[], numDst: ArrayLike<number>, csr: readonly (NeighbourCsr | null)[]): Tensor[] {
    const T = this.types.length;
    if (src.length !== T || numDst.length !== T) {
      throw new RangeError(`HeteroConv(${this.name}).forward: src and numDst must have one entry per type (${T}), got ${src.length} and ${numDst.length}`);
    }
    if (csr.length !== this.relations.length) {
      throw new RangeError(`HeteroConv(${this.name}).forward: csr must have one entry per relation (${this.relations.length}), got ${csr.length}`);
    }
    const out: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const n = numDst[t];
      const { table, rows } = src[t];
      const P = rows ? rows.length : table.shape[0];
      if (n > P) throw new RangeError(`HeteroConv(${this.name}).forward: numDst[${t}] = ${n} exceeds the ${P} source positions of ${this.types[t]}`);
      let selfIn: Tensor;
      if (n === table.shape[0] && (!rows || isIota(rows, n))) selfIn = table;
      else {
        const idx = tp.pool.i32(n);
        if (rows) idx.set(rows.subarray(0, n));
        else for (let i = 0; i < n; i++) idx[i] = i;
        selfIn = gather(tp, table, idx); // [n, D]
      }
      out.push(this.self[t].forward(tp, selfIn)); // [n, H]
    }
    this.relations.forEach((r, k) => {
      const c = csr[k];
      if (!c || c.indices.length === 0) return; // empty neighbourhoods send 0
      const n = numDst[r.dstType];
      if (c.indptr.length !== n + 1) {
        throw new RangeError(`HeteroConv(${this.name}).forward: csr[${k}] (${r.name}) indptr must have length ${n + 1} (numDst of ${this.types[r.dstType]} + 1), got ${c.indptr.length}`);
      }
      // summed in place (same float32 additions, in relation order, as add(out, m))
      out[r.dstType] = this.convs[k].forward(tp, src[r.srcType], c, out[r.dstType]);
    });
    return out;
  }
}

// True when rows[0..n) = 0..n-1.
function isIota(rows: Int32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}
