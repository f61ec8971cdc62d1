// Addon vs TypeScript twins on random shapes (1x1, empty, sizes that are not multiples of
// any block), plus the validating wrappers' errors. The addon is loaded straight from its
// path, so this also runs under HGREC_KERNELS=ts; when it is absent the comparison is skipped
// with a reason (and fails when HGREC_KERNELS=addon demands it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ADDON_PATH, type NativeKernels } from './native.ts';
import * as tsk from './kernels_ts.ts';
import * as k from './kernels.ts';
import { Rng } from './rng.ts';
import { assertClose } from '../testing/index.ts';

function loadAddon(): NativeKernels | null {
  if (!existsSync(ADDON_PATH)) {
    if (process.env.HGREC_KERNELS === 'addon') throw new Error(`kernels.test: HGREC_KERNELS=addon but ${ADDON_PATH} is missing`);
    return null;
  }
  return createRequire(import.meta.url)(ADDON_PATH) as NativeKernels;
}
const addon = loadAddon();
const skip = addon ? false : `OpenBLAS addon not built (${ADDON_PATH}); TypeScript path only`;

function rand(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

const shapes: [number, number, number][] = [[1, 1, 1], [1, 7, 1], [5, 1, 9], [3, 4, 5], [17, 33, 65], [64, 31, 129], [2, 300, 3]];

test('sgemm: addon equals the TypeScript twin for all transposes, strides, alpha/beta', { skip }, () => {
  const rng = new Rng(42);
  for (const [M, N, K] of shapes) {
    for (const ta of [false, true]) for (const tb of [false, true]) {
      const pad = rng.int(3); // row strides larger than the row length
      const lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
      const A = rand((ta ? K : M) * lda, rng), B = rand((tb ? N : K) * ldb, rng);
      const C0 = rand(M * ldc, rng);
      const alpha = 0.75, beta = rng.int(2) ? 0.5 : 0;
      const c1 = C0.slice(), c2 = C0.slice();
      addon!.sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, c1, ldc);
      tsk.sgemmTs(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, c2, ldc);
      assertClose(c1, c2, 1e-4 * Math.sqrt(K), `sgemm ${M}x${N}x${K} ta=${ta} tb=${tb} C`);
    }
  }
});

test('sparse kernels + adam: addon equals the TypeScript twin (incl. empty segments / batches)', { skip }, () => {
  const rng = new Rng(7);
  for (const [N, D, S] of [[1, 1, 1], [5, 3, 4], [40, 17, 23], [3, 130, 0]]) {
    const x = rand(N * D, rng);
    const E = S === 0 ? 0 : rng.int(3 * S + 1);
    const idx = Int32Array.from({ length: E }, () => rng.int(N));
    const cuts = Array.from({ length: Math.max(0, S - 1) }, () => rng.int(E + 1)).sort((a, b) => a - b);
    const offsets = Int32Array.from([0, ...cuts, ...(S > 0 ? [E] : [])]);
    const o1 = new Float32Array(S * D), o2 = new Float32Array(S * D);
    const a1 = new Int32Array(S * D), a2 = new Int32Array(S * D);
    addon!.segmentMax(x, D, offsets, idx, o1, a1);
    tsk.segmentMaxTs(x, D, offsets, idx, o2, a2);
    assert.deepEqual(o1, o2);
    assert.deepEqual(a1, a2);
    const g = rand(S * D, rng);
    const gx1 = new Float32Array(N * D), gx2 = new Float32Array(N * D);
    addon!.segmentMaxBackward(g, D, a1, gx1);
    tsk.segmentMaxBackwardTs(g, D, a2, gx2);
    assert.deepEqual(gx1, gx2);
    addon!.segmentMean(x, D, offsets, idx, o1);
    tsk.segmentMeanTs(x, D, offsets, idx, o2);
    assertClose(o1, o2, 1e-6, 'segmentMean');
    gx1.fill(0); gx2.fill(0);
    addon!.segmentMeanBackward(g, D, offsets, idx, gx1);
    tsk.segmentMeanBackwardTs(g, D, offsets, idx, gx2);
    assertClose(gx1, gx2, 1e-6, 'segmentMeanBackward');
    const r1 = new Float32Array(E * D), r2 = new Float32Array(E * D);
    addon!.gatherRows(x, D, idx, r1);
    tsk.gatherRowsTs(x, D, idx, r2);
    assert.deepEqual(r1, r2);
    for (const T of [2, 3, E + 4]) { // rows split over threads: same copy
      const rt = new Float32Array(E * D);
      addon!.gatherRows(x, D, idx, rt, T);
      assert.deepEqual(rt, r2, `gatherRows threads=${T}`);
    }
    const s1 = new Float32Array(N * D), s2 = new Float32Array(N * D);
    addon!.scatterAddRows(r1, D, idx, s1);
    tsk.scatterAddRowsTs(r2, D, idx, s2);
    assertClose(s1, s2, 1e-6, 'scatterAddRows');
    const p1 = rand(N * D, rng), p2 = p1.slice(), gg = rand(N * D, rng);
    const m1 = new Float32Array(N * D), m2 = m1.slice(), v1 = m1.slice(), v2 = m1.slice();
    for (let t = 1; t <= 3; t++) {
      addon!.adamStep(p1, gg, m1, v1, 1e-2 * t, 0.9, 0.999, 1e-8, 1e-4);
      tsk.adamStepTs(p2, gg, m2, v2, 1e-2 * t, 0.9, 0.999, 1e-8, 1e-4);
    }
    // Same operation order, float32 maths (fround per op in TS), no FMA contraction: bit-identical, not just close.
    assert.deepEqual(p1, p2, 'adam p');
    assert.deepEqual(m1, m2, 'adam m');
    assert.deepEqual(v1, v2, 'adam v');
  }
});

test('softmaxRows: addon equals the TypeScript twin (masked -Infinity entries, 1x1, wide rows)', { skip }, () => {
  const rng = new Rng(12);
  for (const [R, C] of [[1, 1], [3, 5], [17, 129], [2, 1000]]) {
    const x = rand(R * C, rng).map((v) => 8 * v);
    if (C > 1) x[C - 1] = -Infinity;
    const o1 = new Float32Array(R * C), o2 = new Float32Array(R * C);
    const l1 = new Float64Array(R), l2 = new Float64Array(R);
    addon!.softmaxRows(x, C, o1, l1);
    tsk.softmaxRowsTs(x, C, o2, l2);
    assertClose(o1, o2, 1e-6, `softmaxRows ${R}x${C} probs`);
    assertClose(l1, l2, 1e-6, `softmaxRows ${R}x${C} lse`);
    if (C > 1) assert.equal(o1[C - 1], 0);
  }
});

test(`softmaxRows hand-computed, in place (${k.backend()})`, () => {
  const x = new Float32Array([0, Math.log(3), 5, 5]);
  const lse = new Float64Array(2);
  k.softmaxRows(x, 2, x, lse);
  assertClose(x, [0.25, 0.75, 0.5, 0.5]);
  assertClose(lse, [Math.log(4), 5 + Math.log(2)]);
  assert.throws(() => k.softmaxRows(new Float32Array(3), 2, new Float32Array(4), new Float64Array(2)), /softmaxRows: x too short: \[2,2\] needs 4 elements, got 3/);
  assert.throws(() => k.softmaxRows(new Float32Array(4), 2, new Float32Array(4), new Float32Array(2) as unknown as Float64Array), /softmaxRows: lse must be a Float64Array, got Float32Array/);
});

test(`sgemm wrapper (${k.backend()}) handles empty and K=0 products without touching BLAS`, () => {
  const C = new Float32Array([1, 2, 3, 4]);
  k.sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 0.5, C, 2);
  assert.deepEqual(Array.from(C), [0.5, 1, 1.5, 2]);
  k.sgemm(false, false, 0, 2, 3, 1, new Float32Array(0), 3, new Float32Array(6), 2, 0, new Float32Array(0), 2);
  const one = new Float32Array([0]);
  k.sgemm(true, true, 1, 1, 1, 2, new Float32Array([3]), 1, new Float32Array([4]), 1, 0, one, 1);
  assert.deepEqual(Array.from(one), [24]);
});

test('kernel wrappers reject bad arguments, naming them', () => {
  const f = (n: number) => new Float32Array(n);
  assert.throws(() => k.sgemm(false, false, 2, 2, 2, 1, f(3), 2, f(4), 2, 0, f(4), 2), /sgemm: A too short: stored \[2,2\] with lda=2 needs 4 elements, got 3/);
  assert.throws(() => k.sgemm(false, false, 2, 2, 3, 1, f(6), 2, f(6), 2, 0, f(4), 2), /sgemm: lda must be >= 3 \(A stored \[2,3\]\), got 2/);
  assert.throws(() => k.sgemm(false, false, -1, 2, 2, 1, f(4), 2, f(4), 2, 0, f(4), 2), /sgemm: M must be a non-negative integer, got -1/);
  assert.throws(() => k.sgemm(false, false, 2, 2, 2, 1, [1, 2, 3, 4] as unknown as Float32Array, 2, f(4), 2, 0, f(4), 2), /sgemm: A must be a Float32Array, got Array/);
  assert.throws(() => k.gatherRows(f(6), 2, new Int32Array([3]), f(2)), /gatherRows: idx\[0\] = 3 out of range \[0, 3\)/);
  assert.throws(() => k.scatterAddRows(f(2), 2, new Int32Array([0, 0]), f(4)), /scatterAddRows: src too short/);
  assert.throws(() => k.segmentMax(f(4), 2, new Int32Array([0, 1]), new Int32Array([0]), f(2), new Int32Array(1)), /segmentMax: argmax too short/);
  assert.throws(() => k.adamStep(f(3), f(2), f(3), f(3), 1, 0.9, 0.99, 1e-8, 0), /adamStep: g must have length 3 \(params\), got 2/);
  assert.throws(() => k.setThreads(0), /setThreads: n must be an integer >= 1, got 0/);
});

/** Random CSR [rows, cols] with about `density` of the entries set; some rows / columns stay empty. */
function randCsr(rows: number, cols: number, density: number, rng: Rng) {
  const indptr = new Int32Array(rows + 1);
  const idx: number[] = [], val: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (rng.int(5) !== 0) { // every fifth row (on average) is empty
      for (let j = 0; j < cols; j++) if (j % 7 !== 3 && rng.float() < density) { idx.push(j); val.push(rng.normal()); }
    }
    indptr[i + 1] = idx.length;
  }
  return { indptr, indices: Int32Array.from(idx), values: Float32Array.from(val) };
}

/** Dense reference of A @ B (transpose=false) or Aᵀ @ B, in float64. */
function denseProduct(a: ReturnType<typeof randCsr>, rows: number, cols: number, B: Float32Array, D: number,
  transpose: boolean): Float64Array {
  const out = new Float64Array((transpose ? cols : rows) * D);
  for (let i = 0; i < rows; i++) {
    for (let k = a.indptr[i]; k < a.indptr[i + 1]; k++) {
      const c = a.indices[k], v = a.values[k];
      for (let j = 0; j < D; j++) {
        if (transpose) out[c * D + j] += v * B[i * D + j];
        else out[i * D + j] += v * B[c * D + j];
      }
    }
  }
  return out;
}

// [rows, cols, D, density]: 1x1, empty rows/cols, D not a multiple of 4/8/16, long rows (unrolled paths)
const csrShapes: [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 1, 3, 1], [5, 9, 1, 0.5], [7, 4, 13, 0.6], [33, 65, 17, 0.3], [2, 300, 266, 0.5], [120, 40, 31, 0.2],
  [6, 8, 5, 0],
];

test('spmm / spmmT: addon (1 and 2 threads) equals the TypeScript twins and a dense product', { skip }, () => {
  const rng = new Rng(21);
  for (const [rows, cols, D, density] of csrShapes) {
    const a = randCsr(rows, cols, density, rng);
    const B = rand(cols * D, rng), Y = rand(rows * D, rng);
    const tol = 1e-5 * Math.sqrt(cols + rows);
    const ref = new Float32Array(rows * D).fill(NaN);
    tsk.spmmTs(a.indptr, a.indices, a.values, B, D, ref);
    assertClose(ref, denseProduct(a, rows, cols, B, D, false), tol, `spmmTs ${rows}x${cols} D=${D}`);
    const refT = new Float32Array(cols * D).fill(NaN);
    tsk.spmmTTs(a.indptr, a.indices, a.values, cols, Y, D, refT);
    assertClose(refT, denseProduct(a, rows, cols, Y, D, true), tol, `spmmTTs ${rows}x${cols} D=${D}`);
    for (const threads of [1, 2, 3]) {
      const o = new Float32Array(rows * D).fill(NaN); // NaN: every output element must be written
      addon!.spmm(a.indptr, a.indices, a.values, B, D, o, threads);
      assertClose(o, ref, tol, `spmm ${rows}x${cols} D=${D} threads=${threads}`);
      const oT = new Float32Array(cols * D).fill(NaN);
      addon!.spmmT(a.indptr, a.indices, a.values, cols, Y, D, oT, threads);
      assertClose(oT, refT, tol, `spmmT ${rows}x${cols} D=${D} threads=${threads}`);
    }
  }
});

test(`spmm / spmmT wrappers (${k.backend()}): hand-computed product, transposed CSR equals scatter, bad arguments`, () => {
  // A: [3, 2] = [[1, 0], [0, 0], [2, -1]] (row 1 empty), B: [2, 3]
  const indptr = new Int32Array([0, 1, 1, 3]), indices = new Int32Array([0, 0, 1]), values = new Float32Array([1, 2, -1]);
  const B = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = new Float32Array(9).fill(NaN);
  k.spmm(indptr, indices, values, B, 3, out);
  assert.deepEqual(Array.from(out), [1, 2, 3, 0, 0, 0, -2, -1, 0]);
  const Y = new Float32Array([1, 1, 5, 5, 2, 3]); // [3, 2]
  const outT = new Float32Array(4).fill(NaN);
  k.spmmT(indptr, indices, values, 2, Y, 2, outT);
  assert.deepEqual(Array.from(outT), [5, 7, -2, -3]); // Aᵀ: [[1, 0, 2], [0, 0, -1]]
  // the same through spmm on Aᵀ in CSR form (what csrOperator does), large enough to run threaded
  const rng = new Rng(3);
  const big = randCsr(300, 200, 0.2, rng);
  const D = 37;
  const Yb = rand(300 * D, rng);
  const tIndptr = new Int32Array(201), tIdx = new Int32Array(big.indices.length), tVal = new Float32Array(big.values.length);
  for (const c of big.indices) tIndptr[c + 1]++;
  for (let c = 0; c < 200; c++) tIndptr[c + 1] += tIndptr[c];
  const next = tIndptr.slice(0, 200);
  for (let i = 0; i < 300; i++) {
    for (let e = big.indptr[i]; e < big.indptr[i + 1]; e++) { const p = next[big.indices[e]]++; tIdx[p] = i; tVal[p] = big.values[e]; }
  }
  const scatter = new Float32Array(200 * D), gather = new Float32Array(200 * D);
  k.spmmT(big.indptr, big.indices, big.values, 200, Yb, D, scatter);
  k.spmm(tIndptr, tIdx, tVal, Yb, D, gather);
  assertClose(gather, scatter, 1e-4, 'spmm(Aᵀ) vs spmmT');
  const f = (n: number) => new Float32Array(n);
  assert.throws(() => k.spmm(indptr, indices, values, f(5), 3, f(9)), /spmm: indices\[2\] = 1 out of range \[0, 1\)/);
  assert.throws(() => k.spmm(indptr, indices, values, B, 3, f(8)), /spmm: out too short: \[3,3\] needs 9 elements, got 8/);
  assert.throws(() => k.spmm(indptr, indices, values.subarray(1), B, 3, f(9)), /spmm: values must have the length of indices \(3\), got 2/);
  assert.throws(() => k.spmm(new Int32Array([0, 2, 1, 3]), indices, values, B, 3, f(9)), /spmm: offsets must be non-decreasing/);
  assert.throws(() => k.spmm(indptr, indices, values, [1] as unknown as Float32Array, 3, f(9)), /spmm: B must be a Float32Array, got Array/);
  assert.throws(() => k.spmmT(indptr, indices, values, 1, Y, 2, f(4)), /spmmT: indices\[2\] = 1 out of range \[0, 1\)/);
  assert.throws(() => k.spmmT(indptr, indices, values, 2, f(5), 2, f(4)), /spmmT: Y too short: \[3,2\] needs 6 elements, got 5/);
  assert.throws(() => k.setSparseThreads(0), /setSparseThreads: n must be an integer >= 1, got 0/);
});

test('maxPoolGrad: hand case, literal mask-and-scatter reference, addon equals the TypeScript twin to the bit for any thread count', () => {
  // g / argmax: [S=2, H=2]; U = 3; gt starts dirty (overwritten), db starts at 1 (accumulated)
  const g = new Float32Array([10, 99, 0.5, -1]);
  const argmax = new Int32Array([2, -1, 2, 2]);
  const gt = new Float32Array(6).fill(7), db = new Float32Array([1, 1]);
  k.maxPoolGrad(g, argmax, 2, 3, gt, db);
  assert.deepEqual(Array.from(gt), [0, 0, 0, 0, 10.5, -1]);
  assert.deepEqual(Array.from(db), [11.5, 0]); // the 99 has no arg-max: no gradient
  const rng = new Rng(23);
  for (const [U, S, H] of [[1, 1, 1], [5, 0, 4], [4, 6, 3], [50, 40, 17], [300, 700, 128]]) {
    const g1 = rand(S * H, rng), am = new Int32Array(S * H);
    for (let i = 0; i < am.length; i++) am[i] = rng.int(2) === 0 ? rng.int(U) : -1;
    const refGt = new Float32Array(U * H), refDb = rand(H, rng), start = refDb.slice();
    const sums = new Float32Array(H);
    for (let i = 0; i < am.length; i++) if (am[i] >= 0) { refGt[am[i] * H + (i % H)] += g1[i]; sums[i % H] += g1[i]; }
    for (let j = 0; j < H; j++) refDb[j] += sums[j];
    const gt2 = rand(U * H, rng), db2 = start.slice();
    assert.equal(tsk.maxPoolGradTs(g1, am, H, U, gt2, db2), -1);
    assert.deepEqual(gt2, refGt, `maxPoolGradTs gt ${U}x${H} S=${S}`);
    assert.deepEqual(db2, refDb, `maxPoolGradTs db ${U}x${H} S=${S}`);
    assert.equal(tsk.maxPoolGradTs(g1, am, H, U, null, null), -1); // nothing asked: nothing written
    if (!addon) continue;
    for (const T of [1, 2, 3, H + 5]) {
      const gt1 = rand(U * H, rng), db1 = start.slice();
      assert.equal(addon.maxPoolGrad(g1, am, H, U, gt1, db1, T), -1);
      assert.deepEqual(gt1, gt2, `maxPoolGrad addon gt threads=${T}`);
      assert.deepEqual(db1, db2, `maxPoolGrad addon db threads=${T}`);
      const dbOnly = start.slice();
      addon.maxPoolGrad(g1, am, H, U, null, dbOnly, T);
      assert.deepEqual(dbOnly, db2);
    }
  }
  const f = (n: number) => new Float32Array(n);
  assert.throws(() => k.maxPoolGrad(g, new Int32Array([2, -1, 3, 0]), 2, 3, f(6), null), /maxPoolGrad: argmax\[2\] = 3 out of range \[-1, 3\)/);
  assert.throws(() => k.maxPoolGrad(g, new Int32Array([2, -2, 0, 0]), 2, 3, null, f(2)), /maxPoolGrad: argmax\[1\] = -2 out of range/);
  assert.throws(() => k.maxPoolGrad(g, new Int32Array(3), 2, 3, f(6), null), /maxPoolGrad: argmax length must be a multiple of H = 2/);
  assert.throws(() => k.maxPoolGrad(g, argmax, 2, 3, f(5), null), /maxPoolGrad: gt too short: \[3,2\] needs 6 elements, got 5/);
  assert.throws(() => k.maxPoolGrad(f(3), argmax, 2, 3, f(6), null), /maxPoolGrad: g too short/);
});
