// One epoch of two-tower training at the sizes: 1,000,000 (user, item) pairs, 200,000
// users, 20,000 items, user input 2x128 + 64 + 16 (320 dense + 16-d country embedding), item
// input 128 + 384 + 16 (512 dense + 8-d language + 8-d genre embeddings), towers 512-256-128,
// batch 128, in-batch softmax with logQ + duplicate masking, Adam 1e-3 — the real trainer
// (src/models/twotower/trainer.ts) on random data.
// Baseline in the same run: the GEMM floor of one step (the 22 sgemm calls of forward +
// backward alone, same shapes, same threads) and the Adam update alone (adam_step_ms).
// Reference: tuned PyTorch 1.13 CPU 61-63 s/epoch on this machine.
//   npx tsx bench/twotower_epoch.ts [--steps N] [--threads 1|2] [--repeats R]
// --steps N times N steps (after 20 warm-up steps) and extrapolates to the full epoch.
// --threads: OpenBLAS threads (default 2, the idle-machine choice). On a loaded shared machine
// --threads 1 was ~2x faster (2000 steps at load ~9.6: 152 s vs 340 s per epoch): Debian's
// pthread OpenBLAS workers spin and wake late between the small GEMMs of a step.
// Last stdout line: {"epoch_s": ..., ...}
import { loadavg } from 'node:os';
import { backend, getThreads, setThreads, sgemm } from '../src/tensor/index.ts';
import { itemLogQ, TwoTowerNet, TwoTowerTrainer, type TrainArrays } from '../src/models/twotower/index.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const P = 1_000_000, U = 200_000, N = 20_000, B = 128;
const DU = 320, DC = 16, DI = 512, DL = 8, DG = 8, HID = [512, 256, 128];
const NC = 100, NL = 30, NG = 60;
const STEPS_PER_EPOCH = Math.ceil(P / B);
const STEPS = Math.min(arg('--steps', STEPS_PER_EPOCH), STEPS_PER_EPOCH);
const THREADS = arg('--threads', 2);
const REPEATS = arg('--repeats', 1);
const WARMUP = 20;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r3 = (v: number): number => Math.round(v * 1000) / 1000;

// Cheap deterministic fill (the data only has to be finite and non-trivial).
let seed = 12345;
const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 0) / 4294967296;
function randMatrix(n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rnd() - 0.5) * scale;
  return a;
}
function randIds(n: number, V: number, skew = false): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = skew ? Math.min(V - 1, Math.floor(V * rnd() ** 2)) : Math.floor(V * rnd());
  return a;
}

process.stderr.write(`twotower_epoch: building data (${P} pairs, ${U} users, ${N} items)...\n`);
const pairItem = randIds(P, N, true); // popularity skew, so logQ and masking matter
const counts = new Int32Array(N);
for (const i of pairItem) counts[i]++;
const data: TrainArrays = {
  userDense: randMatrix(U * DU, 0.2), userCountry: randIds(U, NC),
  itemDense: randMatrix(N * DI, 0.2), itemLanguage: randIds(N, NL), itemGenre: randIds(N, NG),
  pairUser: randIds(P, U), pairItem, logQ: itemLogQ(counts),
};

let adamMs = 0, paramCount = 0;
function trainTimes(): { perStep: number[]; total: number; cpu: number } {
  const net = new TwoTowerNet({ userDense: DU, countryVocab: NC, countryDim: DC, itemDense: DI, languageVocab: NL, languageDim: DL,
    genreVocab: NG, genreDim: DG, hidden: HID }, 1);
  const tr = new TwoTowerTrainer(net, data, { batchSize: B, lr: 1e-3, seed: 1, threads: THREADS });
  const order = tr.epochOrder(0);
  const perStep: number[] = [];
  let t0 = 0, c0 = process.cpuUsage();
  for (let s = 0; s < WARMUP + STEPS; s++) {
    if (s === WARMUP) { t0 = performance.now(); c0 = process.cpuUsage(); }
    const ts = performance.now();
    const k = s % STEPS_PER_EPOCH;
    tr.step(order.subarray(k * B, Math.min((k + 1) * B, P)));
    if (s >= WARMUP) perStep.push(performance.now() - ts);
    if (s > WARMUP && (s - WARMUP) % 1000 === 0) process.stderr.write(`twotower_epoch: ${s - WARMUP}/${STEPS} steps\n`);
  }
  const total = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1000;
  // Adam alone on this parameter count (part of every step; reported to show its share)
  const at: number[] = [];
  for (let i = 0; i < 30; i++) { const t = performance.now(); tr.adam.step(); at.push(performance.now() - t); }
  adamMs = median(at);
  paramCount = net.params.size;
  tr.close();
  return { perStep, total, cpu };
}

// The sgemm calls one step cannot avoid (forward, weight grads, hidden-input grads), no tape.
function gemmFloor(steps: number): number[] {
  setThreads(THREADS);
  const tower = (Dd: number, De: number) => {
    const W = [new Float32Array(Dd * 512), new Float32Array(De * 512), new Float32Array(512 * 256), new Float32Array(256 * 128)];
    const x = randMatrix(B * Dd, 1), e = randMatrix(B * De, 1);
    const h = [new Float32Array(B * 512), new Float32Array(B * 256), new Float32Array(B * 128)];
    const g = [new Float32Array(B * 512), new Float32Array(B * 256)];
    const gW = W.map((w) => new Float32Array(w.length));
    const ge = new Float32Array(B * De);
    return () => {
      sgemm(false, false, B, 512, Dd, 1, x, Dd, W[0], 512, 0, h[0], 512);
      sgemm(false, false, B, 512, De, 1, e, De, W[1], 512, 1, h[0], 512);
      sgemm(false, false, B, 256, 512, 1, h[0], 512, W[2], 256, 0, h[1], 256);
      sgemm(false, false, B, 128, 256, 1, h[1], 256, W[3], 128, 0, h[2], 128);
      sgemm(true, false, 256, 128, B, 1, h[1], 256, h[2], 128, 0, gW[3], 128);
      sgemm(false, true, B, 256, 128, 1, h[2], 128, W[3], 128, 0, g[1], 256);
      sgemm(true, false, 512, 256, B, 1, h[0], 512, g[1], 256, 0, gW[2], 256);
      sgemm(false, true, B, 512, 256, 1, g[1], 256, W[2], 256, 0, g[0], 512);
      sgemm(true, false, Dd, 512, B, 1, x, Dd, g[0], 512, 0, gW[0], 512);
      sgemm(true, false, De, 512, B, 1, e, De, g[0], 512, 0, gW[1], 512);
      sgemm(false, true, B, De, 512, 1, g[0], 512, W[1], 512, 0, ge, De);
    };
  };
  const ut = tower(DU, DC), it = tower(DI, DL + DG);
  const times: number[] = [];
  for (let s = 0; s < steps + 5; s++) {
    const t = performance.now();
    ut(); it();
    if (s >= 5) times.push(performance.now() - t);
  }
  return times;
}

const defaultThreads = getThreads();
const runs: { epoch_s: number; step_p50_ms: number; cpu_epoch_s: number }[] = [];
const load0 = loadavg()[0];
for (let r = 0; r < REPEATS; r++) {
  const { perStep, total, cpu } = trainTimes();
  runs.push({ epoch_s: (total / STEPS) * STEPS_PER_EPOCH / 1000, step_p50_ms: median(perStep), cpu_epoch_s: (cpu / STEPS) * STEPS_PER_EPOCH / 1000 });
  process.stderr.write(`twotower_epoch: run ${r + 1}: ${(total / STEPS).toFixed(3)} ms/step mean, ${median(perStep).toFixed(3)} p50\n`);
}
const floor = median(gemmFloor(Math.min(STEPS, 300)));
setThreads(defaultThreads);
const epoch = median(runs.map((x) => x.epoch_s));
console.log(JSON.stringify({
  epoch_s: r3(epoch), step_ms: r3(epoch * 1000 / STEPS_PER_EPOCH), step_p50_ms: r3(median(runs.map((x) => x.step_p50_ms))),
  gemm_floor_step_ms: r3(floor), gemm_floor_epoch_s: r3(floor * STEPS_PER_EPOCH / 1000), adam_step_ms: r3(adamMs), params: paramCount,
  // CPU time of this process per epoch: with --threads 1 it approximates the wall time on an idle
  // machine (shared cores inflate wall time); with 2 threads it also counts OpenBLAS spinning.
  cpu_epoch_s: r3(median(runs.map((x) => x.cpu_epoch_s))), load_avg_1m: Math.round(Math.max(load0, loadavg()[0]) * 10) / 10,
  pytorch_ref_epoch_s: 62, ratio_vs_pytorch: r3(epoch / 62),
  steps_timed: STEPS, steps_per_epoch: STEPS_PER_EPOCH, repeats: REPEATS, threads: THREADS, backend: backend(),
}));
