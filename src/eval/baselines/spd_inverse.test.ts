import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spdInverse } from './spd_inverse.ts';
import { spdInverseF32 } from './spd_inverse_f32.ts';

test('spdInverse: 2×2 by hand, A·A⁻¹ = I on a random 40×40 SPD matrix, refuses indefinite input', () => {
  const small = spdInverse(Float64Array.of(4, 2, 2, 3), 2);
  [0.375, -0.25, -0.25, 0.5].forEach((v, i) => assert.ok(Math.abs(small[i]! - v) < 1e-15, `inverse[${i}] = ${small[i]}`));
  const n = 40;
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const R = Float64Array.from({ length: n * n }, rnd);
  const A = new Float64Array(n * n); // RᵀR + 0.1 I
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 0.1 : 0;
    for (let k = 0; k < n; k++) s += R[k * n + i]! * R[k * n + j]!;
    A[i * n + j] = s;
  }
  const inv = spdInverse(A.slice(), n);
  let worst = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i * n + k]! * inv[k * n + j]!;
    worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    assert.equal(inv[i * n + j], inv[j * n + i]);
  }
  assert.ok(worst < 1e-9, `max |A·A⁻¹ − I| = ${worst}`);
  assert.throws(() => spdInverse(Float64Array.of(1, 2, 2, 1), 2), /not positive definite \(pivot 1/);
});

test('spdInverseF32 (blocked, sgemm) matches the float64 reference, with a partial last block', () => {
  const n = 150;
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  const R = Float64Array.from({ length: n * n }, rnd);
  const A = new Float64Array(n * n); // RᵀR + I
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += R[k * n + i]! * R[k * n + j]!;
    A[i * n + j] = s;
  }
  const ref = spdInverse(A.slice(), n);
  let scale = 0;
  for (const v of ref) scale = Math.max(scale, Math.abs(v));
  for (const block of [16, 64, 200]) {
    const got = spdInverseF32(Float32Array.from(A), n, block);
    let worst = 0;
    for (let i = 0; i < n * n; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!));
    assert.ok(worst / scale < 1e-4, `block ${block}: max relative error ${worst / scale}`);
  }
  assert.throws(() => spdInverseF32(Float32Array.of(1, 2, 2, 1), 2), /not positive definite \(pivot 1/);
});
