import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, Tape, Tensor, hingeLoss } from '../index.ts';
import { assertClose, gradcheck, randnAwayFromZero } from '../../testing/index.ts';
import { hingeLoss64 } from '../../testing/reference.ts';

test('hingeLoss hand-computed: only violated pairs contribute', () => {
  const tp = new Tape();
  const pos = Tensor.from([2, 0.5], [2], { requiresGrad: true });
  const neg = Tensor.from([0.5, 1.5, 0, -1], [2, 2], { requiresGrad: true });
  // row 0: max(0, 1-2+0.5)=0, max(0, 1-2+1.5)=0.5; row 1: max(0,1-0.5+0)=0.5, max(0,1-0.5-1)=0
  const l = hingeLoss(tp, pos, neg, 1);
  assertClose([l.item()], [0.25]);
  tp.backward(l);
  assertClose(pos.grad!, [-0.25, -0.25]);
  assertClose(neg.grad!, [0, 0.25, 0.25, 0]);
});

test('hingeLoss gradcheck ([B, 1] positives, [B, M] negatives) and empty batch', () => {
  const rng = new Rng(13);
  const pos = randnAwayFromZero([5, 1], rng, 0.1, 'pos');
  const neg = randnAwayFromZero([5, 3], rng, 0.1, 'neg');
  // keep margin - pos + neg away from 0 so the kink is not straddled
  for (let b = 0; b < 5; b++) for (let m = 0; m < 3; m++) {
    const v = 0.5 - pos.data[b] + neg.data[b * 3 + m];
    if (Math.abs(v) < 0.05) neg.data[b * 3 + m] += 0.1;
  }
  gradcheck((tp, [p, n]) => hingeLoss(tp, p, n, 0.5), [pos, neg], { eps: 1e-3 });
  assert.equal(hingeLoss(new Tape(), Tensor.zeros([0]), Tensor.zeros([0, 4])).item(), 0);
});

test('hingeLoss rejects mismatched shapes by name', () => {
  const tp = new Tape();
  assert.throws(() => hingeLoss(tp, Tensor.zeros([3]), Tensor.zeros([2, 4])), /hingeLoss: neg must be \[3\] or \[3, M\].*got \[2, 4\]/);
  assert.throws(() => hingeLoss(tp, Tensor.zeros([3, 2]), Tensor.zeros([3])), /hingeLoss: pos must be \[B\] or \[B, 1\], got \[3, 2\]/);
  assert.throws(() => hingeLoss(tp, Tensor.zeros([3]), Tensor.zeros([3]), Infinity), /hingeLoss: margin must be a finite number/);
});

test('hingeLoss float64-reference gradcheck', () => {
  const rng = new Rng(14);
  const pos = randnAwayFromZero([6], rng, 0.1, 'pos'), neg = randnAwayFromZero([6, 2], rng, 0.1, 'neg');
  gradcheck((tp, [p, n]) => hingeLoss(tp, p, n, 0.3), [pos, neg], { reference: ([p, n]) => [hingeLoss64(p, n, 0.3)] });
});
