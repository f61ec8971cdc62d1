#!/usr/bin/env node
// Builds the OpenBLAS addon (native/build/Release/hgrec_native.node). This is the package's
// `install` script, so it NEVER fails: it prints exactly one line either way, and when the
// addon cannot be built hgrec runs on its pure-TypeScript kernels.
//   node native/build.mjs [--verbose]    (HGREC_SKIP_NATIVE=1 skips the build)
// Order: node-gyp (npm's bundled copy, against the local Node headers when present), then a
// direct `c++` compile as a fallback, then a smoke test that loads the addon in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'build', 'Release', 'hgrec_native.node');
const verbose = process.argv.includes('--verbose');
const log = (msg) => { if (verbose) process.stderr.write(`${msg}\n`); };

function run(cmd, args) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: here, encoding: 'utf8', timeout: 300_000 });
  if (verbose) process.stderr.write((r.stdout ?? '') + (r.stderr ?? ''));
  const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter((l) => /error/i.test(l)).pop();
  return { ok: r.status === 0, why: r.error ? r.error.message : (tail ?? `exit ${r.status}`) };
}

/** The folder holding include/node/node_api.h for this Node, when installed locally. */
function nodeDir() {
  for (const d of [resolve(dirname(process.execPath), '..'), '/usr', '/usr/local']) {
    if (existsSync(join(d, 'include', 'node', 'node_api.h'))) return d;
  }
  return null;
}

function nodeGyp() {
  const cands = [process.env.npm_config_node_gyp, join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm',
    'node_modules', 'node-gyp', 'bin', 'node-gyp.js'), '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  '/usr/share/nodejs/node-gyp/bin/node-gyp.js', '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'];
  return cands.find((p) => p && existsSync(p)) ?? null;
}

function addonApiInclude() {
  try {
    const req = createRequire(join(here, '..', 'package.json'));
    return dirname(req.resolve('node-addon-api/package.json'));
  } catch {
    return null;
  }
}

function smokeTest() {
  const code = `const a=require(${JSON.stringify(out)});const A=new Float32Array([1,2,3,4]),B=new Float32Array([1,0,0,1]),
C=new Float32Array(4);a.sgemm(false,true,2,2,2,1,A,2,B,2,0,C,2);if(C.join()!=='1,2,3,4')throw new Error('sgemm gave '+C.join());`;
  return run(process.execPath, ['-e', code]);
}

function build() {
  if (process.env.HGREC_SKIP_NATIVE === '1') return 'HGREC_SKIP_NATIVE=1';
  const cblas = ['/usr/include/x86_64-linux-gnu/cblas.h', '/usr/include/cblas.h', '/usr/include/openblas/cblas.h']
    .find((p) => existsSync(p));
  if (!cblas) return 'cblas.h not found (apt-get install libopenblas-dev)';
  const api = addonApiInclude();
  if (!api) return 'node-addon-api is not installed';
  const ndir = nodeDir();
  const reasons = [];
  const gyp = nodeGyp();
  if (gyp) {
    const r = run(process.execPath, [gyp, 'rebuild', ...(ndir ? [`--nodedir=${ndir}`] : [])]);
    if (r.ok && existsSync(out)) return null;
    reasons.push(`node-gyp: ${r.why}`);
  } else reasons.push('node-gyp not found');
  if (!ndir) return `${reasons.join('; ')}; no local Node headers for a direct compile`;
  mkdirSync(dirname(out), { recursive: true });
  const r = run(process.env.CXX ?? 'c++', ['-O3', '-std=c++17', '-fno-math-errno', '-shared', '-fPIC', '-DNAPI_VERSION=8',
    '-DNAPI_DISABLE_CPP_EXCEPTIONS', `-I${join(ndir, 'include', 'node')}`, `-I${api}`, `-I${dirname(cblas)}`,
    'hgrec_native.cc', '-o', out, '-pthread', '-lopenblas']);
  if (r.ok) return null;
  reasons.push(`c++: ${r.why}`);
  return reasons.join('; ');
}

let why;
try {
  why = build();
  if (!why) {
    const t = smokeTest();
    if (!t.ok) {
      why = `built but failed to load: ${t.why}`;
      rmSync(out, { force: true });
    }
  }
} catch (err) {
  why = err instanceof Error ? err.message : String(err);
}
if (why) {
  console.log(`hgrec: OpenBLAS addon not built (${why.replace(/\s+/g, ' ').slice(0, 200)}); using the slower TypeScript kernels`);
} else {
  console.log(`hgrec: OpenBLAS addon built (${out})`);
}
process.exit(0);
