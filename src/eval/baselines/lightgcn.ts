// LightGCN (He et al., SIGIR 2020) baseline: one embedding per user and per item (every type,
// so podcast / music history shapes the user's vector that ranks audiobooks), propagated over
// the symmetric-normalised user–item graph Â = D^-1/2 A D^-1/2 for K layers, final embedding =
// mean of the K+1 layer outputs, trained with BPR + L2 on the layer-0 rows of the batch, Adam.
//
// Forward and backward are hand-written: the final embedding is P·E0 with the fixed matrix
// P = (I + Â + … + Â^K)/(K+1). Â is symmetric, so Pᵀ = P and the gradient w.r.t. E0 is the
// same propagation applied to the gradient w.r.t. the final embeddings (one SpMM per layer).
// Every step propagates the whole graph (as the paper does); batches are large so an epoch
// is a handful of steps.

import { Rng } from '../../tensor/rng.ts';
import type { Csr } from '../csr.ts';
import { candidatesOf, checkTrainSet, type Recommender, type TrainSet } from './recommender.ts';
import { dotProductTopK, gatherRows, type DotProductVectors } from './dot_product.ts';

export interface LightGcnOptions {
  dim?: number; // 64
  layers?: number; // K = 3
  lr?: number; // Adam, 1e-2 (the top of the usual 1e-3..1e-2: few, large steps)
  l2?: number; // λ on layer-0 rows of the batch, 1e-4
  batch?: number; // BPR triples per step, 16384 (a step propagates the whole graph, so large batches are cheap)
  epochs?: number; // passes over the distinct (user, item) pairs, 30
  maxSeconds?: number; // wall-clock cap on training, 120
  /** Share of every batch drawn from target-type positives (null: uniform over all pairs). 0.5. */
  targetShare?: number | null;
  seed?: number; // 1
  /** Called after every epoch. */
  onEpoch?: (e: { epoch: number; loss: number; seconds: number }) => void;
}

/** Symmetric-normalised adjacency of the user–item graph over N = nUsers + nItems nodes. */
export interface NormAdj {
  n: number;
  indptr: Int32Array; // [N + 1]
  indices: Int32Array; // [nnz] sorted within each row
  values: Float32Array; // [nnz] 1 / sqrt(deg(r) deg(c))
}

type Vec = Float32Array | Float64Array;

/**
 * Builds Â from (user, item) pairs (duplicates collapse). Node ids: user u -> u, item i -> nUsers + i.
 */
export function buildNormAdj(nUsers: number, nItems: number, user: Int32Array, item: Int32Array): NormAdj {
  const N = nUsers + nItems;
  const keys = new Float64Array(user.length);
  for (let p = 0; p < user.length; p++) keys[p] = user[p]! * nItems + item[p]!;
  keys.sort();
  const us: number[] = [], is: number[] = [];
  for (let p = 0; p < keys.length; p++) {
    if (p > 0 && keys[p] === keys[p - 1]) continue;
    const it = keys[p]! % nItems;
    us.push((keys[p]! - it) / nItems); is.push(it);
  }
  const deg = new Int32Array(N);
  for (let e = 0; e < us.length; e++) { deg[us[e]!]!++; deg[nUsers + is[e]!]!++; }
  const indptr = new Int32Array(N + 1);
  for (let r = 0; r < N; r++) indptr[r + 1] = indptr[r]! + deg[r]!;
  const fill = indptr.slice(0, N);
  const indices = new Int32Array(indptr[N]!);
  // pairs are sorted by (user, item): user rows get items ascending, item rows get users ascending
  for (let e = 0; e < us.length; e++) {
    const u = us[e]!, v = nUsers + is[e]!;
    indices[fill[u]!++] = v;
    indices[fill[v]!++] = u;
  }
  const values = new Float32Array(indices.length);
  for (let r = 0; r < N; r++) {
    for (let p = indptr[r]!; p < indptr[r + 1]!; p++) values[p] = 1 / Math.sqrt(deg[r]! * deg[indices[p]!]!);
  }
  return { n: N, indptr, indices, values };
}

/** out = Â x. x, out: [N, D] (distinct buffers). */
function spmm(a: NormAdj, x: Vec, D: number, out: Vec): void {
  out.fill(0);
  const { indptr, indices, values } = a;
  for (let r = 0; r < a.n; r++) {
    const o = r * D;
    for (let p = indptr[r]!; p < indptr[r + 1]!; p++) {
      const w = values[p]!, s = indices[p]! * D;
      for (let d = 0; d < D; d++) out[o + d]! += w * x[s + d]!;
    }
  }
}

/**
 * out = (x + Âx + … + Â^K x) / (K+1): the forward map E0 -> E, and (Â symmetric) also the
 * backward map dE -> dE0. x, out: [N, D]; scratch: two [N, D] buffers.
 */
export function propagate(a: NormAdj, x: Vec, D: number, K: number, out: Vec, scratch: [Vec, Vec]): void {
  let cur: Vec = x;
  out.set(x);
  for (let k = 1; k <= K; k++) {
    const nxt = scratch[k % 2]!;
    spmm(a, cur, D, nxt);
    for (let i = 0; i < out.length; i++) out[i]! += nxt[i]!;
    cur = nxt;
  }
  const s = 1 / (K + 1);
  for (let i = 0; i < out.length; i++) out[i]! *= s;
}

/**
 * Full loss and gradient w.r.t. E0 (for the gradient check and training): E = P E0,
 * L = mean_b softplus(−e_u·(e_i − e_j)) + λ/2 · mean_b (‖e0_u‖² + ‖e0_i‖² + ‖e0_j‖²).
 */
export function lightgcnLossGrad(a: NormAdj, E0: Vec, D: number, K: number, u: Int32Array, i: Int32Array, j: Int32Array, l2: number):
  { loss: number; grad: Vec } {
  const make = (): Vec => (E0 instanceof Float64Array ? new Float64Array(E0.length) : new Float32Array(E0.length));
  const E = make(), gE = make(), grad = make(), scratch: [Vec, Vec] = [make(), make()];
  propagate(a, E0, D, K, E, scratch);
  const reg = make();
  const loss = bprLossMean(E, E0, D, u, i, j, l2, gE, reg);
  propagate(a, gE, D, K, grad, scratch);
  for (let p = 0; p < grad.length; p++) grad[p]! += reg[p]!;
  return { loss, grad };
}

/**
 * BPR loss on the final embeddings E over triples (u, i, j), averaged over the batch, plus
 * λ/2 · mean_b (‖e0_u‖² + ‖e0_i‖² + ‖e0_j‖²); writes dL/dE into gE (dense [N, D], zeroed
 * here) and adds the L2 term's gradient into gE0 (not zeroed). Returns the loss.
 */
export function bprLossMean(E: Vec, E0: Vec, D: number, u: Int32Array, i: Int32Array, j: Int32Array, l2: number, gE: Vec, gE0: Vec): number {
  const B = u.length;
  let bpr = 0, reg = 0;
  gE.fill(0);
  for (let b = 0; b < B; b++) {
    const ou = u[b]! * D, oi = i[b]! * D, oj = j[b]! * D;
    let x = 0;
    for (let d = 0; d < D; d++) x += E[ou + d]! * (E[oi + d]! - E[oj + d]!);
    bpr += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    const g = -1 / (1 + Math.exp(x)) / B;
    for (let d = 0; d < D; d++) {
      const eu = E[ou + d]!, ei = E[oi + d]!, ej = E[oj + d]!;
      gE[ou + d]! += g * (ei - ej);
      gE[oi + d]! += g * eu;
      gE[oj + d]! -= g * eu;
    }
    for (const o of [ou, oi, oj]) {
      for (let d = 0; d < D; d++) {
        const w = E0[o + d]!;
        reg += 0.5 * l2 * w * w;
        gE0[o + d]! += (l2 * w) / B;
      }
    }
  }
  return (bpr + reg) / B;
}

export class LightGcn implements Recommender {
  readonly name = 'lightgcn';
  /** Mean BPR loss per epoch of the last fit (the last epoch may be partial when maxSeconds cut it). */
  history: { epoch: number; loss: number; seconds: number }[] = [];
  private vecs: DotProductVectors | null = null;
  private readonly o: Required<Omit<LightGcnOptions, 'onEpoch' | 'targetShare'>> & { targetShare: number | null };

  constructor(private readonly opts: LightGcnOptions = {}) {
    this.o = {
      dim: opts.dim ?? 64, layers: opts.layers ?? 3, lr: opts.lr ?? 1e-2, l2: opts.l2 ?? 1e-4, batch: opts.batch ?? 16384,
      epochs: opts.epochs ?? 30, maxSeconds: opts.maxSeconds ?? 120, seed: opts.seed ?? 1,
      targetShare: opts.targetShare === undefined ? 0.5 : opts.targetShare,
    };
    const o = this.o;
    for (const k of ['dim', 'batch', 'epochs'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`LightGcn: ${k} expected an integer >= 1, got ${o[k]}`);
    }
    if (!Number.isInteger(o.layers) || o.layers < 0) throw new Error(`LightGcn: layers expected an integer >= 0, got ${o.layers}`);
    if (!(o.lr > 0)) throw new Error(`LightGcn: lr expected > 0, got ${o.lr}`);
    if (!(o.l2 >= 0)) throw new Error(`LightGcn: l2 expected >= 0, got ${o.l2}`);
    if (o.targetShare !== null && !(o.targetShare >= 0 && o.targetShare <= 1)) {
      throw new Error(`LightGcn: targetShare expected null or in [0, 1], got ${o.targetShare}`);
    }
  }

  /** The settings used (for the report). */
  settings(): Record<string, unknown> {
    return { ...this.o };
  }

  fit(train: TrainSet): void {
    const fn = 'LightGcn.fit';
    checkTrainSet(fn, train);
    const { dim: D, layers: K, lr, l2, batch: B, epochs, maxSeconds, seed, targetShare } = this.o;
    const nU = train.nUsers, nI = train.nItems, N = nU + nI;
    const adj = buildNormAdj(nU, nI, train.user, train.item);
    // positives: the user rows of Â (distinct pairs)
    const pu: number[] = [], pi: number[] = [], tgt: number[] = [];
    for (let u = 0; u < nU; u++) {
      for (let p = adj.indptr[u]!; p < adj.indptr[u + 1]!; p++) {
        const it = adj.indices[p]! - nU;
        if (train.itemType[it] === train.targetType) tgt.push(pu.length);
        pu.push(u); pi.push(it);
      }
    }
    const P = pu.length;
    if (P === 0) throw new Error(`${fn}: the training set has no (user, item) pairs`);
    // items per type, for same-type negatives
    const byType = new Map<number, number[]>();
    for (let it = 0; it < nI; it++) {
      const t = train.itemType[it]!;
      if (!byType.has(t)) byType.set(t, []);
      byType.get(t)!.push(it);
    }
    const typeItems = new Map([...byType].map(([t, a]) => [t, Int32Array.from(a)]));
    const rng = new Rng(seed);
    const E0 = new Float32Array(N * D);
    for (let p = 0; p < E0.length; p++) E0[p] = 0.1 * rng.normal();
    const E = new Float32Array(N * D), gE = new Float32Array(N * D), g0 = new Float32Array(N * D), reg = new Float32Array(N * D);
    const scratch: [Vec, Vec] = [new Float32Array(N * D), new Float32Array(N * D)];
    const m = new Float32Array(N * D), v = new Float32Array(N * D);
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    let t = 0;
    const bu = new Int32Array(B), bi = new Int32Array(B), bj = new Int32Array(B);
    const steps = Math.max(1, Math.ceil(P / B));
    const share = tgt.length > 0 && targetShare !== null ? targetShare : null;
    const t0 = performance.now();
    this.history = [];
    outer: for (let ep = 1; ep <= epochs; ep++) {
      const te = performance.now();
      let sum = 0, done = 0;
      for (let s = 0; s < steps; s++) {
        if (s > 0 && (performance.now() - t0) / 1000 > maxSeconds) break; // the cap ends the run mid-epoch
        for (let b = 0; b < B; b++) {
          const q = share !== null && rng.float() < share ? tgt[rng.int(tgt.length)]! : rng.int(P);
          const u = pu[q]!, it = pi[q]!;
          const pool = typeItems.get(train.itemType[it]!)!;
          let neg = pool[rng.int(pool.length)]!;
          for (let tries = 0; tries < 5 && hasEdge(adj, u, nU + neg); tries++) neg = pool[rng.int(pool.length)]!;
          bu[b] = u; bi[b] = nU + it; bj[b] = nU + neg;
        }
        propagate(adj, E0, D, K, E, scratch);
        reg.fill(0);
        sum += bprLossMean(E, E0, D, bu, bi, bj, l2, gE, reg);
        propagate(adj, gE, D, K, g0, scratch);
        t++;
        const c1 = 1 / (1 - b1 ** t), c2 = 1 / (1 - b2 ** t);
        for (let p = 0; p < E0.length; p++) {
          const g = g0[p]! + reg[p]!;
          const mp = (m[p] = b1 * m[p]! + (1 - b1) * g);
          const vp = (v[p] = b2 * v[p]! + (1 - b2) * g * g);
          E0[p]! -= (lr * mp * c1) / (Math.sqrt(vp * c2) + eps);
        }
        if (!Number.isFinite(sum)) throw new Error(`${fn}: loss is not finite at epoch ${ep} step ${s + 1}`);
        done++;
      }
      const rec = { epoch: ep, loss: sum / done, seconds: (performance.now() - te) / 1000 };
      this.history.push(rec);
      this.opts.onEpoch?.(rec);
      if ((performance.now() - t0) / 1000 > maxSeconds) break outer;
    }
    propagate(adj, E0, D, K, E, scratch);
    const hasUser = new Uint8Array(nU);
    for (let u = 0; u < nU; u++) hasUser[u] = adj.indptr[u + 1]! > adj.indptr[u]! ? 1 : 0;
    const candidates = candidatesOf(train);
    const itemVecs = E.subarray(nU * D);
    this.vecs = {
      dim: D, nUsers: nU, nItems: nI, userVecs: E.slice(0, nU * D), hasUser, candidates,
      candVecs: gatherRows(itemVecs, D, candidates),
    };
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    if (!this.vecs) throw new Error('LightGcn.recommend: call fit() first');
    return dotProductTopK('LightGcn.recommend', this.vecs, users, k, exclude);
  }
}

/** Whether row r of Â (sorted) contains column c. */
function hasEdge(a: NormAdj, r: number, c: number): boolean {
  let lo = a.indptr[r]!, hi = a.indptr[r + 1]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = a.indices[mid]!;
    if (x === c) return true;
    if (x < c) lo = mid + 1;
    else hi = mid;
  }
  return false;
}
