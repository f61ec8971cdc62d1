// Benchmark of the built-in text encoder: fit TF-IDF (word uni/bigrams + char 3-5-grams) and
// the randomised truncated SVD (dim 256) on N synthetic titles + descriptions, then encode
// unseen items as at serving time. Baseline in the same run: the TF-IDF stage alone (what the
// SVD adds on top), and a topic-separation check so a fast but broken fit cannot pass.
//   npx tsx bench/features.ts [--docs 100000] [--dim 256] [--repeats 3]
// Last stdout line: {"docs", "vocab", "nnz", "dim", "fit_s", "fit_cpu_s", "vocab_s", "tfidf_s", "svd_s",
//   "baseline_tfidf_only_s", "encode_1k_ms", "within_cos", "across_cos", "backend", "peak_rss_mb"}
// fit_cpu_s (user+system CPU seconds of the fit) is the figure to compare when the machine is
// shared: wall-clock seconds stretch with other processes' load, CPU seconds much less.
import { backend } from '../src/tensor/kernels.ts';
import { fitTfidf, tfidfConfig, tfidfTransform } from '../src/features/tfidf.ts';
import { TfidfSvdEncoder } from '../src/features/text_encoder.ts';
import { Rng } from '../src/tensor/rng.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const docs = arg('docs', 100_000);
const dim = arg('dim', 256);
const repeats = arg('repeats', 3);
const TOPICS = 40;

/** Synthetic catalogue: pseudo-words from syllables; each topic favours its own 300 words. */
function synth(n: number, seed: number): { texts: string[]; topic: Int32Array } {
  const rng = new Rng(seed);
  const syl = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'vo', 'ne', 'bri', 'sta', 'qu', 'el', 'or', 'an', 'ix', 'ul', 'ché', 'ø', 'ma', 'do'];
  const lex: string[] = [];
  for (let i = 0; i < 12_000; i++) {
    const len = 2 + Math.floor(rng.float() * 3);
    let w = '';
    for (let j = 0; j < len; j++) w += syl[Math.floor(rng.float() * syl.length)];
    lex.push(w);
  }
  const pick = (t: number): string => rng.float() < 0.7
    ? lex[(t * 300 + Math.floor(rng.float() * 300)) % lex.length]
    : lex[Math.floor(rng.float() ** 2 * lex.length)];
  const texts: string[] = [];
  const topic = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng.float() * TOPICS);
    topic[i] = t;
    const title = Array.from({ length: 3 + Math.floor(rng.float() * 4) }, () => pick(t)).join(' ');
    const desc = Array.from({ length: 20 + Math.floor(rng.float() * 21) }, () => pick(t)).join(' ');
    texts.push(`${title[0].toUpperCase()}${title.slice(1)}\n${desc}.`);
  }
  return { texts, topic };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const log = (s: string): void => { process.stderr.write(s + '\n'); };

const { texts, topic } = synth(docs, 1);
const unseen = synth(1000, 99).texts;
log(`bench/features: ${docs} docs, dim ${dim}, ${repeats} repeats, kernels=${backend()}`);
const fit: number[] = [], cpu: number[] = [], vs: number[] = [], ts: number[] = [], ss: number[] = [], base: number[] = [], enc: number[] = [];
let last: ReturnType<typeof TfidfSvdEncoder.fitTransform> | null = null;
for (let r = 0; r < repeats; r++) {
  let t0 = performance.now();
  const m = fitTfidf(texts, tfidfConfig());
  tfidfTransform(m, texts);
  base.push((performance.now() - t0) / 1000);
  t0 = performance.now();
  const c0 = process.cpuUsage();
  last = TfidfSvdEncoder.fitTransform(texts, { dim, seed: r, log: (m) => log(`    ${m}`) });
  fit.push((performance.now() - t0) / 1000);
  const c1 = process.cpuUsage(c0);
  cpu.push((c1.user + c1.system) / 1e6);
  vs.push(last.info.vocabSeconds); ts.push(last.info.tfidfSeconds); ss.push(last.info.svdSeconds);
  t0 = performance.now();
  last.encoder.transform(unseen);
  enc.push(performance.now() - t0);
  log(`  repeat ${r}: fit ${fit[r].toFixed(2)} s wall, ${cpu[r].toFixed(2)} s cpu (vocab ${vs[r].toFixed(2)}, tfidf ${ts[r].toFixed(2)}, svd ${ss[r].toFixed(2)}), ` +
    `tfidf-only baseline ${base[r].toFixed(2)} s, encode 1k ${enc[r].toFixed(1)} ms`);
}
// Topic separation on a sample of pairs.
const { x, info } = last!;
const rng = new Rng(5);
let within = 0, across = 0, nw = 0, na = 0;
for (let k = 0; k < 20000; k++) {
  const i = Math.floor(rng.float() * docs), j = Math.floor(rng.float() * docs);
  if (i === j) continue;
  let c = 0;
  for (let d = 0; d < dim; d++) c += x[i * dim + d] * x[j * dim + d];
  if (topic[i] === topic[j]) { within += c; nw++; } else { across += c; na++; }
}
console.log(JSON.stringify({
  docs, vocab: info.vocab, nnz: info.nnz, dim, fit_s: +median(fit).toFixed(3), fit_cpu_s: +median(cpu).toFixed(3), vocab_s: +median(vs).toFixed(3),
  tfidf_s: +median(ts).toFixed(3), svd_s: +median(ss).toFixed(3), baseline_tfidf_only_s: +median(base).toFixed(3),
  encode_1k_ms: +median(enc).toFixed(2), within_cos: +(within / Math.max(nw, 1)).toFixed(4),
  across_cos: +(across / Math.max(na, 1)).toFixed(4), backend: backend(),
  peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
