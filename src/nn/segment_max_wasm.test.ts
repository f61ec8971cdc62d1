import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, kernels } from '../tensor/index.ts';
import { arenaBytes, wasmArena } from './segment_max_wasm.ts';

// random CSR with empty segments, repeated rows and exact ties
function fixture(seed: number, U: number, H: number, S: number) {
  const rng = new Rng(seed);
  const t = Float32Array.from({ length: U * H }, () => Math.round(rng.normal() * 4) / 4); // many ties
  const indptr = new Int32Array(S + 1);
  const idx: number[] = [];
  for (let i = 0; i < S; i++) {
    const k = i % 5 === 0 ? 0 : 1 + Math.floor(rng.uniform(0, 1) * 6);
    for (let q = 0; q < k; q++) idx.push(Math.floor(rng.uniform(0, 1) * U));
    indptr[i + 1] = idx.length;
  }
  const b = Float32Array.from({ length: H }, () => rng.normal() * 0.5);
  return { t, indptr, idx: Int32Array.from(idx), b };
}

// the scalar reference as max_pool_message.ts / infer.ts compute it with the addon kernel
function reference(t: Float32Array, H: number, indptr: Int32Array, idx: Int32Array, b: Float32Array) {
  const S = indptr.length - 1;
  const out = new Float32Array(S * H), arg = new Int32Array(S * H);
  kernels.segmentMax(t, H, indptr, idx, out, arg);
  for (let s = 0; s < S; s++) {
    if (indptr[s + 1] === indptr[s]) continue;
    for (let j = 0; j < H; j++) { const v = out[s * H + j] + b[j]; out[s * H + j] = v > 0 ? v : 0; }
  }
  return { out, arg };
}

const A = wasmArena();
for (const H of [4, 12, 256]) {
  test(`wasm maxArg / maxAcc are bit-identical to kernels.segmentMax + bias + ReLU (H ${H})`, { skip: A ? false : 'no WebAssembly SIMD in this runtime' }, () => {
    const U = 37, S = 23;
    const { t, indptr, idx, b } = fixture(H, U, H, S);
    const ref = reference(t, H, indptr, idx, b);
    const acc0 = Float32Array.from({ length: S * H }, (_, i) => (i % 7) - 3);
    A!.reset(arenaBytes(U * H, idx.length, S + 1, H, S * H, S * H, S * H));
    const [pt, vt] = A!.f32(U * H); vt.set(t);
    const [pi, vi] = A!.i32(idx.length); vi.set(idx);
    const [pp, vp] = A!.i32(S + 1); vp.set(indptr);
    const [pb, vb] = A!.f32(H); vb.set(b);
    const [po, vo] = A!.f32(S * H);
    const [pa, va] = A!.i32(S * H);
    A!.maxArg(pt, 4 * H, pi, pp, S, pb, po, pa, 4 * H);
    assert.deepEqual(Array.from(vo), Array.from(ref.out));
    assert.deepEqual(Array.from(va), Array.from(ref.arg));
    // maxArgAcc: acc += relu(max + b), arg = arg-max where the message is > 0, else -1
    A!.reset(arenaBytes(U * H, idx.length, S + 1, H, S * H, S * H, S * H));
    A!.f32(U * H); A!.i32(idx.length); A!.i32(S + 1); A!.f32(H); // same layout as above
    const [pq, vq] = A!.f32(S * H), [pr, vr] = A!.i32(S * H);
    vq.set(acc0);
    A!.maxArgAcc(pt, 4 * H, pi, pp, S, pb, pq, pr, 4 * H);
    assert.deepEqual(Array.from(vq), Array.from(acc0.map((v, i) => v + ref.out[i])));
    assert.deepEqual(Array.from(vr), Array.from(ref.arg, (a, i) => (ref.out[i] > 0 ? a : -1)));
    const [pc, vc] = A!.f32(S * H); vc.set(acc0);
    A!.maxAcc(pt, 4 * H, pi, pp, S, pb, pc, 4 * H, 4 * H);
    const want = acc0.map((v, i) => v + ref.out[i]);
    assert.deepEqual(Array.from(vc), Array.from(want));
    // bias rows and ReLU
    A!.addBias(pc, S, 4 * H, pb, 4 * H);
    A!.relu(pc, 4 * S * H);
    const want2 = want.map((v, i) => { const w = v + b[i % H]; return w > 0 ? w : 0; });
    assert.deepEqual(Array.from(vc), Array.from(want2));
  });
}
