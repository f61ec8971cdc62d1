import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, softmaxCrossEntropy } from '../index.ts';
import { assertClose, gradcheck, randn } from '../../testing/index.ts';
import { softmaxCrossEntropy64 } from '../../testing/reference.ts';

test('softmaxCrossEntropy hand-computed: uniform logits give log C, gradient p - onehot', () => {
  const tp = new Tape();
  const z = Tensor.from([0, 0, 0, 0, 0, 0], [2, 3], { requiresGrad: true });
  const l = softmaxCrossEntropy(tp, z, new Int32Array([0, 2]));
  assertClose([l.item()], [Math.log(3)]);
  tp.backward(l);
  assertClose(z.grad!, [-1 / 3, 1 / 6, 1 / 6, 1 / 6, 1 / 6, -1 / 3]);
});

test('softmaxCrossEntropy offsets, mask and weights change the loss as defined', () => {
  const tp = new Tape();
  const z = Tensor.from([1, 2, 3, 0, 0, 0], [2, 3]);
  const t = new Int32Array([0, 1]);
  // offsets per column act like logits + offsets
  const withOff = softmaxCrossEntropy(tp, z, t, { offsets: new Float32Array([1, -1, 0]) }).item();
  const shifted = softmaxCrossEntropy(tp, Tensor.from([2, 1, 3, 1, -1, 0], [2, 3]), t).item();
  assertClose([withOff], [shifted], 1e-6);
  // masking column 2 of row 0 removes it: row 0 becomes a 2-class problem
  const masked = softmaxCrossEntropy(tp, z, t, { mask: new Uint8Array([0, 0, 1, 0, 0, 0]) }).item();
  const ce0 = Math.log(Math.exp(1) + Math.exp(2)) - 1, ce1 = Math.log(3);
  assertClose([masked], [(ce0 + ce1) / 2]);
  // weights: weighted mean over rows
  const w = softmaxCrossEntropy(tp, z, t, { weights: new Float32Array([3, 1]) }).item();
  const full0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1;
  assertClose([w], [(3 * full0 + ce1) / 4]);
  assert.equal(softmaxCrossEntropy(tp, Tensor.zeros([0, 3]), new Int32Array(0)).item(), 0);
});

test('softmaxCrossEntropy gradcheck with offsets, mask and weights', () => {
  const rng = new Rng(17);
  const z = randn([4, 5], rng, 1, 'logits');
  const t = new Int32Array([0, 3, 4, 1]);
  const mask = new Uint8Array(20); mask[1] = 1; mask[5 + 4] = 1; mask[15 + 0] = 1;
  const offsets = new Float32Array(5).map(() => rng.normal());
  const weights = new Float32Array([1, 0.5, 2, 0]);
  gradcheck((tp, [a]) => softmaxCrossEntropy(tp, a, t), [z]);
  gradcheck((tp, [a]) => softmaxCrossEntropy(tp, a, t, { mask, offsets, weights }), [z]);
  const perLogit = new Float32Array(20).map(() => rng.normal());
  gradcheck((tp, [a]) => softmaxCrossEntropy(tp, a, t, { offsets: perLogit }), [z]);
});

test('softmaxCrossEntropy rejects bad targets, masks and option shapes by name', () => {
  const tp = new Tape();
  const z = Tensor.zeros([2, 3]);
  assert.throws(() => softmaxCrossEntropy(tp, z, new Int32Array([0])), /softmaxCrossEntropy: targets must have length 2 \(rows of logits \[2, 3\]\), got 1/);
  assert.throws(() => softmaxCrossEntropy(tp, z, new Int32Array([0, 3])), /softmaxCrossEntropy: targets\[1\] = 3 out of range \[0, 3\)/);
  assert.throws(() => softmaxCrossEntropy(tp, z, new Int32Array([0, 1]), { mask: new Uint8Array([1, 0, 0, 0, 0, 0]) }), /mask\[0, 0\] hides the target of row 0/);
  assert.throws(() => softmaxCrossEntropy(tp, z, new Int32Array([0, 1]), { offsets: new Float32Array(4) }), /offsets must be a Float32Array of length 3 \(per column\) or 6 \(per logit\), got Float32Array\(4\)/);
  assert.throws(() => softmaxCrossEntropy(tp, z, new Int32Array([0, 1]), { weights: new Float32Array(3) }), /weights must be a Float32Array of length 2/);
});

test('softmaxCrossEntropy float64-reference gradcheck with offsets, mask and weights', () => {
  const rng = new Rng(18);
  const z = randn([4, 5], rng, 2, 'logits');
  const t = new Int32Array([0, 3, 4, 1]);
  const mask = new Uint8Array(20); mask[1] = 1; mask[9] = 1; mask[15] = 1;
  const opts = { mask, offsets: new Float32Array(5).map(() => rng.normal()), weights: new Float32Array([1, 0.5, 2, 0]) };
  gradcheck((tp, [a]) => softmaxCrossEntropy(tp, a, t, opts), [z],
    { reference: ([a]) => [softmaxCrossEntropy64(a, 4, 5, t, opts)] });
});
