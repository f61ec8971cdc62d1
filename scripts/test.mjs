#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src, bench) with node:test + tsx.
// Node 20's test runner takes no globs, so we list the files ourselves.
// Then, unless HGREC_KERNELS=ts already forced it, every kernel-using suite (KERNEL_SUITES)
// runs a second time on the pure-TypeScript kernels, so both kernel paths are tested.
// HGREC_KERNELS=addon (set by .ci/run) makes a missing/unloadable OpenBLAS addon an error.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'bench'];
const files = [];
function walk(p) {
  let st;
  try { st = statSync(p); } catch { return; }
  if (st.isDirectory()) {
    for (const name of readdirSync(p).sort()) {
      if (name === 'node_modules') continue;
      walk(join(p, name));
    }
  } else if (p.endsWith('.test.ts')) files.push(p);
}
for (const r of roots) walk(resolve(r));
if (files.length === 0) {
  console.error(`scripts/test.mjs: no *.test.ts files under ${roots.join(', ')}`);
  process.exit(1);
}
const run = (list, env) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', ...list], { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

let status = run(files, {});
// every suite that computes through the kernels (data/graph/cli do not, or only via these)
const KERNEL_SUITES = ['src/tensor', 'src/nn', 'src/testing', 'src/features', 'src/models', 'src/retrieval', 'src/eval', 'src/serve'].map((p) => resolve(p));
if (process.env.HGREC_KERNELS !== 'ts') {
  const kfiles = files.filter((f) => KERNEL_SUITES.some((k) => f.startsWith(k + '/')));
  if (kfiles.length) {
    console.error(`scripts/test.mjs: re-running ${kfiles.length} kernel-using test files with HGREC_KERNELS=ts`);
    status = run(kfiles, { HGREC_KERNELS: 'ts' }) || status;
  }
}
process.exit(status);
