import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeteroGraph, type EdgeList } from '../../graph/index.ts';
import { Rng } from '../../tensor/index.ts';
import { embedAll, embedFeaturesOnly, type HgnnFeatures } from './infer.ts';
import { exportHgnn, loadEmbeddings, loadHgnnModel, saveEmbeddings, saveHgnnModel } from './io.ts';
import { HgnnNumericError, trainHgnn } from './train.ts';
import { checkpointPath } from './checkpoint.ts';
import { makeValidationTask, validationMetrics } from './validate.ts';

const quiet = (): void => {};

/**
 * Planted graph: two communities; every item of community c links only to items of c
 * (a–a, a–p, p–p). Features = the community's centroid + noise. The LAST audiobook (id nA-1)
 * is isolated (an unseen item) with community-0 features.
 */
function planted(seed: number, nA = 40, nP = 60, dim = 12, noise = 1.0): { graph: HeteroGraph; features: HgnnFeatures; comm: Int32Array[] } {
  const rng = new Rng(seed);
  const comm = [Int32Array.from({ length: nA }, (_, i) => i % 2), Int32Array.from({ length: nP }, (_, i) => i % 2)];
  comm[0][nA - 1] = 0;
  const centre = [0, 1].map(() => Float32Array.from({ length: dim }, () => rng.normal()));
  const feat = (c: Int32Array): Float32Array => {
    const x = new Float32Array(c.length * dim);
    for (let i = 0; i < c.length; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = centre[c[i]][d] + noise * rng.normal();
    return x;
  };
  const pairs = (n1: number, n2: number, same: boolean, k: number, c1: Int32Array, c2: Int32Array, skip1: number, skip2: number): EdgeList => {
    const seen = new Set<string>(), a: number[] = [], b: number[] = [];
    while (a.length < k) {
      const i = rng.int(n1), j = rng.int(n2);
      if (c1[i] !== c2[j] || i === skip1 || j === skip2 || (same && i === j)) continue;
      const key = same ? `${Math.min(i, j)},${Math.max(i, j)}` : `${i},${j}`;
      if (seen.has(key)) continue;
      seen.add(key);
      a.push(same ? Math.min(i, j) : i); b.push(same ? Math.max(i, j) : j);
    }
    return { a: Int32Array.from(a), b: Int32Array.from(b) };
  };
  const graph = HeteroGraph.fromEdgeLists({
    nodeTypes: ['audiobook', 'podcast'], nodes: { audiobook: nA, podcast: nP },
    edges: {
      'audiobook-audiobook': pairs(nA, nA, true, 80, comm[0], comm[0], nA - 1, nA - 1),
      'audiobook-podcast': pairs(nA, nP, false, 160, comm[0], comm[1], nA - 1, -1),
      'podcast-podcast': pairs(nP, nP, true, 200, comm[1], comm[1], -1, -1),
    },
  });
  return { graph, features: { audiobook: { x: feat(comm[0]), dim }, podcast: { x: feat(comm[1]), dim } }, comm };
}

const dot = (z: Float32Array, i: number, c: Float64Array, D: number): number => {
  let s = 0;
  for (let d = 0; d < D; d++) s += z[i * D + d] * c[d];
  return s;
};

test('planted communities: embeddings separate them; an unseen item lands with its community; best weights are returned', async () => {
  // noisy features: the graph has to help
  const { graph, features, comm } = planted(1, 40, 60, 12, 2.0);
  const res = await trainHgnn({ graph, features, seed: 3, log: quiet, config: { hidden: 32, out: 16, epochs: 12, patience: 12, batch: 16, lr: 5e-3 } });
  assert.ok(res.history.length >= 1 && res.bestEpoch >= 1);
  const D = 16;
  const z = embedAll(res.model, graph, features);
  // centroid of each community over both types (isolated item excluded), then nearest centroid
  const cent = [new Float64Array(D), new Float64Array(D)];
  const isolated = graph.numNodes[0] - 1;
  z.forEach((zt, t) => {
    for (let i = 0; i < graph.numNodes[t]; i++) {
      if (t === 0 && i === isolated) continue;
      for (let d = 0; d < D; d++) cent[comm[t][i]][d] += zt[i * D + d];
    }
  });
  let correct = 0, total = 0;
  z.forEach((zt, t) => {
    for (let i = 0; i < graph.numNodes[t]; i++) {
      if (t === 0 && i === isolated) continue;
      const c = dot(zt, i, cent[1], D) > dot(zt, i, cent[0], D) ? 1 : 0;
      if (c === comm[t][i]) correct++;
      total++;
    }
  });
  assert.ok(correct / total >= 0.9, `nearest-centroid accuracy ${correct}/${total}`);
  // the unseen (isolated) audiobook has community-0 features: it lands nearer community 0
  assert.ok(dot(z[0], isolated, cent[0], D) > dot(z[0], isolated, cent[1], D), 'isolated item should be nearer its community');
  // the features-only path gives the same embedding for it
  const x1 = features.audiobook.x.subarray(isolated * 12, isolated * 12 + 12);
  const zi = embedFeaturesOnly(res.model, 'audiobook', x1, 1);
  for (let d = 0; d < D; d++) assert.ok(Math.abs(zi[d] - z[0][isolated * D + d]) < 1e-5);
  // returned weights are the best epoch's: recomputing validation on the train graph matches its history entry
  const best = res.history[res.bestEpoch - 1];
  assert.ok(best.best);
  const again = validationMetrics(embedAll(res.model, res.trainGraph, features, { fanout: 10, seed: 12345 }), D,
    makeValidationTask(res.trainGraph, res.validation, { maxEdges: 20000, K: 100, negTypes: [0, 1], seed: 3 + 101 }), 0.5);
  assert.equal(again.loss, best.valLoss);
  assert.ok(best.valLoss < res.history[0].valLoss || res.bestEpoch === 1, 'validation loss improves');
  // two equal communities: a perfect model ranks the positive among ~50 same-community
  // negatives (HR@10 ~ 0.2); random ranking gives ~0.1
  assert.ok(best.valHr10 > 0.12, `validation HR@10 ${best.valHr10}`);
});

test('save -> load -> identical embeddings (model file and embeddings file with string ids)', async () => {
  const { graph, features } = planted(2);
  const res = await trainHgnn({ graph, features, seed: 4, log: quiet, config: { hidden: 8, out: 4, epochs: 1, batch: 32 } });
  const dir = mkdtempSync(join(tmpdir(), 'hgnn-io-'));
  try {
    const path = join(dir, 'hgnn.safetensors');
    saveHgnnModel(path, res.model, { epoch: res.bestEpoch, config: res.config });
    const { model, meta } = loadHgnnModel(path);
    assert.equal(meta.epoch, res.bestEpoch);
    assert.deepEqual(model.arch, res.model.arch);
    const a = embedAll(res.model, graph, features), b = embedAll(model, graph, features);
    a.forEach((x, t) => assert.deepEqual(b[t], x));
    const ePath = join(dir, 'item_embeddings.safetensors');
    const types = Object.fromEntries(graph.nodeTypes.map((ty, t) => [ty, { ids: [...graph.itemIds(t)], x: a[t] }]));
    saveEmbeddings(ePath, { dim: 4, types }, { epoch: 1, metrics: { hr10: res.history[0].valHr10 } });
    const back = loadEmbeddings(ePath);
    assert.equal(back.dim, 4);
    for (const ty of graph.nodeTypes) {
      assert.deepEqual(back.types[ty].ids, types[ty].ids);
      assert.deepEqual(back.types[ty].x, types[ty].x);
    }
    const meta2 = JSON.parse(readFileSync(join(dir, 'item_embeddings.json'), 'utf8'));
    assert.equal(meta2.dim, 4);
    assert.deepEqual(meta2.counts, { audiobook: 40, podcast: 60 });
    const out = exportHgnn(dir, res.model, graph, a, { epoch: res.bestEpoch });
    const again = loadEmbeddings(out.embeddingsPath);
    assert.equal(again.types.podcast.ids[7], 'podcast_7');
    assert.deepEqual(embedAll(loadHgnnModel(out.modelPath).model, graph, features)[1], a[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resume from a checkpoint gives the same weights and history as an uninterrupted run', async () => {
  const { graph, features } = planted(3);
  const config = { hidden: 8, out: 4, epochs: 4, patience: 10, batch: 16 };
  const d1 = mkdtempSync(join(tmpdir(), 'hgnn-ck1-')), d2 = mkdtempSync(join(tmpdir(), 'hgnn-ck2-'));
  try {
    const full = await trainHgnn({ graph, features, seed: 9, config, checkpointDir: d1, log: quiet });
    const part = await trainHgnn({ graph, features, seed: 9, config, checkpointDir: d2, log: quiet, stopAfterEpochs: 2 });
    assert.equal(part.history.length, 2);
    const lines: string[] = [];
    const rest = await trainHgnn({ graph, features, seed: 9, config, checkpointDir: d2, log: (s) => lines.push(s) });
    assert.ok(lines.some((l) => /resumed .* after epoch 2/.test(l)), lines.join('\n'));
    assert.equal(rest.history.length, 4);
    assert.deepEqual(rest.history.map((h) => [h.trainLoss, h.valLoss, h.valHr10]), full.history.map((h) => [h.trainLoss, h.valLoss, h.valHr10]));
    assert.deepEqual(rest.model.params.data, full.model.params.data);
    // a checkpoint of another config is refused, naming what differs
    await assert.rejects(trainHgnn({ graph, features, seed: 9, config: { ...config, lr: 0.01 }, checkpointDir: d2, log: quiet }), /config differs/);
  } finally {
    rmSync(d1, { recursive: true, force: true });
    rmSync(d2, { recursive: true, force: true });
  }
});

test('NaN guard: non-finite embeddings or weights stop training with an error naming the step', async () => {
  const { graph, features } = planted(4);
  const dir = mkdtempSync(join(tmpdir(), 'hgnn-nan-'));
  try {
    await assert.rejects(trainHgnn({ graph, features, seed: 1, config: { hidden: 8, out: 4, epochs: 2, lr: 1e39 }, checkpointDir: dir, log: quiet }),
      (e: Error) => e instanceof HgnnNumericError && /weight '[\w.>-]+' became -?Infinity after Adam step 1 \(epoch 1, batch 1\)/.test(e.message));
    features.podcast.x.fill(NaN);
    await assert.rejects(trainHgnn({ graph, features, seed: 1, config: { hidden: 8, out: 4, epochs: 2 }, checkpointDir: dir, log: quiet }),
      (e: Error) => e instanceof HgnnNumericError && /output embeddings became NaN at epoch 1, batch 1\//.test(e.message));
    assert.throws(() => readFileSync(checkpointPath(dir)), /ENOENT/); // nothing bad was checkpointed
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ablation switches: single relation, dropped relation, unbalanced sampler', async () => {
  const { graph, features } = planted(5);
  const base = { hidden: 8, out: 4, epochs: 1, batch: 16 };
  const only = await trainHgnn({ graph, features, seed: 1, log: quiet, config: { ...base, onlyRelations: ['audiobook-audiobook'] } });
  assert.deepEqual(only.model.arch.relations.map((r) => r.name), ['audiobook->audiobook']);
  assert.equal(only.trainGraph.relations[2].numEdges, 0);
  const drop = await trainHgnn({ graph, features, seed: 1, log: quiet, config: { ...base, dropRelations: ['podcast-podcast'] } });
  assert.deepEqual(drop.model.arch.relations.map((r) => r.name), ['audiobook->audiobook', 'audiobook->podcast', 'podcast->audiobook']);
  // embeddings still exist for every item (podcast-only neighbourhoods ignored)
  assert.equal(embedAll(drop.model, graph, features)[1].length, 60 * 4);
  const bal = await trainHgnn({ graph, features, seed: 1, log: quiet, config: base });
  const unb = await trainHgnn({ graph, features, seed: 1, log: quiet, config: { ...base, balanced: false } });
  // balanced: 3 x 72 (rarest relation after the 10% split) = 216 edges; unbalanced: all 396
  assert.equal(bal.history[0].batches, Math.ceil(216 / 16));
  assert.equal(unb.history[0].batches, Math.ceil(396 / 16));
  await assert.rejects(trainHgnn({ graph, features, config: { fanout: 0 } }), /fanout must be an integer >= 1/);
  // negatives: 'sameType' draws a node of the positive's type (HGNN-w-users), a different stream from 'uniform'
  const logs: string[] = [];
  const same = await trainHgnn({ graph, features, seed: 1, log: (l) => logs.push(l), config: { ...base, negatives: 'sameType' } });
  assert.ok(logs.some((l) => /negatives of the positive's type/.test(l)), logs.join('\n'));
  assert.notEqual(same.history[0].trainLoss, bal.history[0].trainLoss);
  await assert.rejects(trainHgnn({ graph, features, config: { negatives: 'hard' as 'uniform' } }), /negatives must be 'uniform' or 'sameType'/);
});

test('early stopping: no validation improvement for `patience` epochs stops the run and keeps the best epoch', async () => {
  const { graph, features } = planted(6);
  // lr so small that float32 weights cannot move: every epoch scores exactly the same
  const lines: string[] = [];
  const res = await trainHgnn({ graph, features, seed: 2, log: (s) => lines.push(s), config: { hidden: 8, out: 4, epochs: 10, patience: 2, batch: 64, lr: 1e-12 } });
  assert.equal(res.history.length, 3);
  assert.equal(res.bestEpoch, 1);
  assert.ok(res.stoppedEarly);
  assert.deepEqual(res.history.map((h) => h.best), [true, false, false]);
  assert.ok(lines.some((l) => /early stop: 2 epochs without improvement/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^hgnn: epoch 1\/10 loss [\d.]+ val_loss [\d.]+ val_hr10 [\d.]+ [\d.]+s \*best$/.test(l)), lines.join('\n'));
});
