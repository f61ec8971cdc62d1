// trainTwoTower: from the data layer's tables + item inputs + (optional) HGNN embeddings to a
// trained TwoTowerModel. Builds the features (training window only), the positives and logQ,
// then runs TwoTowerTrainer epochs with a checkpoint after each epoch and resume.
import { existsSync } from 'node:fs';
import { KIND_CODES, type Kind } from '../../data/index.ts';
import { Vocabulary } from '../../features/index.ts';
import { twoTowerConfig, type TwoTowerConfig } from './config.ts';
import { buildItemDense, checkItemInputs, itemDenseDim, type HgnnInput, type ItemInputs } from './item_features.ts';
import { itemLogQ } from './loss.ts';
import { TwoTowerModel } from './model.ts';
import { TwoTowerNet } from './net.ts';
import { checkpointPath, TwoTowerTrainer, type StepProgress } from './trainer.ts';
import { buildPairUserFeatures, buildUserFeatures, fitUserFeatureSpec, itemRoles, ROLE_TARGET, type UserFeatureContext } from './user_features.ts';

/** Training interactions in the data layer's columnar form (dense ids). */
export interface TrainInteractions {
  n: number;
  user: Int32Array;
  item: Int32Array;
  kind: Uint8Array;
  ts: Float64Array;
}

/** Inputs of trainTwoTower. */
export interface TrainTwoTowerOptions {
  /** item type per dense id: typeNames[itemType[i]] */
  itemTypeNames: readonly string[];
  itemType: ArrayLike<number>;
  /** [N] string item ids (optional; saved with the model for string-id requests) */
  itemIds?: readonly string[];
  /** text vectors + language/genre ids (itemInputsFromFeatures) */
  items: ItemInputs;
  /** [U] age (-1 unknown) and country (null unknown), dense user ids */
  users: { n: number; age: ArrayLike<number>; country: readonly (string | null)[] };
  /** training-window interactions (ts < asOf) */
  train: TrainInteractions;
  /** end of the training window (ms): the split's cut */
  asOf: number;
  /** HGNN item embeddings [N, dim] + mask; required unless config.useHgnn is false */
  hgnn?: HgnnInput | null;
  /** vectors averaged into the music-taste vector: [N, dim] (default: items.text) */
  taste?: { vectors: Float32Array; dim: number };
  config?: Partial<TwoTowerConfig>;
  /** folder of the per-epoch checkpoint; with resume, training continues from it when present */
  checkpointDir?: string;
  resume?: boolean;
  /** progress lines to stderr (default true), or a callback */
  progress?: boolean | ((p: StepProgress) => void);
}

/**
 * Distinct (user, item) positives: target-role items, allowed kinds, ts < asOf.
 * -> pairs [P] sorted by (user, item), ts [P] (time of the pair's FIRST positive interaction),
 *    counts [N] (distinct users per item)
 */
export function positivePairs(train: TrainInteractions, role: Int32Array, kinds: readonly string[], asOf: number):
  { user: Int32Array; item: Int32Array; ts: Float64Array; counts: Int32Array } {
  const ok = new Uint8Array(256);
  for (const k of kinds) ok[KIND_CODES[k as Kind]] = 1;
  const N = role.length;
  const first = new Map<number, number>();
  for (let e = 0; e < train.n; e++) {
    const i = train.item[e], t = train.ts[e];
    if (role[i] !== ROLE_TARGET || !ok[train.kind[e]] || !(t < asOf)) continue;
    const key = train.user[e] * N + i, prev = first.get(key);
    if (prev === undefined || t < prev) first.set(key, t);
  }
  const keys = [...first.keys()].sort((a, b) => a - b);
  const P = keys.length;
  const user = new Int32Array(P), item = new Int32Array(P), ts = new Float64Array(P);
  const counts = new Int32Array(N);
  for (let k = 0; k < P; k++) {
    const i = keys[k] % N;
    user[k] = (keys[k] - i) / N; item[k] = i; ts[k] = first.get(keys[k])!; counts[i]++;
  }
  return { user, item, ts, counts };
}

/**
 * Trains the two-tower model (SPEC §4). Deterministic under config.seed.
 * @example const model = await trainTwoTower({ itemTypeNames: items.typeNames, itemType: items.type, items: itemInputsFromFeatures(f),
 *   users, train: split.train, asOf: split.info.cutMs!, hgnn: { emb, dim: 128, mask } });
 */
export async function trainTwoTower(o: TrainTwoTowerOptions): Promise<TwoTowerModel> {
  const cfg = twoTowerConfig(o.config);
  const who = 'trainTwoTower';
  const N = o.items.n;
  if (o.itemType.length !== N) throw new RangeError(`${who}: itemType must have ${N} entries (items.n), got ${o.itemType.length}`);
  const hgnn = cfg.useHgnn ? o.hgnn ?? null : null;
  if (cfg.useHgnn && !hgnn) throw new Error(`${who}: config.useHgnn is true but no hgnn embeddings were given (pass hgnn, or useHgnn: false for plain 2T)`);
  checkItemInputs(who, o.items, hgnn);
  if (!Number.isFinite(o.asOf)) throw new RangeError(`${who}: asOf must be a finite time in ms, got ${o.asOf}`);
  const taste = o.taste ?? { vectors: o.items.text, dim: o.items.textDim };
  if (taste.vectors.length !== N * taste.dim) throw new RangeError(`${who}: taste.vectors must be [${N}, ${taste.dim}], got ${taste.vectors.length} floats`);

  // Features (training window only).
  const role = itemRoles(o.itemTypeNames, o.itemType, cfg);
  const ctx: UserFeatureContext = { role, hgnn: hgnn?.emb ?? null, hgnnMask: hgnn?.mask ?? null, taste: taste.vectors,
    text: cfg.historyText ? o.items.text : null };
  const spec = fitUserFeatureSpec(cfg, o.users, hgnn?.dim ?? 0, taste.dim, cfg.historyText ? o.items.textDim : 0);
  const vocab = new Vocabulary(spec.countries);
  const itemDense = buildItemDense(o.items, hgnn);
  const pos = positivePairs(o.train, role, cfg.positiveKinds, o.asOf);
  if (pos.user.length < 2) throw new Error(`${who}: need at least 2 positive (user, ${cfg.targetType}) pairs before asOf with kinds [${cfg.positiveKinds}], got ${pos.user.length}`);
  // 'positive': one user row per pair, from the history strictly before the pair's first
  // positive (no label leakage; users whose first audiobook it is look like cold users).
  // 'asOf': one row per user from the whole window (includes the positive itself).
  const uf = cfg.userFeaturesAt === 'positive'
    ? buildPairUserFeatures(spec, ctx, vocab, o.users, o.train, pos.user, pos.ts)
    : buildUserFeatures(spec, ctx, vocab, o.users, o.train, o.asOf);
  const pairUser = cfg.userFeaturesAt === 'positive' ? Int32Array.from({ length: pos.user.length }, (_, k) => k) : pos.user;

  const net = new TwoTowerNet({
    userDense: spec.dim, countryVocab: vocab.size, countryDim: cfg.countryDim,
    itemDense: itemDenseDim(o.items.textDim, hgnn?.dim ?? null), languageVocab: o.items.languageVocab, languageDim: cfg.languageDim,
    genreVocab: o.items.genreVocab, genreDim: cfg.genreDim, hidden: cfg.hidden,
  }, cfg.seed);
  const trainer = new TwoTowerTrainer(net, {
    userDense: uf.dense, userCountry: uf.country, itemDense, itemLanguage: o.items.languageId, itemGenre: o.items.genreId,
    pairUser, pairItem: pos.item, logQ: cfg.logQ ? itemLogQ(pos.counts) : null,
  }, { batchSize: cfg.batchSize, lr: cfg.lr, seed: cfg.seed, threads: cfg.threads, temperature: cfg.temperature });
  const model = new TwoTowerModel(cfg, net, spec, ctx, { dense: itemDense, language: o.items.languageId, genre: o.items.genreId });
  if (o.itemIds) {
    if (o.itemIds.length !== N) throw new RangeError(`${who}: itemIds must have ${N} entries, got ${o.itemIds.length}`);
    model.itemIds = [...o.itemIds];
  }

  const fingerprint = JSON.stringify({ dims: net.dims, seed: cfg.seed, pairs: pos.user.length, batch: cfg.batchSize, lr: cfg.lr, at: cfg.userFeaturesAt, tau: cfg.temperature });
  const ckpt = o.checkpointDir ? checkpointPath(o.checkpointDir) : null;
  if (ckpt && o.resume && existsSync(ckpt)) {
    const meta = trainer.loadCheckpoint(ckpt);
    if (meta.fingerprint !== fingerprint) throw new Error(`${who}: checkpoint ${ckpt} was written for another setup (${meta.fingerprint}); now ${fingerprint}`);
    model.history = JSON.parse(meta.history ?? '[]');
  }
  const report = o.progress === false ? undefined : typeof o.progress === 'function' ? o.progress
    : (p: StepProgress) => process.stderr.write(`twotower: epoch ${p.epoch + 1}/${cfg.epochs} step ${p.step}/${p.steps} loss ${p.loss.toFixed(4)} (${p.seconds.toFixed(1)} s)\n`);
  try {
    for (let e = trainer.epochsDone; e < cfg.epochs; e++) {
      const t0 = performance.now();
      let loss: number;
      try {
        loss = trainer.epoch(e, { onProgress: report });
      } catch (err) {
        throw new Error(`${who}: epoch ${e + 1}: ${(err as Error).message}${ckpt ? `; last checkpoint: ${ckpt} (epoch ${trainer.epochsDone})` : ''}`, { cause: err });
      }
      model.history.push({ epoch: e + 1, loss, seconds: (performance.now() - t0) / 1000 });
      trainer.epochsDone = e + 1;
      if (ckpt) trainer.saveCheckpoint(ckpt, { fingerprint, history: JSON.stringify(model.history) });
    }
  } finally {
    trainer.close();
  }
  return model;
}
