// Item tower input (SPEC §4):
//   dense row [Di] = [ text [T] | hgnn [H] ]   (hgnn only with useHgnn; items without an
//                                               HGNN embedding get zeros there)
//   language id, genre id -> learned embedding tables (row 0 = unknown, as in the vocabularies)
import type { ItemFeatures } from '../../features/index.ts';

/** Per-item inputs the item tower and the taste vector read (aligned with dense item ids). */
export interface ItemInputs {
  n: number;
  /** [N, textDim] text feature vectors (zero rows allowed) */
  text: Float32Array;
  textDim: number;
  /** [N] language / genre vocabulary ids (0 = unknown) */
  languageId: Int32Array;
  genreId: Int32Array;
  /** rows of the embedding tables (incl. the unknown row 0) */
  languageVocab: number;
  genreVocab: number;
}

/** HGNN item embeddings as an input: [N, dim] aligned with dense item ids, mask [N] (1 = has one). */
export interface HgnnInput {
  emb: Float32Array;
  dim: number;
  mask: Uint8Array;
}

/**
 * Item inputs from the feature builder's output: the text block of x, language/genre ids.
 * Vocabulary sizes default to max id + 1 (pass the fitted vocabularies' sizes when known).
 * features.x: [N, D] -> text: [N, T]
 */
export function itemInputsFromFeatures(f: ItemFeatures, vocab: { language?: number; genre?: number } = {}): ItemInputs {
  const N = f.numItems;
  const tb = f.blocks.find((b) => b.name === 'text');
  const T = tb ? tb.dim : 0;
  const text = new Float32Array(N * T);
  if (tb) for (let i = 0; i < N; i++) text.set(f.x.subarray(i * f.dim + tb.offset, i * f.dim + tb.offset + T), i * T);
  const maxId = (a: Int32Array): number => a.reduce((m, v) => Math.max(m, v), 0) + 1;
  return {
    n: N, text, textDim: T, languageId: f.languageId, genreId: f.genreId,
    languageVocab: vocab.language ?? maxId(f.languageId), genreVocab: vocab.genre ?? maxId(f.genreId),
  };
}

/** Checks shapes of item inputs and the HGNN input against N; names what is wrong. */
export function checkItemInputs(who: string, items: ItemInputs, hgnn: HgnnInput | null): void {
  const N = items.n;
  if (items.text.length !== N * items.textDim) throw new RangeError(`${who}: items.text must be [${N}, ${items.textDim}] (${N * items.textDim} floats), got ${items.text.length}`);
  for (const [k, a, V] of [['languageId', items.languageId, items.languageVocab], ['genreId', items.genreId, items.genreVocab]] as const) {
    if (a.length !== N) throw new RangeError(`${who}: items.${k} must have length ${N}, got ${a.length}`);
    for (let i = 0; i < N; i++) if (a[i] < 0 || a[i] >= V) throw new RangeError(`${who}: items.${k}[${i}] = ${a[i]} out of range [0, ${V})`);
  }
  if (hgnn) {
    if (hgnn.emb.length !== N * hgnn.dim) throw new RangeError(`${who}: hgnn.emb must be [${N}, ${hgnn.dim}] (${N * hgnn.dim} floats), got ${hgnn.emb.length}`);
    if (hgnn.mask.length !== N) throw new RangeError(`${who}: hgnn.mask must have length ${N}, got ${hgnn.mask.length}`);
  }
}

/** Item dense input size: T (+ H with HGNN). */
export function itemDenseDim(textDim: number, hgnnDim: number | null): number {
  return textDim + (hgnnDim ?? 0);
}

/**
 * The dense item input matrix. hgnn null = plain 2T (no HGNN columns at all).
 * text: [N, T], hgnn: [N, H] -> [N, T (+ H)]
 */
export function buildItemDense(items: ItemInputs, hgnn: HgnnInput | null): Float32Array {
  const N = items.n, T = items.textDim, H = hgnn ? hgnn.dim : 0, D = T + H;
  const out = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    out.set(items.text.subarray(i * T, i * T + T), i * D);
    if (hgnn && hgnn.mask[i]) out.set(hgnn.emb.subarray(i * H, i * H + H), i * D + T);
  }
  return out;
}

/**
 * Aligns per-type embeddings keyed by string ids (the shape of models/hgnn's ItemEmbeddings,
 * typed structurally so this folder does not import the HGNN) with dense item ids.
 * itemIds: [N] string id per dense id -> { emb: [N, dim], mask: [N] } (items absent from emb: zeros, mask 0)
 * @example const hgnn = hgnnInputFromTyped(items.ids, loadEmbeddings(path));
 */
export function hgnnInputFromTyped(itemIds: readonly string[], e: { dim: number; types: Record<string, { ids: readonly string[]; x: Float32Array }> }): HgnnInput {
  const N = itemIds.length, H = e.dim;
  if (!Number.isInteger(H) || H < 1) throw new RangeError(`hgnnInputFromTyped: dim must be an integer >= 1, got ${H}`);
  const index = new Map(itemIds.map((id, i) => [id, i]));
  const emb = new Float32Array(N * H), mask = new Uint8Array(N);
  for (const [t, { ids, x }] of Object.entries(e.types)) {
    if (x.length !== ids.length * H) throw new RangeError(`hgnnInputFromTyped: type '${t}' has ${ids.length} ids but ${x.length} values (dim ${H})`);
    ids.forEach((id, r) => {
      const i = index.get(id);
      if (i === undefined) return;
      emb.set(x.subarray(r * H, (r + 1) * H), i * H);
      mask[i] = 1;
    });
  }
  return { emb, dim: H, mask };
}
