// Sampler throughput: 2-layer blocks (fan-out 10 per relation per layer) for batches of 256
// positive pairs + 256 uniform negatives on the reference graph (20k audiobooks, 100k
// podcasts, 2.44M edges, Zipf endpoints), through LinkBatchSampler — exactly what the HGNN
// trainer calls. Baseline in the same run: a straightforward sampler with Map/Set dedupe and
// JS arrays (what one writes first). Target: ≥ 10× the training step rate (~470 batches / 60 s).
// Usage: npx tsx bench/sampler.ts [--batches 200] [--repeats 5]
// Last stdout line: {"batches_per_s":…, ...}
import { parseArgs } from 'node:util';
import { GraphRng, LinkBatchSampler, REFERENCE_GRAPH, splitValidationEdges, syntheticHeteroGraph, type HeteroGraph } from '../src/graph/index.ts';

const { values } = parseArgs({
  options: { batches: { type: 'string', default: '200' }, repeats: { type: 'string', default: '5' } },
});
const nBatches = Number(values.batches), repeats = Number(values.repeats);
const log = (...a: unknown[]): void => console.error('[bench/sampler]', ...a);
const median = (x: number[]): number => { const s = [...x].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };

let t = performance.now();
const full = syntheticHeteroGraph(REFERENCE_GRAPH);
const graphBuildMs = performance.now() - t;
const { train } = splitValidationEdges(full, { fraction: 0.1, seed: 1 });
log(`graph: ${full.totalNodes} nodes, ${full.numEdges} edges (${graphBuildMs.toFixed(0)} ms); train ${train.numEdges}`);

const lbs = new LinkBatchSampler(train, { seed: 1, neighbours: { fanouts: [10, 10] } });
t = performance.now();
let ep = lbs.edgeSampler.epoch();
const epochDrawMs = performance.now() - t;
log(`epoch: ${ep.length} supervision edges, ${lbs.numBatches} batches, drawn in ${epochDrawMs.toFixed(1)} ms`);

const B = lbs.edgeSampler.batchSize;
function runOurs(): { perS: number; cpuMs: number; inputNodes: number; sampledEdges: number } {
  let start = 0, inputNodes = 0, sampledEdges = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < nBatches; i++) {
    if (start + B > ep.length) { ep = lbs.edgeSampler.epoch(); start = 0; }
    const b = lbs.batchFrom(ep, start, B);
    start += B;
    for (const n of b.blocks.nodes[0]!) inputNodes += n.length;
    for (const blk of b.blocks.blocks) for (const r of blk.rel) sampledEdges += r.indices.length;
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { perS: nBatches / s, cpuMs: (cpu.user + cpu.system) / 1000 / nBatches, inputNodes: inputNodes / nBatches, sampledEdges: sampledEdges / nBatches };
}

// Baseline: same semantics, idiomatic JS (Map for dedupe, arrays, a copied candidate list).
function runBaseline(g: HeteroGraph, batches: number): number {
  const rng = new GraphRng(9);
  const t0 = performance.now();
  for (let bi = 0; bi < batches; bi++) {
    const seeds: { t: number; v: number }[] = [];
    for (let i = start0(bi); i < start0(bi) + B; i++) {
      seeds.push({ t: ep.anchorType[i]!, v: ep.anchorId[i]! }, { t: ep.positiveType[i]!, v: ep.positiveId[i]! });
      const gid = rng.int(g.totalNodes);
      const nt = gid >= g.typeOffset[1]! ? 1 : 0;
      seeds.push({ t: nt, v: gid - g.typeOffset[nt]! });
    }
    let dst = g.nodeTypes.map((_, ti) => [...new Set(seeds.filter((s) => s.t === ti).map((s) => s.v))]);
    for (let layer = 0; layer < 2; layer++) {
      const maps = dst.map((list) => new Map(list.map((v, i) => [v, i])));
      const src = dst.map((l) => [...l]);
      const blocks: { indptr: number[]; indices: number[] }[] = [];
      for (const d of g.directed) {
        const indptr = [0], indices: number[] = [];
        for (const v of dst[d.dstType]!) {
          const cand = Array.from(g.neighbours(d.index, v));
          for (let k = 0; k < Math.min(10, cand.length); k++) {
            const j = k + rng.int(cand.length - k);
            [cand[k], cand[j]] = [cand[j]!, cand[k]!];
            const u = cand[k]!;
            let p = maps[d.srcType]!.get(u);
            if (p === undefined) { p = src[d.srcType]!.length; maps[d.srcType]!.set(u, p); src[d.srcType]!.push(u); }
            indices.push(p);
          }
          indptr.push(indices.length);
        }
        blocks.push({ indptr, indices });
      }
      dst = src;
    }
  }
  return batches / ((performance.now() - t0) / 1000);
}
const start0 = (bi: number): number => (bi * B) % (ep.length - B);

runOurs(); // warm-up (JIT, buffer growth)
const ours: number[] = [], base: number[] = [], cpuMs: number[] = [];
let shape = { inputNodes: 0, sampledEdges: 0 };
for (let r = 0; r < repeats; r++) {
  const o = runOurs();
  ours.push(o.perS);
  cpuMs.push(o.cpuMs);
  shape = o;
  base.push(runBaseline(train, Math.max(5, Math.floor(nBatches / 10))));
  log(`repeat ${r + 1}/${repeats}: ours ${o.perS.toFixed(1)} batches/s (${o.cpuMs.toFixed(2)} cpu ms/batch), baseline ${base[r]!.toFixed(1)} batches/s`);
}
const trainingStepRate = 470 / 60;
const bps = median(ours);
console.log(JSON.stringify({
  batches_per_s: Number(bps.toFixed(1)),
  ms_per_batch: Number((1000 / bps).toFixed(2)),
  cpu_ms_per_batch: Number(median(cpuMs).toFixed(2)),
  baseline_batches_per_s: Number(median(base).toFixed(1)),
  speedup_vs_baseline: Number((bps / median(base)).toFixed(1)),
  x_training_step_rate: Number((bps / trainingStepRate).toFixed(1)),
  epoch_edge_draw_ms: Number(epochDrawMs.toFixed(1)),
  batches_per_epoch: lbs.numBatches,
  input_nodes_per_batch: Math.round(shape.inputNodes),
  sampled_edges_per_batch: Math.round(shape.sampledEdges),
  nodes: full.totalNodes, edges: full.numEdges, graph_mb: Number((full.memory().totalBytes / 2 ** 20).toFixed(1)),
  synthetic_graph_ms: Math.round(graphBuildMs), batch_pairs: B, fanout: [10, 10], repeats,
}));
