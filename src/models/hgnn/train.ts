// HGNN training loop (SPEC §2, §3): balanced link batches, max-margin loss, Adam, validation
// loss + HR@10 after every epoch on held-out edges, early stopping with patience, best weights
// kept, a checkpoint per epoch, resume, NaN guard.
//
// Reproducibility / resume: every epoch's samplers are created from (seed, epoch) alone, and
// the checkpoint holds parameters, Adam moments and step, early-stopping state and history.
// So a run resumed from the checkpoint of epoch k continues with bit-identical numbers to an
// uninterrupted run with the same seed, data and config (same kernels and thread count:
// OpenBLAS results may differ in the last bits across thread counts).
import { mkdirSync } from 'node:fs';
import { LinkBatchSampler, splitValidationEdges, type EdgeSet, type HeteroGraph } from '../../graph/index.ts';
import { Adam, BufferPool, Tape } from '../../tensor/index.ts';
import { blockCsr, linkLoss, relationIndex } from './batch.ts';
import { loadCheckpoint, saveCheckpoint, type CheckpointState, type EpochReport } from './checkpoint.ts';
import { hgnnTrainConfig, type HgnnTrainConfig } from './config.ts';
import { embedAll, featureTensors, type HgnnFeatures } from './infer.ts';
import { HgnnModel, hgnnArch } from './model.ts';
import { makeValidationTask, validationMetrics } from './validate.ts';

/** Input of trainHgnn. */
export interface TrainHgnnInput {
  /** The full co-listening graph (validation edges are split off inside). */
  graph: HeteroGraph;
  /** Per-type features, rows aligned with the graph's local ids. */
  features: HgnnFeatures;
  /** Partial settings over DEFAULT_HGNN_CONFIG. */
  config?: Partial<HgnnTrainConfig> | HgnnTrainConfig;
  /** Master seed (init, validation split, samplers). Default 1. */
  seed?: number;
  /** Folder for the per-epoch checkpoint; training resumes from it when one is there. */
  checkpointDir?: string;
  /** Set false to ignore (and overwrite) an existing checkpoint. Default true. */
  resume?: boolean;
  /** Called after every epoch. */
  onProgress?: (r: EpochReport) => void;
  /** Progress lines (default: stderr). Pass () => {} to silence. */
  log?: (line: string) => void;
  /** Cap on batches per epoch (tests, smoke runs). Default: the whole epoch. */
  maxBatchesPerEpoch?: number;
  /** Cap on epochs run by THIS call (simulating an interruption in tests). Default: no cap. */
  stopAfterEpochs?: number;
}

/** Output of trainHgnn. */
export interface TrainHgnnResult {
  /** The model with the best validation weights loaded. */
  model: HgnnModel;
  history: EpochReport[];
  /** 1-based epoch of the best weights (0 when no epoch ran). */
  bestEpoch: number;
  stoppedEarly: boolean;
  config: HgnnTrainConfig;
  /** The graph used for training (ablations applied, validation edges removed) and the held-out edges. */
  trainGraph: HeteroGraph;
  validation: EdgeSet;
}

/** Thrown when a loss or weight stops being finite; names the step. */
export class HgnnNumericError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HgnnNumericError';
  }
}

/** Applies the relation switches of a config to a graph (dropped relations lose their edges). */
export function ablateGraph(graph: HeteroGraph, cfg: HgnnTrainConfig): HeteroGraph {
  let g = graph;
  if (cfg.onlyRelations.length) {
    const keep = new Set(cfg.onlyRelations.map((n) => graph.relationIndex(n)));
    g = g.withoutRelations(graph.relations.filter((r) => !keep.has(r.index)).map((r) => r.name));
  }
  if (cfg.dropRelations.length) g = g.withoutRelations(cfg.dropRelations);
  return g;
}

/**
 * Trains the HGNN and returns the best model (by cfg.monitor on the validation edges).
 * @example const { model, history } = await trainHgnn({ graph, features, config: { epochs: 20 }, seed: 7,
 *            checkpointDir: 'ws/hgnn' }); const z = embedAll(model, graph, features);
 */
export async function trainHgnn(input: TrainHgnnInput): Promise<TrainHgnnResult> {
  const cfg = hgnnTrainConfig(input.config as Record<string, unknown> | undefined);
  const seed = input.seed ?? 1;
  const log = input.log ?? ((s: string) => process.stderr.write(s + '\n'));
  const graph = ablateGraph(input.graph, cfg);
  const { train, validation } = splitValidationEdges(graph, { fraction: cfg.valFraction, seed });
  // relations that carry messages: directed relations with training edges
  const relations = train.directed.filter((d) => d.indices.length > 0)
    .map((d) => ({ name: d.name, srcType: d.srcType, dstType: d.dstType }));
  if (relations.length === 0) throw new Error('trainHgnn: the training graph has no edges (after ablations and the validation split)');
  const types = [...graph.nodeTypes];
  const inDims = types.map((t) => {
    const f = input.features[t];
    if (!f) throw new Error(`trainHgnn: features['${t}'] missing (have ${JSON.stringify(Object.keys(input.features))})`);
    return f.dim;
  });
  const arch = hgnnArch(types, inDims, relations, { hidden: cfg.hidden, out: cfg.out, layers: cfg.layers, projDim: cfg.projDim || undefined });
  const model = new HgnnModel(arch, seed);
  const ps = model.params;
  const opt = new Adam(ps, { lr: cfg.lr });
  const gi = relationIndex(arch, train);
  const feats = featureTensors(model, input.features, graph.numNodes, 'trainHgnn');
  // negatives: uniform over the types that take part in the supervised relations
  const negTypeSet = new Set<number>();
  for (const r of train.relations) if (r.numEdges > 0) { negTypeSet.add(r.typeA); negTypeSet.add(r.typeB); }
  const negTypes = [...negTypeSet].sort((a, b) => a - b);
  const task = makeValidationTask(train, validation, { maxEdges: cfg.valMaxEdges, K: cfg.hrNegatives, negTypes, seed: seed + 101 });

  const P = ps.size;
  const best = ps.data.slice();
  let state: CheckpointState = { epoch: 0, adamT: 0, bestEpoch: 0, bestScore: NaN, badEpochs: 0, stopped: false, history: [] };
  const ident = { arch, config: cfg, seed };
  if (input.checkpointDir) {
    mkdirSync(input.checkpointDir, { recursive: true });
    const ck = input.resume === false ? null : loadCheckpoint(input.checkpointDir, ident);
    if (ck) {
      ps.data.set(ck.arrays.params);
      opt.m.set(ck.arrays.adamM);
      opt.v.set(ck.arrays.adamV);
      best.set(ck.arrays.best);
      opt.t = ck.state.adamT;
      state = ck.state;
      log(`hgnn: resumed from ${input.checkpointDir} after epoch ${state.epoch} (best epoch ${state.bestEpoch})`);
    }
  }
  const pool = new BufferPool();
  const tp = new Tape(pool);
  const better = (s: number): boolean => Number.isNaN(state.bestScore) || (cfg.monitor === 'loss' ? s < state.bestScore : s > state.bestScore);
  let ran = 0;
  log(`hgnn: ${model.numParams} parameters, ${relations.length} relations [${relations.map((r) => r.name).join(', ')}], ` +
    `${train.numEdges} training edges, ${validation.a.length} validation edges (${task.size} scored), ` +
    `negatives ${cfg.negatives === 'sameType' ? "of the positive's type" : `uniform over [${negTypes.map((t) => types[t]).join(', ')}]`}`);

  while (!state.stopped && state.epoch < cfg.epochs) {
    if (input.stopAfterEpochs !== undefined && ran >= input.stopAfterEpochs) break;
    const epoch = state.epoch + 1;
    const t0 = performance.now();
    const lbs = new LinkBatchSampler(train, {
      seed: epochSeed(seed, epoch),
      edges: { batchSize: cfg.batch, balanced: cfg.balanced },
      neighbours: { fanouts: Array(cfg.layers).fill(cfg.fanout) },
      negatives: cfg.negatives === 'sameType' ? { mode: 'matchPositive' } : { types: negTypes.map((t) => types[t]) },
    });
    const total = Math.min(lbs.numBatches, input.maxBatchesPerEpoch ?? Infinity);
    let lossSum = 0, nb = 0, lastLog = t0;
    for (const batch of lbs.epoch()) {
      if (nb >= total) break;
      const z = model.forward(tp, feats, batch.blocks.nodes, blockCsr(batch.blocks, gi));
      const bad = firstNonFinite(z.data);
      if (bad >= 0) {
        throw new HgnnNumericError(`trainHgnn: output embeddings became ${z.data[bad]} at epoch ${epoch}, batch ${nb + 1}/${total} ` +
          `(forward of Adam step ${opt.t + 1}; check the features and the learning rate)`);
      }
      const loss = linkLoss(tp, z, batch, cfg.margin);
      const lv = loss.item();
      if (!Number.isFinite(lv)) throw new HgnnNumericError(`trainHgnn: loss became ${lv} at epoch ${epoch}, batch ${nb + 1}/${total} (Adam step ${opt.t + 1})`);
      tp.backward(loss);
      opt.step();
      checkFinite(model, epoch, nb + 1, opt.t);
      ps.zeroGrad();
      tp.reset();
      lossSum += lv;
      nb++;
      const now = performance.now();
      if (now - lastLog > 30000) {
        lastLog = now;
        log(`hgnn: epoch ${epoch} batch ${nb}/${total} loss ${(lossSum / nb).toFixed(4)} ${((now - t0) / 1000).toFixed(1)}s`);
      }
    }
    const zAll = embedAll(model, train, input.features, { fanout: cfg.inferenceFanout, seed: cfg.inferenceSeed, pool });
    const vm = validationMetrics(zAll, cfg.out, task, cfg.margin);
    const score = cfg.monitor === 'loss' ? vm.loss : vm.hr10;
    const improved = better(score);
    if (improved) {
      state.bestScore = score;
      state.bestEpoch = epoch;
      state.badEpochs = 0;
      best.set(ps.data);
    } else state.badEpochs++;
    const rep: EpochReport = {
      epoch, trainLoss: nb ? lossSum / nb : NaN, valLoss: vm.loss, valHr10: vm.hr10,
      seconds: (performance.now() - t0) / 1000, batches: nb, best: improved,
    };
    state.history.push(rep);
    state.epoch = epoch;
    state.adamT = opt.t;
    if (state.badEpochs >= cfg.patience) state.stopped = true;
    log(`hgnn: epoch ${epoch}/${cfg.epochs} loss ${rep.trainLoss.toFixed(4)} val_loss ${vm.loss.toFixed(4)} ` +
      `val_hr10 ${vm.hr10.toFixed(4)} ${rep.seconds.toFixed(1)}s${improved ? ' *best' : ''}` +
      `${state.stopped ? ` (early stop: ${cfg.patience} epochs without improvement)` : ''}`);
    if (input.checkpointDir) saveCheckpoint(input.checkpointDir, { params: ps.data, adamM: opt.m, adamV: opt.v, best }, state, ident);
    input.onProgress?.(rep);
    ran++;
    // let timers / IO callbacks run between epochs
    await new Promise((r) => setImmediate(r));
  }
  if (state.bestEpoch > 0) ps.data.set(best.subarray(0, P));
  return {
    model, history: state.history, bestEpoch: state.bestEpoch, stoppedEarly: state.stopped, config: cfg,
    trainGraph: train, validation,
  };
}

/** Seed of the samplers of one epoch: a function of (seed, epoch) only (resume = same stream). */
export function epochSeed(seed: number, epoch: number): number {
  let x = (Math.trunc(seed) ^ Math.imul(epoch, 0x9e3779b1)) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return ((x ^ (x >>> 16)) >>> 1) % 1000000007; // sampler seeds +1/+2 stay finite integers
}

function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

function checkFinite(model: HgnnModel, epoch: number, batch: number, step: number): void {
  const d = model.params.data;
  for (let i = 0; i < d.length; i++) {
    if (Number.isFinite(d[i])) continue;
    const name = model.params.names().find((n) => {
      const t = model.params.get(n);
      return t.data.byteOffset <= d.byteOffset + 4 * i && d.byteOffset + 4 * i < t.data.byteOffset + 4 * t.size;
    });
    throw new HgnnNumericError(`trainHgnn: weight '${name ?? '?'}' became ${d[i]} after Adam step ${step} (epoch ${epoch}, batch ${batch})`);
  }
}
