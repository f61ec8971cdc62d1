// Training checkpoints: one safetensors file per run folder, rewritten atomically after every
// epoch. It holds the flat parameters, Adam's moments, the best weights so far and, in the
// metadata, everything else the loop needs to continue exactly (epoch, Adam step, early
// stopping state, history, and the arch / config / seed it belongs to).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '../../tensor/index.ts';
import type { HgnnTrainConfig } from './config.ts';
import type { HgnnArch } from './model.ts';

export const HGNN_CHECKPOINT_FORMAT = 'hgrec-hgnn-checkpoint';
export const CHECKPOINT_FILE = 'hgnn.ckpt.safetensors';

/** One epoch of training history. */
export interface EpochReport {
  /** 1-based epoch number. */
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valHr10: number;
  /** Wall seconds of the epoch (training + validation). */
  seconds: number;
  batches: number;
  /** Whether this epoch set a new best validation score. */
  best: boolean;
}

/** Loop state besides the arrays. */
export interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  adamT: number;
  bestEpoch: number;
  bestScore: number;
  badEpochs: number;
  stopped: boolean;
  history: EpochReport[];
}

/** Arrays of a checkpoint (flat, in ParamStore order). */
export interface CheckpointArrays {
  params: Float32Array;
  adamM: Float32Array;
  adamV: Float32Array;
  best: Float32Array;
}

/** The checkpoint path inside a run folder. */
export function checkpointPath(dir: string): string {
  return join(dir, CHECKPOINT_FILE);
}

/** Writes the checkpoint atomically. */
export function saveCheckpoint(dir: string, arrays: CheckpointArrays, state: CheckpointState,
  ident: { arch: HgnnArch; config: HgnnTrainConfig; seed: number }): void {
  const P = arrays.params.length;
  saveSafetensors(checkpointPath(dir), {
    params: { shape: [P], data: arrays.params },
    'adam.m': { shape: [P], data: arrays.adamM },
    'adam.v': { shape: [P], data: arrays.adamV },
    best: { shape: [P], data: arrays.best },
  }, {
    format: HGNN_CHECKPOINT_FORMAT, version: '1',
    arch: JSON.stringify(ident.arch), config: JSON.stringify(ident.config), seed: String(ident.seed),
    state: JSON.stringify(state, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)),
  });
}

/**
 * Reads the checkpoint of a run folder (null when there is none). Throws when it belongs to a
 * different architecture, config or seed (naming what differs), since resuming it would not
 * continue the same run.
 */
export function loadCheckpoint(dir: string, ident: { arch: HgnnArch; config: HgnnTrainConfig; seed: number }):
  { arrays: CheckpointArrays; state: CheckpointState } | null {
  const path = checkpointPath(dir);
  if (!existsSync(path)) return null;
  const { tensors, metadata } = loadSafetensors(path);
  if (metadata.format !== HGNN_CHECKPOINT_FORMAT) throw new Error(`loadCheckpoint: ${path}: format must be '${HGNN_CHECKPOINT_FORMAT}', got '${metadata.format}'`);
  const checks: [string, string, string][] = [
    ['arch', metadata.arch, JSON.stringify(ident.arch)],
    ['config', metadata.config, JSON.stringify(ident.config)],
    ['seed', metadata.seed, String(ident.seed)],
  ];
  for (const [k, got, want] of checks) {
    if (got !== want) throw new Error(`loadCheckpoint: ${path}: ${k} differs from this run (checkpoint ${got}, run ${want}); use another checkpoint folder or delete it`);
  }
  const get = (name: string): Float32Array => {
    const s = tensors.get(name);
    if (!s || !(s.data instanceof Float32Array)) throw new Error(`loadCheckpoint: ${path}: array '${name}' missing or not F32`);
    return s.data;
  };
  const state = JSON.parse(metadata.state, (_k, v) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)) as CheckpointState;
  return { arrays: { params: get('params'), adamM: get('adam.m'), adamV: get('adam.v'), best: get('best') }, state };
}
