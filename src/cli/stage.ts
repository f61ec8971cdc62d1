/**
 * One pipeline stage = one versioned folder of the workspace (`<ws>/<name>` → `.versions/…`),
 * built in a fresh folder and made visible by one atomic symlink swap, so an interrupted run
 * leaves the previous version usable. Each version carries `stage.json` with a key: the hash of
 * everything the stage read (its config section, the keys of the stages it consumed, the
 * fingerprints of input files). Re-running a stage whose key is unchanged is skipped.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { newVersionDir, publishVersion, writeFileAtomic } from '../data/index.ts';

export interface StageRecord {
  format: 'hgrec-stage';
  version: 1;
  stage: string;
  key: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  /** Free-form summary figures the stage reports (row counts, losses, …). */
  summary: Record<string, unknown>;
}

/** Stable JSON (sorted keys) so equal inputs always hash equally. */
function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(',')}}`;
}

/** sha256 of the stable JSON of `material`, hex, 16 chars. */
export function stageKey(material: unknown): string {
  return createHash('sha256').update(stableJson(material)).digest('hex').slice(0, 16);
}

/** Fingerprint of an input file: absolute path, size and modification time. */
export function fileFingerprint(path: string): { path: string; size: number; mtimeMs: number } {
  const abs = resolve(path);
  const st = statSync(abs);
  return { path: abs, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };
}

/** The record of the published version of a stage, or null when it has never finished. */
export function readStage(ws: string, name: string): StageRecord | null {
  const p = join(ws, name, 'stage.json');
  if (!existsSync(p)) return null;
  try {
    const r = JSON.parse(readFileSync(p, 'utf8')) as StageRecord;
    return r.format === 'hgrec-stage' ? r : null;
  } catch {
    return null;
  }
}

/** The key of a finished upstream stage; throws a clear error naming the command to run. */
export function requireStage(ws: string, name: string, command = name): StageRecord {
  const r = readStage(ws, name);
  if (!r) throw new StageMissingError(`stage '${name}' has not been run in workspace ${ws}; run \`hgrec ${command}\` first`);
  return r;
}

export class StageMissingError extends Error {
  override name = 'StageMissingError';
}

function stageRecord(name: string, key: string, started: number, summary: Record<string, unknown>): StageRecord {
  return {
    format: 'hgrec-stage', version: 1, stage: name, key,
    startedAt: new Date(started).toISOString(), finishedAt: new Date().toISOString(),
    seconds: (Date.now() - started) / 1000, summary,
  };
}

/** The published outcome when its key equals `key` (and --force is off), else null. */
function unchanged(opts: RunStageOptions, key: string, log: (m: string) => void): StageOutcome | null {
  const prev = readStage(opts.ws, opts.name);
  if (opts.force || !prev || prev.key !== key) return null;
  log(`${opts.name}: inputs unchanged (key ${key}), skipped`);
  return { skipped: true, record: prev, dir: join(opts.ws, opts.name) };
}

export interface RunStageOptions {
  ws: string;
  name: string;
  /** Everything the stage's output depends on. */
  material: unknown;
  /** Rebuild even when the key is unchanged. */
  force?: boolean;
  log?: (msg: string) => void;
}

export interface StageOutcome {
  skipped: boolean;
  record: StageRecord;
  /** The published folder (`<ws>/<name>`). */
  dir: string;
}

/**
 * Runs `build(dir)` into a fresh version folder unless the published version has the same key,
 * then publishes it atomically. `build` returns the summary stored in stage.json.
 */
export async function runStage(
  opts: RunStageOptions,
  build: (dir: string) => Promise<Record<string, unknown>>,
): Promise<StageOutcome> {
  return execute(opts, async () => {
    const dir = newVersionDir(opts.ws, opts.name);
    try {
      const summary = await build(dir);
      return { summary, publish: (record) => {
        writeFileAtomic(join(dir, 'stage.json'), JSON.stringify(record, null, 2));
        publishVersion(opts.ws, opts.name, dir);
      } };
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  });
}

/**
 * For stages that publish their own versioned folder (the data layer's `tables/` and
 * `split/`): skip when the key is unchanged, else run `build()` (which publishes `<ws>/<name>`)
 * and then write stage.json into the published folder. A crash between the two only costs a
 * re-run (no stage.json → not skipped), never a wrong skip.
 */
export async function runSelfPublishingStage(
  opts: RunStageOptions,
  build: () => Promise<Record<string, unknown>>,
): Promise<StageOutcome> {
  return execute(opts, async () => ({
    summary: await build(),
    publish: (record) => writeFileAtomic(join(opts.ws, opts.name, 'stage.json'), JSON.stringify(record, null, 2)),
  }));
}

/** The shared skeleton: key, skip check, work, record, publish, log. */
async function execute(
  opts: RunStageOptions,
  work: () => Promise<{ summary: Record<string, unknown>; publish: (r: StageRecord) => void }>,
): Promise<StageOutcome> {
  const { ws, name } = opts;
  const log = opts.log ?? (() => {});
  const key = stageKey({ stage: name, material: opts.material });
  const skipped = unchanged(opts, key, log);
  if (skipped) return skipped;
  const started = Date.now();
  const { summary, publish } = await work();
  const record = stageRecord(name, key, started, summary);
  publish(record);
  log(`${name}: done in ${record.seconds.toFixed(1)} s`);
  return { skipped: false, record, dir: join(ws, name) };
}
