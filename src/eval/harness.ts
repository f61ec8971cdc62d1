// The comparison harness (issue 7): for one workspace (data ingested and split), every model
// of the paper's table plus LightGCN and EASE/ItemKNN over the same split, candidate set and
// exclusions, for several seeds; the paper's ablations A–F on 2T-HGNN; the podcast task.
// Nothing is tuned on the test split: every setting is fixed up front (the spec's defaults,
// shorter epoch budgets for speed), early stopping of the HGNN uses its own validation edges
// carved from the training graph.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { GraphBuildOptions } from '../graph/index.ts';
import type { HgnnTrainConfig } from '../models/hgnn/index.ts';
import type { TwoTowerConfig } from '../models/twotower/index.ts';
import { aggregateReports } from './aggregate.ts';
import { csrRowLength } from './csr.ts';
import { restrictTargetsToTiers, LONG_TAIL_TIERS } from './groups.ts';
import { DEFAULT_CUTOFFS, type GroupReport } from './metrics.ts';
import { evaluateModel, type EvalContext } from './protocol.ts';
import { evalContextOf, prepareWorkspace, trainSetOf, type Prepared } from './prepare.ts';
import { contentKnn, hgnnKnn, hgnnWithUsers, runHgnn, twoTower, type HgnnRun } from './neural.ts';
import type { ModelName, ModelResult, ReportJson, TrainingCurve } from './report_types.ts';
import type { Recommender, TrainSet } from './baselines/recommender.ts';
import { Popularity } from './baselines/popularity.ts';
import { ItemKnn, type ItemKnnOptions } from './baselines/itemknn.ts';
import { Ease, EaseTooLargeError, type EaseOptions } from './baselines/ease.ts';
import { LightGcn, type LightGcnOptions } from './baselines/lightgcn.ts';

/** The models of the main table, in report order ('ease' falls back to 'itemknn'). */
export const COMPARISON_MODELS = ['popularity', 'content_knn', 'hgnn', 'hgnn_w_users', 'two_tower', 'two_tower_hgnn', 'lightgcn', 'ease'] as const;

/** The paper's ablations of 2T-HGNN (SPEC §6), A–F. */
export const ABLATIONS = ['no_balanced_sampler', 'no_weak_signals', 'no_pp_edges', 'no_aa_edges', 'aa_only', 'pp_only'] as const;
export type AblationName = (typeof ABLATIONS)[number];

export interface ComparisonConfig {
  dataset: string;
  /** HGNN settings over the spec defaults (both HGNN runs, and the ablations). */
  hgnn: Partial<HgnnTrainConfig>;
  twoTower: Partial<TwoTowerConfig>;
  lightgcn: LightGcnOptions;
  ease: EaseOptions;
  itemknn: ItemKnnOptions;
  graph: GraphBuildOptions;
  textDim: number;
  /** Cap on HGNN batches per epoch (quick runs; undefined = whole epochs). */
  hgnnMaxBatches?: number;
  /** Ablations to run (default all six); [] = none. */
  ablations: readonly AblationName[];
  /** Seeds of the ablation runs (default: the first seed only, they are 6 × HGNN + 2T). */
  ablationSeeds: number[] | null;
  podcastTask: boolean;
  /** Whether the reduced (quick) budgets were used; recorded in the report. */
  quick: boolean;
  /** The command line that produced the report (recorded). */
  command: string | null;
}

/** Settings of a full run and of --quick (fewer epochs). Nothing here was tuned on test data. */
export function defaultComparisonConfig(dataset: string, quick = false): ComparisonConfig {
  return {
    dataset,
    hgnn: quick ? { epochs: 3, patience: 2, hidden: 128, out: 64 } : { epochs: 10, patience: 3 },
    hgnnMaxBatches: quick ? 40 : undefined,
    twoTower: quick ? { epochs: 2, hidden: [256, 128, 64] } : { epochs: 5 },
    lightgcn: quick ? { epochs: 20, maxSeconds: 45 } : { epochs: 40, maxSeconds: 240 },
    ease: { overflow: 'truncate' },
    itemknn: {},
    graph: {},
    textDim: quick ? 64 : 128,
    ablations: [...ABLATIONS],
    ablationSeeds: null,
    podcastTask: true,
    quick,
    command: null,
  };
}

export type ProgressEvent = { stage: string; model?: string; seed?: number; message: string };

export interface RunComparisonOptions {
  ws: string;
  config: ComparisonConfig;
  seeds: number[];
  models?: readonly (ModelName | 'ease')[];
  /** Folder for intermediate files (graph) and, if writeReports is called, the reports. */
  outDir: string;
  onProgress?: (e: ProgressEvent) => void;
}

const cloneReport = (r: GroupReport): GroupReport => JSON.parse(JSON.stringify(r)) as GroupReport;

function result(settings: Record<string, unknown>, perSeed: GroupReport[], fitMs: number[], recommendMs: number[], curves: TrainingCurve[], note?: string): ModelResult {
  return { settings, groups: aggregateReports(perSeed), perSeed, fitMs, recommendMs, curves, ...(note ? { note } : {}) };
}

/** Users with ≥1 target in each group. */
export function groupSizes(ctx: EvalContext): { warm: number; cold: number; all: number; longTail: number } {
  let warm = 0, cold = 0;
  for (const u of ctx.users) { warm += ctx.warm[u]!; cold += ctx.cold[u]!; }
  const lt = restrictTargetsToTiers(ctx.targets, ctx.itemTier, LONG_TAIL_TIERS);
  let longTail = 0;
  for (const u of ctx.users) if (csrRowLength(lt, u) > 0) longTail++;
  return { warm, cold, all: ctx.users.length, longTail };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Relation name of an unordered type pair, as the graph names it. */
const rel = (a: string, b: string): string => [a, b].sort().join('-');

/**
 * Runs the whole comparison on a split workspace and returns report.json's content.
 * @example const report = await runComparison({ ws, config: defaultComparisonConfig('synthetic', true), seeds: [1, 2, 3], outDir });
 *          await writeReports(report, outDir);
 */
export async function runComparison(o: RunComparisonOptions): Promise<ReportJson> {
  const T0 = performance.now();
  const commit = gitCommit(); // the code that runs, even if HEAD moves during a long run
  const cfg = o.config;
  const say = (e: ProgressEvent): void => o.onProgress?.(e);
  const seeds = o.seeds;
  if (seeds.length === 0) throw new Error('runComparison: seeds expected at least one seed, got none');
  const wanted = new Set<string>(o.models ?? COMPARISON_MODELS);
  for (const m of wanted) {
    if (!(COMPARISON_MODELS as readonly string[]).includes(m) && m !== 'itemknn') {
      throw new Error(`runComparison: models expected names from [${COMPARISON_MODELS.join(', ')}, itemknn], got '${m}'`);
    }
  }
  const p = await prepareWorkspace(o.ws, {
    graphDir: join(o.outDir, 'graph'), graph: cfg.graph, textDim: cfg.textDim,
    log: (s) => say({ stage: 'prepare', message: s }),
  });
  const prepareSeconds = (performance.now() - T0) / 1000;
  const target = p.target;
  const ctx = evalContextOf(p, target);
  const train = trainSetOf(p, target);
  const sizes = groupSizes(ctx);
  say({ stage: 'prepare', message: `target ${target}: ${ctx.catalogue.length} candidates, users with targets ${JSON.stringify(sizes)}` });
  const models: ReportJson['models'] = {};
  const skipped: ReportJson['skipped'] = {};
  const notes: string[] = [];
  const k = DEFAULT_CUTOFFS.mrr;

  /** Evaluates a model built per seed; deterministic models are fitted once and repeated. */
  const runModel = async (name: ModelName, make: (seed: number) => Recommender, opts: {
    deterministic?: boolean; settings: Record<string, unknown>; ctx?: EvalContext; train?: TrainSet; curves?: (seed: number, m: Recommender) => TrainingCurve[];
  }): Promise<ModelResult> => {
    const per: GroupReport[] = [], fitMs: number[] = [], recMs: number[] = [], curves: TrainingCurve[] = [];
    const c = opts.ctx ?? ctx;
    const tr = opts.train ?? train;
    for (const [si, seed] of seeds.entries()) {
      if (opts.deterministic && si > 0) {
        per.push(cloneReport(per[0]!)); fitMs.push(fitMs[0]!); recMs.push(recMs[0]!);
        continue;
      }
      say({ stage: 'model', model: name, seed, message: `fitting ${name} (seed ${seed})` });
      const m = make(seed);
      const r = await evaluateModel(m, tr, c, { k });
      per.push(r.report); fitMs.push(r.fitMs); recMs.push(r.recommendMs);
      if (opts.curves) curves.push(...opts.curves(seed, m));
      say({ stage: 'model', model: name, seed, message: `${name} seed ${seed}: HR@10 all ${fmt(r.report.all.hr10)} warm ${fmt(r.report.warm.hr10)} cold ${fmt(r.report.cold.hr10)} (fit ${(r.fitMs / 1000).toFixed(1)} s)` });
    }
    return result(opts.settings, per, fitMs, recMs, curves, opts.deterministic && seeds.length > 1 ? 'deterministic: fitted once, identical for every seed' : undefined);
  };

  // HGNN runs per seed, shared by hgnn, two_tower_hgnn, the ablation B and the podcast task.
  const hgnnLog = (seed: number) => (line: string): void => say({ stage: 'hgnn', seed, message: line });
  const hgnnRuns = new Map<number, HgnnRun>();
  const hgnnOf = async (seed: number): Promise<HgnnRun> => {
    let r = hgnnRuns.get(seed);
    if (!r) {
      say({ stage: 'hgnn', seed, message: `training HGNN (seed ${seed})` });
      r = await runHgnn(p, cfg.hgnn, seed, hgnnLog(seed), cfg.hgnnMaxBatches);
      say({ stage: 'hgnn', seed, message: `HGNN seed ${seed}: ${r.history.length} epochs, best ${r.bestEpoch} (${r.seconds.toFixed(1)} s)` });
      hgnnRuns.set(seed, r);
    }
    return r;
  };
  const hgnnCurves = (name: string) => (seed: number): TrainingCurve[] => {
    const r = hgnnRuns.get(seed);
    return r ? [{ model: name, seed, points: r.history.map((h) => ({ epoch: h.epoch, loss: h.trainLoss, valLoss: h.valLoss, valHr10: h.valHr10, seconds: h.seconds })) }] : [];
  };
  const ttHist = new Map<string, TrainingCurve>();
  const ttCurve = (name: string) => (seed: number): TrainingCurve[] => {
    const c = ttHist.get(`${name}/${seed}`);
    return c ? [c] : [];
  };
  const tt = (name: string, tgt: string, seed: number, run: HgnnRun | null, extra: Partial<TwoTowerConfig> = {}) => twoTower(p, name, tgt, {
    config: { ...cfg.twoTower, ...extra }, seed, hgnn: run,
    onHistory: (h) => ttHist.set(`${name}/${seed}`, { model: name, seed, points: h.map((e) => ({ epoch: e.epoch, loss: e.loss, seconds: e.seconds })) }),
  });

  /** Runs one model of the main table; a failure is recorded (skipped + note) instead of ending the comparison. */
  const tryModel = async (name: ModelName, f: () => Promise<ModelResult>): Promise<void> => {
    try {
      models[name] = await f();
    } catch (e) {
      skipped[name] = (e as Error).message;
      notes.push(`${name} failed: ${(e as Error).message}`);
      say({ stage: 'model', model: name, message: `${name} FAILED: ${(e as Error).stack ?? (e as Error).message}` });
    }
  };

  // ---- main table ----
  if (wanted.has('popularity')) await tryModel('popularity', () => runModel('popularity', () => new Popularity(), { deterministic: true, settings: { windowDays: 90 } }));
  if (wanted.has('content_knn')) await tryModel('content_knn', () => runModel('content_knn', () => contentKnn(p), { deterministic: true, settings: { textDim: cfg.textDim, encoder: 'tfidf-svd' } }));
  if (wanted.has('hgnn')) {
    await tryModel('hgnn', async () => {
      const hgnnModels = new Map<number, Recommender>();
      for (const s of seeds) hgnnModels.set(s, hgnnKnn(await hgnnOf(s)));
      return runModel('hgnn', (s) => hgnnModels.get(s)!, { settings: { ...cfg.hgnn }, curves: hgnnCurves('hgnn') });
    });
  }
  if (wanted.has('hgnn_w_users')) {
    const curves = new Map<number, TrainingCurve>();
    // a random user is a trivial negative for a user–item edge: draw the positive's type
    const wUsersConfig = { negatives: 'sameType' as const, ...cfg.hgnn };
    await tryModel('hgnn_w_users', () => runModel('hgnn_w_users', (seed) => hgnnWithUsers(p, {
      config: wUsersConfig, seed, log: hgnnLog(seed), maxBatchesPerEpoch: cfg.hgnnMaxBatches,
      onHistory: (h) => curves.set(seed, { model: 'hgnn_w_users', seed, points: h.map((e) => ({ epoch: e.epoch, loss: e.trainLoss, valLoss: e.valLoss, valHr10: e.valHr10, seconds: e.seconds })) }),
    }), { settings: { ...wUsersConfig, userFeatures: 'age z-score, age unknown, top-20 country one-hot + other + unknown', userEdges: 'distinct training (user, graph item), any kind' }, curves: (s) => (curves.has(s) ? [curves.get(s)!] : []) }));
  }
  if (wanted.has('two_tower')) {
    await tryModel('two_tower', () => runModel('two_tower', (seed) => tt('two_tower', target, seed, null), { settings: { ...cfg.twoTower, useHgnn: false }, curves: ttCurve('two_tower') }));
  }
  if (wanted.has('two_tower_hgnn')) {
    await tryModel('two_tower_hgnn', async () => {
      const runs = new Map<number, HgnnRun>();
      for (const s of seeds) runs.set(s, await hgnnOf(s));
      return runModel('two_tower_hgnn', (seed) => tt('two_tower_hgnn', target, seed, runs.get(seed)!), { settings: { ...cfg.twoTower, useHgnn: true, hgnn: cfg.hgnn }, curves: ttCurve('two_tower_hgnn') });
    });
  }
  if (wanted.has('lightgcn')) {
    const lg = new Map<number, LightGcn>();
    await tryModel('lightgcn', () => runModel('lightgcn', (seed) => {
      const m = new LightGcn({ ...cfg.lightgcn, seed });
      lg.set(seed, m);
      return m;
    }, {
      settings: new LightGcn(cfg.lightgcn).settings(),
      curves: (seed) => [{ model: 'lightgcn', seed, points: (lg.get(seed)?.history ?? []).map((h) => ({ ...h })) }],
    }));
  }
  if (wanted.has('ease') || wanted.has('itemknn')) {
    let done = false;
    if (wanted.has('ease')) {
      try {
        models.ease = await runModel('ease', () => new Ease(cfg.ease), { deterministic: true, settings: { lambda: 500, ...cfg.ease } });
        done = true;
      } catch (e) {
        skipped.ease = (e as Error).message;
        notes.push(`EASE ${e instanceof EaseTooLargeError ? 'refused' : 'failed'} (${(e as Error).message}); ItemKNN reported instead.`);
      }
    }
    if (!done) await tryModel('itemknn', () => runModel('itemknn', () => new ItemKnn(cfg.itemknn), { deterministic: true, settings: { ...cfg.itemknn } }));
  }

  // ---- ablations A–F (2T-HGNN) ----
  const ablations: ReportJson['ablations'] = {};
  const other = p.graphTypes.find((t) => t !== target) ?? null;
  const abSeeds = cfg.ablationSeeds ?? seeds.slice(0, 1);
  const ablationDefs: Record<AblationName, { label: string; hgnn?: Partial<HgnnTrainConfig>; twoTower?: Partial<TwoTowerConfig> } | null> = {
    no_balanced_sampler: { label: 'A: no balanced sampler', hgnn: { balanced: false } },
    no_weak_signals: { label: 'B: no weak signals', twoTower: { weakSignals: false } },
    no_pp_edges: other ? { label: `C: no p–p edges (${rel(other, other)})`, hgnn: { dropRelations: [rel(other, other)] } } : null,
    no_aa_edges: { label: `D: no a–a edges (${rel(target, target)})`, hgnn: { dropRelations: [rel(target, target)] } },
    aa_only: { label: `E: a–a edges only (${rel(target, target)})`, hgnn: { onlyRelations: [rel(target, target)] } },
    pp_only: other ? { label: `F: p–p edges only (${rel(other, other)})`, hgnn: { onlyRelations: [rel(other, other)] } } : null,
  };
  for (const name of cfg.ablations) {
    const def = ablationDefs[name];
    if (!def) { notes.push(`Ablation ${name} skipped: the graph has no second node type.`); continue; }
    const per: GroupReport[] = [], fitMs: number[] = [], recMs: number[] = [], curves: TrainingCurve[] = [];
    try {
      for (const seed of abSeeds) {
        say({ stage: 'ablation', model: name, seed, message: `ablation ${def.label} (seed ${seed})` });
        const t0 = performance.now();
        const run = def.hgnn ? await runHgnn(p, { ...cfg.hgnn, ...def.hgnn }, seed, hgnnLog(seed), cfg.hgnnMaxBatches) : await hgnnOf(seed);
        if (def.hgnn) curves.push({ model: `ablation:${name}`, seed, points: run.history.map((h) => ({ epoch: h.epoch, loss: h.trainLoss, valLoss: h.valLoss, valHr10: h.valHr10 })) });
        const hgnnMs = def.hgnn ? performance.now() - t0 : 0;
        const r = await evaluateModel(tt(`ablation_${name}`, target, seed, run, def.twoTower), train, ctx, { k });
        per.push(r.report); fitMs.push(r.fitMs + hgnnMs); recMs.push(r.recommendMs);
        say({ stage: 'ablation', model: name, seed, message: `${def.label} seed ${seed}: warm HR@10 ${fmt(r.report.warm.hr10)}` });
      }
      ablations[name] = { label: def.label, ...result({ hgnn: { ...cfg.hgnn, ...def.hgnn }, twoTower: { ...cfg.twoTower, ...def.twoTower }, seeds: abSeeds }, per, fitMs, recMs, curves) };
    } catch (e) {
      notes.push(`Ablation ${def.label} failed: ${(e as Error).message}`);
    }
  }

  // ---- podcast task ----
  let podcastTask: ReportJson['podcastTask'] = { skipped: 'not requested' };
  if (cfg.podcastTask) {
    if (!other) podcastTask = { skipped: 'the graph has a single node type' };
    else {
      const pctx = evalContextOf(p, other);
      const psizes = groupSizes(pctx);
      if (psizes.all === 0) podcastTask = { skipped: `no held-out ${other} interactions in the test split (split method ${p.split.info.method})` };
      else {
        const ptrain = trainSetOf(p, other);
        say({ stage: 'podcast', message: `podcast task: target ${other}, users with targets ${JSON.stringify(psizes)}` });
        const pm: Partial<Record<ModelName, ModelResult>> = {};
        try {
          for (const s of seeds) await hgnnOf(s);
          pm.popularity = await runModel('popularity', () => new Popularity(), { deterministic: true, settings: { windowDays: 90 }, ctx: pctx, train: ptrain });
          pm.two_tower = await runModel('two_tower', (seed) => tt('two_tower', other, seed, null), { settings: { ...cfg.twoTower, targetType: other, useHgnn: false }, ctx: pctx, train: ptrain, curves: ttCurve('two_tower') });
          pm.two_tower_hgnn = await runModel('two_tower_hgnn', (seed) => tt('two_tower_hgnn', other, seed, hgnnRuns.get(seed)!), { settings: { ...cfg.twoTower, targetType: other, useHgnn: true }, ctx: pctx, train: ptrain, curves: ttCurve('two_tower_hgnn') });
        } catch (e) {
          notes.push(`Podcast task incomplete: ${(e as Error).message}`);
        }
        podcastTask = { target: other, groupSizes: psizes, models: pm };
      }
    }
  }

  const info = p.split.info;
  return {
    format: 'hgrec.eval_report', version: 1, dataset: cfg.dataset, createdAt: new Date().toISOString(), command: cfg.command,
    workspace: o.ws, gitCommit: commit, dataManifestHash: p.manifest.contentHash, seeds: [...seeds], quick: cfg.quick,
    ...(cfg.hgnnMaxBatches !== undefined ? { hgnnMaxBatches: cfg.hgnnMaxBatches } : {}),
    protocol: {
      split: info.method === 'temporal'
        ? `temporal: test = interactions with ts >= ${info.cutTs}${info.testDays ? ` (last ${info.testDays} days)` : info.fraction ? ` (last ${info.fraction} of the timeline)` : ''}`
        : `${info.method}: each user's last ${target} interaction held out`,
      splitInfo: { ...info },
      target,
      candidates: `all ${ctx.catalogue.length} items of type ${target} (seen in training or not)`,
      catalogueSize: ctx.catalogue.length,
      exclusion: 'items the user interacted with in training (any kind, weak signals included) are never ranked; held-out re-consumptions of them are not targets',
      cutoffs: { ...DEFAULT_CUTOFFS },
      longTailTiers: [...LONG_TAIL_TIERS],
      groupSizes: sizes,
      tuning: 'none on the test split: every setting is fixed before the run (spec defaults, shorter epoch budgets); HGNN early stopping uses 10% of the training graph edges',
    },
    settings: { ...cfg, hgnnEffective: cfg.hgnn, seeds },
    timings: { prepareSeconds, totalSeconds: (performance.now() - T0) / 1000, graphSeconds: p.graphSeconds, featureSeconds: p.featureSeconds },
    models, skipped, ablations, podcastTask, notes,
  };
}

function fmt(x: number | null): string {
  return x === null ? '–' : x.toFixed(3);
}

export type { Prepared };
