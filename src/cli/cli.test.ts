import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, main } from './main.ts';
import { readStage } from './stage.ts';
import { setStdout } from './print.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'hgrec-cli-'));

/** Runs the CLI in-process with stdout captured. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const prev = setStdout((s) => { out += s; });
  try {
    const code = await main(args);
    return { code, out };
  } finally {
    setStdout(prev);
  }
}

test('exit codes: usage errors are 2, a missing earlier stage is 3', async () => {
  const ws = tmp();
  assert.equal((await cli(['-q', '-w', ws, 'ingest', '--dataset', 'nope'])).code, EXIT.usage);
  assert.equal((await cli(['-q', '-w', ws, 'graph', '--min-co-count', 'x'])).code, EXIT.usage);
  assert.equal((await cli(['-q', '-w', ws, 'train-hgnn'])).code, EXIT.missingStage);
  const bad = join(ws, 'bad.json');
  writeFileSync(bad, JSON.stringify({ hgnn: { epochs: 0 } }));
  assert.equal((await cli(['-q', '-c', bad, 'split'])).code, EXIT.usage);
});

test('run trains every stage, skips them when nothing changed, recommends, and --reuse-hgnn retrains only the two-tower', async () => {
  const ws = tmp();
  const cfg = join(ws, 'hgrec.json');
  writeFileSync(cfg, JSON.stringify({
    workspace: join(ws, 'w'), hgnn: { epochs: 1, hidden: 32, out: 16, textDim: 16 }, twoTower: { epochs: 1, layers: [32, 16] },
  }));
  const small = ['-q', '-c', cfg, 'run', '--dataset', 'synthetic', '--users', '300'];
  assert.equal((await cli(small)).code, EXIT.ok);
  const w = join(ws, 'w');
  for (const s of ['tables', 'split', 'graph', 'features', 'hgnn', 'twotower', 'index', 'eval']) assert.ok(readStage(w, s), `stage ${s} published`);
  const hgnnKey = readStage(w, 'hgnn')!.key;
  const evalTxt = readFileSync(join(w, 'eval', 'eval.txt'), 'utf8');
  assert.match(evalTxt, /popularity/);
  assert.match(evalTxt, /two_tower_hgnn/);

  // unchanged inputs: every stage skipped (same keys, same finish times)
  const before = readStage(w, 'twotower')!.finishedAt;
  assert.equal((await cli(small)).code, EXIT.ok);
  assert.equal(readStage(w, 'twotower')!.finishedAt, before);

  // no source flags: the workspace's tables are kept (nothing re-ingested), and an empty
  // workspace is refused with the missing-stage code
  const tablesKey = readStage(w, 'tables')!.key;
  assert.equal((await cli(['-q', '-c', cfg, 'run', '--no-eval'])).code, EXIT.ok);
  assert.equal(readStage(w, 'tables')!.key, tablesKey);
  assert.equal((await cli(['-q', '-w', tmp(), 'run'])).code, EXIT.missingStage);

  // a user of the workspace gets k recommendations
  const rec = await cli(['-q', '-c', cfg, 'recommend', '--user', 'u1', '-k', '3', '--json']);
  assert.equal(rec.code, EXIT.ok);
  const ans = JSON.parse(rec.out) as { items: { id: string }[]; type: string };
  assert.equal(ans.type, 'audiobook');
  assert.equal(ans.items.length, 3);
  assert.equal((await cli(['-q', '-c', cfg, 'recommend', '--user', 'nobody'])).code, EXIT.usage);

  // fresh data, HGNN reused: the hgnn stage re-embeds (no training) and the two-tower retrains
  assert.equal((await cli(['-q', '-c', cfg, 'run', '--dataset', 'synthetic', '--users', '320', '--reuse-hgnn', '--no-eval'])).code, EXIT.ok);
  const h = readStage(w, 'hgnn')!;
  assert.notEqual(h.key, hgnnKey);
  assert.equal(h.summary.reusedFrom, hgnnKey);
  assert.notEqual(readStage(w, 'twotower')!.finishedAt, before);
});
