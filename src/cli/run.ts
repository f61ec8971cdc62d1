/**
 * `hgrec run`: every stage in order, each skipped when its inputs are unchanged — the paper's
 * daily job. `--reuse-hgnn` is its stated future work: the HGNN (and the feature state it was
 * trained on) stay as last trained; only the two-tower is retrained on the fresh data, with the
 * current graph embedded inductively by the old HGNN.
 */
import { runData, runGraph, runSplit, type DataSource, type StageContext } from './pipeline_data.ts';
import { runFeatures, runHgnn, runHgnnReuse, runTwoTower } from './pipeline_models.ts';
import { runIndex } from './pipeline_serve.ts';
import { readStage, StageMissingError } from './stage.ts';

export interface PipelineOptions {
  /** Where the tables come from; null keeps the ingested tables as they are. */
  source: DataSource | null;
  reuseHgnn?: boolean;
  eval?: boolean;
}

/** Runs the pipeline; returns the seconds each stage took (0 when skipped). */
export async function runPipeline(ctx: StageContext, o: PipelineOptions): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  const timed = async (name: string, f: () => Promise<{ skipped: boolean; record: { seconds: number } }>) => {
    const r = await f();
    times[name] = r.skipped ? 0 : r.record.seconds;
  };
  if (o.source) await timed('ingest', () => runData(ctx, o.source!));
  else if (!readStage(ctx.ws, 'tables')) throw new StageMissingError(`run: workspace ${ctx.ws} has no tables; give a data source (--dataset synthetic|ciao|food-kitchen, or --items/--interactions files)`);
  await timed('split', () => runSplit(ctx));
  await timed('graph', () => runGraph(ctx));
  if (o.reuseHgnn) {
    if (!readStage(ctx.ws, 'hgnn') || !readStage(ctx.ws, 'features')) {
      throw new Error('run --reuse-hgnn: no trained HGNN in this workspace yet; run `hgrec run` once without it');
    }
    await timed('hgnn', () => runHgnnReuse(ctx));
  } else {
    await timed('features', () => runFeatures(ctx));
    await timed('hgnn', () => runHgnn(ctx));
  }
  await timed('twotower', () => runTwoTower(ctx));
  await timed('index', () => runIndex(ctx));
  if (o.eval) {
    const { runEval } = await import('./pipeline_eval.ts');
    await timed('eval', () => runEval(ctx));
  }
  return times;
}
