// Validation split carved from the TRAINING window of a workspace (never the test split):
// inner train = split.train before (cut - valDays), inner val = split.train in the last valDays.
// Builds the co-listening graph and item features on the inner train only and trains the HGNN
// on it (cached under cacheDir), so the validation users' future never reaches any input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSplit, popularityTiers, temporalSplit, userGroups, type Interactions, type LoadedSplit } from '../../../data/index.ts';
import { buildEvalContext, type EvalContext } from '../../../eval/index.ts';
import { fitItemFeatures, type ItemFeatures } from '../../../features/index.ts';
import { buildCoListeningGraph, graphNodeItemRows } from '../../../graph/index.ts';
import { embedAll, trainHgnn } from '../../../models/hgnn/index.ts';
import type { HgnnInput } from '../item_features.ts';

/** Everything a validation run needs. */
export interface ValData {
  split: LoadedSplit;
  train: Interactions;
  val: Interactions;
  asOf: number;
  features: ItemFeatures;
  ctx: EvalContext;
  hgnn: HgnnInput;
}

/**
 * Inner split + features + HGNN (hgnnEpochs, cached by epochs) for a workspace.
 * @example const v = await prepareVal('workspace/demo', '/tmp/ttval', 3);
 */
export async function prepareVal(ws: string, cacheDir: string, hgnnEpochs: number, valDays = 14): Promise<ValData> {
  mkdirSync(cacheDir, { recursive: true });
  const split = await loadSplit(ws);
  const inner = temporalSplit(split.train, split.items, { targetType: split.info.targetType, testDays: valDays });
  const asOf = inner.info.cutMs!;
  const items = split.items;
  const { features } = await fitItemFeatures(
    { ids: items.ids, type: Array.from(items.type, (c) => items.typeNames[c]!), title: items.title, description: items.description, language: items.language, genre: items.genre },
    { item: inner.train.item, ts: inner.train.ts, user: inner.train.user },
    { tfidfSvd: { dim: 256, seed: 42 }, stats: { tsUnitSeconds: 0.001 } });
  const groups = userGroups(inner.train, items, split.info.targetType);
  const tiers = popularityTiers(inner.train, items, split.info.targetType);
  const ctx = buildEvalContext(inner.train, inner.test, { nUsers: split.users.n, nItems: items.n, itemType: items.type,
    targetType: items.typeNames.indexOf(split.info.targetType), group: groups.group, itemTier: tiers.tier });
  const cache = join(cacheDir, `hgnn_e${hgnnEpochs}.bin`);
  const H = 128, N = items.n;
  let hgnn: HgnnInput;
  if (existsSync(cache)) {
    const buf = readFileSync(cache);
    const f = new Float32Array(buf.buffer, buf.byteOffset, N * H + N);
    hgnn = { emb: f.slice(0, N * H), dim: H, mask: Uint8Array.from(f.subarray(N * H)) };
  } else {
    const g = await buildCoListeningGraph({ itemsPath: join(ws, 'tables/items.parquet'), interactionsPath: join(ws, 'split/train.parquet'), outDir: join(cacheDir, 'graph') },
      { nodeTypes: ['audiobook', 'podcast'], windowEnd: new Date(asOf) });
    const rows = graphNodeItemRows(g.graph, items.index);
    const feats: Record<string, { x: Float32Array; dim: number }> = {};
    g.graph.nodeTypes.forEach((t, ti) => {
      const r = rows[ti]!, x = new Float32Array(r.length * features.dim);
      for (let i = 0; i < r.length; i++) x.set(features.x.subarray(r[i]! * features.dim, (r[i]! + 1) * features.dim), i * features.dim);
      feats[t] = { x, dim: features.dim };
    });
    const r = await trainHgnn({ graph: g.graph, features: feats, seed: 42, config: { epochs: hgnnEpochs } });
    const z = embedAll(r.model, g.graph, feats, { fanout: r.config.inferenceFanout, seed: r.config.inferenceSeed });
    const emb = new Float32Array(N * H), mask = new Uint8Array(N);
    r.model.arch.types.forEach((t, zi) => {
      const gi = g.graph.nodeTypes.indexOf(t), rr = rows[gi]!;
      for (let i = 0; i < rr.length; i++) { emb.set(z[zi]!.subarray(i * H, (i + 1) * H), rr[i]! * H); mask[rr[i]!] = 1; }
    });
    const out = new Float32Array(N * H + N);
    out.set(emb); out.set(mask, N * H);
    writeFileSync(cache, Buffer.from(out.buffer));
    hgnn = { emb, dim: H, mask };
  }
  return { split, train: inner.train, val: inner.test, asOf, features, ctx, hgnn };
}
