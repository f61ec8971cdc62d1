// Kernel selection: HGREC_KERNELS, the one-line fallback notice, and the never-failing install.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { backend } from './kernels.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const probe = `import('./src/tensor/index.ts').then((m) => console.log(m.backend()))`;

function runProbe(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
    cwd: root, encoding: 'utf8', env: { ...process.env, HGREC_KERNELS: '', ...env },
  });
  return { status: r.status, stdout: r.stdout.trim(), stderrLines: r.stderr.split('\n').filter((l) => l.trim()) };
}

test('HGREC_KERNELS selects the backend this process runs on', () => {
  const mode = process.env.HGREC_KERNELS;
  if (mode === 'ts') assert.equal(backend(), 'ts');
  if (mode === 'addon') assert.equal(backend(), 'addon');
});

test('a missing addon falls back to TypeScript with exactly one notice line', () => {
  const r = runProbe({ HGREC_ADDON_PATH: '/nonexistent/hgrec_native.node' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'ts');
  assert.equal(r.stderrLines.length, 1, `stderr: ${r.stderrLines.join(' | ')}`);
  assert.match(r.stderrLines[0], /using the slower TypeScript kernels/);
});

test('HGREC_KERNELS=addon turns a missing addon into an error naming the path; =ts is silent', () => {
  const r = runProbe({ HGREC_ADDON_PATH: '/nonexistent/hgrec_native.node', HGREC_KERNELS: 'addon' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderrLines.join('\n'), /HGREC_KERNELS=addon but the OpenBLAS addon failed to load from \/nonexistent\/hgrec_native.node/);
  const bad = runProbe({ HGREC_KERNELS: 'fast' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderrLines.join('\n'), /HGREC_KERNELS must be 'ts', 'addon' or unset, got 'fast'/);
  const t = runProbe({ HGREC_KERNELS: 'ts' });
  assert.equal(t.stdout, 'ts');
  assert.equal(t.stderrLines.length, 0);
});

test('the install script never fails and prints one line when the addon is unavailable', () => {
  const r = spawnSync(process.execPath, [join(root, 'native', 'build.mjs')], {
    encoding: 'utf8', env: { ...process.env, HGREC_SKIP_NATIVE: '1' },
  });
  assert.equal(r.status, 0);
  const lines = r.stdout.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1);
  assert.match(lines[0], /hgrec: OpenBLAS addon not built \(HGREC_SKIP_NATIVE=1\); using the slower TypeScript kernels/);
  assert.equal(r.stderr, '');
});
