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

/** 32-bit mix of the piece-id pair (a, b). */
function pairHash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/** Bucket of (a, b) in the bigram pre-count (any hash is exact there: it only bounds df). */
function pairBucket(a: number, b: number): number {
  return pairHash(a, b) & BIGRAM_MASK;
}

/** Open-addressing map (a, b) -> non-negative int over typed arrays (linear probing, load <= 1/2). */
class PairMap {
  private ka = new Int32Array(1 << 16).fill(-1);
  private kb = new Int32Array(1 << 16);
  private val = new Int32Array(1 << 16);
  private size = 0;

  /** The value of (a, b), or -1. */
  get(a: number, b: number): number {
    const mask = this.ka.length - 1;
    for (let i = pairHash(a, b) & mask; ; i = (i + 1) & mask) {
      const x = this.ka[i];
      if (x === -1) return -1;
      if (x === a && this.kb[i] === b) return this.val[i];
    }
  }

  /** Inserts (a, b) -> v; (a, b) must be absent. */
  add(a: number, b: number, v: number): void {
    if (2 * (this.size + 1) > this.ka.length) this.grow();
    this.place(a, b, v);
    this.size++;
  }

  private place(a: number, b: number, v: number): void {
    const mask = this.ka.length - 1;
    let i = pairHash(a, b) & mask;
    while (this.ka[i] !== -1) i = (i + 1) & mask;
    this.ka[i] = a; this.kb[i] = b; this.val[i] = v;
  }

  private grow(): void {
    const { ka, kb, val } = this;
    this.ka = new Int32Array(ka.length * 2).fill(-1);
    this.kb = new Int32Array(ka.length * 2);
    this.val = new Int32Array(ka.length * 2);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== -1) this.place(ka[i], kb[i], val[i]);
  }
}

/** Per-segment cache bound: cleared when it holds more than this many segments' term ids. */
const SEGMENT_CACHE_MAX = 1 << 20;

/** Interns strings as dense ids 0, 1, 2, ... in order of first sight. */
class Interner {
  readonly ids = new Map<string, number>();
  readonly strs: string[] = [];
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) { id = this.strs.length; this.ids.set(s, id); this.strs.push(s); }
    return id;
  }
}

/**
 * Fits the vocabulary and idf on a corpus. Throws when nothing survives the document
 * frequency filter (e.g. minDf=2 on a handful of unrelated documents).
 * Each document is segmented once; segments and pieces (words) are interned as ids, so each
 * distinct segment's unigram + n-gram term ids are computed once, and bigrams are keyed by
 * their piece-id pair (a string is made only for a bigram's first occurrence). The vocabulary
 * order (df descending, then the term's code units) is a per-df-bucket string sort.
 * Example: const m = fitTfidf(['red apple', 'green apple'], tfidfConfig({ minDf: 1 }));
 */
export function fitTfidf(docs: readonly string[], config: TfidfConfig = DEFAULT_TFIDF): TfidfModel {
  const cfg = config.tokenizer;
  const N = docs.length;
  // Pass 1: segment once. docSegs / docPieces: the documents' segment / piece ids, concatenated.
  const segs = new Interner();
  const pcs = new Interner();
  const docSegs = new IntBuf();
  const docPieces = new IntBuf();
  const segOff = new Int32Array(N + 1);
  const pieceOff = new Int32Array(N + 1);
  for (let d = 0; d < N; d++) {
    const { segments, pieces } = segmentText(docs[d] ?? '');
    for (const seg of segments) docSegs.push(segs.id(seg));
    for (const pc of pieces) docPieces.push(pcs.id(pc));
    segOff[d + 1] = docSegs.length;
    pieceOff[d + 1] = docPieces.length;
  }
  const sIds = docSegs.data, pIds = docPieces.data;

  const termId = new Map<string, number>();
  const termStr: string[] = [];
  const df = new IntBuf();
  const lastDoc = new IntBuf();
  const newTerm = (t: string): number => {
    const id = termStr.length;
    termStr.push(t);
    df.push(0);
    lastDoc.push(-1);
    return id;
  };
  const segIds: number[] = [];
  const pushSeg = (t: string): void => {
    let id = termId.get(t);
    if (id === undefined) { id = newTerm(t); termId.set(t, id); }
    segIds.push(id);
  };
  let segTerms: (Int32Array | undefined)[] = new Array(segs.strs.length);
  let cached = 0;
  // Most bigrams occur once: count occurrences per hash bucket of the piece pair (an upper
  // bound of df, collisions only add), so bigrams that cannot reach minDf are never looked up.
  let bigramSeen: Uint8Array | null = null;
  if (cfg.wordBigrams && config.minDf >= 2) {
    bigramSeen = new Uint8Array(BIGRAM_MASK + 1);
    for (let d = 0; d < N; d++) {
      for (let i = pieceOff[d]; i + 1 < pieceOff[d + 1]; i++) {
        const h = pairBucket(pIds[i], pIds[i + 1]);
        if (bigramSeen[h] < 255) bigramSeen[h]++;
      }
    }
  }
  // Bigram term id by piece-id pair (pieces have no spaces, so the pair names the term).
  const bigramId = new PairMap();
  for (let d = 0; d < N; d++) {
    for (let s = segOff[d]; s < segOff[d + 1]; s++) {
      const seg = sIds[s];
      let ids = segTerms[seg];
      if (!ids) {
        segIds.length = 0;
        forEachSegmentTerm(segs.strs[seg], cfg, pushSeg);
        ids = Int32Array.from(segIds);
        if (cached >= SEGMENT_CACHE_MAX) { segTerms = new Array(segs.strs.length); cached = 0; }
        segTerms[seg] = ids;
        cached++;
      }
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        if (lastDoc.data[id] !== d) { lastDoc.data[id] = d; df.data[id]++; }
      }
    }
    if (!cfg.wordBigrams) continue;
    for (let i = pieceOff[d]; i + 1 < pieceOff[d + 1]; i++) {
      const a = pIds[i], b = pIds[i + 1];
      if (bigramSeen && bigramSeen[pairBucket(a, b)] < config.minDf) continue;
      let id = bigramId.get(a, b);
      if (id < 0) { id = newTerm('b:' + pcs.strs[a] + ' ' + pcs.strs[b]); bigramId.add(a, b, id); }
      if (lastDoc.data[id] !== d) { lastDoc.data[id] = d; df.data[id]++; }
    }
  }
  const maxDf = config.maxDfRatio * N;
  // Kept terms bucketed by df; buckets taken from the highest df down, each in code-unit order.
  const buckets = new Map<number, string[]>();
  let keptCount = 0;
  for (let id = 0; id < termStr.length; id++) {
    const c = df.data[id];
    if (c < config.minDf || c > maxDf) continue;
    let b = buckets.get(c);
    if (!b) { b = []; buckets.set(c, b); }
    b.push(termStr[id]);
    keptCount++;
  }
  if (keptCount === 0) {
    throw new Error(`fitTfidf: vocabulary is empty: ${termStr.length} distinct terms in ${N} documents, none with ` +
      `minDf=${config.minDf} <= df <= maxDfRatio*N=${maxDf}; lower minDf or give more text`);
  }
  const vocab: string[] = [];
  const vocabDf: number[] = [];
  for (const c of [...buckets.keys()].sort((x, y) => y - x)) {
    if (vocab.length >= config.maxFeatures) break;
    const b = buckets.get(c)!.sort(); // default sort = UTF-16 code-unit order
    for (let i = 0; i < b.length && vocab.length < config.maxFeatures; i++) { vocab.push(b[i]); vocabDf.push(c); }
  }
  const idf = new Float32Array(vocab.length);
  for (let i = 0; i < vocab.length; i++) idf[i] = Math.log((1 + N) / (1 + vocabDf[i])) + 1;
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
