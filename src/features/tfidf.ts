// TF-IDF over a fitted vocabulary (not hashing): the vocabulary keeps the terms with
// document frequency >= minDf and <= maxDfRatio * N, the maxFeatures most frequent of them
// (ties broken by the term's code-unit order, so fitting is deterministic). A vocabulary is
// inspectable and collision-free; its cost is storing the strings in the saved model.
//
// Weights: tf' = 1 + ln(tf) (sublinear) or tf; idf = ln((1 + N) / (1 + df)) + 1 (smoothed,
// never zero); each row is L2-normalised. A document with no known term is an empty row.

import type { Csr } from './csr.ts';
import {
  DEFAULT_TOKENIZER, forEachBigram, forEachSegmentTerm, segmentText, tokenizerConfig, type TokenizerConfig,
} from './tokenize.ts';

export interface TfidfConfig {
  readonly tokenizer: TokenizerConfig;
  /** keep terms that occur in at least this many documents (default 2) */
  readonly minDf: number;
  /** drop terms that occur in more than this share of documents (default 1 = keep all) */
  readonly maxDfRatio: number;
  /** vocabulary cap, most frequent terms first (default 200,000) */
  readonly maxFeatures: number;
  /** tf' = 1 + ln(tf) when true (default), raw counts otherwise */
  readonly sublinearTf: boolean;
}

export const DEFAULT_TFIDF: TfidfConfig = Object.freeze({
  tokenizer: DEFAULT_TOKENIZER, minDf: 2, maxDfRatio: 1, maxFeatures: 200_000, sublinearTf: true,
});

/** Validated, frozen TF-IDF settings. */
export function tfidfConfig(c: Partial<Omit<TfidfConfig, 'tokenizer'>> & { tokenizer?: Partial<TokenizerConfig> } = {}): TfidfConfig {
  const out = { ...DEFAULT_TFIDF, ...c, tokenizer: tokenizerConfig(c.tokenizer ?? DEFAULT_TFIDF.tokenizer) };
  if (!Number.isInteger(out.minDf) || out.minDf < 1) throw new Error(`tfidfConfig: minDf expected integer >= 1, got ${out.minDf}`);
  if (!(out.maxDfRatio > 0 && out.maxDfRatio <= 1)) {
    throw new Error(`tfidfConfig: maxDfRatio expected in (0, 1], got ${out.maxDfRatio}`);
  }
  if (!Number.isInteger(out.maxFeatures) || out.maxFeatures < 1) {
    throw new Error(`tfidfConfig: maxFeatures expected integer >= 1, got ${out.maxFeatures}`);
  }
  return Object.freeze(out);
}

/** A fitted TF-IDF vectoriser. */
export interface TfidfModel {
  readonly config: TfidfConfig;
  /** term of each column, [V] */
  readonly vocab: readonly string[];
  /** term -> column */
  readonly index: ReadonlyMap<string, number>;
  /** [V] */
  readonly idf: Float32Array;
  /** documents seen at fit time */
  readonly numDocs: number;
}

/** Builds the model from its stored parts (vocabulary order = column order). */
export function makeTfidfModel(config: TfidfConfig, vocab: string[], idf: Float32Array, numDocs: number): TfidfModel {
  if (idf.length !== vocab.length) {
    throw new Error(`makeTfidfModel: idf length expected vocab size ${vocab.length}, got ${idf.length}`);
  }
  const index = new Map<string, number>();
  vocab.forEach((t, i) => {
    if (index.has(t)) throw new Error(`makeTfidfModel: duplicate term ${JSON.stringify(t)} at ${i}`);
    index.set(t, i);
  });
  return { config, vocab, index, idf, numDocs };
}

/** Growable Int32Array. */
class IntBuf {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) { const d = new Int32Array(this.data.length * 2); d.set(this.data); this.data = d; }
    this.data[this.length++] = v;
  }
}

/** Buckets of the bigram pre-count (4M, one byte each). */
const BIGRAM_MASK = (1 << 22) - 1;

/** FNV-1a over the UTF-16 units of a, a separator, then b. */
function pairHash(a: string, b: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x20, 0x01000193);
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Per-segment cache bound: cleared when it grows past this many segments. */
const SEGMENT_CACHE_MAX = 1 << 20;

/**
 * Fits the vocabulary and idf on a corpus. Throws when nothing survives the document
 * frequency filter (e.g. minDf=2 on a handful of unrelated documents).
 * Words repeat, so each segment's unigram + n-gram ids are computed once and cached.
 * Example: const m = fitTfidf(['red apple', 'green apple'], tfidfConfig({ minDf: 1 }));
 */
export function fitTfidf(docs: readonly string[], config: TfidfConfig = DEFAULT_TFIDF): TfidfModel {
  const cfg = config.tokenizer;
  const termId = new Map<string, number>();
  const termStr: string[] = [];
  const df = new IntBuf();
  const lastDoc = new IntBuf();
  const idOf = (t: string): number => {
    let id = termId.get(t);
    if (id === undefined) {
      id = termStr.length;
      termId.set(t, id);
      termStr.push(t);
      df.push(0);
      lastDoc.push(-1);
    }
    return id;
  };
  const segCache = new Map<string, Int32Array>();
  const segIds: number[] = [];
  const pushSeg = (t: string): void => { segIds.push(idOf(t)); };
  const see = (id: number, d: number): void => {
    if (lastDoc.data[id] !== d) { lastDoc.data[id] = d; df.data[id]++; }
  };
  // Most bigrams occur once: a first pass counts occurrences per hash bucket (an upper bound
  // of df, collisions only add), so bigrams that cannot reach minDf never become strings.
  let bigramSeen: Uint8Array | null = null;
  if (cfg.wordBigrams && config.minDf >= 2) {
    bigramSeen = new Uint8Array(BIGRAM_MASK + 1);
    for (let d = 0; d < docs.length; d++) {
      const { pieces } = segmentText(docs[d] ?? '');
      for (let i = 0; i + 1 < pieces.length; i++) {
        const h = pairHash(pieces[i], pieces[i + 1]) & BIGRAM_MASK;
        if (bigramSeen[h] < 255) bigramSeen[h]++;
      }
    }
  }
  for (let d = 0; d < docs.length; d++) {
    const { segments, pieces } = segmentText(docs[d] ?? '');
    for (const seg of segments) {
      let ids = segCache.get(seg);
      if (!ids) {
        segIds.length = 0;
        forEachSegmentTerm(seg, cfg, pushSeg);
        ids = Int32Array.from(segIds);
        if (segCache.size >= SEGMENT_CACHE_MAX) segCache.clear();
        segCache.set(seg, ids);
      }
      for (let k = 0; k < ids.length; k++) see(ids[k], d);
    }
    if (!cfg.wordBigrams) continue;
    for (let i = 0; i + 1 < pieces.length; i++) {
      if (bigramSeen && bigramSeen[pairHash(pieces[i], pieces[i + 1]) & BIGRAM_MASK] < config.minDf) continue;
      see(idOf('b:' + pieces[i] + ' ' + pieces[i + 1]), d);
    }
  }
  const N = docs.length;
  const maxDf = config.maxDfRatio * N;
  const kept: number[] = [];
  for (let id = 0; id < termStr.length; id++) {
    const c = df.data[id];
    if (c >= config.minDf && c <= maxDf) kept.push(id);
  }
  if (kept.length === 0) {
    throw new Error(`fitTfidf: vocabulary is empty: ${termStr.length} distinct terms in ${N} documents, none with ` +
      `minDf=${config.minDf} <= df <= maxDfRatio*N=${maxDf}; lower minDf or give more text`);
  }
  kept.sort((a, b) => df.data[b] - df.data[a] || (termStr[a] < termStr[b] ? -1 : termStr[a] > termStr[b] ? 1 : 0));
  if (kept.length > config.maxFeatures) kept.length = config.maxFeatures;
  const vocab = kept.map((id) => termStr[id]);
  const idf = new Float32Array(vocab.length);
  for (let i = 0; i < kept.length; i++) idf[i] = Math.log((1 + N) / (1 + df.data[kept[i]])) + 1;
  return makeTfidfModel(config, vocab, idf, N);
}

/** Per-model transform scratch: segment -> known column ids (unknown terms dropped). */
const transformCaches = new WeakMap<TfidfModel, Map<string, Int32Array>>();

/**
 * TF-IDF rows of documents. docs: [N] -> CSR [N, V], each non-empty row of unit L2 norm,
 * columns sorted within a row. Unknown terms are ignored; a document without known terms
 * is an empty row.
 */
export function tfidfTransform(model: TfidfModel, docs: readonly string[]): Csr {
  const { index, idf } = model;
  const cfg = model.config.tokenizer;
  const sub = model.config.sublinearTf;
  const V = model.vocab.length;
  let segCache = transformCaches.get(model);
  if (!segCache) { segCache = new Map(); transformCaches.set(model, segCache); }
  const indptr = new Int32Array(docs.length + 1);
  let cap = 1024;
  let indices = new Int32Array(cap);
  let values = new Float32Array(cap);
  let nnz = 0;
  const count = new Int32Array(V);
  const touched = new Int32Array(V); // ids seen in the current document: touched[0 .. nt)
  let nt = 0;
  const segIds: number[] = [];
  const pushSeg = (t: string): void => { const j = index.get(t); if (j !== undefined) segIds.push(j); };
  const add = (j: number): void => { if (count[j]++ === 0) touched[nt++] = j; };
  for (let i = 0; i < docs.length; i++) {
    const { segments, pieces } = segmentText(docs[i] ?? '');
    for (const seg of segments) {
      let ids = segCache.get(seg);
      if (!ids) {
        segIds.length = 0;
        forEachSegmentTerm(seg, cfg, pushSeg);
        ids = Int32Array.from(segIds);
        if (segCache.size >= SEGMENT_CACHE_MAX) segCache.clear();
        segCache.set(seg, ids);
      }
      for (let k = 0; k < ids.length; k++) add(ids[k]);
    }
    forEachBigram(pieces, cfg, (t) => { const j = index.get(t); if (j !== undefined) add(j); });
    touched.subarray(0, nt).sort();
    if (nnz + nt > cap) {
      while (nnz + nt > cap) cap *= 2;
      const ni = new Int32Array(cap); ni.set(indices.subarray(0, nnz)); indices = ni;
      const nv = new Float32Array(cap); nv.set(values.subarray(0, nnz)); values = nv;
    }
    let ss = 0;
    for (let k = 0; k < nt; k++) {
      const j = touched[k];
      const tf = count[j];
      count[j] = 0;
      const w = (sub ? 1 + Math.log(tf) : tf) * idf[j];
      indices[nnz + k] = j;
      values[nnz + k] = w;
      ss += w * w;
    }
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let k = 0; k < nt; k++) values[nnz + k] *= inv;
    }
    nnz += nt;
    nt = 0;
    indptr[i + 1] = nnz;
  }
  return { rows: docs.length, cols: V, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}
