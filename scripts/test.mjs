#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: src, bench) with node:test + tsx.
// Node 20's test runner takes no globs, so we list the files ourselves.
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
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...files], { stdio: 'inherit' });
process.exit(res.status ?? 1);
