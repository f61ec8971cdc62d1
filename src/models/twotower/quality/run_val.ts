// Validation runs of the two-tower model on a split carved from the TRAINING window (see
// prepare_val.ts): baselines (popularity, ItemKNN, HGNN-KNN from audiobooks, HGNN-KNN from
// podcasts) and two-tower variants. Never touches the test split.
//   npx tsx src/models/twotower/quality/run_val.ts --ws workspace/demo --hgnn-epochs 3 \
//     --variants '[{"name":"default"},{"name":"nologq","config":{"logQ":false}}]'
// One line per model to stderr; the last stdout line is a JSON object of all figures.
import { parseArgs } from 'node:util';
import { KIND_CODES } from '../../../data/index.ts';
import { dotProductTopK, evaluateGroups, ItemKnn, Popularity, rank, type GroupReport, type Recommender, type TrainSet } from '../../../eval/index.ts';
import { itemInputsFromFeatures } from '../item_features.ts';
import { trainTwoTower } from '../train.ts';
import { buildUserFeatures } from '../user_features.ts';
import type { TwoTowerConfig } from '../config.ts';
import { prepareVal, type ValData } from './prepare_val.ts';

const { values } = parseArgs({ options: {
  ws: { type: 'string', default: 'workspace/demo' }, cache: { type: 'string', default: '/tmp/ttval' },
  'hgnn-epochs': { type: 'string', default: '3' }, variants: { type: 'string', default: '[{"name":"default"}]' },
  'skip-baselines': { type: 'boolean', default: false }, seeds: { type: 'string', default: '42' },
} });

const v: ValData = await prepareVal(values.ws!, values.cache!, Number(values['hgnn-epochs']));
const { split, ctx } = v;
const items = split.items;
const tcode = items.typeNames.indexOf(split.info.targetType);
const trainSet: TrainSet = { nUsers: split.users.n, nItems: items.n, user: v.train.user, item: v.train.item, kind: v.train.kind, ts: v.train.ts, itemType: items.type, targetType: tcode };
const results: Record<string, GroupReport> = {};
const fmt = (x: number | null): string => (x === null ? '  -  ' : x.toFixed(3));
function report(name: string, rankings: { users: Int32Array; k: number; items: Int32Array }): GroupReport {
  const r = evaluateGroups(rankings, ctx.targets, { catalogue: ctx.catalogue, warm: ctx.warm, cold: ctx.cold, itemTier: ctx.itemTier });
  results[name] = r;
  process.stderr.write(`${name.padEnd(28)} warm HR ${fmt(r.warm.hr10)} MRR ${fmt(r.warm.mrr)} | cold HR ${fmt(r.cold.hr10)} MRR ${fmt(r.cold.mrr)} | all HR ${fmt(r.all.hr10)} cov ${fmt(r.all.cov)} (warm ${r.warm.users} cold ${r.cold.users})\n`);
  return r;
}
async function evalRec(m: Recommender): Promise<void> {
  await m.fit(trainSet);
  report(m.name, rank(m, ctx.users, 100, ctx.exclude));
}

/** Mean HGNN embedding of a user's items of one type (90 days, streams + weak) -> nearest audiobooks. */
function meanKnn(name: string, fromType: string): void {
  const H = v.hgnn.dim, U = split.users.n, code = items.typeNames.indexOf(fromType);
  const acc = new Float32Array(U * H), cnt = new Int32Array(U), seen = new Set<number>();
  const from = v.asOf - 90 * 86_400_000;
  const okKind = new Set([KIND_CODES.stream, KIND_CODES.preview, KIND_CODES.follow, KIND_CODES.intent_to_pay]);
  for (let e = 0; e < v.train.n; e++) {
    const i = v.train.item[e]!, u = v.train.user[e]!;
    if (items.type[i] !== code || v.train.ts[e]! < from || !okKind.has(v.train.kind[e]!) || !v.hgnn.mask[i]) continue;
    const key = u * items.n + i;
    if (seen.has(key)) continue;
    seen.add(key);
    for (let j = 0; j < H; j++) acc[u * H + j] += v.hgnn.emb[i * H + j]!;
    cnt[u]++;
  }
  const has = new Uint8Array(U);
  for (let u = 0; u < U; u++) if (cnt[u]) has[u] = 1;
  const cand = Int32Array.from(ctx.catalogue).filter((i) => v.hgnn.mask[i]);
  const candVecs = new Float32Array(cand.length * H);
  cand.forEach((i, r) => candVecs.set(v.hgnn.emb.subarray(i * H, (i + 1) * H), r * H));
  const out = dotProductTopK(name, { dim: H, nUsers: U, nItems: items.n, userVecs: acc, hasUser: has, candidates: cand, candVecs }, ctx.users, 100, ctx.exclude);
  report(name, { users: ctx.users, k: 100, items: out });
}

if (!values['skip-baselines']) {
  await evalRec(new Popularity());
  await evalRec(new ItemKnn());
  meanKnn('hgnn_knn(audiobooks)', split.info.targetType);
  meanKnn('hgnn_knn(podcasts)', 'podcast');
}

const variants = JSON.parse(values.variants!) as { name: string; config?: Partial<TwoTowerConfig> }[];
const inputs = itemInputsFromFeatures(v.features);
for (const seed of values.seeds!.split(',').map(Number)) {
  for (const va of variants) {
    const t0 = performance.now();
    const useHgnn = va.config?.useHgnn ?? true;
    const model = await trainTwoTower({
      itemTypeNames: items.typeNames, itemType: items.type, items: inputs,
      users: { n: split.users.n, age: split.users.age, country: split.users.country }, train: v.train, asOf: v.asOf,
      hgnn: useHgnn ? v.hgnn : null,
      config: { targetType: split.info.targetType, tasteTypes: ['music'], otherTypes: ['podcast'], seed, ...va.config },
      progress: false,
    });
    const uf = buildUserFeatures(model.userSpec, model.ctx, model.countryVocab, { n: split.users.n, age: split.users.age, country: split.users.country }, v.train, v.asOf);
    const userVecs = model.userVectorsFromFeatures(uf.dense, uf.country);
    const cand = ctx.catalogue;
    const out = dotProductTopK(va.name, { dim: model.dim, nUsers: split.users.n, nItems: items.n, userVecs, hasUser: new Uint8Array(split.users.n).fill(1), candidates: cand, candVecs: model.itemVectors(cand) },
      ctx.users, 100, ctx.exclude);
    const name = `2t:${va.name}:s${seed}`;
    report(name, { users: ctx.users, k: 100, items: out });
    process.stderr.write(`   losses ${model.history.map((h) => h.loss.toFixed(3)).join(' ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
}
const slim = Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { warmHr10: r.warm.hr10, warmMrr: r.warm.mrr, coldHr10: r.cold.hr10, coldMrr: r.cold.mrr, allHr10: r.all.hr10, allCov: r.all.cov }]));
console.log(JSON.stringify({ hgnnEpochs: Number(values['hgnn-epochs']), warmUsers: results[Object.keys(results)[0]!]?.warm.users, coldUsers: results[Object.keys(results)[0]!]?.cold.users, results: slim }));
