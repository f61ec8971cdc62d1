// Saved artefacts of the HGNN (self-describing, written atomically):
// - model:      safetensors of the named parameters; metadata format 'hgrec-hgnn-model',
//               version, arch (JSON), plus caller metadata (config, epoch, metrics).
// - embeddings: safetensors with one [N_t, D] F32 tensor per type named after the type;
//               metadata format 'hgrec-hgnn-embeddings', version, dim, types (JSON) and
//               `ids.<type>` = JSON array of the item_id strings (row i = ids[i]);
//               plus a small sibling JSON `<name>.json` (dims, counts, config, epoch, metrics)
//               for humans and other engines.
import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadSafetensors, saveSafetensors, type StoredArray } from '../../tensor/index.ts';
import { HgnnModel, type HgnnArch } from './model.ts';

export const HGNN_MODEL_FORMAT = 'hgrec-hgnn-model';
export const HGNN_EMBEDDINGS_FORMAT = 'hgrec-hgnn-embeddings';
export const HGNN_IO_VERSION = '1';

/** Writes a text file atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Saves the model's parameters and architecture (meta values are JSON-encoded). */
export function saveHgnnModel(path: string, model: HgnnModel, meta: Record<string, unknown> = {}): void {
  const md: Record<string, string> = { format: HGNN_MODEL_FORMAT, version: HGNN_IO_VERSION, arch: JSON.stringify(model.arch) };
  for (const [k, v] of Object.entries(meta)) md[k] = JSON.stringify(v);
  saveSafetensors(path, model.params.toArrays(), md);
}

/** Loads a model saved by saveHgnnModel; returns it with the decoded caller metadata. */
export function loadHgnnModel(path: string): { model: HgnnModel; meta: Record<string, unknown> } {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== HGNN_MODEL_FORMAT) {
    throw new Error(`loadHgnnModel: ${path}: format must be '${HGNN_MODEL_FORMAT}', got '${metadata.format ?? '(none)'}'`);
  }
  if (metadata.version !== HGNN_IO_VERSION) throw new Error(`loadHgnnModel: ${path}: version must be ${HGNN_IO_VERSION}, got ${metadata.version}`);
  const arch = JSON.parse(metadata.arch) as HgnnArch;
  const model = new HgnnModel(arch, 0);
  for (const name of model.params.names()) {
    const p = model.params.get(name), s = tensors.get(name);
    if (!s || !(s.data instanceof Float32Array) || s.data.length !== p.size) {
      throw new Error(`loadHgnnModel: ${path}: parameter '${name}' expected F32 [${p.shape.join(', ')}], got ${s ? `[${s.shape.join(', ')}]` : 'nothing'}`);
    }
    p.data.set(s.data);
  }
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) if (!['format', 'version', 'arch'].includes(k)) meta[k] = JSON.parse(v);
  return { model, meta };
}

/** Embeddings of every item of every type, with string ids. */
export interface ItemEmbeddings {
  dim: number;
  /** Per type: ids [N_t] and vectors x [N_t, dim]. */
  types: Record<string, { ids: string[]; x: Float32Array }>;
}

/** Saves embeddings (+ `<path without .safetensors>.json` meta). */
export function saveEmbeddings(path: string, emb: ItemEmbeddings, meta: Record<string, unknown> = {}): void {
  const tensors = new Map<string, StoredArray>();
  const md: Record<string, string> = { format: HGNN_EMBEDDINGS_FORMAT, version: HGNN_IO_VERSION, dim: String(emb.dim) };
  const counts: Record<string, number> = {};
  for (const [t, { ids, x }] of Object.entries(emb.types)) {
    if (x.length !== ids.length * emb.dim) throw new RangeError(`saveEmbeddings: ${t}: ${ids.length} ids x dim ${emb.dim} needs ${ids.length * emb.dim} values, got ${x.length}`);
    tensors.set(t, { shape: [ids.length, emb.dim], data: x });
    md[`ids.${t}`] = JSON.stringify(ids);
    counts[t] = ids.length;
  }
  md.types = JSON.stringify(Object.keys(emb.types));
  saveSafetensors(path, tensors, md);
  const jsonPath = path.replace(/\.safetensors$/, '') + '.json';
  writeFileAtomic(jsonPath, JSON.stringify({ format: HGNN_EMBEDDINGS_FORMAT, version: HGNN_IO_VERSION, dim: emb.dim, counts, file: basename(path), ...meta }, null, 2) + '\n');
}

/** Loads embeddings saved by saveEmbeddings. */
export function loadEmbeddings(path: string): ItemEmbeddings {
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== HGNN_EMBEDDINGS_FORMAT) {
    throw new Error(`loadEmbeddings: ${path}: format must be '${HGNN_EMBEDDINGS_FORMAT}', got '${metadata.format ?? '(none)'}'`);
  }
  const dim = Number(metadata.dim);
  const types: ItemEmbeddings['types'] = {};
  for (const t of JSON.parse(metadata.types) as string[]) {
    const s = tensors.get(t);
    const ids = JSON.parse(metadata[`ids.${t}`] ?? 'null') as string[] | null;
    if (!s || !(s.data instanceof Float32Array) || !ids || s.data.length !== ids.length * dim) {
      throw new Error(`loadEmbeddings: ${path}: type '${t}' needs an F32 [${ids?.length ?? '?'}, ${dim}] tensor and its ids`);
    }
    types[t] = { ids, x: s.data };
  }
  return { dim, types };
}

/** File names written by exportHgnn inside its folder. */
export const HGNN_MODEL_FILE = 'hgnn_model.safetensors';
export const HGNN_EMBEDDINGS_FILE = 'item_embeddings.safetensors';

/**
 * Writes a trained HGNN's artefacts into `dir`: the model (hgnn_model.safetensors) and the
 * embeddings of every item of `embeddings` (item_embeddings.safetensors + .json), ids taken
 * from the graph. `meta` (config, epoch, metrics, ...) goes into both.
 * @example exportHgnn(ws, model, graph, embedAll(model, graph, features), { epoch: res.bestEpoch })
 */
export function exportHgnn(dir: string, model: HgnnModel, graph: { nodeTypes: readonly string[]; itemIds(t: number): readonly string[] },
  embeddings: readonly Float32Array[], meta: Record<string, unknown> = {}): { modelPath: string; embeddingsPath: string } {
  const modelPath = join(dir, HGNN_MODEL_FILE), embeddingsPath = join(dir, HGNN_EMBEDDINGS_FILE);
  saveHgnnModel(modelPath, model, meta);
  const types: ItemEmbeddings['types'] = {};
  graph.nodeTypes.forEach((ty, t) => { types[ty] = { ids: [...graph.itemIds(t)], x: embeddings[t] }; });
  saveEmbeddings(embeddingsPath, { dim: model.arch.out, types }, { ...meta, arch: model.arch });
  return { modelPath, embeddingsPath };
}
