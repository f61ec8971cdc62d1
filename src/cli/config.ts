/**
 * The one hgrec configuration: a JSON file validated with zod, every default taken from
 * SPEC.md (the paper's numbers; "ours" where the paper is silent). CLI flags override it.
 *
 * Example `hgrec.json`:
 *   { "hgnn": { "epochs": 20 }, "twoTower": { "targetType": "podcast" } }
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const DataConfig = z.strictObject({
  /** Content type the two-tower recommends (SPEC §4; the paper's audiobooks). */
  targetType: z.string().min(1).default('audiobook'),
  /** Types that are nodes of the co-listening graph (SPEC §1). */
  graphTypes: z.array(z.string().min(1)).min(1).default(['audiobook', 'podcast']),
  /** Type that only reaches the model as a user taste vector (SPEC §1). */
  tasteType: z.string().min(1).default('music'),
  /** Days held out at the end of the timeline (SPEC §6). */
  testDays: z.number().positive().default(14),
  /** Reject bad rows (default) or fail on the first one. */
  strict: z.boolean().default(false),
}).prefault({});

export const GraphConfig = z.strictObject({
  edgeKinds: z.array(z.enum(['stream', 'preview', 'follow', 'intent_to_pay', 'other'])).min(1).default(['stream']),
  minCoCount: positiveInt.default(1),
  /** Most recent N items per user used to form pairs (quadratic otherwise). Ours. */
  perUserCap: z.number().int().nonnegative().default(50),
  /** Days before the split used to form edges; 0 = the whole training window. */
  windowDays: z.number().nonnegative().default(0),
}).prefault({});

export const HgnnConfig = z.strictObject({
  hidden: positiveInt.default(256),
  out: positiveInt.default(128),
  fanout: positiveInt.default(10),
  margin: z.number().positive().default(0.5),
  lr: z.number().positive().default(1e-3),
  batch: positiveInt.default(256),
  epochs: positiveInt.default(50),
  patience: positiveInt.default(10),
  valFraction: z.number().gt(0).lt(1).default(0.1),
  balanced: z.boolean().default(true),
  /** Relations to drop for the ablations, e.g. ["audiobook-audiobook"]. */
  dropRelations: z.array(z.string()).default([]),
  textDim: positiveInt.default(256),
}).prefault({});

export const TwoTowerConfig = z.strictObject({
  layers: z.array(positiveInt).min(1).default([512, 256, 128]),
  lr: z.number().positive().default(1e-3),
  batch: positiveInt.default(128),
  epochs: positiveInt.default(10),
  historyDays: z.number().positive().default(90),
  weakSignals: z.boolean().default(true),
  useHgnn: z.boolean().default(true),
  logQ: z.boolean().default(true),
  /** Cosine / τ on L2-normalised tower outputs; null = the paper's plain dot product. Ours, opt-in. */
  temperature: z.number().positive().nullable().default(null),
  /** User rows for training: as of each positive ('positive', ours: no label leakage) or of the cut ('asOf'). */
  userFeaturesAt: z.enum(['positive', 'asOf']).default('positive'),
}).prefault({});

export const HgrecConfig = z.strictObject({
  seed: z.number().int().nonnegative().default(42),
  workspace: z.string().min(1).default('workspace'),
  data: DataConfig,
  graph: GraphConfig,
  hgnn: HgnnConfig,
  twoTower: TwoTowerConfig,
  serve: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    maxK: positiveInt.default(100),
  }).prefault({}),
});

export type HgrecConfig = z.infer<typeof HgrecConfig>;

/** Every default, as a plain object. */
export function defaultConfig(): HgrecConfig {
  return HgrecConfig.parse({});
}

/**
 * Reads and validates a JSON config file. Errors name the file and the field path.
 * @param path JSON file; missing fields take their defaults.
 */
export function loadConfig(path: string): HgrecConfig {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`config: cannot read ${path}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`config: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConfig(json, path);
}

/** Validates an already-parsed config object; `source` names it in errors. */
export function parseConfig(json: unknown, source = 'config'): HgrecConfig {
  const r = HgrecConfig.safeParse(json);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`config: ${source} is invalid:\n${lines.join('\n')}`);
  }
  return r.data;
}
