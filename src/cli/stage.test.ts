import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStage, requireStage, runStage, stageKey, StageMissingError } from './stage.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'hgrec-stage-'));

test('stageKey is independent of key order and changes with any value', () => {
  assert.equal(stageKey({ a: 1, b: [1, 2] }), stageKey({ b: [1, 2], a: 1 }));
  assert.notEqual(stageKey({ a: 1, b: [1, 2] }), stageKey({ a: 1, b: [2, 1] }));
  assert.notEqual(stageKey({ a: 1 }), stageKey({ a: 2 }));
});

test('runStage publishes, skips unchanged inputs, and rebuilds on change or --force', async () => {
  const ws = tmp();
  let builds = 0;
  const build = async (dir: string) => { builds++; writeFileSync(join(dir, 'out.txt'), `build ${builds}`); return { n: builds }; };
  const a = await runStage({ ws, name: 's', material: { x: 1 } }, build);
  assert.equal(a.skipped, false);
  assert.equal(readFileSync(join(ws, 's', 'out.txt'), 'utf8'), 'build 1');
  const b = await runStage({ ws, name: 's', material: { x: 1 } }, build);
  assert.equal(b.skipped, true);
  assert.equal(builds, 1);
  await runStage({ ws, name: 's', material: { x: 2 } }, build);
  assert.equal(readFileSync(join(ws, 's', 'out.txt'), 'utf8'), 'build 2');
  await runStage({ ws, name: 's', material: { x: 2 }, force: true }, build);
  assert.equal(builds, 3);
  assert.deepEqual(readStage(ws, 's')?.summary, { n: 3 });
});

test('a failing build leaves the previous version published and untouched', async () => {
  const ws = tmp();
  await runStage({ ws, name: 's', material: 1 }, async (dir) => { writeFileSync(join(dir, 'out.txt'), 'good'); return {}; });
  const before = readStage(ws, 's');
  await assert.rejects(runStage({ ws, name: 's', material: 2 }, async (dir) => {
    writeFileSync(join(dir, 'out.txt'), 'half-written');
    throw new Error('interrupted');
  }), /interrupted/);
  assert.equal(readFileSync(join(ws, 's', 'out.txt'), 'utf8'), 'good');
  assert.deepEqual(readStage(ws, 's'), before);
});

test('requireStage names the command to run when a stage is missing', () => {
  const ws = tmp();
  assert.equal(existsSync(join(ws, 'hgnn')), false);
  assert.throws(() => requireStage(ws, 'hgnn', 'train-hgnn'),
    (e: unknown) => e instanceof StageMissingError && /hgrec train-hgnn/.test((e as Error).message));
});
