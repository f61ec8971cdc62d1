import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, ParamStore, Rng, Tape, Tensor, decodeSafetensors, encodeSafetensors, init, loadSafetensors, matmul, sum } from './index.ts';
import { assertClose } from '../testing/index.ts';

test('ParamStore: named views over one flat buffer survive growth; grads accumulate there', () => {
  const ps = new ParamStore(new Rng(1));
  const a = ps.add('a', [2, 3], init.constant(1));
  const big = ps.add('big', [600, 3], init.heNormal); // forces the flat buffer to grow
  assert.equal(ps.size, 6 + 1800);
  assert.equal(a.data.buffer, ps.data.buffer, 'a was rebound to the grown buffer');
  assert.deepEqual(Array.from(ps.data.subarray(0, 6)), [1, 1, 1, 1, 1, 1]);
  assert.equal(ps.get('big'), big);
  const tp = new Tape();
  tp.backward(sum(tp, matmul(tp, Tensor.from([1, 2], [1, 2]), a)));
  assert.deepEqual(Array.from(ps.grad.subarray(0, 6)), [1, 1, 1, 2, 2, 2]);
  ps.zeroGrad();
  assert.ok(ps.grad.every((v) => v === 0));
  assert.throws(() => ps.add('a', [1]), /ParamStore.add: parameter "a" already exists/);
  assert.throws(() => ps.get('nope'), /ParamStore.get: no parameter "nope" \(have: a, big\)/);
  new Adam(ps);
  assert.throws(() => ps.add('late', [1]), /cannot add "late" after an optimiser/);
});

test('initialisers are deterministic under a seed and have the documented scale', () => {
  const mk = (seed: number) => new ParamStore(new Rng(seed)).add('w', [400, 100], init.glorotUniform).data;
  assert.deepEqual(mk(5), mk(5));
  assert.notDeepEqual(mk(5), mk(6));
  const w = mk(5), lim = Math.sqrt(6 / 500);
  assert.ok(w.every((v) => Math.abs(v) <= lim));
  const h = new ParamStore(new Rng(3)).add('h', [200, 300], init.heNormal).data;
  const variance = h.reduce((s, v) => s + v * v, 0) / h.length;
  assert.ok(Math.abs(variance - 2 / 200) < 0.001, `He variance ${variance} vs ${2 / 200}`);
});

test('Adam: first step moves every weight by lr against the gradient sign (bias correction)', () => {
  const ps = new ParamStore(new Rng(1));
  const w = ps.add('w', [3], init.constant(1));
  const opt = new Adam(ps, { lr: 0.1 });
  w.grad!.set([2, -0.001, 0]);
  opt.step();
  assertClose(w.data, [0.9, 1.1, 1], 1e-5);
  // second step with the same gradient: mhat/sqrt(vhat) is still +-1
  opt.step();
  assertClose(w.data, [0.8, 1.2, 1], 1e-5);
  assert.throws(() => new Adam(ps, { beta1: 1 }), /Adam: beta1 must be in \[0, 1\), got 1/);
  assert.throws(() => new Adam(ps, { lr: -1 }), /Adam: lr must be a finite number >= 0, got -1/);
});

test('safetensors: round trip, atomic save, strict load errors naming file and parameter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-st-'));
  try {
    const ps = new ParamStore(new Rng(2));
    ps.add('enc.W', [3, 2], init.glorotNormal);
    ps.add('enc.b', [2], init.constant(0.5));
    const path = join(dir, 'm.safetensors');
    ps.save(path, { step: '7' });
    assert.deepEqual(readdirSync(dir), ['m.safetensors'], 'no temp files left behind');
    const st = loadSafetensors(path);
    assert.equal(st.metadata.step, '7');
    assert.deepEqual(st.tensors.get('enc.W')!.shape, [3, 2]);
    const ps2 = new ParamStore(new Rng(99));
    ps2.add('enc.W', [3, 2], init.zeros);
    ps2.add('enc.b', [2], init.zeros);
    assert.equal(ps2.load(path).format, 'hgrec-params');
    assert.deepEqual(ps2.data, ps.data);
    const ps3 = new ParamStore(new Rng(1));
    ps3.add('enc.W', [2, 3]);
    assert.throws(() => ps3.load(path), /ParamStore.load: .*m.safetensors: "enc.W" expected shape \[2, 3\], got \[3, 2\]/);
    const ps4 = new ParamStore(new Rng(1));
    ps4.add('enc.W', [3, 2]);
    assert.throws(() => ps4.load(path), /unexpected parameters enc.b/);
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0x7b]));
    assert.throws(() => loadSafetensors(bad), /decodeSafetensors: .*bad.safetensors: header is not JSON/);
    assert.ok(existsSync(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('safetensors encoding matches the format byte layout (I32 too)', () => {
  const buf = encodeSafetensors({ ids: { shape: [2], data: new Int32Array([7, -1]) } });
  const hlen = Number(buf.readBigUInt64LE(0));
  assert.equal(hlen % 8, 0);
  assert.deepEqual(JSON.parse(buf.subarray(8, 8 + hlen).toString()), { ids: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } });
  assert.deepEqual(buf.readInt32LE(8 + hlen + 4), -1);
  assert.deepEqual(Array.from(decodeSafetensors(buf).tensors.get('ids')!.data), [7, -1]);
});

test('Adam state round-trips through safetensors and resumes identically', () => {
  const mk = () => {
    const ps = new ParamStore(new Rng(4));
    const w = ps.add('w', [2, 2], init.heNormal);
    return { ps, w, opt: new Adam(ps, { lr: 0.05 }) };
  };
  const stepOnce = (s: ReturnType<typeof mk>) => {
    const tp = new Tape();
    tp.backward(sum(tp, matmul(tp, s.w, s.w)));
    s.opt.step();
    s.ps.zeroGrad();
  };
  const a = mk();
  stepOnce(a); stepOnce(a);
  const buf = encodeSafetensors(new Map([...a.ps.toArrays(), ...a.opt.stateArrays()]));
  const b = mk();
  const st = decodeSafetensors(buf).tensors;
  b.w.data.set(st.get('w')!.data);
  b.opt.loadStateArrays(st);
  assert.equal(b.opt.t, 2);
  stepOnce(a); stepOnce(b);
  assert.deepEqual(b.ps.data, a.ps.data);
  assert.throws(() => b.opt.loadStateArrays(new Map()), /Adam.loadStateArrays: need adam.m, adam.v and adam.t/);
});
