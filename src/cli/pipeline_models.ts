/**
 * Pipeline stages of the model half: `features` (item text/categorical features fitted on the
 * catalogue), `hgnn` (heterogeneous GraphSAGE → item embeddings for every graph item), `twotower`
 * (user and item towers on those embeddings). Each stage is a versioned workspace folder with a
 * key over its inputs (stage.ts); training checkpoints live in `<ws>/.checkpoints/<stage>` so an
 * interrupted run resumes where it stopped.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadSplit, trainingAsOf, WS, type LoadedSplit } from '../data/index.ts';
import {
  applyItemFeatures, fitItemFeatures, itemTableFromCoded, loadFeatureState, saveFeatureState, type ItemFeatures,
} from '../features/index.ts';
import { loadHeteroGraph, type HeteroGraph } from '../graph/index.ts';
import {
  embedAll, graphFeaturesFromCatalogue, loadEmbeddings, loadHgnnModel, saveEmbeddings, saveHgnnModel, trainHgnn, type HgnnFeatures, type HgnnModel,
  type ItemEmbeddings,
} from '../models/hgnn/index.ts';
import { hgnnInputFromTyped, itemInputsFromFeatures, trainTwoTower, TwoTowerModel } from '../models/twotower/index.ts';
import type { StageContext } from './pipeline_data.ts';
import { barsWanted, progressBar, type Progress } from './progress.ts';
import { requireStage, runStage, stageKey, type StageOutcome } from './stage.ts';

export const FEATURE_STATE_DIR = 'state';
export const HGNN_MODEL_FILE = 'hgnn.safetensors';
export const HGNN_EMBEDDINGS_FILE = 'embeddings.safetensors';
export const TWO_TOWER_DIR = 'model';

/** Item features of the whole catalogue from the saved feature state (deterministic). */
export async function loadItemFeatures(ws: string, split: LoadedSplit): Promise<ItemFeatures> {
  const state = loadFeatureState(join(ws, 'features', FEATURE_STATE_DIR));
  return applyItemFeatures(state, itemTableFromCoded(split.items), { item: split.train.item, ts: split.train.ts, user: split.train.user });
}

/** Stage `features`: fit the item feature builder on the catalogue + training interactions. */
export async function runFeatures(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const split = requireStage(ws, WS.split, 'split');
  const material = { split: split.key, textDim: config.hgnn.textDim, seed: config.seed };
  return runStage({ ws, name: 'features', material, force: ctx.force, log }, async (dir) => {
    const s = await loadSplit(ws);
    const { features, state } = await fitItemFeatures(itemTableFromCoded(s.items),
      { item: s.train.item, ts: s.train.ts, user: s.train.user },
      { tfidfSvd: { dim: config.hgnn.textDim, seed: config.seed }, stats: { tsUnitSeconds: 0.001 } });
    saveFeatureState(state, join(dir, FEATURE_STATE_DIR));
    for (const r of features.report) log(`features: ${JSON.stringify(r)}`);
    return { items: features.numItems, dim: features.dim, blocks: features.blocks.map((b) => `${b.name}:${b.dim}`) };
  });
}

/** Stage `hgnn`: train on the co-listening graph, embed every graph item (inductive for isolated ones). */
export async function runHgnn(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const graphStage = requireStage(ws, 'graph', 'graph');
  const featStage = requireStage(ws, 'features', 'features');
  const h = config.hgnn;
  const material = { graph: graphStage.key, features: featStage.key, hgnn: h, seed: config.seed };
  return runStage({ ws, name: 'hgnn', material, force: ctx.force, log }, async (dir) => {
    const s = await loadSplit(ws);
    const graph = await loadHeteroGraph(join(ws, 'graph', 'graph_nodes.parquet'), join(ws, 'graph', 'graph_edges.parquet'));
    const f = await loadItemFeatures(ws, s);
    const features = graphFeaturesFromCatalogue(graph, s.items.index, f.x, f.dim);
    const ckpt = join(ws, '.checkpoints', `hgnn-${stageKey(material)}`);
    const bar = progressBar('train-hgnn', h.epochs, { quiet: ctx.quiet, json: ctx.json });
    const r = await trainHgnn({
      graph, features, seed: config.seed, log: bar ? () => {} : log,
      onProgress: bar ? (e) => bar.update(e.epoch, `val_loss ${e.valLoss.toFixed(4)} val_hr10 ${e.valHr10.toFixed(3)}${e.best ? ' *best' : ''}`) : undefined,
      config: { hidden: h.hidden, out: h.out, fanout: h.fanout, margin: h.margin, lr: h.lr, batch: h.batch,
        epochs: h.epochs, patience: h.patience, valFraction: h.valFraction, balanced: h.balanced, dropRelations: h.dropRelations },
      // keyed by the stage inputs so a changed config never resumes a stale run
      checkpointDir: ckpt, resume: !ctx.force,
    });
    bar?.stop();
    rmSync(ckpt, { recursive: true, force: true });
    exportEmbeddings(dir, r.model, graph, features, { fanout: r.config.inferenceFanout, seed: r.config.inferenceSeed, out: r.config.out },
      { bestEpoch: r.bestEpoch, config: r.config });
    const best = r.history[r.bestEpoch - 1];
    return { epochs: r.history.length, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, best, history: r.history };
  });
}

/** Embeds every graph item with `model` and writes the model + embeddings into a stage folder. */
function exportEmbeddings(dir: string, model: HgnnModel, graph: HeteroGraph, features: HgnnFeatures,
  inf: { fanout: number; seed: number; out: number }, meta: Record<string, unknown>): void {
  const z = embedAll(model, graph, features, { fanout: inf.fanout, seed: inf.seed });
  const emb: ItemEmbeddings = { dim: inf.out, types: {} };
  model.arch.types.forEach((t, i) => { emb.types[t] = { ids: [...graph.itemIds(graph.nodeTypes.indexOf(t))], x: z[i]! }; });
  saveHgnnModel(join(dir, HGNN_MODEL_FILE), model, meta);
  saveEmbeddings(join(dir, HGNN_EMBEDDINGS_FILE), emb, meta);
}

/**
 * `run --reuse-hgnn` (the paper's future work: HGNN weekly, two-tower daily): no HGNN training;
 * last run's HGNN weights embed the CURRENT graph inductively (new items from their features
 * via the saved feature state, new edges as neighbours). Needs a published `hgnn` stage.
 */
export async function runHgnnReuse(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const prev = requireStage(ws, 'hgnn', 'train-hgnn');
  const graphStage = requireStage(ws, 'graph', 'graph');
  const featStage = requireStage(ws, 'features', 'features');
  const trained = (prev.summary.reusedFrom as string | undefined) ?? prev.key; // the run whose weights these are
  const material = { reuse: trained, graph: graphStage.key, features: featStage.key, fanout: config.hgnn.fanout };
  if (stageKey({ stage: 'hgnn', material }) === prev.key) {
    log('hgnn: already re-embedded for this graph, skipped');
    return { skipped: true, record: prev, dir: join(ws, 'hgnn') };
  }
  const { model, meta } = loadHgnnModel(join(ws, 'hgnn', HGNN_MODEL_FILE));
  return runStage({ ws, name: 'hgnn', material, force: true, log }, async (dir) => {
    const s = await loadSplit(ws);
    const graph = await loadHeteroGraph(join(ws, 'graph', 'graph_nodes.parquet'), join(ws, 'graph', 'graph_edges.parquet'));
    const f = await loadItemFeatures(ws, s);
    const features = graphFeaturesFromCatalogue(graph, s.items.index, f.x, f.dim);
    const cfg = (meta.config ?? {}) as { inferenceSeed?: number; out?: number };
    exportEmbeddings(dir, model, graph, features, { fanout: config.hgnn.fanout, seed: cfg.inferenceSeed ?? 12345, out: cfg.out ?? config.hgnn.out },
      { ...meta, reusedFrom: trained });
    log(`hgnn: re-embedded ${graph.totalNodes.toLocaleString()} items with the HGNN of ${prev.finishedAt} (no training)`);
    return { reusedFrom: trained, trainedAt: (prev.summary.trainedAt as string | undefined) ?? prev.finishedAt, nodes: graph.totalNodes };
  });
}

/** Stage `twotower`: user and item towers (HGNN inputs unless config.twoTower.useHgnn is false). */
export async function runTwoTower(ctx: StageContext, opts: { hgnnFrom?: string } = {}): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const t = config.twoTower;
  const featStage = requireStage(ws, 'features', 'features');
  const splitStage = requireStage(ws, WS.split, 'split');
  const hgnnStage = t.useHgnn ? requireStage(ws, 'hgnn', 'train-hgnn') : null;
  const material = { split: splitStage.key, features: featStage.key, hgnn: hgnnStage?.key ?? null, twoTower: t,
    target: config.data.targetType, seed: config.seed };
  return runStage({ ws, name: 'twotower', material, force: ctx.force, log }, async (dir) => {
    const s = await loadSplit(ws);
    const features = await loadItemFeatures(ws, s);
    const hgnnPath = join(opts.hgnnFrom ?? join(ws, 'hgnn'), HGNN_EMBEDDINGS_FILE);
    const hgnn = t.useHgnn ? hgnnInputFromTyped(s.items.ids, loadEmbeddings(hgnnPath)) : null;
    const state = loadFeatureState(join(ws, 'features', FEATURE_STATE_DIR));
    const ckpt = join(ws, '.checkpoints', `twotower-${stageKey(material)}`);
    let bar: Progress | null = null; // sized on the first step, when steps per epoch are known
    const bars = barsWanted({ quiet: ctx.quiet, json: ctx.json });
    const model = await trainTwoTower({
      itemTypeNames: s.items.typeNames, itemType: s.items.type, itemIds: s.items.ids,
      items: itemInputsFromFeatures(features, { language: state.vocabularies.language.size, genre: state.vocabularies.genre.size }),
      users: { n: s.users.n, age: s.users.age, country: s.users.country }, train: s.train, asOf: trainingAsOf(s), hgnn,
      config: {
        targetType: config.data.targetType, tasteTypes: [config.data.tasteType].filter((x) => s.items.typeNames.includes(x)),
        otherTypes: config.data.graphTypes.filter((x) => x !== config.data.targetType),
        epochs: t.epochs, batchSize: t.batch, hidden: t.layers, lr: t.lr, useHgnn: t.useHgnn, weakSignals: t.weakSignals, logQ: t.logQ,
        temperature: t.temperature, userFeaturesAt: t.userFeaturesAt,
        windowDays: t.historyDays, seed: config.seed,
      },
      checkpointDir: ckpt, resume: !ctx.force,
      progress: bars ? (p) => {
        bar ??= progressBar('train-2t', t.epochs * p.steps, { quiet: ctx.quiet, json: ctx.json });
        bar?.update((p.epoch - 1) * p.steps + p.step, `epoch ${p.epoch}/${t.epochs} loss ${p.loss.toFixed(4)}`);
      } : !ctx.quiet,
    });
    (bar as Progress | null)?.stop();
    rmSync(ckpt, { recursive: true, force: true });
    model.save(join(dir, TWO_TOWER_DIR));
    return { epochs: model.history.length, history: model.history };
  });
}

/** Loads the published two-tower model of a workspace. */
export function loadTwoTower(ws: string): TwoTowerModel {
  requireStage(ws, 'twotower', 'train-2t');
  return TwoTowerModel.load(join(ws, 'twotower', TWO_TOWER_DIR));
}

