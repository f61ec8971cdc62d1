// Quality benchmark (issue 7): the whole offline comparison on one dataset.
//
//   npx tsx bench/quality.ts --dataset synthetic|ciao|food-kitchen [--seeds 3 | --seeds 1,2,3]
//     [--quick] [--out DIR] [--ws DIR] [--models a,b,...] [--ablations all|none|a,b] [--ablation-seeds 1,2]
//     [--no-podcast] [--docs] [--hgnn-max-batches N]
//
// Prepares the workspace (synthetic generator at its default size, or the Ciao / Food–Kitchen
// adapters over ../shared/datasets; reused when --ws already holds a split), runs
// runComparison, writes report.json / report.md / report.html into --out (and report.md to
// docs/results/<dataset>.md with --docs), and prints as its LAST stdout line
//   {"dataset":…, "results":{"<model>":{"warm":{"hr10","mrr","cov","users"},"cold":{…},"all":{…}}}}
// Progress goes to stderr.
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  datasetPath, generateSynthetic, ingest, prepareCiao, prepareFoodKitchen, REPO_ROOT, splitWorkspace, writeFileAtomic, WS,
} from '../src/data/index.ts';
import {
  ABLATIONS, COMPARISON_MODELS, defaultComparisonConfig, renderMarkdown, runComparison, toQualityBenchJson, writeReports,
  type AblationName, type ModelName,
} from '../src/eval/index.ts';

const DATASETS = ['synthetic', 'ciao', 'food-kitchen'] as const;
type Dataset = (typeof DATASETS)[number];

function args(argv: string[]): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`bench/quality: unexpected argument '${a}' (flags start with --)`);
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('--')) { m.set(a.slice(2), next); i++; } else m.set(a.slice(2), true);
  }
  return m;
}

const list = (v: string | true | undefined): string[] | null => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : null);
const log = (s: string): void => { process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`); };

async function prepareData(dataset: Dataset, ws: string): Promise<string | null> {
  if (existsSync(join(ws, WS.splitMeta))) { log(`reusing split workspace ${ws}`); return null; }
  const raw = join(ws, '.raw');
  if (dataset === 'synthetic') {
    const syn = await generateSynthetic({ outDir: raw });
    await ingest({ workspace: ws, ...syn.files, roles: syn.roles });
  } else {
    const dir = datasetPath(dataset === 'ciao' ? 'ciao' : 'amazon-food-kitchen');
    if (!existsSync(dir)) return `dataset folder ${dir} is absent`;
    const p = dataset === 'ciao' ? await prepareCiao({ outDir: raw }) : await prepareFoodKitchen({ outDir: raw });
    await ingest({ workspace: ws, ...p.files, roles: p.roles, source: p.source });
  }
  const info = await splitWorkspace(ws);
  log(`split: ${JSON.stringify(info)}`);
  return null;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  const dataset = (a.get('dataset') ?? 'synthetic') as Dataset;
  if (!DATASETS.includes(dataset)) throw new Error(`bench/quality: --dataset expected one of ${DATASETS.join('|')}, got '${String(dataset)}'`);
  const quick = a.has('quick');
  const seedArg = a.get('seeds');
  const seeds = typeof seedArg === 'string'
    ? (seedArg.includes(',') ? seedArg.split(',').map(Number) : Array.from({ length: Number(seedArg) }, (_, i) => i + 1))
    : quick ? [1] : [1, 2, 3];
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new Error(`bench/quality: --seeds expected a count or a list of integers, got '${String(seedArg)}'`);
  const out = resolve(typeof a.get('out') === 'string' ? (a.get('out') as string) : join(tmpdir(), `hgrec-quality-${dataset}`));
  const ws = resolve(typeof a.get('ws') === 'string' ? (a.get('ws') as string) : join(out, 'ws'));
  mkdirSync(out, { recursive: true });
  const config = defaultComparisonConfig(dataset, quick);
  const ab = a.get('ablations');
  if (ab === 'none') config.ablations = [];
  else if (typeof ab === 'string' && ab !== 'all') {
    const names = list(ab)!;
    for (const n of names) if (!(ABLATIONS as readonly string[]).includes(n)) throw new Error(`bench/quality: --ablations expected all|none|${ABLATIONS.join(',')}, got '${n}'`);
    config.ablations = names as AblationName[];
  }
  const abSeeds = list(a.get('ablation-seeds'));
  if (abSeeds) config.ablationSeeds = abSeeds.map(Number);
  if (a.has('no-podcast')) config.podcastTask = false;
  const mb = a.get('hgnn-max-batches');
  if (mb !== undefined) {
    if (typeof mb !== 'string' || !/^[1-9]\d*$/.test(mb)) throw new Error(`bench/quality: --hgnn-max-batches expected a positive integer, got '${String(mb)}'`);
    config.hgnnMaxBatches = Number(mb);
  }
  config.command = `npx tsx bench/quality.ts ${process.argv.slice(2).join(' ')}`;
  const models = (list(a.get('models')) ?? [...COMPARISON_MODELS]) as ModelName[];

  const skip = await prepareData(dataset, ws);
  if (skip) {
    log(`skipped: ${skip}`);
    console.log(JSON.stringify({ dataset, skipped: skip, results: {} }));
    return;
  }
  const report = await runComparison({ ws, config, seeds, models, outDir: out, onProgress: (e) => log(e.message) });
  const paths = writeReports(report, out);
  log(`reports: ${paths.md}, ${paths.html}, ${paths.json}`);
  if (a.has('docs')) {
    const doc = join(REPO_ROOT, 'docs', 'results', `${dataset}.md`);
    writeFileAtomic(doc, renderMarkdown(report));
    log(`wrote ${doc}`);
  }
  const groups = Object.fromEntries(Object.entries(report.models).map(([k, v]) => [k, v!.groups]));
  console.log(JSON.stringify(toQualityBenchJson(dataset, groups)));
}

main().catch((e: unknown) => {
  process.stderr.write(`bench/quality: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
