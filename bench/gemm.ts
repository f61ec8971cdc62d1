// GEMM throughput: 8192x384 . 384x128 float32 (and the transposed storage variants used by
// backward passes), OpenBLAS addon on 1 and 2 threads vs the pure-TypeScript kernel, plus raw
// OpenBLAS from a tiny C program compiled on the fly (the ceiling; skipped if no compiler).
//   npx tsx bench/gemm.ts [--reps 7]
// Last stdout line: {"addon_gflops_1t", "addon_gflops_2t", "ts_gflops", ...}; wall-clock medians,
// plus addon_gflops_per_cpu_s_1t (FLOP per CPU-second, 1 thread) which stays meaningful when
// other processes share the cores, and addon_vs_raw_* (% of raw OpenBLAS in the same run).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeKernels } from '../src/tensor/kernels.ts';
import { sgemmTs } from '../src/tensor/kernels_ts.ts';
import { Rng } from '../src/tensor/rng.ts';

const M = 8192, K = 384, N = 128;
const FLOP = 2 * M * N * K;
const argReps = process.argv.indexOf('--reps');
const REPS = argReps > 0 ? Number(process.argv[argReps + 1]) : 7;

type Gemm = (ta: boolean, tb: boolean, m: number, n: number, k: number, al: number, a: Float32Array, lda: number,
  b: Float32Array, ldb: number, be: number, c: Float32Array, ldc: number) => void;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function randArr(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

const rng = new Rng(1);
const A = randArr(M * K, rng), B = randArr(K * N, rng), C = new Float32Array(M * N);

let lastCpuGflops = 0; // FLOP per second of process CPU time (all threads) in the last gflops() run

/** GFLOP/s (median of reps, wall clock) of C[M,N] = op(A) op(B) with the given storage. */
function gflops(f: Gemm, ta: boolean, tb: boolean, reps: number, inner: number): number {
  const lda = ta ? M : K, ldb = tb ? K : N;
  f(ta, tb, M, N, K, 1, A, lda, B, ldb, 0, C, N); // warm-up
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) f(ta, tb, M, N, K, 1, A, lda, B, ldb, 0, C, N);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / inner);
  }
  const c = process.cpuUsage(c0);
  lastCpuGflops = FLOP * reps * inner / ((c.user + c.system) / 1e6) / 1e9;
  return FLOP / median(times) / 1e9;
}

function rawOpenblas(threads: number): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-gemm-'));
  try {
    writeFileSync(join(dir, 'g.c'), `#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(void){int M=${M},N=${N},K=${K};float*A=malloc(4L*M*K),*B=malloc(4L*K*N),*C=malloc(4L*M*N);
for(long i=0;i<(long)M*K;i++)A[i]=(i%97)/97.f-.5f;for(long i=0;i<(long)K*N;i++)B[i]=(i%89)/89.f-.5f;
double ts[${REPS}];cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,M,N,K,1,A,K,B,N,0,C,N);
for(int r=0;r<${REPS};r++){double t0=now();for(int i=0;i<10;i++)cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,M,N,K,1,A,K,B,N,0,C,N);ts[r]=(now()-t0)/10;}
qsort(ts,${REPS},sizeof(double),cmp);printf("%f\\n",2.0*M*N*K/ts[${REPS}/2]/1e9);return 0;}
`);
    const cc = spawnSync('cc', ['-O2', '-I/usr/include/x86_64-linux-gnu', join(dir, 'g.c'), '-o', join(dir, 'g'), '-lopenblas']);
    if (cc.status !== 0) return null;
    const out = execFileSync(join(dir, 'g'), { env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) } });
    return Number(out.toString().trim());
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);
const result: Record<string, number | string | null> = { shape: `${M}x${K}.${K}x${N}` };
const addon = nativeKernels();
if (addon) {
  for (const th of [1, 2]) {
    addon.setThreads(th);
    for (const [ta, tb, tag] of [[false, false, ''], [true, false, '_tA'], [false, true, '_tB']] as const) {
      const g = gflops(addon.sgemm, ta, tb, REPS, 10);
      result[`addon_gflops_${th}t${tag}`] = round(g);
      if (th === 1 && tag === '') result.addon_gflops_per_cpu_s_1t = round(lastCpuGflops); // robust on a busy box
      process.stderr.write(`addon ${th} thread(s) ${tag || 'NN'}: ${g.toFixed(1)} GFLOP/s\n`);
    }
    const raw = rawOpenblas(th);
    result[`raw_openblas_gflops_${th}t`] = round(raw);
    if (raw) result[`addon_vs_raw_${th}t`] = round((result[`addon_gflops_${th}t`] as number) / raw * 100) ;
    process.stderr.write(`raw OpenBLAS (C) ${th} thread(s): ${raw?.toFixed(1) ?? 'n/a'} GFLOP/s\n`);
  }
  addon.setThreads(2);
} else {
  process.stderr.write('addon not loaded: addon figures are null\n');
  result.addon_gflops_1t = null;
  result.addon_gflops_2t = null;
}
const tsReps = Math.max(3, Math.min(REPS, 3));
result.ts_gflops = round(gflops(sgemmTs, false, false, tsReps, 1));
result.ts_gflops_tB = round(gflops(sgemmTs, false, true, tsReps, 1));
process.stderr.write(`TypeScript: ${result.ts_gflops} GFLOP/s (NN), ${result.ts_gflops_tB} (tB)\n`);
console.log(JSON.stringify(result));
