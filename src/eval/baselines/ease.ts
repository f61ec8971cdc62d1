// EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
//   P = (XᵀX + λI)⁻¹,  B = I − P · diagMat(1 / diag(P))  (so diag(B) = 0),  scores = X_u B.
// X is the binary user × item training matrix over the EASE item set S:
// - itemSet 'all' (default): every item (any type) with ≥ minUsers training users, so podcast
//   and music history scores audiobooks and cold users get personal rankings;
// - itemSet 'target': target-type items only (cold users then fall back to popularity order).
// Candidates outside S score 0; ties rank by training popularity, then lower id.
// The inverse is dense (n × n float32, blocked Cholesky on sgemm), so S is capped: above `maxItems` fit() throws an
// EaseTooLargeError with the memory estimate, and the harness falls back to ItemKNN.

import { csrFromPairs, csrRow, type Csr } from '../csr.ts';
import { RankingSelector } from '../topk.ts';
import { candidatesOf, checkRecommendArgs, checkTrainSet, type Recommender, type TrainSet } from './recommender.ts';
import { spdInverseF32 } from './spd_inverse_f32.ts';

export interface EaseOptions {
  /** Ridge λ on the diagonal of XᵀX (default 100; tune on a validation split). */
  lambda?: number;
  /** Largest EASE item set accepted (default 10 000: ≈ 0.75 GiB + B columns, ~3·10¹² flops). */
  maxItems?: number;
  itemSet?: 'all' | 'target';
  /** Minimum distinct training users for an item to enter S (default 1). */
  minUsers?: number;
  /** Interaction kinds in X (default: all). */
  kinds?: readonly number[];
  /**
   * Above maxItems: 'refuse' (default) throws EaseTooLargeError; 'truncate' keeps the maxItems
   * items of the set with most training users (ties: lower id).
   */
  overflow?: 'refuse' | 'truncate';
}

/** Thrown by Ease.fit when the item set is too large for the dense inverse. */
export class EaseTooLargeError extends Error {
  constructor(readonly items: number, readonly maxItems: number, readonly bytes: number, itemSet: 'all' | 'target') {
    super(`Ease.fit: item set (${itemSet}) has ${items} items, above maxItems = ${maxItems}; the dense inverse would need ` +
      `~${(bytes / 2 ** 30).toFixed(2)} GiB and ~${((3 * items ** 3) / 1e9).toFixed(0)} GFLOP. ` +
      `Use ItemKnn instead, raise maxItems or minUsers, ${itemSet === 'all' ? 'use itemSet "target", ' : ''}or overflow "truncate".`);
    this.name = 'EaseTooLargeError';
  }
}

/** Bytes EASE needs for an item set of n items and C candidates (Gram + inverse + B columns, float32). */
export function easeMemoryBytes(n: number, C: number): number {
  return 8 * n * n + 4 * n * C;
}

export class Ease implements Recommender {
  readonly name = 'ease';
  private readonly lambda: number;
  private readonly maxItems: number;
  private hist: Csr | null = null; // [nUsers, nItems]
  private sPos: Int32Array = new Int32Array(0); // [nItems] position in S or −1
  private cands: Int32Array = new Int32Array(0); // [C]
  private colCand: Int32Array = new Int32Array(0); // [Cs] candidate position of each B column
  private B = new Float32Array(0); // [n, Cs] B restricted to candidate columns
  private pop = new Float64Array(0); // [C]
  /** Number of items in the EASE item set after fit. */
  nSet = 0;

  constructor(private readonly opts: EaseOptions = {}) {
    this.lambda = opts.lambda ?? 100;
    this.maxItems = opts.maxItems ?? 10_000;
    if (!(this.lambda > 0)) throw new Error(`Ease: lambda expected > 0, got ${this.lambda}`);
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1) throw new Error(`Ease: maxItems expected an integer >= 1, got ${this.maxItems}`);
  }

  fit(train: TrainSet): void {
    checkTrainSet('Ease.fit', train);
    const kinds = this.opts.kinds ? new Set(this.opts.kinds) : null;
    if (kinds && !train.kind) throw new Error('Ease.fit: opts.kinds given but train has no kind column');
    const N = train.nItems;
    const X = csrFromPairs(train.user, train.item, train.nUsers, N, kinds ? (i) => kinds.has(train.kind![i]!) : undefined);
    const users = new Float64Array(N);
    for (let p = 0; p < X.indices.length; p++) users[X.indices[p]!]! += 1;
    const minUsers = this.opts.minUsers ?? 1;
    const targetOnly = this.opts.itemSet === 'target';
    let set: number[] = [];
    for (let i = 0; i < N; i++) {
      if (users[i]! >= minUsers && (!targetOnly || train.itemType[i] === train.targetType)) set.push(i);
    }
    const cands = candidatesOf(train);
    if (set.length > this.maxItems) {
      if (this.opts.overflow !== 'truncate') {
        const isCand = new Uint8Array(N);
        for (const it of cands) isCand[it] = 1;
        const nc = set.filter((i) => isCand[i]).length;
        throw new EaseTooLargeError(set.length, this.maxItems, easeMemoryBytes(set.length, nc), targetOnly ? 'target' : 'all');
      }
      set = set.sort((a, b) => users[b]! - users[a]! || a - b).slice(0, this.maxItems).sort((a, b) => a - b);
    }
    const sPos = new Int32Array(N).fill(-1);
    const n = set.length;
    set.forEach((it, p) => { sPos[it] = p; });
    const cols: number[] = [];
    cands.forEach((it, c) => { if (sPos[it]! >= 0) cols.push(c); });

    // Gram matrix, lower triangle: G[p][q] = #users with both, + λ on the diagonal.
    const G = new Float32Array(n * n);
    const row: number[] = [];
    for (let u = 0; u < train.nUsers; u++) {
      row.length = 0;
      for (const it of csrRow(X, u)) if (sPos[it]! >= 0) row.push(sPos[it]!);
      for (let a = 0; a < row.length; a++) {
        const pa = row[a]!;
        for (let b = 0; b <= a; b++) {
          const pb = row[b]!;
          if (pa >= pb) G[pa * n + pb]! += 1; else G[pb * n + pa]! += 1;
        }
      }
    }
    for (let p = 0; p < n; p++) G[p * n + p]! += this.lambda;
    const P = spdInverseF32(G, n); // [n, n]

    const Cs = cols.length;
    const B = new Float32Array(n * Cs);
    for (let c = 0; c < Cs; c++) {
      const j = sPos[cands[cols[c]!]!]!;
      const pjj = P[j * n + j]!;
      for (let i = 0; i < n; i++) B[i * Cs + c] = i === j ? 0 : -P[i * n + j]! / pjj;
    }
    const pop = new Float64Array(cands.length);
    cands.forEach((it, c) => { pop[c] = users[it]!; });
    this.hist = X;
    this.sPos = sPos;
    this.cands = cands;
    this.colCand = Int32Array.from(cols);
    this.B = B;
    this.pop = pop;
    this.nSet = n;
  }

  /** B[i][j] for items i, j of the item set (0 when either is outside it or j is not a candidate). */
  weight(i: number, j: number): number {
    const pi = this.sPos[i]!;
    const c = this.colCand.indexOf(this.cands.indexOf(j));
    if (pi < 0 || c < 0) return 0;
    return this.B[pi * this.colCand.length + c]!;
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    const X = this.hist;
    if (X === null) throw new Error('Ease.recommend: call fit() first');
    checkRecommendArgs('Ease.recommend', users, k, exclude, X.nRows);
    const Cs = this.colCand.length;
    const acc = new Float64Array(Cs);
    const scores = new Float64Array(this.cands.length);
    const out = new Int32Array(users.length * k);
    const selector = new RankingSelector(X.nCols, k);
    for (let r = 0; r < users.length; r++) {
      const u = users[r]!;
      acc.fill(0);
      for (const it of csrRow(X, u)) {
        const p = this.sPos[it]!;
        if (p < 0) continue;
        const off = p * Cs;
        for (let c = 0; c < Cs; c++) acc[c]! += this.B[off + c]!;
      }
      for (let c = 0; c < Cs; c++) scores[this.colCand[c]!] = acc[c]!;
      selector.select(scores, this.cands, csrRow(exclude, u), out, r * k, this.pop);
    }
    return out;
  }
}
