// A planted two-tower problem for tests and demos: users belong to one of C taste clusters;
// each cluster has its own audiobooks, podcasts and music. HGNN embeddings encode the cluster
// (one-hot block + noise); text vectors are pure noise. A user streams podcasts (and music) of
// their cluster, and warm users also audiobooks of it; one more audiobook of the cluster per
// user is held out after asOf. A model that reads the HGNN inputs can recover the cluster, so
// recall@10 on the held-out audiobook should be far above random (10 / #audiobooks).
import { Rng } from '../../tensor/index.ts';
import type { HgnnInput, ItemInputs } from './item_features.ts';
import type { TrainInteractions } from './train.ts';

export interface Planted {
  itemTypeNames: string[];
  itemType: Uint8Array;
  items: ItemInputs;
  hgnn: HgnnInput;
  users: { n: number; age: Int16Array; country: (string | null)[] };
  train: TrainInteractions;
  asOf: number;
  /** per user: the held-out audiobook (dense id) */
  heldOut: Int32Array;
  /** per user: cluster */
  cluster: Int32Array;
  /** dense ids of the audiobooks */
  audiobooks: Int32Array;
}

const DAY = 86_400_000;

/** Builds the planted data set (deterministic under seed). */
export function plantedProblem(opts: { clusters?: number; perCluster?: number; users?: number; hgnnDim?: number; textDim?: number; coldShare?: number; seed?: number } = {}): Planted {
  const C = opts.clusters ?? 10, K = opts.perCluster ?? 20, U = opts.users ?? 400;
  const H = opts.hgnnDim ?? 16, T = opts.textDim ?? 8, coldShare = opts.coldShare ?? 0.3;
  const rng = new Rng(opts.seed ?? 5);
  const itemTypeNames = ['audiobook', 'music', 'podcast'];
  // items: audiobooks [0, C*K), podcasts [C*K, 2*C*K), music [2*C*K, 3*C*K); cluster = (i % (C*K)) / K
  const NA = C * K, N = 3 * NA;
  const itemType = new Uint8Array(N);
  for (let i = 0; i < N; i++) itemType[i] = i < NA ? 0 : i < 2 * NA ? 2 : 1;
  const clusterOf = (i: number): number => Math.floor((i % NA) / K);
  const emb = new Float32Array(N * H), mask = new Uint8Array(N).fill(1);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < H; j++) emb[i * H + j] = 0.1 * rng.normal();
    emb[i * H + (clusterOf(i) % H)] += 1;
  }
  const text = new Float32Array(N * T);
  for (let i = 0; i < text.length; i++) text[i] = rng.normal();
  const items: ItemInputs = {
    n: N, text, textDim: T, languageId: Int32Array.from({ length: N }, () => 1 + rng.int(3)),
    genreId: Int32Array.from({ length: N }, () => rng.int(5)), languageVocab: 4, genreVocab: 5,
  };
  const countries = ['SE', 'US', 'DE', null];
  const users = { n: U, age: Int16Array.from({ length: U }, () => (rng.float() < 0.2 ? -1 : 18 + rng.int(50))), country: Array.from({ length: U }, () => countries[rng.int(4)]) };
  const asOf = Date.UTC(2024, 5, 1);
  const user: number[] = [], item: number[] = [], kind: number[] = [], ts: number[] = [];
  const push = (u: number, i: number, k: number, t: number): void => { user.push(u); item.push(i); kind.push(k); ts.push(t); };
  const cluster = new Int32Array(U), heldOut = new Int32Array(U);
  for (let u = 0; u < U; u++) {
    const c = rng.int(C);
    cluster[u] = c;
    const pick = (base: number): number => base + c * K + rng.int(K);
    for (let k = 0; k < 3; k++) push(u, pick(NA), k === 2 ? 2 : 0, asOf - (1 + rng.int(60)) * DAY); // podcasts (one follow)
    for (let k = 0; k < 2; k++) push(u, pick(2 * NA), 0, asOf - (1 + rng.int(200)) * DAY); // music
    const warm = rng.float() >= coldShare;
    const seen = new Set<number>();
    if (warm) for (let k = 0; k < 3; k++) { const a = pick(0); seen.add(a); push(u, a, 0, asOf - (1 + rng.int(80)) * DAY); }
    let h = pick(0);
    while (seen.has(h)) h = pick(0);
    heldOut[u] = h;
  }
  const train: TrainInteractions = { n: user.length, user: Int32Array.from(user), item: Int32Array.from(item), kind: Uint8Array.from(kind), ts: Float64Array.from(ts) };
  return {
    itemTypeNames, itemType, items, hgnn: { emb, dim: H, mask }, users, train, asOf, heldOut, cluster,
    audiobooks: Int32Array.from({ length: NA }, (_, i) => i),
  };
}

/**
 * Recall@k of held-out items: share of users whose held-out item is among the k best-scored
 * candidates (dense ids). userVecs: [U, H], itemVecs: [M, H] for candidates -> number
 */
export function recallAtK(userVecs: Float32Array, itemVecs: Float32Array, candidates: Int32Array, heldOut: Int32Array, H: number, k: number,
  users?: Int32Array): number {
  const M = candidates.length;
  const list = users ?? Int32Array.from({ length: heldOut.length }, (_, u) => u);
  let hits = 0;
  const s = new Float64Array(M);
  for (const u of list) {
    for (let m = 0; m < M; m++) {
      let d = 0;
      for (let j = 0; j < H; j++) d += userVecs[u * H + j] * itemVecs[m * H + j];
      s[m] = d;
    }
    const pos = candidates.indexOf(heldOut[u]);
    let better = 0;
    for (let m = 0; m < M; m++) if (s[m] > s[pos]) better++;
    if (better < k) hits++;
  }
  return list.length ? hits / list.length : 0;
}
