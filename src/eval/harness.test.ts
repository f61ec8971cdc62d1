import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, ingest, splitWorkspace } from '../data/index.ts';
import { ABLATIONS, COMPARISON_MODELS, defaultComparisonConfig, runComparison } from './harness.ts';
import { writeReports } from './write_reports.ts';
import { toQualityBenchJson, type ReportJson } from './report_types.ts';
import { MODEL_LABELS } from './report_md.ts';

test('runComparison + writeReports on a tiny synthetic workspace: every model, ablation and the podcast task in all three reports', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-eval-'));
  try {
    const ws = join(dir, 'ws');
    const syn = await generateSynthetic({ outDir: join(dir, 'raw'), users: 500, podcasts: 120, audiobooks: 80, music: 60, seed: 3 });
    await ingest({ workspace: ws, ...syn.files, roles: syn.roles });
    await splitWorkspace(ws);
    const config = {
      ...defaultComparisonConfig('synthetic-tiny', true),
      hgnn: { epochs: 1, patience: 1, hidden: 16, out: 8, batch: 64, valMaxEdges: 200, hrNegatives: 20 },
      hgnnMaxBatches: 2,
      twoTower: { epochs: 1, hidden: [16, 8], batchSize: 32 },
      lightgcn: { epochs: 2, dim: 8, batch: 256 },
      textDim: 8,
      command: 'node --import tsx --test src/eval/harness.test.ts',
    };
    const out = join(dir, 'eval');
    const report = await runComparison({ ws, config, seeds: [1, 2], outDir: out });
    const paths = writeReports(report, out);
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as ReportJson;
    assert.deepEqual(Object.keys(json.models), [...COMPARISON_MODELS]);
    for (const [name, m] of Object.entries(json.models)) {
      assert.equal(m!.perSeed.length, 2, name);
      assert.ok(m!.groups.all.users.mean > 0, `${name}: nobody evaluated`);
      assert.equal(m!.groups.all.users.mean, json.protocol.groupSizes.all - m!.groups.all.unranked.mean, `${name}: users + unranked = users with targets`);
    }
    assert.equal(json.models.content_knn!.groups.cold.users.mean, 0, 'content-KNN has no cold-user figures');
    assert.deepEqual(Object.keys(json.ablations), [...ABLATIONS]);
    assert.ok('models' in json.podcastTask && Object.keys(json.podcastTask.models).length === 3);
    assert.equal(json.seeds.length, 2);
    assert.match(json.dataManifestHash, /^sha256:/);
    const md = readFileSync(paths.md, 'utf8');
    for (const name of COMPARISON_MODELS) assert.ok(md.includes(`| ${MODEL_LABELS[name]} |`), `report.md lacks ${name}`);
    assert.ok(md.includes('Exclusion rule') && md.includes(config.command));
    const html = readFileSync(paths.html, 'utf8');
    assert.ok(html.startsWith('<!doctype html>') && html.includes('<svg') && !/<script|src=\"http/.test(html));
    for (const name of COMPARISON_MODELS) assert.ok(html.includes(MODEL_LABELS[name]!.replace(/"/g, '&quot;')), `report.html lacks ${name}`);
    const bench = toQualityBenchJson('synthetic-tiny', Object.fromEntries(Object.entries(json.models).map(([k, v]) => [k, v!.groups])));
    assert.deepEqual(Object.keys(bench.results), [...COMPARISON_MODELS]);
    assert.equal(typeof bench.results.two_tower_hgnn!.warm.users, 'number');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
