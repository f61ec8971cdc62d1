// Test fixtures of the serve stage: a tiny two-tower model trained on the planted problem (with
// string item ids ab*/pod*/mus*), its feature store and bundles. Cached per seed within a process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Interactions } from '../data/index.ts';
import { trainTwoTower, type TwoTowerModel } from '../models/twotower/index.ts';
import { plantedProblem, type Planted } from '../models/twotower/planted.ts';
import { servingBundle, writeServingBundle, type ItemsMeta, type ServingBundle } from './bundle.ts';
import { InMemoryFeatureStore } from './feature_store.ts';
import { RetrievalIndex } from '../retrieval/index.ts';

export interface Tiny {
  p: Planted;
  /** [N] string ids by dense id */
  ids: string[];
  userIds: string[];
  model: TwoTowerModel;
  meta: ItemsMeta;
}

const cache = new Map<number, Promise<Tiny>>();

/** A tiny trained model (5 clusters x 8 items per type, 300 users); different seeds give different vectors. */
export function tiny(seed = 3): Promise<Tiny> {
  let t = cache.get(seed);
  if (!t) cache.set(seed, t = make(seed));
  return t;
}

async function make(seed: number): Promise<Tiny> {
  const p = plantedProblem({ clusters: 5, perCluster: 8, users: 300, hgnnDim: 8, textDim: 4, seed: 11 });
  const prefix = p.itemTypeNames.map((t) => t === 'audiobook' ? 'ab' : t === 'podcast' ? 'pod' : 'mus');
  const ids = Array.from(p.itemType, (t, i) => `${prefix[t]}${i}`);
  const model = await trainTwoTower({
    itemTypeNames: p.itemTypeNames, itemType: p.itemType, itemIds: ids, items: p.items, users: p.users, train: p.train, asOf: p.asOf,
    // 'asOf': the planted data's timestamps are random, not causal (a positive often predates the
    // podcasts that explain it), so point-in-time rows would hide the planted signal from training
    hgnn: p.hgnn, config: { hidden: [64, 32], batchSize: 32, epochs: 12, lr: 3e-3, seed, threads: 1, userFeaturesAt: 'asOf' }, progress: false,
  });
  const meta: ItemsMeta = { typeNames: p.itemTypeNames, type: Array.from(p.itemType), title: ids.map((id) => `Title of ${id}`) };
  return { p, ids, userIds: Array.from({ length: p.users.n }, (_, u) => `u${u}`), model, meta };
}

/** The feature store over the planted training interactions. */
export function tinyStore(t: Tiny, opts: { maxEventsPerUser?: number; windowDays?: number } = {}): InMemoryFeatureStore {
  const x: Interactions = { ...t.p.train, userIds: t.userIds, itemIds: t.ids, weight: null };
  return InMemoryFeatureStore.fromTables({ n: t.p.users.n, ids: t.userIds, age: t.p.users.age, country: t.p.users.country }, x, opts);
}

/** An in-memory bundle of the tiny model. */
export function tinyBundle(t: Tiny, modelVersion: string): ServingBundle {
  const rows = t.model.targetItems();
  const index = RetrievalIndex.build(Array.from(rows, (r) => t.ids[r]), t.model.itemVectors(rows), t.model.dim);
  return servingBundle({ model: t.model, index, meta: t.meta, modelVersion });
}

/** Writes a bundle folder of the tiny model into a fresh temp folder. -> its path */
export function tinyBundleDir(t: Tiny, modelVersion: string, root = mkdtempSync(join(tmpdir(), 'hgrec-serve-'))): string {
  const dir = join(root, `bundle-${modelVersion}`);
  writeServingBundle(dir, { model: t.model, items: t.meta, modelVersion });
  return dir;
}
