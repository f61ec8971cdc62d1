import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../tensor/rng.ts';
import { ExactTopK, type ExactTopKOptions } from './exact.ts';
import { naiveTopK } from './naive.ts';
import { TopKSelector } from './select.ts';

// Values are multiples of 0.5 in [-1, 1]: every dot product is exact in float32 whatever the
// summation order, so the kernels must agree with the float64 brute force bit for bit, and
// equal scores (ties) are frequent.
function gridVectors(rng: Rng, n: number, dim: number): Float32Array {
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = (rng.int(5) - 2) * 0.5;
  return x;
}

function same(actual: { ids: Int32Array; scores: Float32Array }, expected: { ids: Int32Array; scores: Float32Array }, what: string): void {
  assert.deepEqual(Array.from(actual.ids), Array.from(expected.ids), `${what}: ids`);
  assert.deepEqual(Array.from(actual.scores), Array.from(expected.scores), `${what}: scores`);
}

const configs: Array<[string, ExactTopKOptions]> = [
  ['wasm int8 prefilter', { kernel: 'wasm' }],
  ['wasm float32 scan', { kernel: 'wasm', prefilter: 'none' }],
  ['wasm small blocks', { kernel: 'wasm', blockRows: 36 }],
  ['sgemm', { kernel: 'sgemm', blockRows: 50 }],
];

for (const [name, opts] of configs) {
  test(`ExactTopK (${name}) equals a brute-force full sort, ties to the lower id, k >= N, exclusions`, () => {
    const rng = new Rng(7);
    const N = 301, D = 16; // N % 4 != 0 exercises the scalar tail of the wasm kernel
    const X = gridVectors(rng, N, D);
    const index = new ExactTopK(X, D, opts);
    assert.equal(index.size, N);
    let ties = 0;
    for (let t = 0; t < 12; t++) {
      const q = gridVectors(rng, 1, D);
      for (const k of [1, 3, 10, 100, N, N + 50]) {
        const ref = naiveTopK(X, D, q, k);
        const got = index.query(q, k);
        same(got, ref, `query ${t} k=${k}`);
        assert.equal(got.ids.length, Math.min(k, N));
        for (let i = 1; i < got.scores.length; i++) if (got.scores[i] === got.scores[i - 1]) ties++;
      }
      const exSet = new Set<number>();
      for (let i = 0; i < 40; i++) exSet.add(rng.int(N));
      const exArr = Int32Array.from([...exSet, ...exSet]); // duplicates are allowed
      for (const k of [5, N]) {
        const ref = naiveTopK(X, D, q, k, exSet);
        same(index.query(q, k, { exclude: exSet }), ref, `query ${t} k=${k} exclude Set`);
        same(index.query(q, k, { exclude: exArr }), ref, `query ${t} k=${k} exclude Int32Array`);
        assert.equal(ref.ids.length, Math.min(k, N - exSet.size));
      }
    }
    assert.ok(ties > 100, `the fixture should produce many ties, got ${ties}`);
    index.dispose();
  });
}

test('ExactTopK with a worker thread equals one thread and the brute force', () => {
  const rng = new Rng(11);
  const N = 20003, D = 16;
  const X = gridVectors(rng, N, D);
  const one = new ExactTopK(X, D, { threads: 1 });
  const two = new ExactTopK(X, D, { threads: 2, prefilter: 'none' }); // the worker scores float32 rows
  const two8 = new ExactTopK(X, D, { threads: 2 }); // the worker scores int8 codes
  try {
    for (let t = 0; t < 5; t++) {
      const q = gridVectors(rng, 1, D);
      const ex = new Set([0, 5, N - 1, 10001, 10002, rng.int(N)]);
      const ref = naiveTopK(X, D, q, 25, ex);
      same(one.query(q, 25, { exclude: ex }), ref, 'threads=1');
      same(two.query(q, 25, { exclude: ex }), ref, 'threads=2');
      same(two8.query(q, 25, { exclude: ex }), ref, 'threads=2 int8');
    }
  } finally {
    two8.dispose();
    two.dispose();
    one.dispose();
  }
});

test('the int8 prefilter returns exactly what the float32 scan returns (ids and float32 scores)', () => {
  const rng = new Rng(17);
  const N = 4099, D = 128;
  const centers = new Float32Array(20 * D).map(() => rng.normal());
  const X = new Float32Array(N * D);
  for (let i = 0; i < N; i++) {
    const c = rng.int(20);
    for (let d = 0; d < D; d++) X[i * D + d] = centers[c * D + d] + 0.3 * rng.normal();
  }
  X.copyWithin(7 * D, 3 * D, 4 * D); // duplicate rows: exact ties
  const pre = new ExactTopK(X, D, { blockRows: 1000 });
  const scan = new ExactTopK(X, D, { prefilter: 'none' });
  assert.equal(pre.prefilter, 'int8');
  assert.equal(scan.prefilter, 'none');
  const queries: Float32Array[] = [new Float32Array(D), X.slice(3 * D, 4 * D), X.slice((N - 1) * D, N * D)];
  for (let t = 0; t < 12; t++) queries.push(new Float32Array(D).map(() => rng.normal() * (t % 3 === 0 ? 1e-3 : 1)));
  for (const [t, q] of queries.entries()) {
    for (const k of [1, 10, 64]) {
      same(pre.query(q, k), scan.query(q, k), `query ${t} k=${k}`);
      const ex = new Set([3, 7, N - 1, rng.int(N), rng.int(N)]);
      same(pre.query(q, k, { exclude: ex }), scan.query(q, k, { exclude: ex }), `query ${t} k=${k} with exclusions`);
    }
  }
  const r = pre.query(X.slice(3 * D, 4 * D), 2);
  assert.deepEqual(Array.from(r.ids), [3, 7], 'duplicate rows tie, lower id first');
});

test('ExactTopK.queryBatch equals single queries (single-query path and GEMM path)', () => {
  const rng = new Rng(3);
  const N = 500, D = 24;
  const X = gridVectors(rng, N, D);
  const index = new ExactTopK(X, D, { batchBlockFloats: 1000 }); // several item blocks
  for (const B of [3, 12]) {
    const Q = gridVectors(rng, B, D);
    const exclude = Array.from({ length: B }, (_, b) => (b % 2 ? new Set([b, b + 1, 200]) : undefined));
    const got = index.queryBatch(Q, B, 7, { exclude });
    assert.equal(got.length, B);
    for (let b = 0; b < B; b++) {
      const ref = naiveTopK(X, D, Q.subarray(b * D, (b + 1) * D), 7, exclude[b]);
      same(got[b], ref, `B=${B} row ${b}`);
    }
  }
});

test('ExactTopK on real-valued data matches the brute force up to float32 rounding', () => {
  const rng = new Rng(5);
  const N = 2000, D = 32;
  const X = new Float32Array(N * D).map(() => rng.normal());
  const index = new ExactTopK(X, D);
  const q = new Float32Array(D).map(() => rng.normal());
  const got = index.query(q, 10), ref = naiveTopK(X, D, q, 10);
  assert.deepEqual(Array.from(got.ids), Array.from(ref.ids));
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(got.scores[i] - ref.scores[i]) < 1e-4, `score ${i}`);
});

test('ExactTopK returns nothing when everything is excluded and validates its arguments', () => {
  const X = new Float32Array(8 * 8).fill(1);
  const index = new ExactTopK(X, 8);
  const q = new Float32Array(8).fill(1);
  assert.equal(index.query(q, 3, { exclude: new Set([0, 1, 2, 3, 4, 5, 6, 7]) }).ids.length, 0);
  assert.throws(() => index.query(q, 0), /ExactTopK.query: k must be an integer >= 1, got 0/);
  assert.throws(() => index.query(q, 1.5), /k must be an integer >= 1/);
  assert.throws(() => index.query(new Float32Array(7), 1), /ExactTopK.query: q must have length 8 \(index dim\), got 7/);
  assert.throws(() => index.query([1, 2] as unknown as Float32Array, 1), /q must be a Float32Array of length 8, got Array/);
  assert.throws(() => index.query(new Float32Array(8).fill(NaN), 1), /q\[0\] must be finite, got NaN/);
  assert.throws(() => index.query(q, 1, { exclude: new Set([8]) }), /opts.exclude holds id 8, out of range \[0, 8\)/);
  assert.throws(() => index.query(q, 1, { exclude: Int32Array.of(-1) }), /out of range/);
  assert.throws(() => index.queryBatch(new Float32Array(15), 2, 1), /Q must have length B\*D = 2\*8 = 16, got 15/);
  assert.throws(() => index.queryBatch(new Float32Array(16), 2, 1, { exclude: [undefined] }), /one entry per query row \(B=2\), got 1/);
  assert.throws(() => new ExactTopK(new Float32Array(10), 8), /vectors length 10 is not a multiple of dim 8/);
  assert.throws(() => new ExactTopK(Float32Array.of(1, Infinity), 2), /vectors\[0, 1\] must be finite, got Infinity/);
  assert.throws(() => new ExactTopK(new Float32Array(12), 3, { kernel: 'wasm' }), /kernel 'wasm' needs .*dim % 8 == 0/);
  const fallback = new ExactTopK(new Float32Array(12), 3); // dim 3: sgemm path chosen automatically
  assert.equal(fallback.kernel, 'sgemm');
});

test('TopKSelector keeps the k best in any offer order with the lower-id tie rule', () => {
  const rng = new Rng(9);
  const n = 400, scores = Array.from({ length: n }, () => rng.int(20));
  const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const sel = new TopKSelector(2);
  sel.reset(15);
  for (const i of order) sel.offer(scores[i], i);
  const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 15);
  assert.deepEqual(Array.from(sel.result().ids), expected);
});
