// TF-IDF over a fitted vocabulary (not hashing): the vocabulary keeps the terms with
// document frequency >= minDf and <= maxDfRatio * N, the maxFeatures most frequent of them
// (ties broken by the term's code-unit order, so fitting is deterministic). A vocabulary is
// inspectable and collision-free; its cost is storing the strings in the saved model.
//
// Weights: tf' = 1 + ln(tf) (sublinear) or tf; idf = ln((1 + N) / (1 + df)) + 1 (smoothed,
// never zero); each row is L2-normalised. A document with no known term is an empty row.

import type { Csr } from './csr.ts';
import { DEFAULT_TOKENIZER, forEachTerm, tokenizerConfig, type TokenizerConfig } from './tokenize.ts';

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

/**
 * Fits the vocabulary and idf on a corpus. Throws when nothing survives the document
 * frequency filter (e.g. minDf=2 on a handful of unrelated documents).
 * Example: const m = fitTfidf(['red apple', 'green apple'], tfidfConfig({ minDf: 1 }));
 */
export function fitTfidf(docs: readonly string[], config: TfidfConfig = DEFAULT_TFIDF): TfidfModel {
  const df = new Map<string, number>();
  const seen = new Set<string>();
  for (const d of docs) {
    seen.clear();
    forEachTerm(d ?? '', config.tokenizer, (t) => seen.add(t));
    for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
  }
  const N = docs.length;
  const maxDf = config.maxDfRatio * N;
  const kept: [string, number][] = [];
  for (const [t, c] of df) if (c >= config.minDf && c <= maxDf) kept.push([t, c]);
  if (kept.length === 0) {
    throw new Error(`fitTfidf: vocabulary is empty: ${df.size} distinct terms in ${N} documents, none with ` +
      `minDf=${config.minDf} <= df <= maxDfRatio*N=${maxDf}; lower minDf or give more text`);
  }
  kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (kept.length > config.maxFeatures) kept.length = config.maxFeatures;
  const vocab = kept.map((k) => k[0]);
  const idf = new Float32Array(vocab.length);
  for (let i = 0; i < kept.length; i++) idf[i] = Math.log((1 + N) / (1 + kept[i][1])) + 1;
  return makeTfidfModel(config, vocab, idf, N);
}

/**
 * TF-IDF rows of documents. docs: [N] -> CSR [N, V], each non-empty row of unit L2 norm,
 * columns sorted within a row. Unknown terms are ignored; a document without known terms
 * is an empty row.
 */
export function tfidfTransform(model: TfidfModel, docs: readonly string[]): Csr {
  const { index, idf } = model;
  const sub = model.config.sublinearTf;
  const indptr = new Int32Array(docs.length + 1);
  let cap = 1024;
  let indices = new Int32Array(cap);
  let values = new Float32Array(cap);
  let nnz = 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < docs.length; i++) {
    counts.clear();
    forEachTerm(docs[i] ?? '', model.config.tokenizer, (t) => {
      const j = index.get(t);
      if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
    });
    const cols = Array.from(counts.keys()).sort((a, b) => a - b);
    if (nnz + cols.length > cap) {
      while (nnz + cols.length > cap) cap *= 2;
      const ni = new Int32Array(cap); ni.set(indices.subarray(0, nnz)); indices = ni;
      const nv = new Float32Array(cap); nv.set(values.subarray(0, nnz)); values = nv;
    }
    let ss = 0;
    for (let k = 0; k < cols.length; k++) {
      const j = cols[k];
      const tf = counts.get(j)!;
      const w = (sub ? 1 + Math.log(tf) : tf) * idf[j];
      indices[nnz + k] = j;
      values[nnz + k] = w;
      ss += w * w;
    }
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let k = 0; k < cols.length; k++) values[nnz + k] *= inv;
    }
    nnz += cols.length;
    indptr[i + 1] = nnz;
  }
  return { rows: docs.length, cols: model.vocab.length, indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz) };
}
