// Settings of the two-tower model and its training, validated once and frozen (SPEC §4).
// Defaults follow the paper where it speaks; the rest is marked (default, ours) in SPEC.md.

/** Two-tower settings. Every field has a default; see twoTowerConfig(). */
export interface TwoTowerConfig {
  /** Item type recommended (positives and the item tower's catalogue). Default 'audiobook'. */
  targetType: string;
  /** Item types whose HGNN means form the second user slot (default: graph types minus target). */
  otherTypes: readonly string[] | null;
  /** Item types whose mean feature vector is the user's taste vector. Default ['music']. */
  tasteTypes: readonly string[];
  /** HGNN inputs on both towers (false = the plain "2T" baseline). Default true. */
  useHgnn: boolean;
  /**
   * Also feed the mean TEXT vectors of the user's target / other-type history (content-only
   * history signal, e.g. for a stronger plain-2T baseline). Default false (not in the paper).
   */
  historyText: boolean;
  /** Count follow / preview / intent_to_pay in the user's history means (paper ablation B). Default true. */
  weakSignals: boolean;
  /** Window of the target/other HGNN means, days before asOf. Default 90. */
  windowDays: number;
  /** Window of the taste mean, days before asOf (Infinity = whole training window). Default Infinity. */
  tasteWindowDays: number;
  /** Interaction kinds (names) that make a (user, target item) positive. Default ['stream']. */
  positiveKinds: readonly string[];
  /** Hidden and output sizes of each tower. Default [512, 256, 128]. */
  hidden: readonly number[];
  /** Learned embedding sizes. Defaults 16 / 8 / 8. */
  countryDim: number;
  languageDim: number;
  genreDim: number;
  /**
   * Time the user features of a training positive are computed at. 'positive' (default, ours):
   * strictly before the pair's first positive interaction, so the label is never in its own
   * input and users before their first audiobook give cold-start examples. 'asOf': every row
   * at the end of the training window (the positive is inside its own audiobook mean; cold
   * users then never occur in training — see QUALITY.md).
   */
  userFeaturesAt: 'positive' | 'asOf';
  /**
   * null (default, paper: "dot product"): logits are raw dot products. A number τ: both tower
   * outputs are L2-normalised and logits are cosine / τ (served vectors are normalised too).
   */
  temperature: number | null;
  /** In-batch softmax: logQ correction on (default true). */
  logQ: boolean;
  batchSize: number;
  lr: number;
  epochs: number;
  seed: number;
  /** OpenBLAS threads during training (default 2). */
  threads: number;
}

export const TWO_TOWER_DEFAULTS: Readonly<TwoTowerConfig> = Object.freeze({
  targetType: 'audiobook',
  otherTypes: null,
  tasteTypes: Object.freeze(['music']),
  useHgnn: true,
  historyText: false,
  weakSignals: true,
  windowDays: 90,
  tasteWindowDays: Infinity,
  positiveKinds: Object.freeze(['stream']),
  hidden: Object.freeze([512, 256, 128]),
  countryDim: 16,
  languageDim: 8,
  genreDim: 8,
  userFeaturesAt: 'positive',
  temperature: null,
  logQ: true,
  batchSize: 128,
  lr: 1e-3,
  epochs: 10,
  seed: 1,
  threads: 2,
});

const KIND_NAMES = ['stream', 'preview', 'follow', 'intent_to_pay', 'other'];

/**
 * A validated, frozen config: defaults overlaid with `opts`. Throws naming the field, what
 * was expected and what came.
 * @example const cfg = twoTowerConfig({ useHgnn: false, epochs: 3 });
 */
export function twoTowerConfig(opts: Partial<TwoTowerConfig> = {}): Readonly<TwoTowerConfig> {
  const c: TwoTowerConfig = { ...TWO_TOWER_DEFAULTS, ...opts };
  const fail = (field: string, want: string, got: unknown): never => {
    throw new RangeError(`twoTowerConfig: ${field} must be ${want}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  for (const k of Object.keys(opts)) if (!(k in TWO_TOWER_DEFAULTS)) fail(k, `one of the known fields (${Object.keys(TWO_TOWER_DEFAULTS).join(', ')})`, k);
  if (typeof c.targetType !== 'string' || !c.targetType) fail('targetType', 'a non-empty string', c.targetType);
  if (c.otherTypes !== null && (!Array.isArray(c.otherTypes) || c.otherTypes.some((t) => typeof t !== 'string'))) fail('otherTypes', 'null or a list of type names', c.otherTypes);
  if (!Array.isArray(c.tasteTypes) || c.tasteTypes.some((t) => typeof t !== 'string')) fail('tasteTypes', 'a list of type names', c.tasteTypes);
  if (!Array.isArray(c.positiveKinds) || c.positiveKinds.length === 0 || c.positiveKinds.some((k) => !KIND_NAMES.includes(k))) {
    fail('positiveKinds', `a non-empty list of ${KIND_NAMES.join(' | ')}`, c.positiveKinds);
  }
  if (c.userFeaturesAt !== 'positive' && c.userFeaturesAt !== 'asOf') fail('userFeaturesAt', "'positive' or 'asOf'", c.userFeaturesAt);
  if (c.temperature !== null && !(typeof c.temperature === 'number' && c.temperature > 0 && Number.isFinite(c.temperature))) fail('temperature', 'null or a finite number > 0', c.temperature);
  for (const k of ['useHgnn', 'historyText', 'weakSignals', 'logQ'] as const) if (typeof c[k] !== 'boolean') fail(k, 'a boolean', c[k]);
  for (const k of ['windowDays', 'tasteWindowDays'] as const) if (!(c[k] > 0)) fail(k, 'a number > 0 (Infinity allowed)', c[k]);
  if (!Array.isArray(c.hidden) || c.hidden.length < 1 || c.hidden.some((h) => !Number.isInteger(h) || h < 1)) fail('hidden', 'a non-empty list of integers >= 1', c.hidden);
  for (const k of ['countryDim', 'languageDim', 'genreDim'] as const) if (!Number.isInteger(c[k]) || c[k] < 0) fail(k, 'an integer >= 0', c[k]);
  for (const k of ['batchSize', 'epochs', 'threads'] as const) if (!Number.isInteger(c[k]) || c[k] < 1) fail(k, 'an integer >= 1', c[k]);
  if (c.batchSize < 2) fail('batchSize', 'an integer >= 2 (in-batch negatives)', c.batchSize);
  if (!(c.lr > 0 && Number.isFinite(c.lr))) fail('lr', 'a finite number > 0', c.lr);
  if (!Number.isInteger(c.seed)) fail('seed', 'an integer', c.seed);
  return Object.freeze({ ...c, tasteTypes: Object.freeze([...c.tasteTypes]), positiveKinds: Object.freeze([...c.positiveKinds]),
    hidden: Object.freeze([...c.hidden]), otherTypes: c.otherTypes === null ? null : Object.freeze([...c.otherTypes]) });
}

/** JSON-safe copy of a config (Infinity -> null). */
export function configToJSON(c: Readonly<TwoTowerConfig>): Record<string, unknown> {
  return { ...c, tasteWindowDays: Number.isFinite(c.tasteWindowDays) ? c.tasteWindowDays : null };
}

/** Inverse of configToJSON. */
export function configFromJSON(o: Record<string, unknown>): Readonly<TwoTowerConfig> {
  return twoTowerConfig({ ...(o as Partial<TwoTowerConfig>), tasteWindowDays: o.tasteWindowDays === null ? Infinity : (o.tasteWindowDays as number) });
}
