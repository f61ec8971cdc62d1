// The training loop of the towers on prepared arrays (also what bench/twotower_epoch.ts times):
// per step gather the batch's dense rows into pooled buffers, run both towers on the tape, the
// in-batch softmax loss, backward, Adam. Every per-step buffer comes from one long-lived pool;
// the epoch order is a seeded shuffle derived from (seed, epoch) so a resumed run replays the
// exact same batches. Checkpoints hold parameters + Adam moments + the epoch counter.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Adam, BufferPool, Rng, Tape, getThreads, kernels, loadSafetensors, saveSafetensors, setThreads, type StoredArray } from '../../tensor/index.ts';
import { inBatchSoftmaxLoss, lossScratch, type LossScratch } from './loss.ts';
import type { TwoTowerNet } from './net.ts';

/** Everything one epoch reads, as dense arrays aligned with dense ids. */
export interface TrainArrays {
  /** [U, Du] user inputs, [U] country row ids */
  userDense: Float32Array;
  userCountry: Int32Array;
  /** [N, Di] item inputs, [N] language / genre row ids */
  itemDense: Float32Array;
  itemLanguage: Int32Array;
  itemGenre: Int32Array;
  /** [P] positive pairs (dense user id, dense item id) */
  pairUser: Int32Array;
  pairItem: Int32Array;
  /** [N] log q per item, or null for no correction */
  logQ: Float32Array | null;
}

/** Settings of a trainer. */
export interface TrainerOpts {
  batchSize: number;
  lr: number;
  seed: number;
  /** OpenBLAS threads while stepping (restored by close()). */
  threads?: number;
  /** null / absent = raw dot-product logits; else cosine / temperature. */
  temperature?: number | null;
}

/** Progress report after some steps. */
export interface StepProgress {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
  seconds: number;
}

function checkFinite(name: string, a: Float32Array, D: number): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new RangeError(`TwoTowerTrainer: ${name} has a non-finite value ${a[i]} at row ${Math.floor(i / Math.max(D, 1))}, column ${i % Math.max(D, 1)}`);
  }
}

/** Thrown when the loss stops being finite. */
export class NonFiniteLossError extends Error {}

/** Runs epochs of in-batch softmax training over TrainArrays. */
export class TwoTowerTrainer {
  readonly adam: Adam;
  readonly tape: Tape;
  private readonly scratch: LossScratch;
  private readonly bUser: Int32Array;
  private readonly bItem: Int32Array;
  private readonly bCountry: Int32Array;
  private readonly bLang: Int32Array;
  private readonly bGenre: Int32Array;
  private readonly prevThreads: number;
  /** Epochs completed (restored by loadCheckpoint). */
  epochsDone = 0;

  constructor(readonly net: TwoTowerNet, readonly data: TrainArrays, readonly opts: TrainerOpts) {
    const P = data.pairUser.length;
    if (data.pairItem.length !== P) throw new RangeError(`TwoTowerTrainer: pairUser and pairItem must have the same length, got ${P} and ${data.pairItem.length}`);
    const Du = net.dims.userDense, Di = net.dims.itemDense;
    const U = Du > 0 ? data.userDense.length / Du : data.userCountry.length, N = Di > 0 ? data.itemDense.length / Di : data.itemLanguage.length;
    if (data.userCountry.length !== U) throw new RangeError(`TwoTowerTrainer: userCountry must have ${U} entries (rows of userDense [U, ${Du}]), got ${data.userCountry.length}`);
    if (data.itemLanguage.length !== N || data.itemGenre.length !== N) throw new RangeError(`TwoTowerTrainer: itemLanguage / itemGenre must have ${N} entries (rows of itemDense [N, ${Di}])`);
    kernels.checkIndices('TwoTowerTrainer', 'pairUser', data.pairUser, U);
    kernels.checkIndices('TwoTowerTrainer', 'pairItem', data.pairItem, N);
    if (data.logQ && data.logQ.length !== N) throw new RangeError(`TwoTowerTrainer: logQ must have ${N} entries, got ${data.logQ.length}`);
    checkFinite('userDense', data.userDense, Du);
    checkFinite('itemDense', data.itemDense, Di);
    if (data.logQ) checkFinite('logQ', data.logQ, 1);
    const B = opts.batchSize;
    this.adam = new Adam(net.params, { lr: opts.lr });
    this.tape = new Tape(new BufferPool());
    this.scratch = lossScratch(B);
    [this.bUser, this.bItem, this.bCountry, this.bLang, this.bGenre] = [0, 0, 0, 0, 0].map(() => new Int32Array(B));
    this.prevThreads = getThreads();
    if (opts.threads) setThreads(opts.threads);
  }

  /** Restores the BLAS thread count. */
  close(): void {
    setThreads(this.prevThreads);
  }

  /** Number of steps of one epoch (the last, partial batch is kept when it has >= 2 rows). */
  get stepsPerEpoch(): number {
    const P = this.data.pairUser.length, B = this.opts.batchSize;
    return Math.floor(P / B) + (P % B >= 2 ? 1 : 0);
  }

  /** The pair order of an epoch: a shuffle seeded by (seed, epoch). -> [P] */
  epochOrder(epoch: number): Int32Array {
    const perm = Int32Array.from({ length: this.data.pairUser.length }, (_, i) => i);
    return new Rng((this.opts.seed * 1_000_003 + 7919 * (epoch + 1)) | 0).shuffle(perm);
  }

  /**
   * Forward + backward of one batch: gradients are ACCUMULATED into the parameters' grads (no
   * update, tape reset). Returns the loss; throws NonFiniteLossError when it is NaN / infinite.
   * pairIdx: [B] indices into the pair arrays
   */
  forwardBackward(pairIdx: Int32Array): number {
    const { net, data, tape: tp } = this;
    const B = pairIdx.length, Du = net.dims.userDense, Di = net.dims.itemDense;
    const bu = this.bUser.subarray(0, B), bi = this.bItem.subarray(0, B);
    const bc = this.bCountry.subarray(0, B), bl = this.bLang.subarray(0, B), bg = this.bGenre.subarray(0, B);
    for (let r = 0; r < B; r++) {
      const p = pairIdx[r], u = data.pairUser[p], i = data.pairItem[p];
      bu[r] = u; bi[r] = i; bc[r] = data.userCountry[u]; bl[r] = data.itemLanguage[i]; bg[r] = data.itemGenre[i];
    }
    const ud = tp.alloc([B, Du]);
    if (Du > 0) kernels.gatherRows(data.userDense, Du, bu, ud.data);
    const id = tp.alloc([B, Di]);
    if (Di > 0) kernels.gatherRows(data.itemDense, Di, bi, id.data);
    const u = net.userTape(tp, ud, bc);
    const v = net.itemTape(tp, id, bl, bg);
    const loss = inBatchSoftmaxLoss(tp, u, v, bi, data.logQ, this.scratch, this.opts.temperature ?? null);
    const value = loss.item();
    if (!Number.isFinite(value)) {
      tp.reset();
      throw new NonFiniteLossError(`TwoTowerTrainer.step: loss is ${value} at Adam step ${this.adam.t + 1} (lr ${this.adam.lr}); ` +
        'parameters were not updated — lower the learning rate or check the inputs for NaN/Inf');
    }
    tp.backward(loss);
    tp.reset();
    return value;
  }

  /**
   * One optimisation step (forwardBackward + Adam + zeroGrad). Returns the loss; on a
   * non-finite loss throws NonFiniteLossError with the parameters untouched.
   * pairIdx: [B]
   */
  step(pairIdx: Int32Array): number {
    let value: number;
    try {
      value = this.forwardBackward(pairIdx);
    } catch (err) {
      this.net.params.zeroGrad();
      throw err;
    }
    this.adam.step();
    this.net.params.zeroGrad();
    return value;
  }

  /**
   * One epoch (or its first maxSteps steps). Returns the mean loss. onProgress is called about
   * every `every` steps and at the end.
   */
  epoch(epoch: number, opts: { maxSteps?: number; onProgress?: (p: StepProgress) => void; every?: number } = {}): number {
    const order = this.epochOrder(epoch);
    const B = this.opts.batchSize, steps = Math.min(this.stepsPerEpoch, opts.maxSteps ?? Infinity);
    const every = opts.every ?? Math.max(1, Math.ceil(steps / 10));
    const t0 = performance.now();
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      const l = this.step(order.subarray(s * B, Math.min((s + 1) * B, order.length)));
      sum += l;
      if (opts.onProgress && ((s + 1) % every === 0 || s + 1 === steps)) {
        opts.onProgress({ epoch, step: s + 1, steps, loss: sum / (s + 1), seconds: (performance.now() - t0) / 1000 });
      }
    }
    return steps ? sum / steps : 0;
  }

  /** Saves parameters, Adam moments and epochsDone atomically (one safetensors file). */
  saveCheckpoint(path: string, metadata: Record<string, string> = {}): void {
    const arrays = new Map<string, StoredArray>();
    for (const [name, a] of this.net.params.toArrays()) arrays.set(`param/${name}`, a);
    arrays.set('adam/m', { shape: [this.adam.m.length], data: this.adam.m });
    arrays.set('adam/v', { shape: [this.adam.v.length], data: this.adam.v });
    saveSafetensors(path, arrays, { ...metadata, format: 'hgrec-twotower-checkpoint', epochsDone: String(this.epochsDone), adamT: String(this.adam.t) });
  }

  /**
   * Restores a checkpoint written by saveCheckpoint. Every parameter must match by name and
   * shape; returns the metadata.
   */
  loadCheckpoint(path: string): Record<string, string> {
    const { tensors, metadata } = loadSafetensors(path);
    if (metadata.format !== 'hgrec-twotower-checkpoint') throw new Error(`TwoTowerTrainer.loadCheckpoint: ${path}: not a two-tower checkpoint (format ${metadata.format})`);
    const ps = this.net.params;
    for (const name of ps.names()) {
      const t = ps.get(name), s = tensors.get(`param/${name}`);
      if (!s || s.data.length !== t.size) throw new Error(`TwoTowerTrainer.loadCheckpoint: ${path}: parameter "${name}" missing or of another shape (expected [${t.shape.join(', ')}])`);
    }
    for (const k of ['adam/m', 'adam/v']) {
      if (tensors.get(k)?.data.length !== ps.size) throw new Error(`TwoTowerTrainer.loadCheckpoint: ${path}: ${k} must have ${ps.size} values`);
    }
    for (const name of ps.names()) ps.get(name).data.set(tensors.get(`param/${name}`)!.data as Float32Array);
    this.adam.m.set(tensors.get('adam/m')!.data as Float32Array);
    this.adam.v.set(tensors.get('adam/v')!.data as Float32Array);
    this.adam.t = Number(metadata.adamT);
    this.epochsDone = Number(metadata.epochsDone);
    return metadata;
  }
}

/** Path of the rolling checkpoint in a folder (created when missing). */
export function checkpointPath(dir: string): string {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  return join(dir, 'twotower.ckpt.safetensors');
}
