// Log-softmax cross-entropy with per-row weights, additive logit offsets (logQ correction)
// and a mask of excluded logits (in-batch negatives that share the positive's id).
import * as k from '../kernels.ts';
import type { Tape } from '../tape.ts';
import type { Tensor } from '../tensor.ts';
import { expectI32, expectRank, fmt } from './check.ts';

/** Options of softmaxCrossEntropy. */
export interface XentOpts {
  /** Per-row weights [B] (default 1). The loss is sum_b w_b ce_b / sum_b w_b. */
  weights?: Float32Array;
  /** Added to the logits before the softmax: [C] (one per column, e.g. -log q_c) or [B*C]. */
  offsets?: Float32Array;
  /** [B*C], 1 = leave this logit out of the softmax (it may not be the row's target). */
  mask?: Uint8Array;
}

/**
 * Weighted mean over rows of -log softmax(logits[b] + offsets)[targets[b]].
 * logits: [B, C], targets: [B] (column of each row's positive) -> [1]. Empty batches give 0.
 * @example const loss = softmaxCrossEntropy(tp, matmul(tp, u, v, { transB: true }), diag, { offsets: negLogQ });
 */
export function softmaxCrossEntropy(tp: Tape, logits: Tensor, targets: Int32Array, opts: XentOpts = {}): Tensor {
  const op = 'softmaxCrossEntropy';
  expectRank(op, 'logits', logits, 2);
  expectI32(op, 'targets', targets);
  const [B, C] = logits.shape;
  if (targets.length !== B) throw new RangeError(`${op}: targets must have length ${B} (rows of logits ${fmt(logits.shape)}), got ${targets.length}`);
  const { weights, offsets, mask } = opts;
  if (weights && (!(weights instanceof Float32Array) || weights.length !== B)) {
    throw new RangeError(`${op}: weights must be a Float32Array of length ${B}, got ${weights.constructor.name}(${weights.length})`);
  }
  if (offsets && (!(offsets instanceof Float32Array) || (offsets.length !== C && offsets.length !== B * C))) {
    throw new RangeError(`${op}: offsets must be a Float32Array of length ${C} (per column) or ${B * C} (per logit), got ${offsets.constructor.name}(${offsets.length})`);
  }
  if (mask && (!(mask instanceof Uint8Array) || mask.length !== B * C)) {
    throw new RangeError(`${op}: mask must be a Uint8Array of length ${B * C}, got ${mask.constructor.name}(${mask.length})`);
  }
  const perLogit = offsets !== undefined && offsets.length === B * C && B * C !== C;
  let wsum = 0;
  for (let b = 0; b < B; b++) {
    const t = targets[b];
    if (!Number.isInteger(t) || t < 0 || t >= C) throw new RangeError(`${op}: targets[${b}] = ${t} out of range [0, ${C})`);
    if (mask && mask[b * C + t]) throw new RangeError(`${op}: mask[${b}, ${t}] hides the target of row ${b}`);
    wsum += weights ? weights[b] : 1;
  }
  const rg = tp.needsGrad(logits);
  const out = tp.alloc([1], rg);
  // probs starts as the shifted logits z + offsets (masked: -Infinity), then the softmax
  // kernel turns each row into probabilities in place and returns its log-sum-exp.
  const probs = tp.pool.f32(B * C);
  const z = logits.data;
  if (!offsets && !mask) probs.set(z);
  else {
    for (let b = 0; b < B; b++) {
      const r = b * C;
      for (let c = 0; c < C; c++) {
        probs[r + c] = mask && mask[r + c] ? -Infinity : z[r + c] + (offsets ? offsets[perLogit ? r + c : c] : 0);
      }
    }
  }
  let loss = 0;
  if (B > 0) {
    const zt = new Float64Array(B); // shifted target logits, read before the softmax overwrites them
    for (let b = 0; b < B; b++) zt[b] = probs[b * C + targets[b]];
    const lse = new Float64Array(B);
    k.softmaxRows(probs, C, probs, lse);
    for (let b = 0; b < B; b++) loss += (weights ? weights[b] : 1) * (lse[b] - zt[b]);
  }
  out.data[0] = wsum === 0 ? 0 : loss / wsum;
  // wsum = 0 (empty batch or all-zero weights): the loss is the constant 0, its gradient 0.
  if (rg) {
    tp.record(out, () => {
      const g0 = wsum === 0 ? 0 : out.grad![0] / wsum;
      const [gl, beta] = tp.gradForWrite(logits);
      const p = probs;
      for (let b = 0; b < B; b++) {
        const r = b * C, gb = g0 * (weights ? weights[b] : 1);
        if (beta === 0) for (let c = 0; c < C; c++) gl[r + c] = gb * p[r + c];
        else for (let c = 0; c < C; c++) gl[r + c] += gb * p[r + c];
        gl[r + targets[b]] -= gb;
      }
    });
  }
  return out;
}
