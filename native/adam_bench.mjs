#!/usr/bin/env node
// Micro-benchmark of the addon's adamStep over the two-tower model's parameter count (774k),
// against the pure-JS loop (the TypeScript twin's maths) and, optionally, another build of the
// addon (e.g. the one before a compiler-flag change). Also checks the results are bit-identical.
//   node native/adam_bench.mjs [--n 774000] [--reps 200] [--base /path/to/other.node]
// Last stdout line: {"n":..., "addon_ms":..., "base_ms":..., "js_ms":..., "bit_identical":...}
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const n = Number(arg('--n', 774_000)), reps = Number(arg('--reps', 200)), basePath = arg('--base', '');
const req = createRequire(import.meta.url);
const addon = req(join(dirname(fileURLToPath(import.meta.url)), 'build', 'Release', 'hgrec_native.node'));
const base = basePath ? req(basePath) : null;

function jsAdam(p, g, m, v, lrT, b1, b2, epsT, wd) { // same maths as src/tensor/kernels_ts.ts adamStepTs
  const f = Math.fround;
  const lr = f(lrT), eps = f(epsT), w = f(wd), a1 = f(b1), a2 = f(b2), c1 = f(1 - b1), c2 = f(1 - b2);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = f(f(a1 * m[i]) + f(c1 * gi));
    const vi = f(f(a2 * v[i]) + f(f(c2 * gi) * gi));
    m[i] = mi; v[i] = vi;
    const pi = p[i];
    p[i] = pi - f(f(f(lr * mi) / f(f(Math.sqrt(vi)) + eps)) + f(w * pi));
  }
}
let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 0) / 4294967296 - 0.5;
const fill = (a, s) => { for (let i = 0; i < a.length; i++) a[i] = rnd() * s; return a; };
const g = fill(new Float32Array(n), 0.1), p0 = fill(new Float32Array(n), 1);
const state = () => ({ p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) });
const step = (f, s, t) => f(s.p, g, s.m, s.v, 1e-3 * Math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t), 0.9, 0.999,
  1e-8 * Math.sqrt(1 - 0.999 ** t), 1e-5);

function time(f) {
  const s = state(), ms = [];
  for (let t = 1; t <= reps; t++) { const t0 = performance.now(); step(f, s, t); ms.push(performance.now() - t0); }
  ms.sort((a, b) => a - b);
  return Math.round(ms[ms.length >> 1] * 1000) / 1000;
}
const same = (a, b) => a.every((x, i) => Object.is(x, b[i]));
const sa = state(), sj = state();
for (let t = 1; t <= 5; t++) { step(addon.adamStep, sa, t); step(jsAdam, sj, t); }
const bitIdentical = same(sa.p, sj.p) && same(sa.m, sj.m) && same(sa.v, sj.v);
const c0 = process.cpuUsage();
const out = { n, reps, addon_ms: time(addon.adamStep) };
if (base) out.base_ms = time(base.adamStep);
out.js_ms = time(jsAdam);
const cu = process.cpuUsage(c0);
out.cpu_s = Math.round((cu.user + cu.system) / 1e3) / 1e3;
out.bit_identical = bitIdentical;
console.log(JSON.stringify(out));
