/**
 * `npm run demo`: generate the default synthetic data (podcasts, audiobooks, music; 20k users),
 * run every stage, print the evaluation table and a few users' recommendations with the history
 * items behind them — one warm user (has audiobooks) and one cold user (podcasts/music only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSplit } from '../data/index.ts';
import { GROUP_COLD, GROUP_WARM } from '../data/index.ts';
import { InMemoryFeatureStore, loadServingBundle, recommendUser } from '../serve/index.ts';
import type { StageContext } from './pipeline_data.ts';
import { bundlePath } from './pipeline_serve.ts';
import { printRecommendations, stdout } from './print.ts';
import { runPipeline } from './run.ts';

export async function runDemo(ctx: StageContext, o: { users?: number } = {}): Promise<void> {
  const t0 = performance.now();
  const out = stdout;
  ctx.log(`demo: workspace ${ctx.ws}`);
  const times = await runPipeline(ctx, {
    source: { kind: 'dataset', name: 'synthetic', synthetic: o.users ? { users: o.users } : undefined },
    eval: true,
  });
  out(`\n== Evaluation (${ctx.ws}/eval) ==\n`);
  out(readFileSync(join(ctx.ws, 'eval', 'eval.txt'), 'utf8'));

  // a warm and a cold user who both have held-out audiobook listening
  const s = await loadSplit(ctx.ws);
  const target = s.items.typeNames.indexOf(ctx.config.data.targetType);
  const hasTarget = new Uint8Array(s.users.n);
  for (let e = 0; e < s.test.n; e++) if (s.items.type[s.test.item[e]!] === target) hasTarget[s.test.user[e]!] = 1;
  const bundle = loadServingBundle(bundlePath(ctx.ws));
  try {
    const store = await InMemoryFeatureStore.fromWorkspace(ctx.ws);
    const asOf = s.info.cutMs ?? store.asOf();
    for (const [label, grp] of [['warm', GROUP_WARM], ['cold', GROUP_COLD]] as const) {
      // the first user of the group who streamed an audiobook new to them in the held-out weeks
      for (let u = 0; u < s.users.n; u++) {
        if (s.groups.group[u] !== grp || !hasTarget[u]) continue;
        const id = s.users.ids[u]!;
        // features as of the split: exactly what the model saw before the held-out weeks
        const feats = store.getUser(id)!;
        const keep = feats.history.ts.map((t, j) => (t < asOf ? j : -1)).filter((j) => j >= 0);
        const hist = { items: keep.map((j) => feats.history.items[j]!), kinds: keep.map((j) => feats.history.kinds[j]!), ts: keep.map((j) => feats.history.ts[j]!) };
        const seen = new Set(hist.items);
        const later = new Set<string>(); // re-plays of history items are not targets
        for (let e = 0; e < s.test.n; e++) {
          const item = s.items.ids[s.test.item[e]!]!;
          if (s.test.user[e] === u && s.items.type[s.test.item[e]!] === target && !seen.has(item)) later.add(item);
        }
        if (later.size === 0) continue;
        const ans = recommendUser(bundle, { ...feats, history: hist }, { k: 5, asOf });
        out(`\n== A ${label} user (${label === 'cold' ? 'never played an audiobook' : 'has audiobook history'}) ==\n`);
        printRecommendations(id, ans, out);
        const hits = ans.items.filter((it) => later.has(it.id)).map((it) => it.id);
        out(`  later streamed (held out, new to them): ${[...later].slice(0, 8).join(', ')}${later.size > 8 ? ', …' : ''}${hits.length ? `  — hit: ${hits.join(', ')}` : ''}\n`);
        break;
      }
    }
  } finally {
    bundle.dispose();
  }
  const total = (performance.now() - t0) / 1000;
  out(`\n== Stage seconds (0 = skipped, inputs unchanged) ==\n${Object.entries(times).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' · ')}\n`);
  out(`demo finished in ${total.toFixed(0)} s. Next: \`hgrec -w ${ctx.ws} serve\`, \`hgrec -w ${ctx.ws} recommend --user <id>\`, bench/quality.ts for the full comparison.\n`);
}
