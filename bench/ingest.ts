/**
 * Ingest + validate N synthetic interactions (default 10M) from CSV into a workspace.
 * Baseline in the same run: DuckDB reading the same CSV straight to Parquet with no validation.
 * Each measurement runs in a fresh child process so its peak RSS (maxRSS) is its own.
 *
 *   npx tsx bench/ingest.ts [--rows 10000000] [--repeats 2] [--data /tmp/hgrec-bench-ingest] [--memory 3GB] [--threads N]
 *
 * DuckDB threads: --threads N, else ingestThreads() (all cores; 1 when the load average shows the
 * cores busy) for both the ingest and the baseline.
 *
 * Last stdout line: {"rows_per_s":…, "peak_rss_mb":…, …}. Progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateSynthetic } from '../src/data/synthetic.ts';
import { ingest, ingestThreads } from '../src/data/ingest.ts';
import { openDuck, lit } from '../src/data/duck.ts';

function flag(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

const mode = flag('child', '');
const dataDir = flag('data', '/tmp/hgrec-bench-ingest');
const memory = flag('memory', '3GB');

if (mode) {
  // child: one timed run, prints {"seconds":…, "rows":…, "max_rss_mb":…}
  const files = { items: join(dataDir, 'items.csv'), users: join(dataDir, 'users.csv'), interactions: join(dataDir, 'interactions.csv') };
  const ws = join(dataDir, `ws-${mode}`);
  rmSync(ws, { recursive: true, force: true });
  // both sides pick DuckDB threads by the same rule (1 when the cores are already busy), so the
  // comparison stays fair; --threads N forces it
  const threads = Number(flag('threads', '0')) || ingestThreads();
  const t0 = performance.now();
  let rows = 0;
  if (mode === 'ingest') {
    const r = await ingest({ workspace: ws, ...files, duck: { memoryLimit: memory, threads } });
    rows = r.manifest.rows.interactions + r.rejected;
  } else {
    const d = await openDuck({ memoryLimit: memory, tempDir: join(dataDir, '.spill'), threads });
    await d.run(`COPY (SELECT * FROM read_csv(${lit(files.interactions)}, header=true)) TO ${lit(join(dataDir, 'baseline.parquet'))} (FORMAT parquet, COMPRESSION zstd)`);
    rows = Number((await d.rows(`SELECT count(*)::BIGINT AS n FROM read_parquet(${lit(join(dataDir, 'baseline.parquet'))})`))[0].n);
    d.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  rmSync(ws, { recursive: true, force: true });
  const ru = process.resourceUsage();
  // cpu_s: user + system seconds of this process, all DuckDB worker threads included
  console.log(JSON.stringify({ seconds, rows, max_rss_mb: ru.maxRSS / 1024, threads, cpu_s: (ru.userCPUTime + ru.systemCPUTime) / 1e6 }));
  process.exit(0);
}

const rows = Number(flag('rows', '10000000'));
const repeats = Number(flag('repeats', '2'));
const meanEvents = 30;
// ≈ 32 events per user at meanEvents 30 (1 + Poisson, weak signals) -> users for the requested rows
const users = Math.max(100, Math.round(rows / 32));
const stamp = join(dataDir, 'params.json');
const params = JSON.stringify({ users, meanEvents, seed: 7, generator: 2 }); // bump generator when synthetic.ts output changes
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== params) {
  rmSync(dataDir, { recursive: true, force: true });
  console.error(`generating ~${rows} interactions (${users} users) as CSV in ${dataDir} …`);
  const t = performance.now();
  const r = await generateSynthetic({ outDir: dataDir, format: 'csv', users, meanEvents, seed: 7, podcasts: 50_000, audiobooks: 15_000, music: 30_000 });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(stamp, params);
  console.error(`generated ${r.counts.interactions} interactions in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

const self = fileURLToPath(import.meta.url);
function child(m: string): { seconds: number; rows: number; max_rss_mb: number; cpu_s: number; threads: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', m, '--data', dataDir, '--memory', memory, '--threads', flag('threads', '0')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench/ingest: child ${m} failed with status ${r.status}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(last);
}

const runs: ReturnType<typeof child>[] = [];
const base: ReturnType<typeof child>[] = [];
for (let k = 0; k < repeats; k++) {
  const b = child('baseline');
  base.push(b);
  console.error(`baseline ${k + 1}/${repeats}: ${b.rows} rows in ${b.seconds.toFixed(2)} s, CPU ${b.cpu_s.toFixed(1)} s (${(b.rows / b.seconds / 1e6).toFixed(2)} M rows/s), max RSS ${b.max_rss_mb.toFixed(0)} MB, ${b.threads} thread(s), load ${loadavg()[0].toFixed(1)}`);
  const r = child('ingest');
  runs.push(r);
  console.error(`ingest   ${k + 1}/${repeats}: ${r.rows} rows in ${r.seconds.toFixed(2)} s, CPU ${r.cpu_s.toFixed(1)} s (${(r.rows / r.seconds / 1e6).toFixed(2)} M rows/s), max RSS ${r.max_rss_mb.toFixed(0)} MB, ${r.threads} thread(s), load ${loadavg()[0].toFixed(1)}`);
}
const n = runs[0].rows;
console.log(JSON.stringify({
  rows_per_s: Math.round(n / median(runs.map((r) => r.seconds))),
  peak_rss_mb: Math.round(Math.max(...runs.map((r) => r.max_rss_mb))),
  rows: n,
  seconds_median: Number(median(runs.map((r) => r.seconds)).toFixed(3)),
  baseline_rows_per_s: Math.round(base[0].rows / median(base.map((r) => r.seconds))),
  baseline_peak_rss_mb: Math.round(Math.max(...base.map((r) => r.max_rss_mb))),
  cpu_s_median: Number(median(runs.map((r) => r.cpu_s)).toFixed(2)),
  baseline_seconds_median: Number(median(base.map((r) => r.seconds)).toFixed(3)),
  baseline_cpu_s_median: Number(median(base.map((r) => r.cpu_s)).toFixed(2)),
  // 1-minute load average when the runs ended (2 cores; > 2 means the cores were shared)
  load_avg_1m: Number(loadavg()[0].toFixed(2)),
  threads: [...new Set([...runs, ...base].map((r) => r.threads))].join('/'),
  repeats,
  memory_limit: memory,
}));
