// The evaluation protocol in one place: from a train/test split to the candidate set, the
// exclusions, the targets and the groups (EvalContext), and from a Recommender to its
// per-group figures. The comparison harness (all models × seeds → report) builds on these.

import { consumedInTraining, heldOutTargets, itemMask, targetCatalogue, type InteractionArrays } from './candidates.ts';
import type { Csr } from './csr.ts';
import { groupMasks } from './groups.ts';
import { evaluateGroups, type Cutoffs, type GroupReport } from './metrics.ts';
import { rank, type Recommender, type TrainSet } from './baselines/recommender.ts';

/** Everything fixed by the split, shared by every model and seed. */
export interface EvalContext {
  nUsers: number;
  nItems: number;
  catalogue: Int32Array; // [C] target-type items
  exclude: Csr; // [nUsers, nItems] training items per user (within the catalogue)
  targets: Csr; // [nUsers, nItems] held-out targets per user
  users: Int32Array; // users with ≥1 target, ascending: the users every model ranks
  warm: Uint8Array; // [nUsers]
  cold: Uint8Array; // [nUsers]
  itemTier: Uint8Array; // [nItems]
}

export interface EvalContextOptions {
  nUsers: number;
  nItems: number;
  itemType: ArrayLike<number>; // [nItems]
  targetType: number;
  /** [nUsers] the data layer's userGroups().group codes. */
  group: Uint8Array;
  /** [nItems] the data layer's popularityTiers().tier. */
  itemTier: Uint8Array;
  /** Kinds that make a training item "consumed" (default: all). */
  excludeKinds?: readonly number[];
  /** Kinds of held-out interactions that count as targets (default: all). */
  targetKinds?: readonly number[];
}

/**
 * Builds the candidate set (target-type catalogue), per-user exclusions (items interacted with
 * in training), targets (held-out target-type items not excluded) and the group masks.
 */
export function buildEvalContext(train: InteractionArrays, test: InteractionArrays, o: EvalContextOptions): EvalContext {
  const fn = 'buildEvalContext';
  if (o.group.length !== o.nUsers) throw new Error(`${fn}: group expected length nUsers = ${o.nUsers}, got ${o.group.length}`);
  if (o.itemTier.length !== o.nItems) throw new Error(`${fn}: itemTier expected length nItems = ${o.nItems}, got ${o.itemTier.length}`);
  const catalogue = targetCatalogue(o.itemType, o.targetType);
  const mask = itemMask(catalogue, o.nItems);
  const exclude = consumedInTraining(train, o.nUsers, o.nItems, { items: mask, kinds: o.excludeKinds });
  const targets = heldOutTargets(test, o.nUsers, o.nItems, mask, exclude, { kinds: o.targetKinds });
  const users: number[] = [];
  for (let u = 0; u < o.nUsers; u++) if (targets.indptr[u + 1]! > targets.indptr[u]!) users.push(u);
  const { warm, cold } = groupMasks(o.group);
  return { nUsers: o.nUsers, nItems: o.nItems, catalogue, exclude, targets, users: Int32Array.from(users), warm, cold, itemTier: o.itemTier };
}

export interface ModelRun {
  report: GroupReport;
  fitMs: number;
  recommendMs: number;
}

/**
 * Fits a model on the training set, ranks the top-k for every user with targets and
 * evaluates warm / cold / all / long tail.
 */
export async function evaluateModel(
  model: Recommender,
  train: TrainSet,
  ctx: EvalContext,
  opts: { k?: number; cutoffs?: Partial<Cutoffs> } = {},
): Promise<ModelRun> {
  const k = opts.k ?? 100;
  const t0 = performance.now();
  await model.fit(train);
  const t1 = performance.now();
  const rankings = rank(model, ctx.users, k, ctx.exclude);
  const t2 = performance.now();
  const report = evaluateGroups(rankings, ctx.targets, {
    catalogue: ctx.catalogue, warm: ctx.warm, cold: ctx.cold, itemTier: ctx.itemTier, cutoffs: opts.cutoffs,
  });
  return { report, fitMs: t1 - t0, recommendMs: t2 - t1 };
}
