/**
 * One entry point per named data set, for the CLI and the demo: prepare the canonical input
 * files under `<ws>/.raw/<name>/`, then ingest them with the data set's roles and provenance.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { ingest, type IngestResult } from './ingest.ts';
import { generateSynthetic, type SyntheticOptions } from './synthetic.ts';
import { prepareCiao, type CiaoOptions } from './adapters/ciao.ts';
import { prepareFoodKitchen, type FoodKitchenOptions } from './adapters/food_kitchen.ts';
import { DataError } from './errors.ts';
import type { DuckOptions } from './duck.ts';

export const DATASET_NAMES = ['synthetic', 'ciao', 'food-kitchen'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface IngestDatasetOptions {
  workspace: string;
  strict?: boolean;
  /** keep `<ws>/.raw/<name>` after ingest (default: removed) */
  keepRaw?: boolean;
  /** synthetic generator options */
  synthetic?: SyntheticOptions;
  ciao?: Omit<CiaoOptions, 'outDir'>;
  foodKitchen?: Omit<FoodKitchenOptions, 'outDir'>;
  duck?: DuckOptions;
  onProgress?: (msg: string) => void;
}

/**
 * Prepares and ingests a named data set into `opts.workspace`.
 * @example await ingestDataset('synthetic', { workspace: 'ws', synthetic: { users: 2000 } })
 */
export async function ingestDataset(name: DatasetName, opts: IngestDatasetOptions): Promise<IngestResult> {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new DataError(`ingestDataset: unknown data set '${name}' (expected one of ${DATASET_NAMES.join(', ')})`);
  }
  const raw = join(opts.workspace, '.raw', name);
  const log = opts.onProgress ?? (() => {});
  try {
    log(`preparing ${name} in ${raw}`);
    let p: { files: { items: string; interactions: string; users?: string }; roles: IngestResult['manifest']['roles']; source: Record<string, unknown> };
    if (name === 'synthetic') {
      const r = await generateSynthetic({ ...opts.synthetic, outDir: raw });
      p = { files: r.files, roles: r.roles, source: { adapter: 'synthetic', time: 'timestamp', seed: r.seed, options: opts.synthetic ?? {}, counts: r.counts } };
    } else if (name === 'ciao') {
      p = await prepareCiao({ ...opts.ciao, outDir: raw });
    } else {
      p = await prepareFoodKitchen({ ...opts.foodKitchen, outDir: raw });
    }
    return await ingest({ workspace: opts.workspace, ...p.files, roles: p.roles, source: p.source, strict: opts.strict, duck: opts.duck, onProgress: opts.onProgress });
  } finally {
    if (!opts.keepRaw) rmSync(raw, { recursive: true, force: true });
  }
}
