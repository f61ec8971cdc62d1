/**
 * Pipeline stages of the data half: `data` (synthetic generator, a dataset adapter or the
 * team's own files → canonical tables), `split` (temporal / leave-last-out, groups, tiers) and
 * `graph` (co-listening SQL → edges Parquet + stats). Each is a versioned workspace folder with
 * a stage key (see stage.ts), so unchanged inputs are skipped and interrupts are harmless.
 */
import { join } from 'node:path';
import { ingest, ingestDataset, splitWorkspace, WS, type DatasetName, type IngestOptions, type Manifest, type SyntheticOptions } from '../data/index.ts';
import { buildCoListeningGraph } from '../graph/index.ts';
import type { HgrecConfig } from './config.ts';
import { fileFingerprint, requireStage, runSelfPublishingStage, runStage, type StageOutcome } from './stage.ts';

/** Where the tables come from: a named data set (synthetic generator or an adapter) or files. */
export type DataSource =
  | { kind: 'dataset'; name: DatasetName; synthetic?: SyntheticOptions; path?: string }
  | { kind: 'files'; items: string; interactions: string; users?: string; mapping?: IngestOptions['mapping'] };

export interface StageContext {
  ws: string;
  config: HgrecConfig;
  force?: boolean;
  log: (msg: string) => void;
  /** --quiet / --log-json: no progress bars */
  quiet?: boolean;
  json?: boolean;
}

/** Stage `tables`: canonical, validated tables in `<ws>/tables`. */
export async function runData(ctx: StageContext, source: DataSource): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const material = {
    source: source.kind === 'files'
      ? { ...source, items: fileFingerprint(source.items), interactions: fileFingerprint(source.interactions),
          users: source.users ? fileFingerprint(source.users) : null }
      : source,
    strict: config.data.strict,
    roles: { target: config.data.targetType, graph: config.data.graphTypes, taste: [config.data.tasteType] },
  };
  return runSelfPublishingStage({ ws, name: WS.tables, material, force: ctx.force, log }, async () => {
    const roles = { target: config.data.targetType, graph: [...config.data.graphTypes], taste: [config.data.tasteType] };
    let manifest: Manifest;
    if (source.kind === 'dataset') {
      const path = source.path ? { path: source.path } : {};
      manifest = (await ingestDataset(source.name, {
        workspace: ws, strict: config.data.strict, synthetic: source.synthetic,
        ciao: path, foodKitchen: path, onProgress: log,
      })).manifest;
    } else {
      manifest = (await ingest({ workspace: ws, items: source.items, interactions: source.interactions, users: source.users,
        mapping: source.mapping, roles, strict: config.data.strict, onProgress: log })).manifest;
    }
    return { rows: manifest.rows, rejected: manifest.rejected.total, itemsPerType: manifest.itemsPerType, roles: manifest.roles };
  });
}

/** Stage `split`: train/test, warm/cold groups and popularity tiers in `<ws>/split`. */
export async function runSplit(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const tables = requireStage(ws, WS.tables, 'ingest');
  const material = { tables: tables.key, targetType: config.data.targetType, testDays: config.data.testDays };
  return runSelfPublishingStage({ ws, name: WS.split, material, force: ctx.force, log }, async () => {
    const info = await splitWorkspace(ws, { targetType: config.data.targetType, testDays: config.data.testDays });
    return { ...info } as unknown as Record<string, unknown>;
  });
}

/** Stage `graph`: co-listening edges over the training interactions in `<ws>/graph`. */
export async function runGraph(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const split = requireStage(ws, WS.split, 'split');
  const g = config.graph;
  const material = { split: split.key, graphTypes: config.data.graphTypes, g };
  return runStage({ ws, name: 'graph', material, force: ctx.force, log }, async (dir) => {
    const splitInfo = split.summary as { cutMs?: number };
    const windowStart = g.windowDays > 0 && typeof splitInfo.cutMs === 'number'
      ? new Date(splitInfo.cutMs - g.windowDays * 86_400_000) : undefined;
    const r = await buildCoListeningGraph(
      { itemsPath: join(ws, WS.items), interactionsPath: join(ws, WS.train), outDir: dir },
      { nodeTypes: config.data.graphTypes, edgeKinds: g.edgeKinds, minCoCount: g.minCoCount,
        maxItemsPerUser: g.perUserCap, windowStart },
    );
    const perRelation = Object.fromEntries(r.graph.relations.map((x) => [x.name, x.numEdges]));
    log(`graph: ${Object.entries(perRelation).map(([k, v]) => `${k} ${v.toLocaleString()}`).join(', ')}`);
    return { edges: perRelation, sqlSeconds: r.sqlSeconds };
  });
}
