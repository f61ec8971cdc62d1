// One Adam training step of a 384 -> 256 -> 128 MLP (ReLU, softmax cross-entropy over the 128
// outputs) at batch 1024 through the tape, buffers recycled by a BufferPool. Baseline in the
// same run: the five GEMMs of the step alone (the floor any implementation pays).
// step_cpu_ms (process CPU time per step, all threads) is the figure to trust on a busy box.
//   npx tsx bench/mlp_step.ts [--steps 30] [--threads 1|2]
// Last stdout line: {"step_ms": ..., ...}
import { Adam, BufferPool, ParamStore, Rng, Tape, backend, getThreads, setThreads, sgemm, softmaxCrossEntropy } from '../src/tensor/index.ts';
import { Mlp } from '../src/nn/index.ts';

const B = 1024, D = 384, H1 = 256, H = 128;
const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const STEPS = arg('--steps', 30);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rng = new Rng(3);
const x = new Float32Array(B * D).map(() => rng.normal());
const y = Int32Array.from({ length: B }, () => rng.int(H));

let lastCpuMs = 0; // process CPU time (all threads) per step of the last stepTimes run

function stepTimes(threads: number, steps: number): number[] {
  setThreads(threads);
  const ps = new ParamStore(new Rng(1));
  const mlp = new Mlp(ps, 'mlp', [D, H1, H]);
  const opt = new Adam(ps, { lr: 1e-3 });
  const tp = new Tape(new BufferPool());
  const times: number[] = [];
  let cpu0 = process.cpuUsage();
  for (let s = 0; s < steps + 3; s++) {
    if (s === 3) cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const loss = softmaxCrossEntropy(tp, mlp.forward(tp, tp.input(x, [B, D])), y);
    tp.backward(loss);
    opt.step();
    ps.zeroGrad();
    tp.reset();
    if (s >= 3) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const c = process.cpuUsage(cpu0);
  lastCpuMs = (c.user + c.system) / 1000 / steps;
  return times;
}

function gemmOnlyTimes(threads: number, steps: number): number[] {
  setThreads(threads);
  const W1 = new Float32Array(D * H1), W2 = new Float32Array(H1 * H), h1 = new Float32Array(B * H1), z = new Float32Array(B * H);
  const gW1 = new Float32Array(D * H1), gW2 = new Float32Array(H1 * H), gh1 = new Float32Array(B * H1);
  const times: number[] = [];
  for (let s = 0; s < steps + 3; s++) {
    const t0 = process.hrtime.bigint();
    sgemm(false, false, B, H1, D, 1, x, D, W1, H1, 0, h1, H1);
    sgemm(false, false, B, H, H1, 1, h1, H1, W2, H, 0, z, H);
    sgemm(true, false, H1, H, B, 1, h1, H1, z, H, 0, gW2, H);
    sgemm(false, true, B, H1, H, 1, z, H, W2, H, 0, gh1, H1);
    sgemm(true, false, D, H1, B, 1, x, D, gh1, H1, 0, gW1, H1);
    if (s >= 3) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;
const out: Record<string, number | string> = { backend: backend() };
const defaultThreads = getThreads();
if (backend() === 'addon') {
  const forced = arg('--threads', 0);
  for (const th of forced ? [forced] : [1, 2]) {
    out[`step_ms_${th}t`] = r2(median(stepTimes(th, STEPS)));
    out[`gemm_only_ms_${th}t`] = r2(median(gemmOnlyTimes(th, STEPS)));
    process.stderr.write(`${th} thread(s): step ${out[`step_ms_${th}t`]} ms, GEMMs alone ${out[`gemm_only_ms_${th}t`]} ms\n`);
  }
  setThreads(defaultThreads);
  out.default_threads = defaultThreads;
  out.step_ms = r2(median(stepTimes(defaultThreads, STEPS)));
  out.step_cpu_ms = r2(lastCpuMs);
} else {
  out.step_ms = r2(median(stepTimes(1, Math.min(STEPS, 3))));
}
process.stderr.write(`step (default settings, ${out.backend}): ${out.step_ms} ms\n`);
console.log(JSON.stringify(out));
