import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool, ParamStore, Rng, Tape, Tensor, biasAdd, matmul, relu, segmentMax } from '../tensor/index.ts';
import { assertClose, gradcheck, randn, randnAwayFromZero } from '../testing/index.ts';
import { SageConv } from './sage_conv.ts';
import { HeteroConv } from './hetero_conv.ts';
import { maxPoolMessage } from './max_pool_message.ts';

// Tiny bipartite block: 5 source rows, 3 destinations; dst 2 has no neighbours.
const indptr = Int32Array.of(0, 3, 5, 5);
const indices = Int32Array.of(0, 2, 4, 1, 2);

function run(conv: SageConv, table: Tensor, ip: Int32Array, ix: Int32Array, rows?: Int32Array): Float32Array {
  const tp = new Tape(new BufferPool(), { grad: false });
  return conv.forward(tp, { table, rows }, { indptr: ip, indices: ix }).data.slice();
}

/** Plain float64 reference: max over neighbours of relu(W x + b), empty -> 0. */
function reference(conv: SageConv, x: Float32Array, D: number, ip: Int32Array, ix: Int32Array, rows?: Int32Array): number[] {
  const H = conv.outDim, out: number[] = [];
  for (let i = 0; i + 1 < ip.length; i++) {
    for (let h = 0; h < H; h++) {
      let m = -Infinity;
      for (let e = ip[i]; e < ip[i + 1]; e++) {
        const r = rows ? rows[ix[e]] : ix[e];
        let s = conv.b.data[h];
        for (let d = 0; d < D; d++) s += x[r * D + d] * conv.W.data[d * H + h];
        m = Math.max(m, Math.max(0, s));
      }
      out.push(m === -Infinity ? 0 : m);
    }
  }
  return out;
}

test('SageConv: output shape, max-pool values, empty neighbourhood gives 0', () => {
  const rng = new Rng(1);
  const conv = new SageConv(new ParamStore(rng), 'r', 4, 6);
  const x = randn([5, 4], rng);
  const tp = new Tape();
  const y = conv.forward(tp, { table: x }, { indptr, indices });
  assert.deepEqual(y.shape, [3, 6]);
  assertClose(y.data, reference(conv, x.data, 4, indptr, indices), 1e-5, 'messages');
  assert.deepEqual(Array.from(y.data.subarray(12, 18)), [0, 0, 0, 0, 0, 0]);
});

test('SageConv: invariant to the order of the edges inside each neighbourhood', () => {
  const rng = new Rng(2);
  const conv = new SageConv(new ParamStore(rng), 'r', 4, 5);
  const x = randn([5, 4], rng);
  const a = run(conv, x, indptr, indices);
  const b = run(conv, x, indptr, Int32Array.of(4, 0, 2, 2, 1));
  assert.deepEqual(Array.from(b), Array.from(a));
});

test('SageConv: invariant to relabelling the source nodes (rows map or permuted table)', () => {
  const rng = new Rng(3);
  const conv = new SageConv(new ParamStore(rng), 'r', 3, 4);
  const x = randn([5, 3], rng);
  const base = run(conv, x, indptr, indices);
  // permute the table rows: new row perm[i] holds old row i; edges point to the new labels
  const perm = [3, 0, 4, 1, 2];
  const xp = Tensor.zeros([5, 3]);
  for (let i = 0; i < 5; i++) xp.data.set(x.data.subarray(i * 3, i * 3 + 3), perm[i] * 3);
  const ixp = Int32Array.from(indices, (i) => perm[i]);
  assertClose(run(conv, xp, indptr, ixp), base, 1e-6, 'permuted table');
  // positions mapped through rows into a bigger table
  const big = Tensor.zeros([9, 3]);
  const rows = Int32Array.of(8, 2, 5, 0, 7);
  for (let i = 0; i < 5; i++) big.data.set(x.data.subarray(i * 3, i * 3 + 3), rows[i] * 3);
  assertClose(run(conv, big, indptr, indices, rows), base, 1e-6, 'rows map');
  // relabelling the destinations permutes the output rows
  const ip2 = Int32Array.of(0, 0, 2, 5), ix2 = Int32Array.of(1, 2, 0, 2, 4); // dst order [2, 1, 0]
  const y2 = run(conv, x, ip2, ix2);
  assertClose(y2.subarray(0, 4), base.subarray(8, 12), 1e-6, 'dst 2');
  assertClose(y2.subarray(4, 8), base.subarray(4, 8), 1e-6, 'dst 1');
  assertClose(y2.subarray(8, 12), base.subarray(0, 4), 1e-6, 'dst 0');
});

test('SageConv: transforms each unique source row once; whole-table path when (nearly) all rows are used', () => {
  const rng = new Rng(4);
  const conv = new SageConv(new ParamStore(rng), 'r', 3, 4);
  const big = randn([10, 3], rng);
  const sizes: number[] = [];
  const spy = new Tape();
  const f32 = spy.pool.f32.bind(spy.pool);
  spy.pool.f32 = (n: number) => { sizes.push(n); return f32(n); };
  conv.forward(spy, { table: big }, { indptr, indices }); // 5 entries, 4 unique rows of 10, H = 4
  // GEMM input = the 4 unique rows gathered (4 x 3 = 12 floats; the [3, 4] output is the other
  // 12), not the 5 entries (15) nor the whole table (30); the [U, H] transform itself lives in
  // the pool (16) or, with the wasm kernels, in their arena
  assert.ok(sizes.filter((n) => n === 12).length === 2 && !sizes.includes(15) && !sizes.includes(30) &&
    !sizes.includes(20) && !sizes.includes(40), `float buffers ${sizes}`);
  const x = randn([3, 3], rng);
  // every row used -> whole-table path; compare with the reference
  const ip = Int32Array.of(0, 2, 4), ix = Int32Array.of(2, 0, 1, 2);
  assertClose(run(conv, x, ip, ix), reference(conv, x.data, 3, ip, ix), 1e-5, 'full-table path');
  const tp = new Tape();
  conv.forward(tp, { table: x }, { indptr, indices: Int32Array.of(0, 0, 0, 0, 0) });
  assert.throws(() => conv.forward(tp, { table: x }, { indptr, indices }), /csr.indices\[2\] = 4 out of range \[0, 3\)/);
});

test('maxPoolMessage equals segmentMax(relu(biasAdd(matmul))) forward and backward (empty segments 0)', () => {
  const rng = new Rng(5);
  const x = randn([7, 5], rng), W = randn([5, 3], rng), b = randn([3], rng);
  const ip = Int32Array.of(0, 3, 3, 7, 8), ix = Int32Array.of(0, 6, 2, 1, 3, 4, 5, 2);
  const R = Float32Array.from({ length: 12 }, () => rng.uniform(-1, 1));
  const grads = (f: (tp: Tape) => Tensor): Float32Array[] => {
    for (const t of [x, W, b]) t.grad = null;
    const tp = new Tape();
    const y = f(tp);
    tp.backward(y, R);
    return [y.data.slice(), x.grad!.slice(), W.grad!.slice(), b.grad!.slice()];
  };
  const fused = grads((tp) => maxPoolMessage(tp, x, W, b, ip, ix));
  const comp = grads((tp) => segmentMax(tp, relu(tp, biasAdd(tp, matmul(tp, x, W), b)), ip, ix));
  assert.deepEqual(Array.from(fused[0].subarray(3, 6)), [0, 0, 0]);
  fused.forEach((a, i) => assertClose(a, comp[i], 1e-5, ['y', 'dx', 'dW', 'db'][i]));
});

test('maxPoolMessage with widths for the wasm kernels (H % 4 == 0): dW, db, dx match the composition, W.grad accumulates', () => {
  const rng = new Rng(15);
  const U = 40, D = 32, H = 8, S = 12;
  const W = randn([D, H], rng), b = randn([H], rng);
  const ipArr = [0];
  const ixArr: number[] = [];
  for (let s = 0; s < S; s++) {
    const k = s % 4 === 0 ? 0 : 1 + (s % 5);
    for (let q = 0; q < k; q++) ixArr.push(Math.floor(rng.uniform(0, 1) * U));
    ipArr.push(ixArr.length);
  }
  const ip = Int32Array.from(ipArr), ix = Int32Array.from(ixArr);
  const R = Float32Array.from({ length: S * H }, () => rng.uniform(-1, 1));
  for (const xGrad of [false, true]) {
    const x = new Tensor(randn([U, D], rng).data, [U, D], { requiresGrad: xGrad });
    const grads = (f: (tp: Tape) => Tensor): Float32Array[] => {
      for (const t of [x, W, b]) t.grad = null;
      const tp = new Tape();
      tp.backward(f(tp), R);
      return [W.grad!.slice(), b.grad!.slice(), ...(xGrad ? [x.grad!.slice()] : [])];
    };
    const fused = grads((tp) => maxPoolMessage(tp, x, W, b, ip, ix));
    const comp = grads((tp) => segmentMax(tp, relu(tp, biasAdd(tp, matmul(tp, x, W), b)), ip, ix));
    fused.forEach((a, i) => assertClose(a, comp[i], 1e-5, `${['dW', 'db', 'dx'][i]} (x grad ${xGrad})`));
    // accumulation into an existing W.grad
    const tp = new Tape();
    W.grad = Float32Array.from(W.data);
    tp.backward(maxPoolMessage(tp, x, W, b, ip, ix), R);
    assertClose(W.grad, W.data.map((v, i) => v + fused[0][i]), 1e-5, 'dW accumulated');
  }
});

test('SageConv gradcheck: table, W and b', () => {
  const rng = new Rng(6);
  const conv = new SageConv(new ParamStore(rng), 'r', 4, 3);
  const x = randnAwayFromZero([5, 4], rng, 0.2);
  for (const p of [conv.W, conv.b]) p.data.set(randnAwayFromZero([p.size], rng, 0.2).data);
  const res = gradcheck((tp, [t]) => conv.forward(tp, { table: t }, { indptr, indices }), [x, conv.W, conv.b], { eps: 1e-3 });
  assert.ok(res.checked > 20);
});

test('HeteroConv: sums self + relation messages per destination type; whole-layer gradcheck', () => {
  const rng = new Rng(7);
  const ps = new ParamStore(rng);
  // types 0 (3 src rows, 2 dst) and 1 (4 src rows, 1 dst); relations 0->1, 1->0, 1->1
  const rels = [{ name: 'a->b', srcType: 0, dstType: 1 }, { name: 'b->a', srcType: 1, dstType: 0 }, { name: 'b->b', srcType: 1, dstType: 1 }];
  const conv = new HeteroConv(ps, 'c', ['a', 'b'], rels, 3, 2);
  const xa = randnAwayFromZero([3, 3], rng, 0.2), xb = randnAwayFromZero([4, 3], rng, 0.2);
  const csr = [
    { indptr: Int32Array.of(0, 2), indices: Int32Array.of(0, 2) }, // b0 <- a0, a2
    { indptr: Int32Array.of(0, 1, 3), indices: Int32Array.of(3, 1, 2) }, // a0 <- b3; a1 <- b1, b2
    { indptr: Int32Array.of(0, 0), indices: new Int32Array(0) }, // b0: no b neighbours
  ];
  const tp = new Tape();
  const out = conv.forward(tp, [{ table: xa }, { table: xb }], [2, 1], csr);
  assert.deepEqual(out.map((o) => o.shape), [[2, 2], [1, 2]]);
  // manual: self + messages
  const t2 = new Tape(undefined, { grad: false });
  const selfA = conv.self[0].forward(t2, Tensor.from(xa.data.subarray(0, 6), [2, 3]));
  const mBA = conv.convs[1].forward(t2, { table: xb }, csr[1]);
  const selfB = conv.self[1].forward(t2, Tensor.from(xb.data.subarray(0, 3), [1, 3]));
  const mAB = conv.convs[0].forward(t2, { table: xa }, csr[0]);
  assertClose(out[0].data, selfA.data.map((v, i) => v + mBA.data[i]), 1e-5, 'type a');
  assertClose(out[1].data, selfB.data.map((v, i) => v + mAB.data[i]), 1e-5, 'type b');
  for (const p of ps.names()) ps.get(p).data.set(randnAwayFromZero([ps.get(p).size], rng, 0.2).data);
  const params = ps.names().map((n) => ps.get(n));
  gradcheck((tp2, [a, b]) => {
    const o = conv.forward(tp2, [{ table: a }, { table: b }], [2, 1], csr);
    return matmul(tp2, o[0], o[1], { transB: true }); // couple both outputs: [2, 1]
  }, [xa, xb, ...params], { eps: 1e-3 });
});
