/**
 * The serving half of the pipeline: stage `index` (item-tower vectors of the target catalogue →
 * retrieval index, packed with the two-tower model into a serving bundle at
 * `<ws>/index/bundle`), and the helpers behind `hgrec serve` and `hgrec recommend`.
 */
import { join } from 'node:path';
import { loadItems, WS } from '../data/index.ts';
import { InMemoryFeatureStore, loadServingBundle, recommendUser, startServer, writeServingBundle, type RecommendationAnswer, type RunningServer } from '../serve/index.ts';
import type { StageContext } from './pipeline_data.ts';
import { loadTwoTower } from './pipeline_models.ts';
import { requireStage, runStage, type StageOutcome } from './stage.ts';
import { UsageError } from './main.ts';

export const BUNDLE_DIR = 'bundle';

/** Path of the published serving bundle of a workspace. */
export function bundlePath(ws: string): string {
  return join(ws, 'index', BUNDLE_DIR);
}

/** Stage `index`: precompute the catalogue's item vectors and build the top-K index. */
export async function runIndex(ctx: StageContext, opts: { ann?: boolean } = {}): Promise<StageOutcome> {
  const { ws, log } = ctx;
  const tt = requireStage(ws, 'twotower', 'train-2t');
  const material = { twotower: tt.key, ann: !!opts.ann };
  return runStage({ ws, name: 'index', material, force: ctx.force, log }, async (dir) => {
    const model = loadTwoTower(ws);
    const items = await loadItems(join(ws, WS.items));
    const row = new Map(items.ids.map((id, i) => [id, i]));
    const ids = model.itemIds ?? [];
    const type = new Uint8Array(ids.length), title: string[] = new Array(ids.length);
    ids.forEach((id, i) => { const r = row.get(id); type[i] = r === undefined ? 0 : items.type[r]!; title[i] = r === undefined ? '' : items.title[r] ?? ''; });
    const manifest = writeServingBundle(join(dir, BUNDLE_DIR), {
      model, modelVersion: `${tt.key}-${new Date().toISOString()}`,
      items: { typeNames: [...items.typeNames], type, title }, indexOptions: { ann: !!opts.ann },
    });
    log(`index: ${manifest.indexSize.toLocaleString()} ${manifest.targetType} vectors (dim ${manifest.dim}), model ${manifest.modelVersion}`);
    return { ...manifest };
  });
}

/** Top-k for one known user of the workspace, with the history items that drove each pick. */
export async function recommendForUser(ws: string, userId: string, k: number): Promise<RecommendationAnswer> {
  requireStage(ws, 'index', 'index');
  const bundle = loadServingBundle(bundlePath(ws));
  try {
    const store = await InMemoryFeatureStore.fromWorkspace(ws);
    const u = store.getUser(userId);
    if (!u) throw new UsageError(`recommend: user '${userId}' is not in workspace ${ws}`);
    return recommendUser(bundle, u, { k, asOf: store.asOf() });
  } finally {
    bundle.dispose();
  }
}

/** Starts the HTTP service on the workspace's bundle and feature store. */
export async function serveWorkspace(ws: string, o: { host: string; port: number; ann?: boolean; log: (m: string) => void }): Promise<RunningServer> {
  requireStage(ws, 'index', 'index');
  const path = bundlePath(ws);
  const bundle = loadServingBundle(path);
  const store = await InMemoryFeatureStore.fromWorkspace(ws);
  const server = await startServer({ store, bundle, bundlePath: path, host: o.host, port: o.port, searchMode: o.ann ? 'ann' : 'auto' });
  o.log(`serve: ${bundle.modelVersion} (${bundle.targetType}) on ${server.url} — GET /v1/users/{id}/recommendations, /openapi.json; SIGHUP or POST /admin/reload swaps in a new bundle`);
  return server;
}
