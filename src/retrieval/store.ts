// A retrieval index on disk: one self-describing folder, written atomically.
//   manifest.json        format tag, version, dim, metric, count, dtype, files with sizes + CRC32,
//                        ANN backend/version/parameters, caller metadata
//   vectors.safetensors  "vectors": F32 [count, dim] (the item-tower output for every item)
//   ids.json             string item ids, row order
//   ann.usearch          the HNSW graph (optional)
// The folder is written next to its destination under a temporary name and then swapped in
// with renames, so a reader sees the old index or the new one, never a mix. Loading checks
// every field and checksum and throws RetrievalIndexError with a code and the file at fault.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writeDirAtomic } from '../data/atomic.ts';
import { decodeSafetensors, encodeSafetensors } from '../tensor/safetensors.ts';
import { AnnTopK, annBackendVersion, annParams, type AnnParams } from './ann.ts';
import { RetrievalIndexError } from './errors.ts';
import { ExactTopK, type ExactTopKOptions } from './exact.ts';
import { IdMap } from './ids.ts';
import { RetrievalIndex } from './retrieval_index.ts';

/** Format tag in manifest.json. */
export const RETRIEVAL_INDEX_FORMAT = 'hgrec.retrieval-index';
/** Current (and only supported) format version. */
export const RETRIEVAL_INDEX_VERSION = 1;

/** A file of the folder with its size and CRC32. */
export interface StoredFile {
  file: string;
  bytes: number;
  crc32: number;
}

/** Contents of manifest.json. */
export interface RetrievalIndexManifest {
  format: string;
  version: number;
  dim: number;
  count: number;
  metric: 'dot';
  dtype: 'float32';
  vectors: StoredFile;
  ids: StoredFile;
  ann: null | (StoredFile & { backend: 'usearch'; backendVersion: string; params: AnnParams });
  defaultMode: 'exact' | 'ann';
  createdAt: string;
  meta: Record<string, string | number | boolean>;
}

const MANIFEST = 'manifest.json';
const VECTORS = 'vectors.safetensors';
const IDS = 'ids.json';
const ANN = 'ann.usearch';

function checkLittleEndian(op: string): void {
  if (endianness() !== 'LE') throw new Error(`${op}: only little-endian hosts are supported (float32 files are little-endian)`);
}

function writeDurable(path: string, data: Uint8Array | string): StoredFile {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, buf);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { file: basename(path), bytes: buf.byteLength, crc32: crc32(buf) };
}

/**
 * Saves the index into folder `dir` (created or replaced atomically). `meta` is free-form
 * caller information kept in the manifest (e.g. model run id, item type).
 * @example saveRetrievalIndex('work/index', idx, { itemType: 'audiobook' })
 */
export function saveRetrievalIndex(dir: string, index: RetrievalIndex,
  meta: Record<string, string | number | boolean> = {}): RetrievalIndexManifest {
  checkLittleEndian('saveRetrievalIndex');
  return writeDirAtomic(dir, (tmp) => {
    const vectors = writeDurable(join(tmp, VECTORS), encodeSafetensors(
      { vectors: { shape: [index.size, index.dim], data: index.exact.vectors } },
      { format: RETRIEVAL_INDEX_FORMAT, dim: String(index.dim), count: String(index.size) }));
    const ids = writeDurable(join(tmp, IDS), JSON.stringify(index.ids.ids));
    let ann: RetrievalIndexManifest['ann'] = null;
    if (index.ann) {
      const p = join(tmp, ANN);
      index.ann.save(p);
      const buf = readFileSync(p);
      ann = { file: ANN, bytes: buf.byteLength, crc32: crc32(buf), backend: 'usearch', backendVersion: annBackendVersion(), params: { ...index.ann.params } };
    }
    const manifest: RetrievalIndexManifest = {
      format: RETRIEVAL_INDEX_FORMAT, version: RETRIEVAL_INDEX_VERSION, dim: index.dim, count: index.size,
      metric: 'dot', dtype: 'float32', vectors, ids, ann, defaultMode: index.defaultMode,
      createdAt: new Date().toISOString(), meta: { ...meta },
    };
    writeDurable(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  });
}

/** How to load an index folder. */
export interface LoadRetrievalIndexOptions {
  /** Fail with code 'mismatch' unless the index has this dimension (e.g. the tower output dim). */
  expectDim?: number;
  /** Fail with code 'mismatch' unless the index has this many items. */
  expectCount?: number;
  /** Verify CRC32 checksums of every file (default true; sizes are always checked). */
  verify?: boolean;
  /** Load the ANN graph when the folder has one (default true). */
  ann?: boolean;
  /** Override the saved search-time ef of the graph. */
  expansionSearch?: number;
  /** Options of the exact index. */
  exact?: ExactTopKOptions;
}

/** Reads and validates manifest.json of an index folder (no data files are read). */
export function readRetrievalManifest(dir: string): RetrievalIndexManifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(dir)) throw new RetrievalIndexError('missing', dir, 'loadRetrievalIndex: index folder does not exist');
  if (!existsSync(path)) throw new RetrievalIndexError('missing', path, 'loadRetrievalIndex: no manifest.json in the index folder');
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new RetrievalIndexError('corrupt', path, `loadRetrievalIndex: manifest is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (typeof m !== 'object' || m === null || m.format !== RETRIEVAL_INDEX_FORMAT) {
    throw new RetrievalIndexError('format', path, `loadRetrievalIndex: format must be "${RETRIEVAL_INDEX_FORMAT}", got ${JSON.stringify(m?.format)}`);
  }
  if (m.version !== RETRIEVAL_INDEX_VERSION) {
    throw new RetrievalIndexError('version', path, `loadRetrievalIndex: version ${RETRIEVAL_INDEX_VERSION} supported, got ${JSON.stringify(m.version)}`);
  }
  const bad = (field: string, want: string): never => {
    throw new RetrievalIndexError('corrupt', path, `loadRetrievalIndex: manifest field ${field} must be ${want}, got ${JSON.stringify(m[field])}`);
  };
  if (!Number.isInteger(m.dim) || (m.dim as number) < 1) bad('dim', 'an integer >= 1');
  if (!Number.isInteger(m.count) || (m.count as number) < 0) bad('count', 'an integer >= 0');
  if (m.metric !== 'dot') bad('metric', '"dot"');
  if (m.dtype !== 'float32') bad('dtype', '"float32"');
  if (m.defaultMode !== 'exact' && m.defaultMode !== 'ann') bad('defaultMode', '"exact" or "ann"');
  for (const f of ['vectors', 'ids'] as const) if (!isStoredFile(m[f])) bad(f, 'a {file, bytes, crc32} record');
  if (m.ann !== null && (!isStoredFile(m.ann) || (m.ann as { backend?: unknown }).backend !== 'usearch')) {
    bad('ann', 'null or a usearch {file, bytes, crc32, backend, params} record');
  }
  return m as unknown as RetrievalIndexManifest;
}

function isStoredFile(v: unknown): v is StoredFile {
  const f = v as StoredFile;
  return typeof f === 'object' && f !== null && typeof f.file === 'string' && !f.file.includes('/') &&
    Number.isInteger(f.bytes) && Number.isInteger(f.crc32);
}

function readChecked(dir: string, f: StoredFile, verify: boolean, needBytes = true): Buffer | null {
  const path = join(dir, f.file);
  if (!existsSync(path)) throw new RetrievalIndexError('missing', path, `loadRetrievalIndex: ${f.file} listed in the manifest is absent`);
  const size = statSync(path).size;
  if (size !== f.bytes) {
    throw new RetrievalIndexError('corrupt', path, `loadRetrievalIndex: ${f.file} has ${size} bytes, manifest says ${f.bytes}`);
  }
  if (!verify && !needBytes) return null;
  const buf = readFileSync(path);
  if (verify && crc32(buf) !== f.crc32) {
    throw new RetrievalIndexError('corrupt', path, `loadRetrievalIndex: ${f.file} fails its CRC32 check (${crc32(buf)} != ${f.crc32})`);
  }
  return buf;
}

/**
 * Loads an index folder written by saveRetrievalIndex, validating format, version, sizes,
 * checksums, shapes and the caller's expectations.
 * @throws RetrievalIndexError (code missing | corrupt | format | version | mismatch)
 * @example const idx = loadRetrievalIndex('work/index', { expectDim: 128 });
 */
export function loadRetrievalIndex(dir: string, opts: LoadRetrievalIndexOptions = {}): RetrievalIndex {
  checkLittleEndian('loadRetrievalIndex');
  const m = readRetrievalManifest(dir);
  const mpath = join(dir, MANIFEST);
  if (opts.expectDim !== undefined && m.dim !== opts.expectDim) {
    throw new RetrievalIndexError('mismatch', mpath, `loadRetrievalIndex: index dim is ${m.dim}, expected ${opts.expectDim}`);
  }
  if (opts.expectCount !== undefined && m.count !== opts.expectCount) {
    throw new RetrievalIndexError('mismatch', mpath, `loadRetrievalIndex: index holds ${m.count} items, expected ${opts.expectCount}`);
  }
  const verify = opts.verify ?? true;
  // ids
  const idsPath = join(dir, m.ids.file);
  let idList: unknown;
  try {
    idList = JSON.parse(readChecked(dir, m.ids, verify)!.toString('utf8'));
  } catch (err) {
    if (err instanceof RetrievalIndexError) throw err;
    throw new RetrievalIndexError('corrupt', idsPath, `loadRetrievalIndex: ids file is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(idList) || idList.length !== m.count) {
    throw new RetrievalIndexError('corrupt', idsPath, `loadRetrievalIndex: ids must be an array of ${m.count} strings, got ${Array.isArray(idList) ? idList.length + ' entries' : typeof idList}`);
  }
  let ids: IdMap;
  try {
    ids = new IdMap(idList as string[]);
  } catch (err) {
    throw new RetrievalIndexError('corrupt', idsPath, `loadRetrievalIndex: ${(err as Error).message}`, { cause: err });
  }
  // vectors
  const vpath = join(dir, m.vectors.file);
  let vectors: Float32Array;
  try {
    const st = decodeSafetensors(readChecked(dir, m.vectors, verify)!, vpath);
    const t = st.tensors.get('vectors');
    if (!t) throw new Error('no tensor named "vectors"');
    if (!(t.data instanceof Float32Array)) throw new Error('tensor "vectors" must be F32');
    if (t.shape.length !== 2 || t.shape[0] !== m.count || t.shape[1] !== m.dim) {
      throw new Error(`tensor "vectors" has shape [${t.shape.join(', ')}], manifest says [${m.count}, ${m.dim}]`);
    }
    vectors = t.data;
  } catch (err) {
    if (err instanceof RetrievalIndexError) throw err;
    throw new RetrievalIndexError('corrupt', vpath, `loadRetrievalIndex: ${(err as Error).message}`, { cause: err });
  }
  let exact: ExactTopK;
  try {
    exact = new ExactTopK(vectors, m.dim, opts.exact);
  } catch (err) {
    throw new RetrievalIndexError('corrupt', vpath, `loadRetrievalIndex: ${(err as Error).message}`, { cause: err });
  }
  // ANN graph
  let ann: AnnTopK | null = null;
  if (m.ann && (opts.ann ?? true)) {
    const apath = join(dir, m.ann.file);
    try {
      readChecked(dir, m.ann, verify, false);
      const params = annParams({ ...m.ann.params, ...(opts.expansionSearch ? { expansionSearch: opts.expansionSearch } : {}) });
      ann = AnnTopK.load(apath, exact, params);
    } catch (err) {
      exact.dispose();
      if (err instanceof RetrievalIndexError) throw err;
      const code = err instanceof RangeError && /expected \d+ of dim/.test(err.message) ? 'mismatch' : 'corrupt';
      throw new RetrievalIndexError(code, apath, `loadRetrievalIndex: ANN graph unusable: ${(err as Error).message}`, { cause: err });
    }
  }
  return new RetrievalIndex(ids, exact, ann, ann ? m.defaultMode : 'exact');
}
