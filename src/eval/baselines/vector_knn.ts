// Vector-KNN, the paper's "LLM-KNN" (item text vectors) and "HGNN" (HGNN item embeddings)
// baselines in one function: a user's vector is the mean of the vectors of the target-type
// items in their training history (any kind, weak signals included, like the warm/cold split);
// candidates rank by dot product with it. Warm users only: a user with no target-type history
// gets no ranking (a NO_ITEM row), so these models have no cold-user figures.

import { csrFromPairs, csrRow, type Csr } from '../csr.ts';
import { NO_ITEM, RankingSelector } from '../topk.ts';
import { sgemm } from '../../tensor/kernels.ts';
import { candidatesOf, checkRecommendArgs, checkTrainSet, type Recommender, type TrainSet } from './recommender.ts';

export interface VectorKnnOptions {
  /** Model name in reports, e.g. 'content_knn' or 'hgnn'. */
  name: string;
  /** Item vectors for every dense item id: [nItems, dim] row-major. */
  vectors: Float32Array;
  dim: number;
  /** Interaction kinds that make up the user's history (default: all). */
  kinds?: readonly number[];
}

export class VectorKnn implements Recommender {
  readonly name: string;
  private hist: Csr | null = null; // [nUsers, nItems] target-type history
  private cands: Int32Array = new Int32Array(0); // [C]
  private candVecs = new Float32Array(0); // [C, D]

  constructor(private readonly opts: VectorKnnOptions) {
    this.name = opts.name;
    if (!Number.isInteger(opts.dim) || opts.dim < 1) throw new Error(`VectorKnn(${opts.name}): dim expected an integer >= 1, got ${opts.dim}`);
  }

  fit(train: TrainSet): void {
    const fn = `VectorKnn(${this.name}).fit`;
    checkTrainSet(fn, train);
    const D = this.opts.dim;
    const V = this.opts.vectors;
    if (V.length !== train.nItems * D) {
      throw new Error(`${fn}: vectors expected [nItems, dim] = ${train.nItems * D} floats, got ${V.length}`);
    }
    const kinds = this.opts.kinds ? new Set(this.opts.kinds) : null;
    if (kinds && !train.kind) throw new Error(`${fn}: opts.kinds given but train has no kind column`);
    this.hist = csrFromPairs(train.user, train.item, train.nUsers, train.nItems, (i) =>
      train.itemType[train.item[i]!] === train.targetType && (kinds === null || kinds.has(train.kind![i]!)));
    const cands = candidatesOf(train);
    const cv = new Float32Array(cands.length * D);
    for (let c = 0; c < cands.length; c++) cv.set(V.subarray(cands[c]! * D, cands[c]! * D + D), c * D);
    this.cands = cands;
    this.candVecs = cv;
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    const H = this.hist;
    if (H === null) throw new Error(`VectorKnn(${this.name}).recommend: call fit() first`);
    checkRecommendArgs(`VectorKnn(${this.name}).recommend`, users, k, exclude, H.nRows);
    const D = this.opts.dim;
    const V = this.opts.vectors;
    const C = this.cands.length;
    const out = new Int32Array(users.length * k).fill(NO_ITEM);
    const selector = new RankingSelector(H.nCols, k);
    // Users in blocks: userVecs [Ub, D] · candVecs [C, D]ᵀ -> scores [Ub, C].
    const Ub = Math.max(1, Math.min(256, Math.floor(4_000_000 / Math.max(1, C))));
    const uv = new Float32Array(Ub * D);
    const scores = new Float32Array(Ub * C);
    const rows = new Int32Array(Ub); // output row of each block slot
    for (let start = 0; start < users.length;) {
      let b = 0;
      for (; start < users.length && b < Ub; start++) {
        const hist = csrRow(H, users[start]!);
        if (hist.length === 0) continue; // cold: no ranking
        const o = b * D;
        uv.fill(0, o, o + D);
        for (const it of hist) for (let d = 0; d < D; d++) uv[o + d]! += V[it * D + d]!;
        const inv = 1 / hist.length;
        for (let d = 0; d < D; d++) uv[o + d]! *= inv;
        rows[b++] = start;
      }
      if (b === 0 || C === 0) continue;
      sgemm(false, true, b, C, D, 1, uv, D, this.candVecs, D, 0, scores, C);
      for (let s = 0; s < b; s++) {
        const r = rows[s]!;
        selector.select(scores.subarray(s * C, s * C + C), this.cands, csrRow(exclude, users[r]!), out, r * k);
      }
    }
    return out;
  }
}
