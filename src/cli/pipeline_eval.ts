/**
 * Stage `eval`: the workspace's trained two-tower model against Popularity and ItemKNN on the
 * held-out split (SPEC §6 protocol from src/eval: candidates = every target-type item, items the
 * user touched in training excluded, HR@10 / MRR@100 / Coverage@100 / NDCG@10 / Recall@10 for
 * warm, cold, all and long-tail users). One seed: the model is the one the pipeline trained.
 * The full comparison (every baseline, 3 seeds, ablations, report.md/html) is
 * `hgrec eval --compare` / bench/quality.ts.
 */
import { join } from 'node:path';
import { loadSplit, trainingAsOf, writeFileAtomic, WS } from '../data/index.ts';
import {
  buildEvalContext, candidatesOf, defaultComparisonConfig, DotProductRecommender, evaluateModel, ItemKnn, Popularity,
  runComparison, writeReports, type GroupReport, type Recommender, type ReportPaths, type TrainSet,
} from '../eval/index.ts';
import { buildUserFeatures } from '../models/twotower/index.ts';
import type { StageContext } from './pipeline_data.ts';
import { loadTwoTower } from './pipeline_models.ts';
import { formatTable } from './print.ts';
import { requireStage, runStage, type StageOutcome } from './stage.ts';

export interface WorkspaceEval {
  target: string;
  groupSizes: { warm: number; cold: number; all: number };
  models: Record<string, GroupReport & { fitSeconds: number; recommendSeconds: number }>;
}

/** Evaluates the workspace's two-tower and the quick baselines; writes `<ws>/eval/eval.json`. */
export async function runEval(ctx: StageContext): Promise<StageOutcome> {
  const { ws, config, log } = ctx;
  const split = requireStage(ws, WS.split, 'split');
  const tt = requireStage(ws, 'twotower', 'train-2t');
  const material = { split: split.key, twotower: tt.key, target: config.data.targetType };
  return runStage({ ws, name: 'eval', material, force: ctx.force, log }, async (dir) => {
    const s = await loadSplit(ws);
    const target = config.data.targetType;
    const code = s.items.typeNames.indexOf(target);
    if (code < 0) throw new Error(`eval: target type '${target}' is not an item type of ${ws} (types: ${s.items.typeNames.join(', ')})`);
    const ectx = buildEvalContext(s.train, s.test, {
      nUsers: s.users.n, nItems: s.items.n, itemType: s.items.type, targetType: code, group: s.groups.group, itemTier: s.tiers.tier,
    });
    const train: TrainSet = {
      nUsers: s.users.n, nItems: s.items.n, user: s.train.user, item: s.train.item, kind: s.train.kind, ts: s.train.ts,
      itemType: s.items.type, targetType: code,
    };
    const model = loadTwoTower(ws);
    const name = model.config.useHgnn ? 'two_tower_hgnn' : 'two_tower';
    const asOf = trainingAsOf(s);
    const workspaceModel = new DotProductRecommender(name, async (tr) => {
      const users = { n: s.users.n, age: s.users.age, country: s.users.country };
      const uf = buildUserFeatures(model.userSpec, model.ctx, model.countryVocab, users, s.train, asOf);
      const candidates = candidatesOf(tr);
      return {
        dim: model.dim, nUsers: s.users.n, nItems: s.items.n, userVecs: model.userVectorsFromFeatures(uf.dense, uf.country),
        hasUser: new Uint8Array(s.users.n).fill(1), candidates, candVecs: model.itemVectors(candidates),
      };
    });
    const models: Recommender[] = [new Popularity({}), new ItemKnn({}), workspaceModel];
    const out: WorkspaceEval = { target, groupSizes: { warm: 0, cold: 0, all: ectx.users.length }, models: {} };
    for (const u of ectx.users) { out.groupSizes.warm += ectx.warm[u]!; out.groupSizes.cold += ectx.cold[u]!; }
    for (const m of models) {
      log(`eval: ${m.name}`);
      const r = await evaluateModel(m, train, ectx);
      out.models[m.name] = { ...r.report, fitSeconds: r.fitMs / 1000, recommendSeconds: r.recommendMs / 1000 };
    }
    writeFileAtomic(join(dir, 'eval.json'), JSON.stringify(out, null, 1) + '\n');
    writeFileAtomic(join(dir, 'eval.txt'), evalTable(out));
    return { groupSizes: out.groupSizes, models: Object.keys(out.models) };
  });
}

/** The evaluation as a text table (one row per model and group). */
export function evalTable(e: WorkspaceEval): string {
  const rows: (string | number)[][] = [];
  for (const [name, r] of Object.entries(e.models)) {
    for (const g of ['warm', 'cold', 'all'] as const) {
      const m = r[g];
      rows.push([name, g, m.users, m.hr10 ?? '-', m.mrr ?? '-', m.cov ?? '-', m.ndcg10 ?? '-', m.recall10 ?? '-']);
    }
  }
  return `Held-out ${e.target} interactions; users with targets: warm ${e.groupSizes.warm}, cold ${e.groupSizes.cold}, all ${e.groupSizes.all}\n`
    + formatTable(['model', 'group', 'users', 'HR@10', 'MRR@100', 'Cov@100', 'NDCG@10', 'Recall@10'], rows);
}

/**
 * `hgrec eval --compare`: the whole comparison of issue 7 on the workspace's split (every model
 * retrained per seed by src/eval's harness), reports written to `out` (default `<ws>/report`).
 */
export async function runFullComparison(ctx: StageContext, o: { quick: boolean; seeds: number; out?: string }): Promise<ReportPaths> {
  requireStage(ctx.ws, WS.split, 'split');
  const config = defaultComparisonConfig(`workspace ${ctx.ws}`, o.quick);
  config.command = `hgrec -w ${ctx.ws} eval --compare --seeds ${o.seeds}${o.quick ? ' --quick' : ''}`;
  const out = o.out ?? join(ctx.ws, 'report');
  const seeds = Array.from({ length: o.seeds }, (_, i) => ctx.config.seed + i);
  const report = await runComparison({ ws: ctx.ws, config, seeds, outDir: out, onProgress: (e) => ctx.log(e.message) });
  return writeReports(report, out);
}
