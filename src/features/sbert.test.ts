import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSbertEncoder, SBERT_PACKAGE } from './sbert.ts';

test('SBERT plug-in: absent package gives a clear error naming it and how to enable it', async () => {
  await assert.rejects(createSbertEncoder({ modelPath: '/nonexistent/model' }), (err: Error) => {
    assert.match(err.message, /@huggingface\/transformers is not installed/);
    assert.match(err.message, /npm install @huggingface\/transformers/);
    assert.match(err.message, /TfidfSvdEncoder is the default/);
    return true;
  });
});

test('SBERT plug-in with a stub module: remote models disabled, local path, batching, empty rows zero', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hgrec-sbert-'));
  try {
    const model = join(dir, 'mini');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(model);
    writeFileSync(join(model, 'config.json'), '{}');
    const env = { allowRemoteModels: true, allowLocalModels: false, localModelPath: '' };
    const calls: string[][] = [];
    const stub = {
      env,
      async pipeline(task: string, name: string) {
        assert.equal(task, 'feature-extraction');
        assert.equal(name, 'mini');
        return async (texts: string[]) => {
          calls.push(texts);
          const data = new Float32Array(texts.length * 3);
          texts.forEach((t, i) => { data[i * 3] = t.length; data[i * 3 + 1] = 1; });
          return { data, dims: [texts.length, 3] };
        };
      },
    };
    const enc = await createSbertEncoder({
      modelPath: model, batchSize: 2,
      importer: async (spec) => { assert.equal(spec, SBERT_PACKAGE); return stub; },
    });
    assert.equal(env.allowRemoteModels, false);
    assert.equal(env.localModelPath, dir + '/');
    assert.equal(enc.dim, 3);
    assert.equal(enc.name, 'sbert-onnx:mini');
    const x = await enc.encode(['ab', '', 'abcd']);
    assert.deepEqual(Array.from(x), [2, 1, 0, 0, 0, 0, 4, 1, 0]);
    assert.deepEqual(calls.slice(1), [['ab'], ['abcd']]);
    await assert.rejects(createSbertEncoder({ modelPath: join(dir, 'none'), importer: async () => stub }), /config\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
