// A trained two-tower model with its feature code: request-time user vectors (the same
// writeUserRow as training + the tapeless batch-1 tower), catalogue item vectors, save/load.
// Files in a model folder (each written atomically; the JSON last, so a folder with a JSON is
// complete):
//   twotower.safetensors         parameters (ParamStore layout)
//   twotower_inputs.safetensors  per-item tables: role, hgnn, hgnnMask, taste, text, itemDense, itemLanguage, itemGenre
//   twotower.json                { format, version, config, dims, userSpec, numItems, targetType }
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIND_CODES, writeFileAtomic } from '../../data/index.ts';
import { Vocabulary } from '../../features/index.ts';
import { loadSafetensors, saveSafetensors, type StoredArray } from '../../tensor/index.ts';
import { configFromJSON, configToJSON, type TwoTowerConfig } from './config.ts';
import { normalizeRows } from './loss.ts';
import { TwoTowerNet, type NetDims } from './net.ts';
import { ROLE_TARGET, buildUserFeatures, userFeaturesFromRaw, type RawUser, type UserFeatureContext, type UserFeatureSpec } from './user_features.ts';

export const TWO_TOWER_FORMAT = 'hgrec.twotower';
export const TWO_TOWER_VERSION = 1;

/** Per-item inputs the model keeps (aligned with dense item ids). */
export interface ModelItemTables {
  /** [N, Di] */
  dense: Float32Array;
  /** [N] */
  language: Int32Array;
  genre: Int32Array;
}

/** One epoch's record of training. */
export interface EpochLog {
  epoch: number;
  loss: number;
  seconds: number;
}

/** A two-tower model ready for serving and evaluation. */
export class TwoTowerModel {
  readonly countryVocab: Vocabulary;
  private readonly denseBuf: Float32Array;
  /** Filled by trainTwoTower. */
  history: EpochLog[] = [];
  /** String item ids by dense id (when given at training time), for requests with string ids. */
  itemIds: string[] | null = null;
  private itemIndex: Map<string, number> | null = null;

  constructor(readonly config: Readonly<TwoTowerConfig>, readonly net: TwoTowerNet, readonly userSpec: UserFeatureSpec,
    readonly ctx: UserFeatureContext, readonly items: ModelItemTables) {
    this.countryVocab = new Vocabulary(userSpec.countries);
    this.denseBuf = new Float32Array(userSpec.dim);
    if (net.dims.userDense !== userSpec.dim) throw new RangeError(`TwoTowerModel: net user input ${net.dims.userDense} != userSpec.dim ${userSpec.dim}`);
  }

  /** Number of items (dense ids 0..N-1). */
  get numItems(): number {
    return this.ctx.role.length;
  }

  /** Output size (128 by default). */
  get dim(): number {
    return this.net.outDim;
  }

  /** Dense ids of the target-type items (what retrieval should index). -> [M] ascending */
  targetItems(): Int32Array {
    const out: number[] = [];
    for (let i = 0; i < this.ctx.role.length; i++) if (this.ctx.role[i] === ROLE_TARGET) out.push(i);
    return Int32Array.from(out);
  }

  /**
   * The user tower input for raw user data (identical to the training-time row).
   * -> { dense: [Du] (a fresh copy), country }
   */
  userFeatures(raw: RawUser): { dense: Float32Array; country: number } {
    return userFeaturesFromRaw(this.userSpec, this.ctx, this.countryVocab, raw, new Float32Array(this.userSpec.dim));
  }

  /**
   * A RawUser from string item ids and kind names (unknown item ids and kinds are dropped).
   * Needs itemIds (pass them to trainTwoTower).
   * @example model.userVector(model.rawUserFromStrings({ items: ['ab1'], kinds: ['follow'], ts: [t], asOf: Date.now() }))
   */
  rawUserFromStrings(r: { items: readonly string[]; kinds: readonly string[]; ts: ArrayLike<number>; age?: number | null; country?: string | null; asOf: number }): RawUser {
    if (!this.itemIds) throw new Error('TwoTowerModel.rawUserFromStrings: the model has no item ids (train with itemIds to use string ids)');
    if (r.kinds.length !== r.items.length || r.ts.length !== r.items.length) {
      throw new RangeError(`TwoTowerModel.rawUserFromStrings: items, kinds and ts must have the same length, got ${r.items.length}, ${r.kinds.length}, ${r.ts.length}`);
    }
    this.itemIndex ??= new Map(this.itemIds.map((id, i) => [id, i]));
    const items: number[] = [], kinds: number[] = [], ts: number[] = [];
    for (let e = 0; e < r.items.length; e++) {
      const i = this.itemIndex.get(r.items[e]), k = (KIND_CODES as Record<string, number>)[r.kinds[e]];
      if (i === undefined || k === undefined) continue;
      items.push(i); kinds.push(k); ts.push(r.ts[e]);
    }
    return { items, kinds, ts, age: r.age, country: r.country, asOf: r.asOf };
  }

  /**
   * Request-time user vector: features from raw data + the tapeless user tower.
   * -> [H] (written into `out` when given)
   * @example const q = model.userVector({ items: [12, 40], kinds: [0, 2], ts: [t1, t2], age: 31, country: 'SE', asOf: Date.now() });
   */
  userVector(raw: RawUser, out?: Float32Array): Float32Array {
    const { country } = userFeaturesFromRaw(this.userSpec, this.ctx, this.countryVocab, raw, this.denseBuf);
    return this.norm(this.net.userInfer1(this.denseBuf, country, out));
  }

  /**
   * Vectors of every user from interaction tables (evaluation: the training interactions and
   * asOf = the split's cut). Same features as requests, batched tower.
   * users: [U] (age -1 = unknown, country null = unknown), interactions: [E] dense ids -> [U, H]
   */
  userVectorsAt(users: { n: number; age: ArrayLike<number>; country: readonly (string | null)[] },
    interactions: { n: number; user: Int32Array; item: Int32Array; kind: Uint8Array; ts: Float64Array }, asOf: number): Float32Array {
    const f = buildUserFeatures(this.userSpec, this.ctx, this.countryVocab, users, interactions, asOf);
    return this.norm(this.net.userInferBatch(f.dense, f.country, users.n));
  }

  /** User vectors from precomputed feature rows. dense: [B, Du], country: [B] -> [B, H] */
  userVectorsFromFeatures(dense: Float32Array, country: Int32Array): Float32Array {
    return this.norm(this.net.userInferBatch(dense, country, country.length));
  }

  /** Tower outputs as scored in training: L2-normalised rows when the model has a temperature. a: [R, H] -> a */
  private norm(a: Float32Array): Float32Array {
    return this.config.temperature === null ? a : normalizeRows(a, this.net.outDim);
  }

  /**
   * Item tower over the catalogue (or the given dense ids), no tape.
   * ids: [M] (default all N) -> [M, H] row r = vector of ids[r]
   */
  itemVectors(ids?: Int32Array): Float32Array {
    const Di = this.net.dims.itemDense;
    if (!ids) return this.norm(this.net.itemInferBatch(this.items.dense, this.items.language, this.items.genre, this.numItems));
    const M = ids.length, dense = new Float32Array(M * Di), lang = new Int32Array(M), genre = new Int32Array(M);
    for (let r = 0; r < M; r++) {
      const i = ids[r];
      if (!(i >= 0 && i < this.numItems)) throw new RangeError(`TwoTowerModel.itemVectors: ids[${r}] = ${i} out of range [0, ${this.numItems})`);
      dense.set(this.items.dense.subarray(i * Di, (i + 1) * Di), r * Di);
      lang[r] = this.items.language[i]; genre[r] = this.items.genre[i];
    }
    return this.norm(this.net.itemInferBatch(dense, lang, genre, M));
  }

  /** Writes the model folder (see the file comment); each file atomically, the JSON last. */
  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    this.net.params.save(join(dir, 'twotower.safetensors'), { format: TWO_TOWER_FORMAT });
    const N = this.numItems, sp = this.userSpec;
    const t: Record<string, StoredArray> = {
      role: { shape: [N], data: this.ctx.role },
      taste: { shape: [N, sp.tasteDim], data: this.ctx.taste },
      itemDense: { shape: [N, this.net.dims.itemDense], data: this.items.dense },
      itemLanguage: { shape: [N], data: this.items.language },
      itemGenre: { shape: [N], data: this.items.genre },
    };
    if (this.ctx.text) t.text = { shape: [N, sp.historyTextDim ?? 0], data: this.ctx.text };
    if (this.ctx.hgnn && this.ctx.hgnnMask) {
      t.hgnn = { shape: [N, sp.hgnnDim], data: this.ctx.hgnn };
      t.hgnnMask = { shape: [N], data: Int32Array.from(this.ctx.hgnnMask) };
    }
    saveSafetensors(join(dir, 'twotower_inputs.safetensors'), t, { format: TWO_TOWER_FORMAT });
    const meta = {
      format: TWO_TOWER_FORMAT, version: TWO_TOWER_VERSION, config: configToJSON(this.config), dims: this.net.dims,
      userSpec: this.userSpec, numItems: N, history: this.history, itemIds: this.itemIds,
    };
    writeFileAtomic(join(dir, 'twotower.json'), JSON.stringify(meta, null, 1) + '\n');
  }

  /** Loads a folder written by save(). */
  static load(dir: string): TwoTowerModel {
    const jp = join(dir, 'twotower.json');
    if (!existsSync(jp)) throw new Error(`TwoTowerModel.load: ${jp} not found (not a two-tower model folder, or saving did not finish)`);
    const meta = JSON.parse(readFileSync(jp, 'utf8'));
    if (meta.format !== TWO_TOWER_FORMAT || meta.version !== TWO_TOWER_VERSION) {
      throw new Error(`TwoTowerModel.load: ${jp}: expected format ${TWO_TOWER_FORMAT} v${TWO_TOWER_VERSION}, got ${meta.format} v${meta.version}`);
    }
    const net = new TwoTowerNet(meta.dims as NetDims, 0);
    net.params.load(join(dir, 'twotower.safetensors'));
    const { tensors } = loadSafetensors(join(dir, 'twotower_inputs.safetensors'));
    const get = <T extends Float32Array | Int32Array>(k: string, ctor: new (...a: never[]) => T): T => {
      const a = tensors.get(k)?.data;
      if (!(a instanceof ctor)) throw new Error(`TwoTowerModel.load: ${dir}/twotower_inputs.safetensors: "${k}" missing or of the wrong dtype`);
      return a as T;
    };
    const hasH = tensors.has('hgnn');
    const ctx: UserFeatureContext = {
      role: get('role', Int32Array), taste: get('taste', Float32Array),
      hgnn: hasH ? get('hgnn', Float32Array) : null, hgnnMask: hasH ? Uint8Array.from(get('hgnnMask', Int32Array)) : null,
      text: tensors.has('text') ? get('text', Float32Array) : null,
    };
    const model = new TwoTowerModel(configFromJSON(meta.config), net, meta.userSpec, ctx,
      { dense: get('itemDense', Float32Array), language: get('itemLanguage', Int32Array), genre: get('itemGenre', Int32Array) });
    model.history = meta.history ?? [];
    model.itemIds = meta.itemIds ?? null;
    return model;
  }
}
