// In-batch sampled softmax with logQ correction (Yi et al. 2019, the paper's inverse-popularity
// weighting): row b's positive is column b; every other item of the batch is a negative, except
// columns holding the same item id as row b's positive (masked). Logits are corrected by
// subtracting log q(item), q = the item's share of the training positives, so popular items
// are not over-penalised for appearing as negatives more often.
import { Tape, Tensor, l2Normalize, matmul, scale, softmaxCrossEntropy } from '../../tensor/index.ts';

/**
 * log q per item from positive counts: log(count / total). Items with count 0 get log(0.5 / total)
 * (they never appear in a batch; the value only keeps the table finite).
 * counts: [N] -> [N]
 */
export function itemLogQ(counts: ArrayLike<number>): Float32Array {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const out = new Float32Array(counts.length);
  if (total === 0) return out;
  for (let i = 0; i < counts.length; i++) out[i] = Math.log(Math.max(counts[i], 0.5) / total);
  return out;
}

/**
 * Column offsets -log q of the batch's items (added to the logits).
 * itemIds: [B], logQ: [N] -> out: [B]
 */
export function logQOffsets(itemIds: Int32Array, logQ: Float32Array, out: Float32Array = new Float32Array(itemIds.length)): Float32Array {
  for (let c = 0; c < itemIds.length; c++) out[c] = -logQ[itemIds[c]];
  return out;
}

/**
 * Mask of in-batch negatives equal to the row's positive: mask[b, c] = 1 when c != b and
 * itemIds[c] == itemIds[b]. itemIds: [B] -> out: [B*B]
 */
export function duplicateMask(itemIds: Int32Array, out: Uint8Array = new Uint8Array(itemIds.length * itemIds.length)): Uint8Array {
  const B = itemIds.length;
  out.fill(0, 0, B * B);
  for (let b = 0; b < B; b++) {
    const t = itemIds[b];
    for (let c = b + 1; c < B; c++) {
      if (itemIds[c] === t) { out[b * B + c] = 1; out[c * B + b] = 1; }
    }
  }
  return out;
}

/** Reusable per-step scratch of inBatchSoftmaxLoss (avoid allocating per step). */
export interface LossScratch {
  targets: Int32Array;
  offsets: Float32Array;
  mask: Uint8Array;
}

/** Scratch for batches of up to B rows. */
export function lossScratch(B: number): LossScratch {
  return { targets: Int32Array.from({ length: B }, (_, i) => i), offsets: new Float32Array(B), mask: new Uint8Array(B * B) };
}

/**
 * The retrieval loss on tower outputs (takes embeddings, not towers).
 * u: [B, H] user vectors, v: [B, H] item vectors of the batch's positives, itemIds: [B],
 * logQ: [N] or null (no correction), temperature: null = raw dot product (paper), else
 * cosine / temperature (both sides L2-normalised) -> [1] mean cross-entropy
 * @example const loss = inBatchSoftmaxLoss(tp, u, v, batchItems, logQ);
 */
export function inBatchSoftmaxLoss(tp: Tape, u: Tensor, v: Tensor, itemIds: Int32Array, logQ: Float32Array | null,
  scratch: LossScratch = lossScratch(itemIds.length), temperature: number | null = null): Tensor {
  const B = itemIds.length;
  if (u.shape[0] !== B || v.shape[0] !== B) {
    throw new RangeError(`inBatchSoftmaxLoss: u and v must have ${B} rows (itemIds), got [${u.shape.join(', ')}] and [${v.shape.join(', ')}]`);
  }
  if (temperature !== null && !(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`inBatchSoftmaxLoss: temperature must be null or a finite number > 0, got ${temperature}`);
  const logits = temperature === null
    ? matmul(tp, u, v, { transB: true }) // [B, B]
    : scale(tp, matmul(tp, l2Normalize(tp, u), l2Normalize(tp, v), { transB: true }), 1 / temperature);
  const mask = duplicateMask(itemIds, scratch.mask.subarray(0, B * B));
  const offsets = logQ ? logQOffsets(itemIds, logQ, scratch.offsets.subarray(0, B)) : undefined;
  return softmaxCrossEntropy(tp, logits, scratch.targets.subarray(0, B), { offsets, mask });
}

/** L2-normalises every row in place (zero rows stay zero). a: [R, H] -> a */
export function normalizeRows(a: Float32Array, H: number): Float32Array {
  for (let r = 0; r * H < a.length; r++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += a[r * H + j] * a[r * H + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < H; j++) a[r * H + j] *= inv;
  }
  return a;
}
