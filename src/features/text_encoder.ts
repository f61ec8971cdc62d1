// The built-in item text encoder: TF-IDF (word uni/bigrams + character n-grams) reduced by a
// randomised truncated SVD to `dim` (default 256), rows L2-normalised. Needs no model files.
//
// Shapes: texts [N] -> TF-IDF CSR [N, V] -> @ components [V, dim] -> [N, dim] -> L2 rows.
// Empty text, or text made only of terms outside the vocabulary: an all-zero row (encodeWithMask
// also returns the mask). A catalogue with fewer distinct documents/terms than dim: the SVD
// finds rank r < dim; columns r..dim-1 are zero in every row and `rank` tells r (dim stays
// as configured so downstream shapes never depend on the data).

import { spmm, type Csr } from './csr.ts';
import { Rng } from '../tensor/rng.ts';
import type { ItemTextEncoder } from './encoder.ts';
import { loadSafetensors, saveSafetensors } from '../tensor/safetensors.ts';
import { csrOperator, randomizedSvd, type LinearOperator } from './svd.ts';
import { fitTfidf, makeTfidfModel, tfidfConfig, tfidfTransform, type TfidfConfig, type TfidfModel } from './tfidf.ts';

export interface TfidfSvdOptions {
  /** output dimension (default 256) */
  dim?: number;
  /** TF-IDF / tokenizer settings (see tfidfConfig) */
  tfidf?: Parameters<typeof tfidfConfig>[0];
  /** SVD oversampling (default 10) and power iterations (default 2) */
  oversample?: number;
  powerIters?: number;
  /** seed of the random projection (default 0) */
  seed?: number;
  /**
   * fit the SVD on at most this many documents, a seeded uniform sample (default: all).
   * Vocabulary and idf always use every document. The knob for very large catalogues:
   * SVD time is linear in the documents used.
   */
  svdSampleDocs?: number;
  /** progress lines (e.g. to stderr): after each phase and each SVD pass over the matrix */
  log?: (message: string) => void;
}

/** Seconds spent in each fitting phase and the sizes involved. */
export interface TfidfSvdFitInfo {
  docs: number;
  vocab: number;
  nnz: number;
  rank: number;
  vocabSeconds: number;
  tfidfSeconds: number;
  svdSeconds: number;
  projectSeconds: number;
}

export const TFIDF_SVD_FORMAT = 'hgrec.text_encoder.tfidf_svd';
export const TFIDF_SVD_VERSION = 1;

/** L2-normalises each row of x: [N, D] in place; all-zero rows stay zero. */
export function l2NormalizeRows(x: Float32Array, D: number): void {
  for (let o = 0; o < x.length; o += D) {
    let ss = 0;
    for (let j = o; j < o + D; j++) ss += x[j] * x[j];
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let j = o; j < o + D; j++) x[j] *= inv;
    }
  }
}

const now = (): number => performance.now() / 1000;

/** TF-IDF → truncated SVD encoder (see file comment). Make one with fit() or load(). */
export class TfidfSvdEncoder implements ItemTextEncoder {
  readonly name = 'tfidf-svd';

  private constructor(
    readonly tfidf: TfidfModel,
    /** [V, dim]: right singular vectors (column i <-> singularValues[i]) */
    readonly components: Float32Array,
    /** [dim], descending, zeros past rank */
    readonly singularValues: Float64Array,
    readonly dim: number,
    readonly rank: number,
  ) {}

  /**
   * Fits on the catalogue texts and returns the encoder with the catalogue's vectors
   * x: [N, dim] and fitting figures (one TF-IDF pass serves both).
   * Example: const { encoder, x } = TfidfSvdEncoder.fitTransform(texts, { dim: 128 });
   */
  static fitTransform(texts: readonly string[], opts: TfidfSvdOptions = {}):
    { encoder: TfidfSvdEncoder; x: Float32Array; info: TfidfSvdFitInfo } {
    const dim = opts.dim ?? 256;
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`TfidfSvdEncoder.fit: dim expected integer >= 1, got ${dim}`);
    if (texts.length === 0) throw new Error('TfidfSvdEncoder.fit: texts expected at least one document, got 0');
    const cfg = tfidfConfig(opts.tfidf);
    const log = opts.log ?? ((): void => {});
    let t = now();
    const model = fitTfidf(texts, cfg);
    const vocabSeconds = now() - t;
    log(`text encoder: vocabulary ${model.vocab.length} terms from ${texts.length} texts in ${vocabSeconds.toFixed(1)} s`);
    t = now();
    const csr = tfidfTransform(model, texts);
    const tfidfSeconds = now() - t;
    log(`text encoder: TF-IDF ${csr.indices.length} non-zeros in ${tfidfSeconds.toFixed(1)} s`);
    t = now();
    const svdRows = opts.svdSampleDocs !== undefined && opts.svdSampleDocs < csr.rows
      ? sampleRows(csr, opts.svdSampleDocs, opts.seed ?? 0) : csr;
    const op = csrOperator(svdRows);
    const passes = 2 + 2 * (opts.powerIters ?? 2);
    let pass = 0;
    const t0 = t;
    const logged: LinearOperator = {
      rows: op.rows, cols: op.cols,
      mul: (x, L, out) => { op.mul(x, L, out); log(`text encoder: SVD pass ${++pass}/${passes} (${(now() - t0).toFixed(1)} s)`); },
      mulT: (y, L, out) => { op.mulT(y, L, out); log(`text encoder: SVD pass ${++pass}/${passes} (${(now() - t0).toFixed(1)} s)`); },
    };
    const svd = randomizedSvd(logged, dim, {
      oversample: opts.oversample ?? 10, powerIters: opts.powerIters ?? 2, seed: opts.seed ?? 0,
    });
    fixSigns(svd.v, model.vocab.length, dim);
    const svdSeconds = now() - t;
    t = now();
    const encoder = new TfidfSvdEncoder(model, svd.v, svd.s, dim, svd.rank);
    const x = encoder.project(csr);
    const info: TfidfSvdFitInfo = {
      docs: texts.length, vocab: model.vocab.length, nnz: csr.indices.length, rank: svd.rank,
      vocabSeconds, tfidfSeconds, svdSeconds, projectSeconds: now() - t,
    };
    return { encoder, x, info };
  }

  /** Fits on the catalogue texts (see fitTransform). */
  static fit(texts: readonly string[], opts: TfidfSvdOptions = {}): TfidfSvdEncoder {
    return TfidfSvdEncoder.fitTransform(texts, opts).encoder;
  }

  /** csr: [N, V] -> [N, dim], rows L2-normalised (zero rows stay zero). */
  private project(csr: Csr): Float32Array {
    const out = new Float32Array(csr.rows * this.dim);
    spmm(csr, this.components, this.dim, out);
    l2NormalizeRows(out, this.dim);
    return out;
  }

  /** texts: [N] -> [N, dim] synchronously. */
  transform(texts: readonly string[]): Float32Array {
    return this.project(tfidfTransform(this.tfidf, texts));
  }

  /** texts: [N] -> x: [N, dim] and empty: [N] (1 where the text had no known term; x row is 0). */
  encodeWithMask(texts: readonly string[]): { x: Float32Array; empty: Uint8Array } {
    const csr = tfidfTransform(this.tfidf, texts);
    const x = this.project(csr);
    const empty = new Uint8Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      if (csr.indptr[i + 1] === csr.indptr[i]) empty[i] = 1;
      else {
        let z = 1;
        for (let j = i * this.dim; j < (i + 1) * this.dim; j++) if (x[j] !== 0) { z = 0; break; }
        empty[i] = z;
      }
    }
    return { x, empty };
  }

  async encode(texts: readonly string[]): Promise<Float32Array> {
    return this.transform(texts);
  }

  /**
   * Saves vocabulary, idf and projection as one self-describing safetensors file (atomic).
   * Tensors: idf F32 [V], components F32 [V, dim], singular_values F32 [dim]; the vocabulary
   * is the metadata string `vocab` (terms joined by newlines, in column order).
   */
  save(path: string): void {
    saveSafetensors(path, {
      idf: { data: this.tfidf.idf, shape: [this.tfidf.idf.length] },
      components: { data: this.components, shape: [this.tfidf.vocab.length, this.dim] },
      singular_values: { data: Float32Array.from(this.singularValues), shape: [this.dim] },
    }, {
      format: TFIDF_SVD_FORMAT,
      version: String(TFIDF_SVD_VERSION),
      dim: String(this.dim),
      vocab_size: String(this.tfidf.vocab.length),
      rank: String(this.rank),
      num_docs: String(this.tfidf.numDocs),
      tfidf_config: JSON.stringify(this.tfidf.config),
      vocab: this.tfidf.vocab.join('\n'),
    });
  }

  /** Loads an encoder written by save(); checks format tag, version and every shape. */
  static load(path: string): TfidfSvdEncoder {
    const { tensors, metadata } = loadSafetensors(path);
    const who = `TfidfSvdEncoder.load: ${path}`;
    if (metadata.format !== TFIDF_SVD_FORMAT) {
      throw new Error(`${who}: format expected ${TFIDF_SVD_FORMAT}, got ${JSON.stringify(metadata.format)}`);
    }
    if (Number(metadata.version) !== TFIDF_SVD_VERSION) {
      throw new Error(`${who}: version expected ${TFIDF_SVD_VERSION}, got ${JSON.stringify(metadata.version)}`);
    }
    const dim = Number(metadata.dim);
    const V = Number(metadata.vocab_size);
    const get = (name: string, len: number): Float32Array => {
      const t = tensors.get(name);
      if (!t || !(t.data instanceof Float32Array) || t.data.length !== len) {
        throw new Error(`${who}: tensor ${name} expected Float32Array[${len}], got ` +
          (t ? `${t.data.constructor.name}[${t.data.length}]` : 'nothing'));
      }
      return t.data;
    };
    const idf = get('idf', V);
    const components = get('components', V * dim);
    const sv = Float64Array.from(get('singular_values', dim));
    const vocab = V === 0 ? [] : (metadata.vocab ?? '').split('\n');
    if (vocab.length !== V) throw new Error(`${who}: vocabulary expected ${V} terms, got ${vocab.length}`);
    const cfg: TfidfConfig = tfidfConfig(JSON.parse(metadata.tfidf_config));
    const model = makeTfidfModel(cfg, vocab, idf, Number(metadata.num_docs));
    return new TfidfSvdEncoder(model, components, sv, dim, Number(metadata.rank));
  }
}

/** Makes each component's largest-magnitude entry positive (SVD signs are arbitrary). v: [V, k] */
function fixSigns(v: Float32Array, V: number, k: number): void {
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let r = 0; r < V; r++) if (Math.abs(v[r * k + c]) > Math.abs(best)) best = v[r * k + c];
    if (best < 0) for (let r = 0; r < V; r++) v[r * k + c] = -v[r * k + c];
  }
}

/** A seeded uniform sample of n rows of a (keeping their order). a: [R, C] -> [n, C] */
function sampleRows(a: Csr, n: number, seed: number): Csr {
  if (!Number.isInteger(n) || n < 1) throw new Error(`TfidfSvdEncoder.fit: svdSampleDocs expected integer >= 1, got ${n}`);
  const rng = new Rng(seed ^ 0x5bd1e995);
  const perm = Int32Array.from({ length: a.rows }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(a.rows - i);
    const t = perm[i]; perm[i] = perm[j]; perm[j] = t;
  }
  const rows = perm.subarray(0, n).sort();
  const indptr = new Int32Array(n + 1);
  for (let r = 0; r < n; r++) indptr[r + 1] = indptr[r] + a.indptr[rows[r] + 1] - a.indptr[rows[r]];
  const indices = new Int32Array(indptr[n]);
  const values = new Float32Array(indptr[n]);
  for (let r = 0; r < n; r++) {
    indices.set(a.indices.subarray(a.indptr[rows[r]], a.indptr[rows[r] + 1]), indptr[r]);
    values.set(a.values.subarray(a.indptr[rows[r]], a.indptr[rows[r] + 1]), indptr[r]);
  }
  return { rows: n, cols: a.cols, indptr, indices, values };
}
