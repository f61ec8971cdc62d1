import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestDataset, type DatasetName } from './datasets.ts';
import { splitWorkspace } from './split_workspace.ts';

test('ingestDataset: synthetic end to end into a workspace, raw files removed', async () => {
  const ws = join(mkdtempSync(join(tmpdir(), 'hgrec-ds-')), 'ws');
  const r = await ingestDataset('synthetic', { workspace: ws, synthetic: { users: 400, podcasts: 100, audiobooks: 40, music: 60, seed: 9 } });
  assert.equal(r.rejected, 0);
  assert.equal(r.manifest.source?.adapter, 'synthetic');
  assert.equal(r.manifest.roles.target, 'audiobook');
  assert.equal(existsSync(join(ws, '.raw', 'synthetic')), false);
  const info = await splitWorkspace(ws);
  assert.equal(info.method, 'temporal');
  assert.equal(info.testDays, 14);
  await assert.rejects(ingestDataset('movielens' as DatasetName, { workspace: ws }), /ingestDataset: unknown data set 'movielens' \(expected one of synthetic, ciao, food-kitchen\)/);
});
