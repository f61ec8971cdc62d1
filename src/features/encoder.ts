// The pluggable item text encoder. hgrec ships one implementation that needs no model
// (TfidfSvdEncoder, the default) and an optional Sentence-BERT ONNX one (sbert.ts).

/**
 * Turns item texts into fixed-size vectors. Contract for every implementation:
 * - encode(texts: [N]) resolves to a row-major Float32Array [N, dim];
 * - a row is L2-normalised, except for a text the encoder cannot represent (empty, or
 *   nothing it knows), which is an all-zero row;
 * - the same text always gives the same row (fit once, encode at serving time).
 */
export interface ItemTextEncoder {
  /** short id recorded in feature reports, e.g. 'tfidf-svd' or 'sbert-onnx:<model>' */
  readonly name: string;
  readonly dim: number;
  encode(texts: readonly string[]): Promise<Float32Array>;
}

/**
 * The text an item is encoded from: title and description joined by a newline, missing
 * parts skipped. Example: itemText('Dune', null) === 'Dune'
 */
export function itemText(title?: string | null, description?: string | null): string {
  const t = (title ?? '').trim();
  const d = (description ?? '').trim();
  return t && d ? `${t}\n${d}` : t || d;
}

/** Rows of x: [N, D] whose entries are all zero (the encoders' "no text" marker) -> [N] 0/1. */
export function zeroRows(x: Float32Array, D: number): Uint8Array {
  const N = D > 0 ? x.length / D : 0;
  const out = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    let z = 1;
    for (let j = i * D; j < (i + 1) * D; j++) if (x[j] !== 0) { z = 0; break; }
    out[i] = z;
  }
  return out;
}
