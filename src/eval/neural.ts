// The neural models of the comparison behind the Recommender interface, trained through the
// model stages' public APIs: HGNN item embeddings (→ the "hgnn" KNN baseline and the 2T-HGNN
// inputs), HGNN-w-users (users as graph nodes with demographic features, same HGNN code),
// two-tower with or without HGNN inputs, and content-KNN on the text block.

import { HeteroGraph, type EdgeList } from '../graph/index.ts';
import { embedAll, trainHgnn, type EpochReport, type HgnnTrainConfig } from '../models/hgnn/index.ts';
import {
  buildUserFeatures, itemInputsFromFeatures, trainTwoTower, type EpochLog, type ItemInputs, type TwoTowerConfig,
} from '../models/twotower/index.ts';
import type { Csr } from './csr.ts';
import { itemMatrixFromGraph, type Prepared } from './prepare.ts';
import { candidatesOf, checkTrainSet, type Recommender, type TrainSet } from './baselines/recommender.ts';
import { dotProductTopK, gatherRows, type DotProductVectors } from './baselines/dot_product.ts';
import { VectorKnn } from './baselines/vector_knn.ts';

/** A model whose fit() computes user and item vectors; recommend() ranks by dot product. */
export class DotProductRecommender implements Recommender {
  private vecs: DotProductVectors | null = null;
  constructor(readonly name: string, private readonly compute: (train: TrainSet) => Promise<DotProductVectors>) {}

  async fit(train: TrainSet): Promise<void> {
    checkTrainSet(`${this.name}.fit`, train);
    this.vecs = await this.compute(train);
  }

  recommend(users: Int32Array, k: number, exclude: Csr): Int32Array {
    if (!this.vecs) throw new Error(`${this.name}.recommend: call fit() first`);
    return dotProductTopK(`${this.name}.recommend`, this.vecs, users, k, exclude);
  }
}

/** HGNN item embeddings of one seed, dense over all items. */
export interface HgnnRun {
  emb: Float32Array; // [nItems, dim]
  mask: Uint8Array; // [nItems] 1 = item is a graph node
  dim: number;
  history: EpochReport[];
  bestEpoch: number;
  seconds: number;
}

/** Trains the HGNN on the item graph (ablations via config) and embeds every node. */
export async function runHgnn(p: Prepared, config: Partial<HgnnTrainConfig>, seed: number, log?: (s: string) => void, maxBatchesPerEpoch?: number): Promise<HgnnRun> {
  const t0 = performance.now();
  const r = await trainHgnn({ graph: p.graph, features: p.hgnnFeatures, config, seed, log: log ?? (() => {}), maxBatchesPerEpoch });
  const z = embedAll(r.model, p.graph, p.hgnnFeatures, { fanout: r.config.inferenceFanout, seed: r.config.inferenceSeed });
  const { emb, mask } = itemMatrixFromGraph(p, z, r.model.arch.types, r.config.out);
  return { emb, mask, dim: r.config.out, history: r.history, bestEpoch: r.bestEpoch, seconds: (performance.now() - t0) / 1000 };
}

/** Two-tower item inputs; without item text (e.g. Ciao) the whole feature row stands in for the text block. */
export function itemInputsOf(p: Prepared): ItemInputs {
  const inp = itemInputsFromFeatures(p.features);
  return inp.textDim > 0 ? inp : { ...inp, text: p.features.x, textDim: p.features.dim };
}

/** Content-KNN ("LLM-KNN"): mean text vector of the user's target-type items → nearest items. */
export function contentKnn(p: Prepared): VectorKnn {
  const inp = itemInputsFromFeatures(p.features);
  if (inp.textDim > 0) return new VectorKnn({ name: 'content_knn', vectors: inp.text, dim: inp.textDim });
  return new VectorKnn({ name: 'content_knn', vectors: p.features.x, dim: p.features.dim }); // no text: all item features
}

/** The paper's "HGNN" baseline: mean HGNN embedding of the user's target-type items → nearest. */
export function hgnnKnn(run: HgnnRun): VectorKnn {
  return new VectorKnn({ name: 'hgnn', vectors: run.emb, dim: run.dim });
}

/** Two-tower (2T, or 2T-HGNN when `hgnn` is given) trained on the split's training window. */
export function twoTower(p: Prepared, name: string, target: string, o: {
  config: Partial<TwoTowerConfig>; seed: number; hgnn: HgnnRun | null; onHistory?: (h: EpochLog[]) => void;
}): DotProductRecommender {
  return new DotProductRecommender(name, async (train) => {
    const { items, users, train: tr } = p.split;
    const taste = p.tasteTypes.filter((t) => items.typeNames.includes(t));
    const model = await trainTwoTower({
      itemTypeNames: items.typeNames, itemType: items.type, items: itemInputsOf(p),
      users: { n: users.n, age: users.age, country: users.country }, train: tr, asOf: p.asOf,
      hgnn: o.hgnn ? { emb: o.hgnn.emb, dim: o.hgnn.dim, mask: o.hgnn.mask } : null,
      config: {
        targetType: target, tasteTypes: taste, otherTypes: p.graphTypes.filter((t) => t !== target),
        ...o.config, useHgnn: o.hgnn !== null, seed: o.seed,
      },
      progress: false,
    });
    o.onHistory?.(model.history);
    const uf = buildUserFeatures(model.userSpec, model.ctx, model.countryVocab, { n: users.n, age: users.age, country: users.country }, tr, p.asOf);
    const userVecs = model.userVectorsFromFeatures(uf.dense, uf.country);
    const candidates = candidatesOf(train);
    return {
      dim: model.dim, nUsers: users.n, nItems: items.n, userVecs, hasUser: new Uint8Array(users.n).fill(1), candidates,
      candVecs: model.itemVectors(candidates),
    };
  });
}

/** Demographic user features: [age z-score, age unknown, one-hot of the 20 most common countries + other + unknown]. */
export function userDemographics(users: { n: number; age: ArrayLike<number>; country: readonly (string | null)[] }): { x: Float32Array; dim: number } {
  const counts = new Map<string, number>();
  for (const c of users.country) if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20).map((e) => e[0]);
  const col = new Map(top.map((c, i) => [c, i]));
  let s = 0, s2 = 0, n = 0;
  for (let u = 0; u < users.n; u++) if (users.age[u]! >= 0) { s += users.age[u]!; s2 += users.age[u]! ** 2; n++; }
  const mean = n ? s / n : 0, sd = n ? Math.sqrt(Math.max(1e-9, s2 / n - mean * mean)) : 1;
  const dim = 2 + top.length + 2;
  const x = new Float32Array(users.n * dim);
  for (let u = 0; u < users.n; u++) {
    const o = u * dim, a = users.age[u]!;
    if (a >= 0) x[o] = (a - mean) / sd;
    else x[o + 1] = 1;
    const c = users.country[u] ?? null;
    x[o + 2 + (c === null ? top.length + 1 : col.get(c) ?? top.length)] = 1;
  }
  return { x, dim };
}

export const USER_NODE_TYPE = 'user';

/**
 * The tripartite graph of HGNN-w-users: the item co-listening graph plus one 'user' node per
 * user and an edge for every distinct training (user, graph item) pair (any kind).
 */
export function graphWithUsers(p: Prepared): HeteroGraph {
  const g = p.graph, { users, train, items } = p.split;
  if (g.nodeTypes.includes(USER_NODE_TYPE)) throw new Error(`graphWithUsers: an item type is already called '${USER_NODE_TYPE}'`);
  const nodes: Record<string, readonly string[] | number> = { [USER_NODE_TYPE]: users.n };
  g.nodeTypes.forEach((t, ti) => { nodes[t] = g.itemIds(ti); });
  const edges: Record<string, EdgeList> = {};
  for (const r of g.relations) edges[r.name] = { a: r.a, b: r.b, coCount: r.coCount };
  // item -> (graph type, local id)
  const localOf = new Int32Array(items.n).fill(-1), typeOf = new Int32Array(items.n).fill(-1);
  p.nodeRows.forEach((rows, ti) => rows.forEach((row, i) => { localOf[row] = i; typeOf[row] = ti; }));
  g.nodeTypes.forEach((t, ti) => {
    const keys: number[] = [];
    for (let e = 0; e < train.n; e++) {
      const it = train.item[e]!;
      if (typeOf[it] === ti) keys.push(train.user[e]! * g.numNodes[ti]! + localOf[it]!);
    }
    keys.sort((x, y) => x - y);
    const us: number[] = [], is: number[] = [];
    for (let k = 0; k < keys.length; k++) {
      if (k > 0 && keys[k] === keys[k - 1]) continue;
      const i = keys[k]! % g.numNodes[ti]!;
      us.push((keys[k]! - i) / g.numNodes[ti]!); is.push(i);
    }
    const [A, B] = [t, USER_NODE_TYPE].sort();
    edges[`${A}-${B}`] = A === t ? { a: Int32Array.from(is), b: Int32Array.from(us) } : { a: Int32Array.from(us), b: Int32Array.from(is) };
  });
  return HeteroGraph.fromEdgeLists({ nodeTypes: [...g.nodeTypes, USER_NODE_TYPE], nodes, edges });
}

/** HGNN-w-users: the same HGNN trainer on the tripartite graph; score = user embedding · item embedding. */
export function hgnnWithUsers(p: Prepared, o: {
  config: Partial<HgnnTrainConfig>; seed: number; onHistory?: (h: EpochReport[]) => void; log?: (s: string) => void; maxBatchesPerEpoch?: number;
}): DotProductRecommender {
  return new DotProductRecommender('hgnn_w_users', async (train) => {
    const graph = graphWithUsers(p);
    const users = p.split.users;
    const features = { ...p.hgnnFeatures, [USER_NODE_TYPE]: userDemographics(users) };
    const r = await trainHgnn({ graph, features, config: o.config, seed: o.seed, log: o.log ?? (() => {}), maxBatchesPerEpoch: o.maxBatchesPerEpoch });
    o.onHistory?.(r.history);
    const z = embedAll(r.model, graph, features, { fanout: r.config.inferenceFanout, seed: r.config.inferenceSeed });
    const types = r.model.arch.types, D = r.config.out;
    const userVecs = z[types.indexOf(USER_NODE_TYPE)]!;
    const { emb } = itemMatrixFromGraph(p, z, types, D);
    const candidates = candidatesOf(train);
    return {
      dim: D, nUsers: users.n, nItems: p.split.items.n, userVecs, hasUser: new Uint8Array(users.n).fill(1), candidates,
      candVecs: gatherRows(emb, D, candidates),
    };
  });
}
