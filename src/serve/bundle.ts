// A serving bundle: everything one model version needs to answer requests, in one folder that
// the CLI's `index` stage writes and the service loads (and hot-reloads):
//   bundle.json   { format: 'hgrec-serving', version: 1, modelVersion, createdAt, targetType, dim,
//                   numItems, indexSize, hasItemsMeta }   (written last: a folder with it is complete)
//   twotower/     TwoTowerModel.save (user tower + per-item feature tables + string item ids)
//   index/        saveRetrievalIndex of the target-type item vectors
//   items.json    optional { typeNames, type: [N] index into typeNames, title: [N] } aligned with
//                 the model's item ids (for /similar and readable demo answers)
// writeServingBundle builds the folder under a temporary name next to `dir` and renames it in.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic } from '../data/index.ts';
import { TwoTowerModel } from '../models/twotower/index.ts';
import {
  RetrievalIndex, loadRetrievalIndex, saveRetrievalIndex, type ExactTopKOptions, type RetrievalIndexOptions,
} from '../retrieval/index.ts';
import { ItemVectorCache } from './item_vectors.ts';

export const SERVING_FORMAT = 'hgrec-serving';
export const SERVING_VERSION = 1;

/** Contents of bundle.json. */
export interface BundleManifest {
  format: string;
  version: number;
  modelVersion: string;
  createdAt: string;
  targetType: string;
  dim: number;
  numItems: number;
  indexSize: number;
  hasItemsMeta: boolean;
}

/** Optional item metadata aligned with the model's item ids. */
export interface ItemsMeta {
  typeNames: string[];
  /** [N] index into typeNames */
  type: ArrayLike<number>;
  /** [N] '' when unknown */
  title: string[];
}

/** A loaded bundle: the model, its index and lookups, immutable once built. */
export interface ServingBundle {
  /** folder it was loaded from (null when built in memory) */
  dir: string | null;
  manifest: BundleManifest;
  modelVersion: string;
  targetType: string;
  model: TwoTowerModel;
  index: RetrievalIndex;
  meta: ItemsMeta | null;
  /** string item id -> model dense id */
  itemRow: Map<string, number>;
  /** [N] model dense id -> index row (-1 when the item is not indexed) */
  indexRowOf: Int32Array;
  /** item-tower vectors of any catalogue item (for /similar and "because") */
  vectors: ItemVectorCache;
  /** Releases the index's worker threads (idempotent). */
  dispose(): void;
}

/** A bundle folder or file that cannot be served; `file` is the path at fault. */
export class ServingBundleError extends Error {
  override readonly name = 'ServingBundleError';
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${file})`, options);
  }
}

/** What writeServingBundle needs. */
export interface WriteServingBundleOptions {
  model: TwoTowerModel;
  /** Default: an exact index over model.itemVectors(model.targetItems()). */
  index?: RetrievalIndex;
  /** Build options of the default index (e.g. { ann: true }). */
  indexOptions?: RetrievalIndexOptions;
  items?: ItemsMeta;
  modelVersion: string;
}

/**
 * Writes a serving bundle folder atomically (built under a temporary name, then renamed over
 * `dir`). -> the manifest written
 * @example writeServingBundle('ws/.versions/index-1/bundle', { model, items: { typeNames, type, title }, modelVersion: 'run-7' })
 */
export function writeServingBundle(dir: string, opts: WriteServingBundleOptions): BundleManifest {
  const { model } = opts;
  const op = 'writeServingBundle';
  if (typeof opts.modelVersion !== 'string' || !opts.modelVersion) throw new TypeError(`${op}: modelVersion must be a non-empty string, got ${JSON.stringify(opts.modelVersion)}`);
  if (!model.itemIds) throw new Error(`${op}: the model has no string item ids (train it with itemIds)`);
  const N = model.numItems;
  if (opts.items) checkMeta(op, opts.items, N, 'opts.items');
  const index = opts.index ?? defaultIndex(model, opts.indexOptions);
  try {
    if (index.dim !== model.dim) throw new RangeError(`${op}: index dim ${index.dim} != model output dim ${model.dim}`);
    return writeDirAtomic(dir, (tmp) => {
      model.save(join(tmp, 'twotower'));
      saveRetrievalIndex(join(tmp, 'index'), index, { targetType: model.config.targetType, modelVersion: opts.modelVersion });
      if (opts.items) {
        writeFileSync(join(tmp, 'items.json'), JSON.stringify({ typeNames: opts.items.typeNames, type: Array.from(opts.items.type), title: opts.items.title }));
      }
      const manifest: BundleManifest = {
        format: SERVING_FORMAT, version: SERVING_VERSION, modelVersion: opts.modelVersion, createdAt: new Date().toISOString(),
        targetType: model.config.targetType, dim: model.dim, numItems: N, indexSize: index.size, hasItemsMeta: !!opts.items,
      };
      writeFileSync(join(tmp, 'bundle.json'), JSON.stringify(manifest, null, 2) + '\n'); // written last
      return manifest;
    });
  } finally {
    if (!opts.index) index.dispose();
  }
}

function defaultIndex(model: TwoTowerModel, o?: RetrievalIndexOptions): RetrievalIndex {
  const rows = model.targetItems();
  const ids = Array.from(rows, (r) => model.itemIds![r]);
  return RetrievalIndex.build(ids, model.itemVectors(rows), model.dim, o);
}

function checkMeta(op: string, m: ItemsMeta, N: number, where: string): void {
  if (!Array.isArray(m.typeNames) || m.typeNames.some((t) => typeof t !== 'string')) throw new TypeError(`${op}: ${where}.typeNames must be a list of strings`);
  if (!m.type || m.type.length !== N) throw new RangeError(`${op}: ${where}.type must have one entry per model item (${N}), got ${m.type?.length}`);
  if (!Array.isArray(m.title) || m.title.length !== N) throw new RangeError(`${op}: ${where}.title must have one entry per model item (${N}), got ${m.title?.length}`);
  for (let i = 0; i < N; i++) {
    const t = m.type[i];
    if (!(Number.isInteger(t) && t >= 0 && t < m.typeNames.length)) throw new RangeError(`${op}: ${where}.type[${i}] must index typeNames (0..${m.typeNames.length - 1}), got ${t}`);
  }
}

/** How to load a bundle. */
export interface LoadServingBundleOptions {
  /** Load the ANN graph when the index has one (default true). */
  ann?: boolean;
  /** Verify the index checksums (default true). */
  verify?: boolean;
  exact?: ExactTopKOptions;
}

/**
 * Loads and validates a bundle folder. Throws ServingBundleError naming the file at fault
 * (missing folder, wrong format/version, model/index/meta unreadable or inconsistent).
 */
export function loadServingBundle(dir: string, opts: LoadServingBundleOptions = {}): ServingBundle {
  const jp = join(dir, 'bundle.json');
  if (!existsSync(jp)) throw new ServingBundleError(jp, `loadServingBundle: bundle.json not found (not a serving bundle folder, or writing did not finish)`);
  let m: BundleManifest;
  try {
    m = JSON.parse(readFileSync(jp, 'utf8')) as BundleManifest;
  } catch (err) {
    throw new ServingBundleError(jp, `loadServingBundle: bundle.json is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (m?.format !== SERVING_FORMAT || m.version !== SERVING_VERSION) {
    throw new ServingBundleError(jp, `loadServingBundle: expected format ${SERVING_FORMAT} v${SERVING_VERSION}, got ${m?.format} v${m?.version}`);
  }
  for (const [k, t] of [['modelVersion', 'string'], ['targetType', 'string'], ['dim', 'number'], ['createdAt', 'string']] as const) {
    if (typeof m[k] !== t) throw new ServingBundleError(jp, `loadServingBundle: field ${k} must be a ${t}, got ${JSON.stringify(m[k])}`);
  }
  let model: TwoTowerModel;
  try {
    model = TwoTowerModel.load(join(dir, 'twotower'));
  } catch (err) {
    throw new ServingBundleError(join(dir, 'twotower'), `loadServingBundle: model unreadable: ${(err as Error).message}`, { cause: err });
  }
  if (model.dim !== m.dim) throw new ServingBundleError(jp, `loadServingBundle: model output dim ${model.dim} != bundle.json dim ${m.dim}`);
  if (model.config.targetType !== m.targetType) throw new ServingBundleError(jp, `loadServingBundle: model targetType ${model.config.targetType} != bundle.json ${m.targetType}`);
  let meta: ItemsMeta | null = null;
  const mp = join(dir, 'items.json');
  if (existsSync(mp)) {
    try {
      meta = JSON.parse(readFileSync(mp, 'utf8')) as ItemsMeta;
      checkMeta('loadServingBundle', meta, model.numItems, 'items.json');
    } catch (err) {
      throw new ServingBundleError(mp, `loadServingBundle: items.json invalid: ${(err as Error).message}`, { cause: err });
    }
  } else if (m.hasItemsMeta) throw new ServingBundleError(mp, 'loadServingBundle: bundle.json promises items.json but it is missing');
  let index: RetrievalIndex;
  try {
    index = loadRetrievalIndex(join(dir, 'index'), { expectDim: model.dim, verify: opts.verify, ann: opts.ann, exact: opts.exact });
  } catch (err) {
    throw new ServingBundleError(join(dir, 'index'), `loadServingBundle: index unreadable: ${(err as Error).message}`, { cause: err });
  }
  try {
    return servingBundle({ model, index, meta, manifest: m, dir });
  } catch (err) {
    index.dispose();
    throw new ServingBundleError(dir, `loadServingBundle: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A bundle from in-memory parts (what loadServingBundle returns; benches and tests use it
 * directly). Checks that every indexed id is a model item.
 */
export function servingBundle(p: { model: TwoTowerModel; index: RetrievalIndex; meta?: ItemsMeta | null; modelVersion?: string;
  manifest?: BundleManifest; dir?: string | null }): ServingBundle {
  const { model, index } = p;
  if (!model.itemIds) throw new Error('servingBundle: the model has no string item ids');
  if (index.dim !== model.dim) throw new RangeError(`servingBundle: index dim ${index.dim} != model output dim ${model.dim}`);
  const itemRow = new Map<string, number>();
  model.itemIds.forEach((id, i) => itemRow.set(id, i));
  const indexRowOf = new Int32Array(model.numItems).fill(-1);
  const ids = index.ids.ids;
  for (let r = 0; r < ids.length; r++) {
    const i = itemRow.get(ids[r]);
    if (i === undefined) throw new RangeError(`servingBundle: index item ${JSON.stringify(ids[r])} (row ${r}) is not in the model's catalogue`);
    indexRowOf[i] = r;
  }
  const manifest: BundleManifest = p.manifest ?? {
    format: SERVING_FORMAT, version: SERVING_VERSION, modelVersion: p.modelVersion ?? 'in-memory', createdAt: new Date().toISOString(),
    targetType: model.config.targetType, dim: model.dim, numItems: model.numItems, indexSize: index.size, hasItemsMeta: !!p.meta,
  };
  let disposed = false;
  return {
    dir: p.dir ?? null, manifest, modelVersion: manifest.modelVersion, targetType: manifest.targetType, model, index,
    meta: p.meta ?? null, itemRow, indexRowOf, vectors: new ItemVectorCache(model, index, indexRowOf),
    dispose() { if (!disposed) { disposed = true; index.dispose(); } },
  };
}
