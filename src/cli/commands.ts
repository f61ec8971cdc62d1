/**
 * The stage commands. Each reads the workspace, runs its stage (skipped when its inputs are
 * unchanged, unless --force) and leaves the previous version in place if interrupted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DATASET_NAMES, type DatasetName } from '../data/index.ts';
import { graphBuildOptionHelp } from '../graph/index.ts';
import { intArg, makeLogger, numArg, resolveConfig, UsageError, type GlobalOptions } from './main.ts';
import { runData, runGraph, runSplit, type DataSource, type StageContext } from './pipeline_data.ts';
import type { HgrecConfig } from './config.ts';
import { runFeatures, runHgnn, runHgnnReuse, runTwoTower } from './pipeline_models.ts';
import { runPipeline } from './run.ts';
import { runEval, runFullComparison } from './pipeline_eval.ts';
import { runDemo } from './demo.ts';
import { recommendForUser, runIndex, serveWorkspace } from './pipeline_serve.ts';
import { printRecommendations, stdout } from './print.ts';

function ctxOf(cmd: Command, overrides?: (c: HgrecConfig) => void): StageContext {
  const g = cmd.optsWithGlobals() as GlobalOptions;
  const config = resolveConfig(g, overrides);
  return { ws: config.workspace, config, force: g.force, log: makeLogger(g), quiet: g.quiet, json: g.logJson };
}

/** `--map interactions.user_id=uid` → { interactions: { user_id: 'uid' } } */
function parseMappings(list: string[] | undefined): Record<string, Record<string, string>> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const m of list) {
    const match = /^(items|users|interactions)\.([A-Za-z_][\w]*)=(.+)$/.exec(m);
    if (!match) throw new UsageError(`--map expects table.column=sourceColumn (table: items|users|interactions), got '${m}'`);
    (out[match[1]!] ??= {})[match[2]!] = match[3]!;
  }
  return out;
}

export interface IngestFlags {
  dataset?: string;
  path?: string;
  users?: number;
  items?: string;
  interactions?: string;
  usersFile?: string;
  map?: string[];
  strict?: boolean;
}

/** The data source named by the ingest flags (synthetic by default). */
export function dataSourceOf(f: IngestFlags): DataSource {
  if (f.items || f.interactions) {
    if (!f.items || !f.interactions) throw new UsageError('ingest: --items and --interactions go together (users are optional)');
    return { kind: 'files', items: f.items, interactions: f.interactions, users: f.usersFile, mapping: parseMappings(f.map) };
  }
  const name = (f.dataset ?? 'synthetic') as DatasetName;
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`ingest: --dataset expects one of ${DATASET_NAMES.join(', ')}, got '${f.dataset}'`);
  }
  return { kind: 'dataset', name, path: f.path, synthetic: f.users ? { users: f.users } : undefined };
}

export function addIngestOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dataset <name>', 'built-in data set').choices([...DATASET_NAMES]).default(undefined))
    .option('--path <dir>', 'folder of the real data set (default ../shared/datasets/<name>)')
    .addOption(new Option('--users <n>', 'synthetic: number of users (default 20000)').argParser(intArg('--users', 10)))
    .option('--items <file>', 'your items table (CSV, TSV, JSONL or Parquet)')
    .option('--interactions <file>', 'your interactions table')
    .option('--users-file <file>', 'your users table (optional)')
    .option('--map <table.col=src...>', 'column mapping for files named differently, e.g. interactions.user_id=uid')
    .option('--strict', 'fail on the first bad row instead of rejecting and counting it');
}

export function registerCommands(program: Command): void {
  addIngestOptions(program.command('ingest')
    .description('validate input tables into <ws>/tables (Parquet + manifest; rejects counted in rejects.csv)'))
    .action(async (f: IngestFlags, cmd: Command) => {
      const ctx = ctxOf(cmd, (c) => { if (f.strict) c.data.strict = true; });
      await runData(ctx, dataSourceOf(f));
    });

  program.command('split')
    .description('temporal (or leave-last-out) split, warm/cold users, popularity tiers in <ws>/split')
    .addOption(new Option('--test-days <d>', 'days held out at the end of the timeline (default 14)').argParser(numArg('--test-days', 0)))
    .option('--target <type>', 'target item type (default audiobook)')
    .action(async (f: { testDays?: number; target?: string }, cmd: Command) => {
      await runSplit(ctxOf(cmd, (c) => {
        if (f.testDays !== undefined) c.data.testDays = f.testDays;
        if (f.target) c.data.targetType = f.target;
      }));
    });

  program.command('graph')
    .description('co-listening item graph from the training interactions in <ws>/graph (edges Parquet + stats)')
    .option('--edge-kinds <list>', `comma-separated ${graphBuildOptionHelp.edgeKinds}`)
    .addOption(new Option('--min-co-count <n>', graphBuildOptionHelp.minCoCount).argParser(intArg('--min-co-count', 1)))
    .addOption(new Option('--per-user-cap <n>', graphBuildOptionHelp.maxItemsPerUser).argParser(intArg('--per-user-cap', 0)))
    .addOption(new Option('--window-days <d>', 'only the last D training days form edges (0 = all)').argParser(numArg('--window-days', 0)))
    .action(async (f: { edgeKinds?: string; minCoCount?: number; perUserCap?: number; windowDays?: number }, cmd: Command) => {
      await runGraph(ctxOf(cmd, (c) => {
        if (f.edgeKinds) c.graph.edgeKinds = f.edgeKinds.split(',').map((s) => s.trim()) as HgrecConfig['graph']['edgeKinds'];
        if (f.minCoCount !== undefined) c.graph.minCoCount = f.minCoCount;
        if (f.perUserCap !== undefined) c.graph.perUserCap = f.perUserCap;
        if (f.windowDays !== undefined) c.graph.windowDays = f.windowDays;
      }));
    });

  program.command('features')
    .description('fit the item feature builder (TF-IDF → SVD text vectors, categorical one-hots, popularity stats) in <ws>/features')
    .addOption(new Option('--text-dim <n>', 'text vector width after SVD (default 256)').argParser(intArg('--text-dim', 1)))
    .action(async (f: { textDim?: number }, cmd: Command) => {
      await runFeatures(ctxOf(cmd, (c) => { if (f.textDim) c.hgnn.textDim = f.textDim; }));
    });

  addHgnnOptions(program.command('train-hgnn')
    .description('train the heterogeneous GraphSAGE on the co-listening graph; embeddings for every graph item in <ws>/hgnn'))
    .option('--reuse', 'no training: embed the current graph with the last trained HGNN (inductive)')
    .action(async (f: HgnnFlags & { reuse?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd, applyHgnnFlags(f));
      await (f.reuse ? runHgnnReuse(ctx) : runHgnn(ctx));
    });

  addTwoTowerOptions(program.command('train-2t')
    .description('train the two-tower model (user tower + item tower) in <ws>/twotower'))
    .action(async (f: TwoTowerFlags, cmd: Command) => { await runTwoTower(ctxOf(cmd, applyTwoTowerFlags(f))); });

  program.command('index')
    .description('item-tower vectors for the target catalogue + top-K index, packed with the model as a serving bundle in <ws>/index/bundle')
    .option('--ann', 'build an HNSW (usearch) index instead of the exact BLAS scan (for very large catalogues)')
    .action(async (f: { ann?: boolean }, cmd: Command) => { await runIndex(ctxOf(cmd), { ann: f.ann }); });

  program.command('recommend')
    .description("top-K recommendations for one user of the workspace, with the history items behind each")
    .requiredOption('--user <id>', 'user id as in the users/interactions tables')
    .addOption(new Option('-k, --k <n>', 'how many items').default(10).argParser(intArg('-k', 1)))
    .option('--json', 'print the answer as JSON')
    .action(async (f: { user: string; k: number; json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const ans = await recommendForUser(ctx.ws, f.user, f.k);
      if (f.json) stdout(`${JSON.stringify(ans, null, 2)}\n`);
      else printRecommendations(f.user, ans);
    });

  addTwoTowerOptions(addHgnnOptions(addIngestOptions(program.command('run')
    .description('every stage in order (the daily job): ingest → split → graph → features → train-hgnn → train-2t → index → eval; unchanged stages are skipped'))))
    .option('--reuse-hgnn', "retrain only the two-tower on fresh data, embedding the current graph with the last trained HGNN (weekly HGNN, daily 2T)")
    .option('--no-eval', 'skip the evaluation stage')
    .action(async (f: IngestFlags & HgnnFlags & TwoTowerFlags & { reuseHgnn?: boolean; eval?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd, (c) => { applyHgnnFlags(f)(c); applyTwoTowerFlags(f)(c); if (f.strict) c.data.strict = true; });
      // no source flags: keep the workspace's tables (never overwrite them with synthetic data)
      const hasSource = !!(f.dataset || f.items || f.interactions || f.users);
      await runPipeline(ctx, { source: hasSource ? dataSourceOf(f) : null, reuseHgnn: !!f.reuseHgnn, eval: f.eval !== false });
    });

  program.command('eval')
    .description("evaluate the workspace's two-tower against Popularity and ItemKNN on the held-out split (<ws>/eval); "
      + 'with --compare, the full comparison (every baseline, 2T/2T-HGNN, ablations A–F, podcast task) → report.json/md/html')
    .option('--compare', 'run the full comparison of issue 7 (long: trains every model per seed)')
    .option('--quick', 'with --compare: reduced epochs and sizes (stated in the report)')
    .addOption(new Option('--seeds <n>', 'with --compare: number of seeds (default 3)').argParser(intArg('--seeds', 1)))
    .option('--out <dir>', 'with --compare: report folder (default <ws>/report)')
    .action(async (f: { compare?: boolean; quick?: boolean; seeds?: number; out?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      if (f.compare) {
        const paths = await runFullComparison(ctx, { quick: !!f.quick, seeds: f.seeds ?? 3, out: f.out });
        stdout(`${readFileSync(paths.md, 'utf8')}\nreports: ${paths.json}, ${paths.md}, ${paths.html}\n`);
        return;
      }
      const r = await runEval(ctx);
      stdout(readFileSync(join(r.dir, 'eval.txt'), 'utf8'));
    });

  program.command('demo')
    .description('the whole pipeline on built-in synthetic data: generate, train, evaluate, and show a few users\' recommendations with their reasons')
    .addOption(new Option('--users <n>', 'synthetic users (default 20000)').argParser(intArg('--users', 100)))
    .addOption(new Option('--hgnn-epochs <n>', `HGNN epochs (default ${DEMO_HGNN_EPOCHS} in the demo, to stay under 5 minutes)`).argParser(intArg('--hgnn-epochs', 1)))
    .action(async (f: { users?: number; hgnnEpochs?: number }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalOptions;
      const ctx = ctxOf(cmd, (c) => {
        if (!g.workspace && !g.config) c.workspace = 'workspace/demo';
        // the demo's time budget (< 5 min on 2 cores): a few HGNN epochs instead of up to 50
        if (!g.config) c.hgnn.epochs = f.hgnnEpochs ?? DEMO_HGNN_EPOCHS;
      });
      await runDemo(ctx, { users: f.users });
    });

  program.command('serve')
    .description('HTTP recommendation service on the workspace bundle (hot reload on SIGHUP or POST /admin/reload)')
    .option('--host <host>', 'listen address (default 127.0.0.1)')
    .addOption(new Option('--port <n>', 'listen port (default 8080; 0 = any free port)').argParser(intArg('--port', 0)))
    .option('--ann', 'answer from the ANN index when the bundle has one')
    .action(async (f: { host?: string; port?: number; ann?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      await serveWorkspace(ctx.ws, { host: f.host ?? ctx.config.serve.host, port: f.port ?? ctx.config.serve.port, ann: f.ann, log: ctx.log });
      await new Promise<void>(() => {}); // runs until a signal closes the server
    });
}

/** HGNN epochs of `hgrec demo` (the SPEC's 50 with early stopping is `hgrec run`). */
export const DEMO_HGNN_EPOCHS = 3;

export interface HgnnFlags { hgnnEpochs?: number; patience?: number; fanout?: number; balanced?: boolean; drop?: string }

export function addHgnnOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--hgnn-epochs <n>', 'maximum HGNN epochs (default 50)').argParser(intArg('--hgnn-epochs', 1)))
    .addOption(new Option('--patience <n>', 'early-stopping patience in epochs (default 10)').argParser(intArg('--patience', 1)))
    .addOption(new Option('--fanout <n>', 'sampled neighbours per relation per layer (default 10)').argParser(intArg('--fanout', 1)))
    .option('--no-balanced', 'ablation: train on all edges instead of the balanced multi-link sampler')
    .option('--drop <relations>', 'ablation: comma-separated relations to drop, e.g. audiobook-audiobook');
}

export function applyHgnnFlags(f: HgnnFlags): (c: HgrecConfig) => void {
  return (c) => {
    if (f.hgnnEpochs) c.hgnn.epochs = f.hgnnEpochs;
    if (f.patience) c.hgnn.patience = f.patience;
    if (f.fanout) c.hgnn.fanout = f.fanout;
    if (f.balanced === false) c.hgnn.balanced = false;
    if (f.drop) c.hgnn.dropRelations = f.drop.split(',').map((x) => x.trim()).filter(Boolean);
  };
}

export interface TwoTowerFlags { epochs2t?: number; weakSignals?: boolean; hgnn?: boolean; target?: string }

export function addTwoTowerOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--epochs-2t <n>', 'two-tower epochs (default 10)').argParser(intArg('--epochs-2t', 1)))
    .option('--no-weak-signals', 'ablation: user history from streams only (no follow/preview/intent-to-pay)')
    .option('--no-hgnn', 'the plain "2T" baseline: no HGNN inputs on either tower')
    .option('--target <type>', 'item type to recommend (default audiobook; e.g. podcast)');
}

export function applyTwoTowerFlags(f: TwoTowerFlags): (c: HgrecConfig) => void {
  return (c) => {
    if (f.epochs2t) c.twoTower.epochs = f.epochs2t;
    if (f.weakSignals === false) c.twoTower.weakSignals = false;
    if (f.hgnn === false) c.twoTower.useHgnn = false;
    if (f.target) c.data.targetType = f.target;
  };
}
