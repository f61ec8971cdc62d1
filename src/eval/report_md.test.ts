import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateReports } from './aggregate.ts';
import type { GroupMetrics, GroupReport } from './metrics.ts';
import type { ModelResult, ReportJson } from './report_types.ts';
import { findings, renderMarkdown } from './report_md.ts';
import { markdownToHtml } from './report_html.ts';

const gm = (hr10: number | null, users = 10): GroupMetrics => ({ users: hr10 === null ? 0 : users, unranked: 0, hr10, mrr: hr10, cov: hr10, ndcg10: hr10, recall10: hr10 });
const rep = (warm: number | null, cold: number | null): GroupReport => ({ warm: gm(warm), cold: gm(cold), all: gm(warm), longTail: gm(null) });
const res = (...seeds: GroupReport[]): ModelResult => ({ settings: {}, groups: aggregateReports(seeds), perSeed: seeds, fitMs: seeds.map(() => 1), recommendMs: seeds.map(() => 1), curves: [] });

function report(): ReportJson {
  return {
    format: 'hgrec.eval_report', version: 1, dataset: 'hand', createdAt: 'now', command: 'npx tsx bench/quality.ts --dataset synthetic',
    workspace: 'ws', gitCommit: 'abc', dataManifestHash: 'sha256:x', seeds: [1, 2], quick: true,
    protocol: {
      split: 'temporal', splitInfo: {}, target: 'audiobook', candidates: 'all', catalogueSize: 10, exclusion: 'consumed items',
      cutoffs: { hr: 10, mrr: 100, cov: 100, ndcg: 10, recall: 10 }, longTailTiers: [3, 4, 5], groupSizes: { warm: 10, cold: 10, all: 20, longTail: 0 }, tuning: 'none',
    },
    settings: {}, timings: { prepareSeconds: 1, totalSeconds: 60, graphSeconds: 0, featureSeconds: 0 },
    models: {
      popularity: res(rep(0.2, 0.3), rep(0.2, 0.3)),
      ease: res(rep(0.5, 0.1), rep(0.5, 0.1)),
      two_tower_hgnn: res(rep(0.4, 0.3), rep(0.4, 0.3)),
    },
    skipped: {}, ablations: {}, podcastTask: { skipped: 'n/a' }, notes: [],
  };
}

test('findings: says where 2T-HGNN does not beat a model, and names ties', () => {
  const f = findings(report());
  const warm = f.find((s) => s.startsWith('**Warm users**'))!;
  assert.match(warm, /does \*\*not\*\* beat EASE \(0\.500\)/);
  assert.match(warm, /It beats Popularity \(0\.200\)/);
  const cold = f.find((s) => s.startsWith('**Cold users**'))!;
  assert.match(cold, /ties with Popularity \(0\.300\)/);
  assert.ok(!/not\*\* beat Popularity/.test(cold));
});

test('renderMarkdown: command at the top, tables with paper numbers, HTML conversion keeps the tables', () => {
  const md = renderMarkdown(report());
  assert.ok(md.indexOf('npx tsx bench/quality.ts --dataset synthetic') < md.indexOf('## Protocol'));
  assert.match(md, /\| 2T-HGNN \| 0\.400 ± 0\.000 \|.*\| 0\.353 \/ 0\.218 \/ 22\.3% \|/);
  assert.match(md, /Exclusion rule: consumed items/);
  const html = markdownToHtml(md);
  assert.equal((html.match(/<table>/g) ?? []).length, (md.match(/^\| model \|/gm) ?? []).length); // 4 groups + timings
});
