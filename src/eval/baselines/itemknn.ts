// ItemKNN: item–item cosine similarity over the binary user–item training matrix, with
// shrinkage and the top-M neighbours kept per item. A user's score for a candidate is the sum
// of the similarities between the candidate and every item in the user's history — history
// items of ANY type contribute (that is how a podcast-only user gets audiobooks); only
// candidates (target type) are ranked. Candidates nobody scores rank by training popularity.
//
// Memory and time are sparse: the co-occurrence pass costs Σ_users |history| · |candidates in
// history| additions with one dense [C] accumulator, and the model stores ≤ M neighbours per item.

import { csrFromPairs, csrRow, csrTranspose, type Csr } from '../csr.ts';
import { RankingSelector } from '../topk.ts';
import { candidatesOf, checkRecommendArgs, checkTrainSet, type Recommender, type TrainSet } from './recommender.ts';

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 100). */
  neighbours?: number;
  /** Shrinkage added to the cosine denominator: sim = co / (√n_i √n_j + shrink) (default 10). */
  shrink?: number;
  /** Interaction kinds in the user–item matrix (default: all). */
  kinds?: readonly number[];
}

export class ItemKnn implements Recommender {
  readonly name = 'itemknn';
  private readonly M: number;
  private readonly shrink: number;
  private hist: Csr | null = null; // [nUsers, nItems] user history (all types)
  private cands: Int32Array = new Int32Array(0); // [C]
  private nbPtr: Int32Array = new Int32Array(1); // [nItems + 1]
  private nbPos: Int32Array = new Int32Array(0); // neighbour candidate positions
  private nbSim = new Float32Array(0); // neighbour similarities
  private pop = new Float64Array(0); // [C] training count, the tie-break

  constructor(private readonly opts: ItemKnnOptions = {}) {
    this.M = opts.neighbours ?? 100;
    this.shrink = opts.shrink ?? 10;
    if (!Number.isInteger(this.M) || this.M < 1) throw new Error(`ItemKnn: neighbours expected an integer >= 1, got ${this.M}`);
    if (!(this.shrink >= 0)) throw new Error(`ItemKnn: shrink expected >= 0, got ${this.shrink}`);
  }

  fit(train: TrainSet): void {
    checkTrainSet('ItemKnn.fit', train);
    const kinds = this.opts.kinds ? new Set(this.opts.kinds) : null;
    if (kinds && !train.kind) throw new Error('ItemKnn.fit: opts.kinds given but train has no kind column');
    const N = train.nItems;
    const X = csrFromPairs(train.user, train.item, train.nUsers, N, kinds ? (i) => kinds.has(train.kind![i]!) : undefined);
    const XT = csrTranspose(X); // [N, nUsers]
    const cands = candidatesOf(train);
    const C = cands.length;
    const posOf = new Int32Array(N).fill(-1);
    cands.forEach((it, c) => { posOf[it] = c; });
    // Per user, the candidate positions in their history: [nUsers] rows.
    const ucPtr = new Int32Array(train.nUsers + 1);
    const ucList: number[] = [];
    for (let u = 0; u < train.nUsers; u++) {
      for (const it of csrRow(X, u)) if (posOf[it]! >= 0) ucList.push(posOf[it]!);
      ucPtr[u + 1] = ucList.length;
    }
    const uc = Int32Array.from(ucList);
    const norm = new Float64Array(N);
    for (let i = 0; i < N; i++) norm[i] = Math.sqrt(XT.indptr[i + 1]! - XT.indptr[i]!);

    let bound = 0;
    for (let i = 0; i < N; i++) if (norm[i]! > 0) bound += Math.min(this.M, C);
    const nbPtr = new Int32Array(N + 1);
    const nbPos = new Int32Array(bound);
    const nbSim = new Float32Array(bound);
    const co = new Float64Array(C);
    const sim = new Float64Array(C);
    const touched = new Int32Array(C);
    const best = new Int32Array(this.M);
    const selector = new RankingSelector(C, this.M);
    const none = new Int32Array(0);
    const slotIds = Int32Array.from({ length: C }, (_, i) => i);
    let w = 0;
    for (let h = 0; h < N; h++) {
      let nt = 0;
      const hp = posOf[h]!;
      for (let q = XT.indptr[h]!; q < XT.indptr[h + 1]!; q++) {
        const v = XT.indices[q]!;
        for (let p = ucPtr[v]!; p < ucPtr[v + 1]!; p++) {
          const c = uc[p]!;
          if (c === hp) continue;
          if (co[c] === 0) touched[nt++] = c;
          co[c]! += 1;
        }
      }
      const list = touched.subarray(0, nt);
      for (let t = 0; t < nt; t++) {
        const c = list[t]!;
        sim[t] = co[c]! / (norm[h]! * norm[cands[c]!]! + this.shrink);
        co[c] = 0;
      }
      if (nt <= this.M) {
        for (let t = 0; t < nt; t++) { nbPos[w] = list[t]!; nbSim[w++] = sim[t]!; }
      } else {
        // Select over slots 0..nt (ids = slot numbers), then map back.
        selector.select(sim, slotIds.subarray(0, nt), none, best, 0);
        for (let j = 0; j < this.M; j++) { const s = best[j]!; nbPos[w] = list[s]!; nbSim[w++] = sim[s]!; }
      }
      nbPtr[h + 1] = w;
    }
    const pop = new Float64Array(C);
    for (let c = 0; c < C; c++) pop[c] = XT.indptr[cands[c]! + 1]! - XT.indptr[cands[c]!]!;
    this.hist = X;
    this.cands = cands;
    this.nbPtr = nbPtr;
    this.nbPos = nbPos.slice(0, w);
    this.nbSim = nbSim.slice(0, w);
    this.pop = pop;
  }

  /** The kept neighbours of an item: candidate item ids and similarities, best first. */
  neighboursOf(item: number): { items: Int32Array; sims: Float32Array } {
    const a = this.nbPtr[item]!, b = this.nbPtr[item + 1]!;
    const items = Int32Array.from(this.nbPos.subarray(a, b), (c) => this.cands[c]!);
    return { items, sims: this.nbSim.slice(a, b) };
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    const X = this.hist;
    if (X === null) throw new Error('ItemKnn.recommend: call fit() first');
    checkRecommendArgs('ItemKnn.recommend', users, k, exclude, X.nRows);
    const C = this.cands.length;
    const out = new Int32Array(users.length * k);
    const scores = new Float64Array(C);
    const selector = new RankingSelector(X.nCols, k);
    for (let r = 0; r < users.length; r++) {
      const u = users[r]!;
      scores.fill(0);
      for (let q = X.indptr[u]!; q < X.indptr[u + 1]!; q++) {
        const h = X.indices[q]!;
        for (let p = this.nbPtr[h]!; p < this.nbPtr[h + 1]!; p++) scores[this.nbPos[p]!]! += this.nbSim[p]!;
      }
      selector.select(scores, this.cands, csrRow(exclude, u), out, r * k, this.pop);
    }
    return out;
  }
}
