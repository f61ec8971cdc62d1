// Graph build at scale: the data stage's synthetic generator (1M users by default) → the
// portable co-listening SQL on DuckDB → edges Parquet + HeteroGraph. Each build runs in a child
// process so its peak RSS is its own. Baseline in the same run: the uncapped build (every item
// of a user forms pairs, as in the paper) against the default per-user cap (50 most recent).
// Usage: npx tsx bench/graph_build.ts [--users 1000000] [--podcasts 100000] [--audiobooks 20000]
//          [--mean-events 30] [--data-dir DIR (reused when present)] [--repeats 1] [--no-baseline]
// Last stdout line: {"build_s":…,"edges":…,"peak_rss_mb":…, ...}
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildCoListeningGraph } from '../src/graph/index.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000000' },
    podcasts: { type: 'string', default: '100000' },
    audiobooks: { type: 'string', default: '20000' },
    'mean-events': { type: 'string', default: '30' },
    'data-dir': { type: 'string' },
    repeats: { type: 'string', default: '1' },
    'no-baseline': { type: 'boolean', default: false },
    'baseline-timeout': { type: 'string', default: '900' },
    child: { type: 'string' }, // internal: run one build with this cap and print its JSON
  },
});
const log = (...a: unknown[]): void => console.error('[bench/graph_build]', ...a);
const median = (x: number[]): number => { const s = [...x].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]!; };
const dataDir = values['data-dir'] ?? join(tmpdir(), `hgrec-bench-graph-u${values.users}-p${values.podcasts}-a${values.audiobooks}-e${values['mean-events']}`);

interface BuildFigures { build_s: number; sql_s: number; load_s: number; edges: number; peak_rss_mb: number; edges_per_relation: Record<string, number>; graph_mb: number }

if (values.child !== undefined) {
  // child: one build, JSON on stdout
  const out = mkdtempSync(join(tmpdir(), 'hgrec-graph-out-'));
  const t0 = performance.now();
  const r = await buildCoListeningGraph(
    { itemsPath: join(dataDir, 'items.parquet'), interactionsPath: join(dataDir, 'interactions.parquet'), outDir: out },
    { maxItemsPerUser: Number(values.child) },
  );
  const fig: BuildFigures = {
    build_s: (performance.now() - t0) / 1000, sql_s: r.sqlSeconds, load_s: r.loadSeconds, edges: r.graph.numEdges,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024, edges_per_relation: r.stats.edges, graph_mb: r.graph.memory().totalBytes / 2 ** 20,
  };
  rmSync(out, { recursive: true, force: true });
  console.log(JSON.stringify(fig));
} else {
  let genS = 0;
  if (!existsSync(join(dataDir, 'interactions.parquet'))) {
    const { generateSynthetic } = await import('../src/data/index.ts');
    log(`generating ${values.users} users into ${dataDir} ...`);
    const t0 = performance.now();
    const g = await generateSynthetic({
      outDir: dataDir, users: Number(values.users), podcasts: Number(values.podcasts), audiobooks: Number(values.audiobooks),
      meanEvents: Number(values['mean-events']), seed: 1,
    });
    genS = (performance.now() - t0) / 1000;
    log(`generated ${g.counts.interactions} interactions in ${genS.toFixed(1)} s`);
  } else log(`reusing data in ${dataDir}`);

  const self = fileURLToPath(import.meta.url);
  const runChild = (cap: number, timeoutS = 0): BuildFigures | null => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', String(cap), '--data-dir', dataDir],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24, timeout: timeoutS * 1000, killSignal: 'SIGKILL' });
    if (res.error || res.signal) {
      log(`child build (cap ${cap}) stopped: ${res.error?.message ?? res.signal} (timeout ${timeoutS} s)`);
      return null;
    }
    if (res.status !== 0) throw new Error(`bench/graph_build: child build (cap ${cap}) failed with status ${res.status}`);
    const lines = res.stdout.trim().split('\n');
    return JSON.parse(lines[lines.length - 1]!) as BuildFigures;
  };
  const repeats = Number(values.repeats);
  const capped: BuildFigures[] = [];
  for (let i = 0; i < repeats; i++) {
    capped.push(runChild(50)!);
    log(`cap 50: ${JSON.stringify(capped[i])}`);
  }
  let base: BuildFigures | null = null;
  let baselineNote = 'skipped (--no-baseline)';
  if (!values['no-baseline']) {
    base = runChild(0, Number(values['baseline-timeout']));
    baselineNote = base ? 'ok' : `did not finish within ${values['baseline-timeout']} s`;
    log(`uncapped: ${JSON.stringify(base)}`);
  }
  const pick = capped.find((c) => c.build_s === median(capped.map((x) => x.build_s)))!;
  console.log(JSON.stringify({
    build_s: Number(pick.build_s.toFixed(2)),
    edges: pick.edges,
    peak_rss_mb: Math.round(pick.peak_rss_mb),
    sql_s: Number(pick.sql_s.toFixed(2)),
    load_s: Number(pick.load_s.toFixed(2)),
    edges_per_relation: pick.edges_per_relation,
    graph_mb: Number(pick.graph_mb.toFixed(1)),
    max_items_per_user: 50,
    baseline_uncapped_build_s: base ? Number(base.build_s.toFixed(2)) : null,
    baseline_uncapped_edges: base ? base.edges : null,
    baseline_uncapped_peak_rss_mb: base ? Math.round(base.peak_rss_mb) : null,
    baseline_note: baselineNote,
    users: Number(values.users), podcasts: Number(values.podcasts), audiobooks: Number(values.audiobooks),
    mean_events: Number(values['mean-events']), generate_s: genS ? Number(genS.toFixed(1)) : null, repeats,
  }));
}
