// report.md: the comparison as tables shaped like the paper's (warm / cold, ablations, podcast
// task) with the paper's numbers alongside, the protocol stated, group sizes, and notes
// generated from the figures wherever 2T-HGNN does not beat another model.

import type { AggregatedMetrics, AggregatedReport, MeanStd } from './aggregate.ts';
import type { ModelName, ModelResult, ReportJson } from './report_types.ts';

type Paper = { hr: number; mrr: number; cov: number };

/** 3 decimals, 4 below 0.01 (Food–Kitchen-sized figures would otherwise all print as 0.00x). */
const num = (x: number): string => x.toFixed(x !== 0 && Math.abs(x) < 0.01 ? 4 : 3);
const P = (hr: number, mrr: number, cov: number): Paper => ({ hr, mrr, cov });

/** The paper's figures (SPEC §6), for the shape of the comparison. */
export const PAPER = {
  warm: { popularity: P(0.15, 0.1, 0), content_knn: P(0.164, 0.202, 0.547), hgnn: P(0.258, 0.224, 0.528), hgnn_w_users: P(0.238, 0.163, 0.253), two_tower: P(0.231, 0.173, 0.212), two_tower_hgnn: P(0.353, 0.218, 0.223) } as Partial<Record<ModelName, Paper>>,
  cold: { popularity: P(0.161, 0.1, 0), hgnn_w_users: P(0.174, 0.153, 0.064), two_tower: P(0.135, 0.146, 0.193), two_tower_hgnn: P(0.2, 0.156, 0.12) } as Partial<Record<ModelName, Paper>>,
  ablations: {
    no_balanced_sampler: P(0.332, 0.214, 0.241), no_weak_signals: P(0.267, 0.182, 0.17), no_pp_edges: P(0.333, 0.21, 0.223),
    no_aa_edges: P(0.312, 0.198, 0.094), aa_only: P(0.329, 0.201, 0.221), pp_only: P(0.294, 0.192, 0.106),
  } as Record<string, Paper>,
  podcast: { two_tower_hgnn: P(0.123, 0.138, 0.206), two_tower: P(0.114, 0.135, 0.114) } as Partial<Record<ModelName, Paper>>,
};

export const MODEL_LABELS: Record<string, string> = {
  popularity: 'Popularity', content_knn: 'Content-KNN ("LLM-KNN")', hgnn: 'HGNN', hgnn_w_users: 'HGNN-w-users',
  two_tower: '2T', two_tower_hgnn: '2T-HGNN', lightgcn: 'LightGCN', ease: 'EASE', itemknn: 'ItemKNN',
};

const GROUP_TITLES = { warm: 'Warm users', cold: 'Cold users', all: 'All users', longTail: 'Long tail (targets in popularity tiers 3–5)' } as const;

function ms(m: MeanStd | null, pct = false): string {
  if (m === null) return '–';
  const f = (x: number) => (pct ? `${(100 * x).toFixed(1)}%` : num(x));
  return m.n > 1 ? `${f(m.mean)} ± ${f(m.std)}` : f(m.mean);
}

function paperCell(p: Paper | undefined): string {
  return p ? `${p.hr.toFixed(3)} / ${p.mrr.toFixed(3)} / ${(100 * p.cov).toFixed(1)}%` : '';
}

function groupTable(models: Partial<Record<ModelName, ModelResult>>, g: keyof AggregatedReport, paper?: Partial<Record<ModelName, Paper>>): string[] {
  const head = `| model | HR@10 | MRR@100 | Cov@100 | NDCG@10 | Recall@10 | users | unranked |${paper ? ' paper HR / MRR / Cov |' : ''}`;
  const sep = `|---|---|---|---|---|---|---|---|${paper ? '---|' : ''}`;
  const rows = Object.entries(models).map(([name, r]) => {
    const a = r!.groups[g];
    return `| ${MODEL_LABELS[name] ?? name} | ${ms(a.hr10)} | ${ms(a.mrr)} | ${ms(a.cov, true)} | ${ms(a.ndcg10)} | ${ms(a.recall10)} | ${users(a)} | ${a.unranked.mean.toFixed(0)} |${paper ? ` ${paperCell(paper[name as ModelName])} |` : ''}`;
  });
  return [head, sep, ...rows];
}

function users(a: AggregatedMetrics): string {
  const u = a.usersPerSeed;
  return u.every((x) => x === u[0]) ? String(u[0]) : u.join('/');
}

/** Sentences on where 2T-HGNN does (not) beat another model, by mean over seeds. */
export function findings(r: ReportJson): string[] {
  const out: string[] = [];
  const mine = r.models.two_tower_hgnn;
  if (!mine) return ['2T-HGNN was not run.'];
  for (const g of ['warm', 'cold', 'all', 'longTail'] as const) {
    const me = mine.groups[g];
    if (me.hr10 === null) continue;
    const worse: string[] = [], better: string[] = [], tied: string[] = [];
    for (const [name, res] of Object.entries(r.models)) {
      if (name === 'two_tower_hgnn') continue;
      const o = res!.groups[g];
      if (o.hr10 === null) continue;
      const d = me.hr10.mean - o.hr10.mean;
      const noise = Math.max(me.hr10.std, o.hr10.std);
      const tag = `${MODEL_LABELS[name] ?? name} (${num(o.hr10.mean)}${noise > 0 && Math.abs(d) <= noise ? ', within one std' : ''})`;
      (d > 0 ? better : d < 0 ? worse : tied).push(tag);
    }
    const line = `**${GROUP_TITLES[g]}**: 2T-HGNN HR@10 ${num(me.hr10.mean)}.`;
    out.push(`${line}${worse.length || tied.length ? (worse.length ? ` It does **not** beat ${worse.join(', ')}.` : '') : ' It beats every other model on HR@10.'}` +
      `${tied.length ? ` It ties with ${tied.join(', ')}.` : ''}${better.length && (worse.length || tied.length) ? ` It beats ${better.join(', ')}.` : ''}`);
  }
  const best = (g: 'warm' | 'cold' | 'all', key: 'hr10' | 'mrr' | 'cov'): string => {
    let bn = '', bv = -1;
    for (const [name, res] of Object.entries(r.models)) {
      const v = res!.groups[g][key]?.mean ?? -1;
      if (v > bv) { bv = v; bn = name; }
    }
    return bv < 0 ? '–' : `${MODEL_LABELS[bn] ?? bn} (${key === 'cov' ? `${(100 * bv).toFixed(1)}%` : num(bv)})`;
  };
  out.push(`Best per group — warm: HR@10 ${best('warm', 'hr10')}, MRR ${best('warm', 'mrr')}, Cov ${best('warm', 'cov')}; ` +
    `cold: HR@10 ${best('cold', 'hr10')}, MRR ${best('cold', 'mrr')}, Cov ${best('cold', 'cov')}; all: HR@10 ${best('all', 'hr10')}.`);
  const full = mine.groups.warm.hr10?.mean;
  if (full !== undefined) {
    const up = Object.entries(r.ablations).filter(([, a]) => (a.groups.warm.hr10?.mean ?? -1) >= full).map(([, a]) => `${a.label} (${num(a.groups.warm.hr10!.mean)})`);
    if (Object.keys(r.ablations).length) {
      out.push(up.length ? `Ablations that match or beat the full 2T-HGNN on warm HR@10 (${num(full)}): ${up.join(', ')} — unlike the paper, where every ablation lost.` : `Every ablation is below the full 2T-HGNN on warm HR@10 (${num(full)}), as in the paper.`);
    }
  }
  if ('models' in r.podcastTask) {
    const pm = r.podcastTask.models;
    const a = pm.two_tower_hgnn?.groups.all.hr10?.mean, b = pm.two_tower?.groups.all.hr10?.mean, c = pm.popularity?.groups.all.hr10?.mean;
    if (a !== undefined && b !== undefined && c !== undefined) {
      out.push(`Podcast task (all users): 2T-HGNN ${num(a)} vs 2T ${num(b)} vs Popularity ${num(c)} HR@10 — 2T-HGNN ${a > b ? 'beats' : 'does **not** beat'} 2T and ${a > c ? 'beats' : 'does **not** beat'} Popularity.`);
    }
  }
  return out;
}

/** Renders report.md. */
export function renderMarkdown(r: ReportJson): string {
  const L: string[] = [];
  L.push(`# Offline evaluation — ${r.dataset}`, '');
  if (r.command) {
    L.push('Reproduce with:', '', '```sh', r.command, '```', '');
    if (/--(ws|out) /.test(r.command)) L.push('(`--ws` / `--out` only choose folders: without them the bench prepares the same data from scratch in a temporary folder; the data manifest hash below identifies it.)', '');
  }
  L.push(`Generated ${r.createdAt} · git \`${r.gitCommit.slice(0, 12)}\` · data manifest \`${r.dataManifestHash}\` · seeds ${JSON.stringify(r.seeds)}` +
    ` · ${r.quick ? '**--quick** (reduced epochs and model sizes; figures are indicative, not converged)'
      : r.hgnnMaxBatches !== undefined ? `full model sizes, but **HGNN epochs capped at ${r.hgnnMaxBatches} batches** (a fraction of the graph's edges per epoch; figures are not converged)`
        : 'full settings'} · total ${(r.timings.totalSeconds / 60).toFixed(1)} min`, '');
  L.push('## Protocol', '');
  const pr = r.protocol;
  L.push(`- Split: ${pr.split}.`, `- Target type: \`${pr.target}\`. Candidates: ${pr.candidates}.`, `- Exclusion rule: ${pr.exclusion}.`,
    `- Metrics: HR@${pr.cutoffs.hr} (share of users with ≥1 held-out item in the top ${pr.cutoffs.hr}), MRR over the top ${pr.cutoffs.mrr}, ` +
    `Coverage over the top ${pr.cutoffs.cov} (share of the candidate catalogue recommended to anyone in the group), NDCG@${pr.cutoffs.ndcg}, Recall@${pr.cutoffs.recall}.`,
    `- Groups: warm = any prior ${pr.target} interaction in training (weak signals included), cold = none; all = every user with targets (includes users with no training history); long tail = targets in popularity tiers ${pr.longTailTiers.join(', ')} only.`,
    `- Users with ≥1 target: warm ${pr.groupSizes.warm}, cold ${pr.groupSizes.cold}, all ${pr.groupSizes.all}, long tail ${pr.groupSizes.longTail}. ` +
    `A model that cannot rank a user (content-KNN and HGNN-KNN for cold users, LightGCN for users with no training interaction) leaves them out of its figures ("unranked").`,
    `- Figures: mean ± sample std over ${r.seeds.length} seed(s); deterministic models are fitted once.`, `- Tuning: ${pr.tuning}.`, '');
  L.push('## Main results', '');
  for (const g of ['warm', 'cold', 'all', 'longTail'] as const) {
    L.push(`### ${GROUP_TITLES[g]}`, '', ...groupTable(r.models, g, g === 'warm' ? PAPER.warm : g === 'cold' ? PAPER.cold : undefined), '');
  }
  if (Object.keys(r.skipped).length) {
    L.push('Skipped: ' + Object.entries(r.skipped).map(([k, v]) => `${k} — ${v}`).join('; '), '');
  }
  L.push('## Findings', '', ...findings(r).map((s) => `- ${s}`), '');
  L.push('## Ablations of 2T-HGNN (warm users)', '');
  if (Object.keys(r.ablations).length === 0) L.push('Not run.', '');
  else {
    L.push('| variant | HR@10 | MRR@100 | Cov@100 | seeds | paper HR / MRR / Cov |', '|---|---|---|---|---|---|');
    const full = r.models.two_tower_hgnn;
    if (full) L.push(`| 2T-HGNN (full) | ${ms(full.groups.warm.hr10)} | ${ms(full.groups.warm.mrr)} | ${ms(full.groups.warm.cov, true)} | ${r.seeds.length} | ${paperCell(PAPER.warm.two_tower_hgnn)} |`);
    for (const [name, a] of Object.entries(r.ablations)) {
      L.push(`| ${a.label} | ${ms(a.groups.warm.hr10)} | ${ms(a.groups.warm.mrr)} | ${ms(a.groups.warm.cov, true)} | ${a.perSeed.length} | ${paperCell(PAPER.ablations[name])} |`);
    }
    L.push('');
  }
  L.push('## Podcast task', '');
  if ('skipped' in r.podcastTask) L.push(`Skipped: ${r.podcastTask.skipped}.`, '');
  else {
    const pt = r.podcastTask;
    L.push(`Target \`${pt.target}\`; users with targets: warm ${pt.groupSizes.warm}, cold ${pt.groupSizes.cold}, all ${pt.groupSizes.all}. Warm/cold here refer to prior ${pt.target} interactions. Paper numbers are its (all-user) podcast figures.`, '');
    for (const g of ['all', 'warm', 'cold'] as const) {
      L.push(`### ${GROUP_TITLES[g]}`, '', ...groupTable(pt.models, g, g === 'all' ? PAPER.podcast : undefined), '');
    }
  }
  L.push('## Timings (fit seconds per seed)', '', '| model | fit s | recommend s |', '|---|---|---|');
  for (const [name, m] of Object.entries(r.models)) {
    L.push(`| ${MODEL_LABELS[name] ?? name} | ${m!.fitMs.map((x) => (x / 1000).toFixed(1)).join(', ')} | ${m!.recommendMs.map((x) => (x / 1000).toFixed(2)).join(', ')} |`);
  }
  L.push('', `Prepare (split load, graph ${r.timings.graphSeconds.toFixed(1)} s, features ${r.timings.featureSeconds.toFixed(1)} s): ${r.timings.prepareSeconds.toFixed(1)} s.`, '');
  if (r.notes.length) L.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  L.push('## Settings', '', '```json', JSON.stringify(r.settings, null, 1), '```', '');
  return L.join('\n');
}
