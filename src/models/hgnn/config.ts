// Training settings of the HGNN: a validated, frozen record (bad values refused when made).
// Defaults are SPEC §2/§3 (paper) or marked "ours".

/** Everything trainHgnn needs besides data. Field names follow the CLI's `hgnn` config section. */
export interface HgnnTrainConfig {
  readonly hidden: number;
  readonly out: number;
  readonly layers: number;
  /** Neighbours per relation per layer (uniform, fresh every batch). */
  readonly fanout: number;
  readonly margin: number;
  readonly lr: number;
  /** Positive pairs per batch. */
  readonly batch: number;
  readonly epochs: number;
  /** Epochs without validation improvement before stopping. */
  readonly patience: number;
  /** Share of every relation's edges held out for validation. */
  readonly valFraction: number;
  /** Multi-link balanced edge sampler (ablation: false). */
  readonly balanced: boolean;
  /** Undirected relations removed from the graph (ablations), e.g. ['podcast-podcast']. */
  readonly dropRelations: readonly string[];
  /** If non-empty, ONLY these undirected relations are kept (single-relation ablations, e.g. ['audiobook-audiobook']). */
  readonly onlyRelations: readonly string[];
  /** Validation metric that decides early stopping / best weights: 'loss' (lower) or 'hr10' (higher). Ours: 'loss'. */
  readonly monitor: 'loss' | 'hr10';
  /** At most this many validation edges are scored per epoch (deterministic subset). Ours. */
  readonly valMaxEdges: number;
  /** Random negatives the true destination is ranked against for HR@10. Ours: 100. */
  readonly hrNegatives: number;
  /** Neighbours per relation used by inference (embedAll); -1 = all. Ours: = fanout. */
  readonly inferenceFanout: number;
  /** Seed of the (deterministic) inference neighbour sample. */
  readonly inferenceSeed: number;
  /** Width of the per-type input projection when feature dims differ (0 = hidden). */
  readonly projDim: number;
  /**
   * Where the margin loss draws its negative: 'uniform' (SPEC §2: any node of the supervised
   * relations' types) or 'sameType' (a node of the positive's type — the task the validation
   * HR@10 scores; HGNN-w-users uses it, since a random user is a trivial negative for a user–item edge).
   */
  readonly negatives: 'uniform' | 'sameType';
}

/** The spec's defaults. */
export const DEFAULT_HGNN_CONFIG: HgnnTrainConfig = Object.freeze({
  hidden: 256, out: 128, layers: 2, fanout: 10, margin: 0.5, lr: 1e-3, batch: 256, epochs: 50, patience: 10,
  valFraction: 0.1, balanced: true, dropRelations: Object.freeze([]) as readonly string[],
  onlyRelations: Object.freeze([]) as readonly string[], monitor: 'loss', valMaxEdges: 20000, hrNegatives: 100,
  inferenceFanout: 10, inferenceSeed: 12345, projDim: 0, negatives: 'uniform',
});

/**
 * Validates a partial config over the defaults; throws naming the field, expected and got.
 * Unknown fields (e.g. the CLI's textDim) are ignored.
 * @example const cfg = hgnnTrainConfig({ epochs: 5, balanced: false });
 */
export function hgnnTrainConfig(partial: Partial<Record<keyof HgnnTrainConfig, unknown>> & Record<string, unknown> = {}): HgnnTrainConfig {
  const c = { ...DEFAULT_HGNN_CONFIG } as Record<string, unknown>;
  for (const k of Object.keys(DEFAULT_HGNN_CONFIG)) if (partial[k] !== undefined) c[k] = partial[k];
  if (partial.inferenceFanout === undefined && partial.fanout !== undefined) c.inferenceFanout = partial.fanout;
  const fail = (k: string, want: string): never => {
    throw new RangeError(`hgnnTrainConfig: ${k} must be ${want}, got ${JSON.stringify(c[k])}`);
  };
  const int = (k: string, min: number): void => {
    if (!Number.isInteger(c[k]) || (c[k] as number) < min) fail(k, `an integer >= ${min}`);
  };
  for (const k of ['hidden', 'out', 'layers', 'fanout', 'batch', 'epochs', 'patience', 'valMaxEdges', 'hrNegatives']) int(k, 1);
  int('projDim', 0);
  if (!Number.isInteger(c.inferenceFanout) || ((c.inferenceFanout as number) < 1 && c.inferenceFanout !== -1)) fail('inferenceFanout', 'an integer >= 1 or -1 (all)');
  if (!Number.isFinite(c.inferenceSeed)) fail('inferenceSeed', 'a finite number');
  if (!(typeof c.margin === 'number' && c.margin > 0 && Number.isFinite(c.margin))) fail('margin', 'a finite number > 0');
  if (!(typeof c.lr === 'number' && c.lr > 0 && Number.isFinite(c.lr))) fail('lr', 'a finite number > 0');
  if (!(typeof c.valFraction === 'number' && c.valFraction > 0 && c.valFraction < 1)) fail('valFraction', 'a number in (0, 1)');
  if (typeof c.balanced !== 'boolean') fail('balanced', 'a boolean');
  if (c.monitor !== 'loss' && c.monitor !== 'hr10') fail('monitor', "'loss' or 'hr10'");
  if (c.negatives !== 'uniform' && c.negatives !== 'sameType') fail('negatives', "'uniform' or 'sameType'");
  for (const k of ['dropRelations', 'onlyRelations']) {
    if (!Array.isArray(c[k]) || !(c[k] as unknown[]).every((s) => typeof s === 'string' && s.includes('-'))) {
      fail(k, "an array of undirected relation names like 'audiobook-podcast'");
    }
    c[k] = Object.freeze([...(c[k] as string[])]);
  }
  return Object.freeze(c) as unknown as HgnnTrainConfig;
}
