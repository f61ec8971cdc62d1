// Optional Sentence-BERT encoder through @huggingface/transformers (ONNX Runtime), from a
// LOCAL model folder only (remote downloads disabled). The package is not a dependency of
// hgrec: it is imported dynamically, and when it is absent createSbertEncoder rejects with
// an error that names the package and how to enable it. Nothing else imports this file's
// dependency, so its absence never breaks the rest of hgrec.

import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { ItemTextEncoder } from './encoder.ts';

export const SBERT_PACKAGE = '@huggingface/transformers';

export interface SbertOptions {
  /**
   * Folder of a transformers.js-layout model: config.json, tokenizer.json,
   * tokenizer_config.json and onnx/model.onnx (e.g. a multilingual MiniLM exported with
   * Optimum / the transformers.js conversion script).
   */
  modelPath: string;
  /** texts per forward pass (default 64) */
  batchSize?: number;
  /** ONNX weights variant: 'fp32' (default), 'q8', ... as supported by transformers.js */
  dtype?: string;
  /** module loader, for tests (default: dynamic import of the package) */
  importer?: (spec: string) => Promise<unknown>;
}

/** Minimal slice of the transformers.js API that hgrec uses. */
interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  pipeline(task: string, model: string, opts?: Record<string, unknown>):
    Promise<(texts: string[], opts: Record<string, unknown>) => Promise<{ data: Float32Array; dims: number[] }>>;
}

/** Text of the error thrown when the package is missing (exported for tests and docs). */
export function sbertMissingMessage(cause: string): string {
  return `createSbertEncoder: the optional package ${SBERT_PACKAGE} is not installed (${cause}). ` +
    `hgrec works without it (the built-in TfidfSvdEncoder is the default). To use a local Sentence-BERT ONNX ` +
    `model: add "onnxruntime-node-install=skip" to .npmrc if onnxruntime-node cannot download its binaries, ` +
    `run \`npm install ${SBERT_PACKAGE}\`, and pass modelPath = a local model folder (config.json, tokenizer.json, onnx/model.onnx).`;
}

/**
 * Creates a Sentence-BERT encoder (mean pooling, L2-normalised) from a local ONNX model.
 * Rejects with a clear error when @huggingface/transformers is missing or the folder is not
 * a model. Example: const enc = await createSbertEncoder({ modelPath: '/models/minilm' });
 */
export async function createSbertEncoder(opts: SbertOptions): Promise<ItemTextEncoder> {
  const importer = opts.importer ?? ((spec: string) => import(spec));
  let mod: TransformersModule;
  try {
    mod = (await importer(SBERT_PACKAGE)) as TransformersModule;
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(sbertMissingMessage(msg));
  }
  const dir = resolve(opts.modelPath);
  if (!existsSync(resolve(dir, 'config.json'))) {
    throw new Error(`createSbertEncoder: modelPath expected a local model folder with config.json, got ${dir}`);
  }
  const batchSize = opts.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`createSbertEncoder: batchSize expected integer >= 1, got ${batchSize}`);
  mod.env.allowRemoteModels = false;
  mod.env.allowLocalModels = true;
  mod.env.localModelPath = dirname(dir) + '/';
  const name = basename(dir);
  const extract = await mod.pipeline('feature-extraction', name, { dtype: opts.dtype ?? 'fp32', local_files_only: true });
  // Probe the output dimension once.
  const probe = await extract(['probe'], { pooling: 'mean', normalize: true });
  const dim = probe.dims[probe.dims.length - 1];
  return {
    name: `sbert-onnx:${name}`,
    dim,
    async encode(texts: readonly string[]): Promise<Float32Array> {
      const out = new Float32Array(texts.length * dim);
      for (let s = 0; s < texts.length; s += batchSize) {
        const batch = texts.slice(s, s + batchSize);
        // Empty texts stay zero rows (the ItemTextEncoder contract), so only non-empty go in.
        const idx: number[] = [];
        batch.forEach((t, i) => { if (t.trim() !== '') idx.push(i); });
        if (idx.length === 0) continue;
        const res = await extract(idx.map((i) => batch[i]), { pooling: 'mean', normalize: true });
        idx.forEach((i, r) => out.set(res.data.subarray(r * dim, (r + 1) * dim), (s + i) * dim));
      }
      return out;
    },
  };
}
