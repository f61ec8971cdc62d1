import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseToCsr } from './csr.ts';
import { householderQr, symmetricEigen } from './linalg.ts';
import { Rng } from '../tensor/rng.ts';
import { csrOperator, denseOperator, orthonormalize, randomizedSvd } from './svd.ts';

/** Independent reference: cyclic Jacobi eigenvalues of a symmetric matrix (ascending). */
function jacobiEigenvalues(a0: Float64Array, n: number): number[] {
  const a = Float64Array.from(a0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]).sort((x, y) => x - y);
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
  return a;
}

test('symmetric eigen: matches Jacobi and reconstructs A = V diag(λ) Vᵀ', () => {
  for (const n of [1, 2, 7, 30]) {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(a, n);
    const ref = jacobiEigenvalues(a, n).reverse();
    for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i] - ref[i]) < 1e-10, `n=${n} λ${i}: ${values[i]} vs ${ref[i]}`);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        for (let k = 0; k < n; k++) r += vectors[i * n + k] * values[k] * vectors[j * n + k];
        assert.ok(Math.abs(r - a[i * n + j]) < 1e-10);
      }
    }
  }
  // repeated eigenvalues (identity) and a zero matrix
  assert.deepEqual(Array.from(symmetricEigen([2, 0, 0, 2], 2).values), [2, 2]);
  assert.deepEqual(Array.from(symmetricEigen([0, 0, 0, 0], 2).values), [0, 0]);
});

test('householder QR: orthonormal Q, upper-triangular R, A = QR', () => {
  const rng = new Rng(5);
  const m = 9, n = 4;
  const a = Float64Array.from({ length: m * n }, () => rng.normal());
  const { q, r } = householderQr(a, m, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(r[i * n + j], 0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < m; k++) d += q[k * n + i] * q[k * n + j];
      assert.ok(Math.abs(d - (i === j ? 1 : 0)) < 1e-12);
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k] * r[k * n + j];
      assert.ok(Math.abs(s - a[i * n + j]) < 1e-12);
    }
  }
  assert.throws(() => householderQr(a, 3, 4), /expected m >= n, got m=3 n=4/);
});

/** A = U diag(sv) Vᵀ with random orthogonal U [m, m], V [n, n]; returns A and the factors. */
function planted(m: number, n: number, sv: number[], seed: number) {
  const rng = new Rng(seed);
  const U = householderQr(Float64Array.from({ length: m * m }, () => rng.normal()), m, m).q;
  const V = householderQr(Float64Array.from({ length: n * n }, () => rng.normal()), n, n).q;
  const a = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      sv.forEach((s, r) => { t += U[i * m + r] * s * V[j * n + r]; });
      a[i * n + j] = t;
    }
  }
  return { a, U, V };
}

test('randomised SVD recovers an exact decomposition: singular values, vectors, reconstruction', () => {
  const m = 40, n = 25;
  const sv = [12, 6, 3, 2, 1, 0.5];
  const { a, V } = planted(m, n, sv, 11);
  const r = randomizedSvd(denseOperator(a, m, n), 6, { seed: 3, wantU: true });
  assert.equal(r.rank, 6);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(r.s[i] - sv[i]) < 1e-4 * sv[0], `σ${i}: ${r.s[i]} vs ${sv[i]}`);
  // right singular vectors equal the planted ones up to sign
  for (let c = 0; c < 6; c++) {
    let dot = 0;
    for (let j = 0; j < n; j++) dot += r.v[j * 6 + c] * V[j * n + c];
    assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-4, `component ${c}: |<v, v*>| = ${Math.abs(dot)}`);
  }
  let err = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t = 0;
      for (let c = 0; c < 6; c++) t += r.u![i * 6 + c] * r.s[c] * r.v[j * 6 + c];
      err = Math.max(err, Math.abs(t - a[i * n + j]));
    }
  }
  assert.ok(err < 1e-4, `max reconstruction error ${err}`);
});

test('truncation keeps the top-k; k beyond the rank gives zero singular values and zero vectors', () => {
  const m = 30, n = 20;
  const sv = [10, 5, 3];
  const { a } = planted(m, n, sv, 2);
  const top2 = randomizedSvd(denseOperator(a, m, n), 2, { seed: 1 });
  assert.ok(Math.abs(top2.s[0] - 10) < 1e-3 && Math.abs(top2.s[1] - 5) < 1e-3);
  const big = randomizedSvd(denseOperator(a, m, n), 50, { seed: 1 });
  assert.equal(big.rank, 3);
  assert.equal(big.s.length, 50);
  for (let i = 3; i < 50; i++) assert.equal(big.s[i], 0);
  for (let j = 0; j < n; j++) for (let c = 3; c < 50; c++) assert.equal(big.v[j * 50 + c], 0);
  // the same matrix through the sparse operator gives the same singular values
  const sp = randomizedSvd(csrOperator(denseToCsr(a, m, n)), 3, { seed: 1 });
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(sp.s[i] - sv[i]) < 1e-3);
  assert.throws(() => randomizedSvd(denseOperator(a, m, n), 0), /k expected integer >= 1, got 0/);
});

test('orthonormalize: orthonormal columns spanning the input, dependent columns dropped', () => {
  // y: [5, 3] with column 2 = column 0 + column 1
  const y = Float32Array.from([1, 0, 1, 2, 1, 3, 0, 1, 1, 1, 1, 2, 3, 0, 3]);
  const kept = orthonormalize(y, 5, 3);
  assert.equal(kept, 2);
  let nonzero = 0;
  for (let c = 0; c < 3; c++) {
    let nn = 0;
    for (let i = 0; i < 5; i++) nn += y[i * 3 + c] ** 2;
    if (nn > 0.5) { nonzero++; assert.ok(Math.abs(nn - 1) < 1e-5); } else assert.ok(nn < 1e-6);
  }
  assert.equal(nonzero, 2);
});
