// HGNN training epoch on the reference workload (issue 5): 20,000 audiobooks, 100,000
// podcasts, 40k a–a / 400k a–p / 2M p–p edges (Zipf endpoints), 384-d features, hidden 256,
// output 128, fan-out 10 per relation per layer, batch 256, one negative, balanced sampler
// (3 × 40,000 = 120,000 positives = 469 batches per epoch), Adam lr 1e-3.
// Times `--batches N` training steps (after `--warmup` untimed ones), extrapolates to the
// epoch, and times inference of all 120,000 embeddings (median of `--infer-repeats`, scratch
// pool reused as in the trainer / server; the first, cold call is reported apart).
// Baseline in the same run: the published tuned PyTorch 1.13 CPU figures for this workload on
// this machine (67–83 s / epoch, 1.7–2.7 s infer_all; stock Debian settings 210 s), and our
// own literal step (every sampled entry gathered and transformed, unfused ops) on a few batches.
// The issue leaves the Zipf exponent open but describes the workload it measured PyTorch on:
// ~22k unique layer-1 source rows per batch (~11.7 GFLOP). The default exponent, 1.1
// (REFERENCE_GRAPH), reproduces that: 24.6k rows (summed over relations), 12.8 GFLOP.
// `--zipf 0.8` (our first choice) is 2.4x heavier: 58k rows, 27.8 GFLOP.
// Usage: npx tsx bench/hgnn_epoch.ts [--batches 40] [--warmup 3] [--infer-repeats 3] [--naive-batches 3] [--threads 2] [--zipf 1.1]
// Last stdout line: {"epoch_s":…, "batches_per_s":…, "infer_all_s":…, "peak_rss_mb":…, ...}
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { LinkBatchSampler, REFERENCE_GRAPH, syntheticHeteroGraph } from '../src/graph/index.ts';
import { blockCsr, embedAll, HgnnModel, hgnnArch, linkLoss, relationIndex, featureTensors } from '../src/models/hgnn/index.ts';
import { Adam, BufferPool, Rng, Tape, Tensor, backend, biasAdd, gather, getThreads, matmul, relu, segmentMax, setThreads } from '../src/tensor/index.ts';
import { SageConv, type NeighbourCsr, type SourceRows } from '../src/nn/sage_conv.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '3' },
    'infer-repeats': { type: 'string', default: '3' },
    'naive-batches': { type: 'string', default: '3' },
    threads: { type: 'string' },
    zipf: { type: 'string', default: String(REFERENCE_GRAPH.zipf) },
  },
});
const nBatches = Number(values.batches), warmup = Number(values.warmup);
const inferRepeats = Number(values['infer-repeats']), naiveBatches = Number(values['naive-batches']);
if (values.threads) setThreads(Number(values.threads));
const log = (...a: unknown[]): void => console.error('[bench/hgnn_epoch]', ...a);
let gflopPerBatch = 0, uniqueRows0 = 0;
const median = (x: number[]): number => { const s = [...x].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };

let t = performance.now();
const zipf = Number(values.zipf);
if (!(zipf >= 0)) throw new Error(`bench/hgnn_epoch: --zipf expected a number >= 0, got '${values.zipf}'`);
const graph = syntheticHeteroGraph({ ...REFERENCE_GRAPH, zipf });
log(`graph (zipf ${zipf}): ${graph.totalNodes} nodes, ${graph.numEdges} edges in ${((performance.now() - t) / 1000).toFixed(1)}s; kernels ${backend()}, ${getThreads()} BLAS threads`);
const D = 384;
const rng = new Rng(11);
const features = Object.fromEntries(graph.nodeTypes.map((ty, i) => {
  const x = new Float32Array(graph.numNodes[i] * D);
  for (let j = 0; j < x.length; j++) x[j] = rng.normal() * 0.05;
  return [ty, { x, dim: D }];
}));
const relations = graph.directed.map((d) => ({ name: d.name, srcType: d.srcType, dstType: d.dstType }));
const arch = hgnnArch(graph.nodeTypes, graph.nodeTypes.map(() => D), relations, { hidden: 256, out: 128, layers: 2 });
const model = new HgnnModel(arch, 1);
const opt = new Adam(model.params, { lr: 1e-3 });
const feats = featureTensors(model, features, graph.numNodes);
const gi = relationIndex(arch, graph);
const lbs = new LinkBatchSampler(graph, { seed: 1, edges: { batchSize: 256, balanced: true }, neighbours: { fanouts: [10, 10] } });
const epochBatches = lbs.numBatches;
log(`model: ${model.numParams} parameters; epoch = ${lbs.edgeSampler.edgesPerEpoch} positives = ${epochBatches} batches`);
const pool = new BufferPool();
const tp = new Tape(pool);
const it = lbs.epoch();
let sampleMs = 0;

function step(): number {
  const s0 = performance.now();
  const b = it.next().value!;
  sampleMs += performance.now() - s0;
  const z = model.forward(tp, feats, b.blocks.nodes, blockCsr(b.blocks, gi));
  const loss = linkLoss(tp, z, b, 0.5);
  const v = loss.item();
  tp.backward(loss);
  opt.step();
  model.params.zeroGrad();
  tp.reset();
  return v;
}

// Work per batch (untimed): unique source rows per relation and layer -> GEMM FLOPs
// (forward + dW for every transform, + dX for layer-1 inputs).
{
  const b = it.next().value!;
  const csr = blockCsr(b.blocks, gi);
  let fl = 0, rows0 = 0;
  const dims = [[D, 256], [256, 128]];
  for (let l = 0; l < 2; l++) {
    const [din, dout] = dims[l];
    const passes = l === 0 ? 2 : 3;
    for (let r = 0; r < relations.length; r++) {
      const c = csr[l][r];
      const u = c ? new Set(c.indices).size : 0;
      if (l === 0) rows0 += u;
      fl += passes * 2 * u * din * dout;
    }
    for (let t = 0; t < graph.nodeTypes.length; t++) fl += passes * 2 * b.blocks.nodes[l + 1][t].length * din * dout;
  }
  log(`work per batch: ${rows0} unique layer-0 source rows summed over relations, ~${(fl / 1e9).toFixed(1)} GFLOP of GEMM`);
  // Alternatives (task: one GEMM per source type over the union of its relations' rows with
  // [D, R_t * H] weights; W_self fused into it): rows x columns they would transform in layer 0
  {
    let perRel = 0, unionFused = 0, selfFused = 0, selfSep = 0;
    for (let t = 0; t < graph.nodeTypes.length; t++) {
      const union = new Set<number>();
      let rels = 0;
      relations.forEach((r, k) => {
        const c = csr[0][k];
        if (r.srcType !== t || !c) return;
        rels++;
        const u = new Set(c.indices);
        perRel += u.size;
        for (const p of u) union.add(p);
      });
      unionFused += union.size * rels;
      const nDst = b.blocks.nodes[1][t].length;
      selfSep += nDst;
      let inUnion = 0;
      for (let p = 0; p < nDst; p++) if (union.has(p)) inUnion++; // dst row p = src position p (prefix rule)
      // [W_rel.. | W_self] over union ∪ dst rows, minus what the union GEMM costs anyway
      selfFused += (union.size + nDst - inUnion) * (rels + 1) - union.size * rels;
      log(`  layer 0, ${graph.nodeTypes[t]} sources: ${rels} relations, union ${union.size} rows; dst ${nDst} rows, ${inUnion} of them in the union`);
    }
    const gf = (rowsH: number): string => (2 * 2 * rowsH * D * 256 / 1e9).toFixed(1); // forward + dW
    log(`  layer-0 row transforms (x256 cols): per relation ${perRel} (${gf(perRel)} GFLOP fwd+dW) vs fused union GEMM per source type ${unionFused} ` +
      `(${gf(unionFused)} GFLOP); W_self separately ${selfSep} rows vs ${selfFused} row-equivalents fused into that union GEMM (${gf(selfSep)} vs ${gf(selfFused)} GFLOP)`);
  }
  gflopPerBatch = fl / 1e9;
  uniqueRows0 = rows0;
}

for (let i = 0; i < warmup; i++) step();
sampleMs = 0;
const load0 = loadavg()[0];
t = performance.now();
let cpu = process.cpuUsage();
let lossSum = 0;
for (let i = 0; i < nBatches; i++) lossSum += step();
const trainS = (performance.now() - t) / 1000;
cpu = process.cpuUsage(cpu);
const cpuPerBatch = (cpu.user + cpu.system) / 1e6 / nBatches; // all threads of this process
const perBatch = trainS / nBatches;
const sampleMsPerBatch = sampleMs / nBatches;
log(`train: ${nBatches} batches in ${trainS.toFixed(2)}s (${(perBatch * 1000).toFixed(0)} ms/batch, sampling ${(sampleMs / nBatches).toFixed(1)} ms/batch, ` +
  `${(gflopPerBatch / perBatch).toFixed(1)} GFLOP/s), mean loss ${(lossSum / nBatches).toFixed(4)}`);

// Baseline: the literal layer (every sampled entry gathered and transformed, no dedupe,
// relu(biasAdd(matmul)) then segmentMax) on a few batches, swapped in for SageConv.forward.
let naiveS = NaN;
if (naiveBatches > 0) {
  const fast = SageConv.prototype.forward;
  SageConv.prototype.forward = function naive(this: SageConv, tq: Tape, src: SourceRows, c: NeighbourCsr): Tensor {
    const E = c.indices.length, nDst = c.indptr.length - 1;
    if (E === 0) return tq.zeros([nDst, this.outDim]);
    const rows = tq.pool.i32(E);
    for (let e = 0; e < E; e++) rows[e] = src.rows ? src.rows[c.indices[e]] : c.indices[e];
    const x = gather(tq, src.table, rows);
    return segmentMax(tq, relu(tq, biasAdd(tq, matmul(tq, x, this.W), this.b)), c.indptr);
  };
  step();
  const s0 = performance.now();
  for (let i = 0; i < naiveBatches; i++) step();
  naiveS = (performance.now() - s0) / 1000 / naiveBatches;
  SageConv.prototype.forward = fast;
  log(`baseline (no dedupe, unfused): ${(naiveS * 1000).toFixed(0)} ms/batch = ${(naiveS * epochBatches).toFixed(0)} s/epoch`);
}

const inferTimes: number[] = [];
let cold = NaN;
const inferCpu: number[] = [];
for (let i = 0; i < inferRepeats + 1; i++) {
  const s = performance.now(), c0 = process.cpuUsage();
  const z = embedAll(model, graph, features, { fanout: 10, seed: 12345, pool });
  const dt = (performance.now() - s) / 1000, c1 = process.cpuUsage(c0);
  if (i === 0) cold = dt; else { inferTimes.push(dt); inferCpu.push((c1.user + c1.system) / 1e6); }
  if (z[0].length !== graph.numNodes[0] * 128) throw new Error('bench: wrong embedding size');
}
const inferS = inferRepeats > 0 ? median(inferTimes) : cold;
const inferCpuS = inferCpu.length ? median(inferCpu) : NaN;
log(`infer_all: median ${inferS.toFixed(2)}s over ${inferRepeats} (cold first call ${cold.toFixed(2)}s)`);
const rss = process.resourceUsage().maxRSS / 1024;
const out = {
  epoch_s: +(perBatch * epochBatches).toFixed(2),
  batches_per_s: +(1 / perBatch).toFixed(3),
  infer_all_s: +inferS.toFixed(3),
  peak_rss_mb: Math.round(rss),
  infer_all_cold_s: +cold.toFixed(3),
  // CPU seconds of this process (all BLAS threads): on a shared, overloaded machine wall time
  // mostly measures the other processes; CPU time / threads approximates an idle run
  epoch_cpu_s: +(cpuPerBatch * epochBatches).toFixed(1),
  infer_all_cpu_s: +inferCpuS.toFixed(2),
  load_avg_1m: +load0.toFixed(1),
  sample_ms_per_batch: +sampleMsPerBatch.toFixed(2),
  batches_timed: nBatches,
  epoch_batches: epochBatches,
  blas_threads: getThreads(),
  kernels: backend(),
  baseline_pytorch_tuned_epoch_s: [67, 83],
  baseline_pytorch_stock_epoch_s: 210,
  baseline_pytorch_infer_all_s: [1.7, 2.7],
  zipf,
  unique_layer0_rows: uniqueRows0,
  gflop_per_batch: +gflopPerBatch.toFixed(2),
  gemm_gflop_s: +(gflopPerBatch / perBatch).toFixed(1),
  baseline_naive_epoch_s: +(naiveS * epochBatches).toFixed(1),
};
console.log(JSON.stringify(out));
