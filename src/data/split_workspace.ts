/**
 * Writes <ws>/split/ (train/test Parquet, user groups, item tiers, split.json) with DuckDB, so
 * splits scale past memory; same rules as split.ts / groups.ts (tests check they agree).
 * Published atomically (new version folder + one symlink rename).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDuck, lit } from './duck.ts';
import { DataError } from './errors.ts';
import { WS, KIND_CODES } from './schema.ts';
import { newVersionDir, publishVersion } from './atomic.ts';
import { chooseCut, type SplitInfo, type SplitMethod, type SplitOptions } from './split.ts';
import { userGroups, popularityTiers, type UserGroups, type PopularityTiers } from './groups.ts';
import { loadItems, loadUsers, loadInteractions } from './loader.ts';
import type { Interactions, ItemTable, UserTable } from './types.ts';
import type { Manifest } from './ingest.ts';

export interface SplitWorkspaceOptions extends Omit<SplitOptions, 'method'> {
  /** 'auto' (default): leave-last-out when the manifest says time is a sequence position, else temporal */
  method?: SplitMethod | 'auto';
  /** number of popularity tiers (default 5) */
  tiers?: number;
}

/** Reads <ws>/manifest.json (error naming the workspace when absent). */
export function readManifest(ws: string): Manifest {
  const p = join(ws, WS.manifest);
  if (!existsSync(p)) throw new DataError(`readManifest: ${p} does not exist; run ingest into workspace ${ws} first`);
  return JSON.parse(readFileSync(p, 'utf8')) as Manifest;
}

/**
 * Splits the workspace's interactions and writes <ws>/split/.
 * @example const info = await splitWorkspace('ws'); info.method // 'temporal'
 */
export async function splitWorkspace(ws: string, opts: SplitWorkspaceOptions = {}): Promise<SplitInfo> {
  const manifest = readManifest(ws);
  const targetType = opts.targetType ?? manifest.roles.target;
  if (!(targetType in manifest.itemsPerType)) {
    throw new DataError(`splitWorkspace: target type '${targetType}' is not an item type of ${ws} (types: ${Object.keys(manifest.itemsPerType).join(', ')})`);
  }
  const method: SplitMethod = !opts.method || opts.method === 'auto'
    ? (manifest.source?.time === 'position' ? 'leave-last-out' : 'temporal')
    : opts.method;
  const tiers = opts.tiers ?? 5;
  const inter = lit(join(ws, WS.interactions)), items = lit(join(ws, WS.items)), users = lit(join(ws, WS.users));
  const dir = newVersionDir(ws, 'split');
  const duck = await openDuck();
  let ok = false;
  try {
    await duck.run(`CREATE TEMP VIEW x AS SELECT * FROM read_parquet(${inter})`);
    await duck.run(`CREATE TEMP VIEW it AS SELECT * FROM read_parquet(${items})`);
    let cut: ReturnType<typeof chooseCut> | null = null;
    if (method === 'temporal') {
      const r = (await duck.rows(`SELECT epoch_ms(min(ts))::BIGINT AS a, epoch_ms(max(ts))::BIGINT AS b FROM x`))[0];
      if (r.a === null) throw new DataError(`splitWorkspace: ${ws} has no interactions to split`);
      cut = chooseCut(Number(r.a), Number(r.b), { cutMs: opts.cutMs, testDays: opts.testDays, fraction: opts.fraction });
      const c = `make_timestamp(${cut.cutMs}::BIGINT * 1000)`;
      await duck.run(`CREATE TEMP TABLE tr AS SELECT * FROM x WHERE ts < ${c}`);
      await duck.run(`CREATE TEMP TABLE te AS SELECT * FROM x WHERE ts >= ${c}`);
    } else {
      await duck.run(`CREATE TEMP TABLE lastt AS SELECT user_id, item_id, ts FROM (
          SELECT x.user_id, x.item_id, x.ts, row_number() OVER (PARTITION BY x.user_id ORDER BY x.ts DESC, x.item_id DESC) AS r
          FROM x JOIN it USING (item_id) WHERE it.type = ${lit(targetType)} AND x.kind = 'stream') WHERE r = 1`);
      await duck.run(`CREATE TEMP TABLE tr AS SELECT x.* FROM x LEFT JOIN lastt l USING (user_id) WHERE l.ts IS NULL OR x.ts < l.ts`);
      await duck.run(`CREATE TEMP TABLE te AS SELECT l.user_id, l.item_id, 'stream' AS kind, l.ts,
          (SELECT any_value(weight) FROM x WHERE x.user_id = l.user_id AND x.item_id = l.item_id AND x.ts = l.ts AND x.kind = 'stream') AS weight FROM lastt l`);
    }
    const copy = (sql: string, to: string) => duck.run(`COPY (${sql}) TO ${lit(join(dir, to))} (FORMAT parquet, COMPRESSION zstd)`);
    await copy(`SELECT user_id, item_id, kind, ts, weight FROM tr ORDER BY ts, user_id, item_id`, 'train.parquet');
    await copy(`SELECT user_id, item_id, kind, ts, weight FROM te ORDER BY ts, user_id, item_id`, 'test.parquet');
    await copy(`SELECT u.user_id, CASE WHEN w.user_id IS NOT NULL THEN 'warm' WHEN a.user_id IS NOT NULL THEN 'cold' ELSE 'inactive' END AS grp
      FROM read_parquet(${users}) u
      LEFT JOIN (SELECT DISTINCT tr.user_id FROM tr JOIN it USING (item_id) WHERE it.type = ${lit(targetType)}) w USING (user_id)
      LEFT JOIN (SELECT DISTINCT user_id FROM tr) a USING (user_id) ORDER BY u.user_id`, 'user_groups.parquet');
    await copy(`SELECT item_id, train_count, (1 + floor((row_number() OVER (ORDER BY train_count DESC, item_id) - 1) * ${tiers} / count(*) OVER ()))::INTEGER AS tier
      FROM (SELECT it.item_id, count(tr.item_id)::BIGINT AS train_count FROM it LEFT JOIN tr ON tr.item_id = it.item_id AND tr.kind = 'stream'
            WHERE it.type = ${lit(targetType)} GROUP BY it.item_id) ORDER BY item_id`, 'item_tiers.parquet');
    const c = (await duck.rows(`SELECT (SELECT count(*) FROM tr)::BIGINT AS tr, (SELECT count(*) FROM te)::BIGINT AS te, (SELECT count(*) FROM x)::BIGINT AS n,
        (SELECT count(*) FROM te JOIN it USING (item_id) WHERE it.type = ${lit(targetType)} AND te.kind = 'stream')::BIGINT AS tt,
        (SELECT count(DISTINCT te.user_id) FROM te JOIN it USING (item_id) WHERE it.type = ${lit(targetType)} AND te.kind = 'stream')::BIGINT AS tu`))[0];
    const info: SplitInfo = {
      method, targetType,
      cutMs: cut ? cut.cutMs : null, cutTs: cut ? new Date(cut.cutMs).toISOString() : null,
      testDays: cut ? cut.testDays : null, fraction: cut ? cut.fraction : null,
      counts: { train: Number(c.tr), test: Number(c.te), dropped: Number(c.n) - Number(c.tr) - Number(c.te), testTarget: Number(c.tt), testUsers: Number(c.tu) },
    };
    writeFileSync(join(dir, 'split.json'), JSON.stringify({ format: 'hgrec-split', version: 1, ...info, tiers, createdAt: new Date().toISOString() }, null, 2) + '\n');
    publishVersion(ws, 'split', dir);
    ok = true;
    return info;
  } finally {
    duck.close();
    if (!ok) rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoadedSplit {
  items: ItemTable;
  users: UserTable;
  train: Interactions;
  test: Interactions;
  info: SplitInfo;
  groups: UserGroups;
  tiers: PopularityTiers;
}

/** Loads <ws>/split (train/test with the workspace's dense ids) and recomputes groups/tiers in memory. */
export async function loadSplit(ws: string): Promise<LoadedSplit> {
  const metaPath = join(ws, WS.splitMeta);
  if (!existsSync(metaPath)) throw new DataError(`loadSplit: ${metaPath} does not exist; run splitWorkspace('${ws}') first`);
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as SplitInfo & { tiers?: number };
  const duck = await openDuck();
  try {
    const itemsPath = join(ws, WS.items), usersPath = join(ws, WS.users);
    const items = await loadItems(itemsPath, duck);
    const users = await loadUsers(usersPath, duck);
    const o = { itemsPath, usersPath, items, users, duck };
    const train = await loadInteractions(join(ws, WS.train), o);
    const test = await loadInteractions(join(ws, WS.test), o);
    const info: SplitInfo = { method: meta.method, targetType: meta.targetType, cutMs: meta.cutMs, cutTs: meta.cutTs, testDays: meta.testDays, fraction: meta.fraction, counts: meta.counts };
    return {
      items, users, train, test, info,
      groups: userGroups(train, items, meta.targetType),
      tiers: popularityTiers(train, items, meta.targetType, meta.tiers ?? 5, [KIND_CODES.stream]),
    };
  } finally { duck.close(); }
}

/**
 * End of the training window in ms: the split's cut, or (leave-last-out, no global cut) the
 * last training event + 1 ms. Every stage that computes "as of training" features uses it.
 */
export function trainingAsOf(split: Pick<LoadedSplit, 'info' | 'train'>): number {
  const cut = split.info.cutMs;
  if (typeof cut === 'number' && Number.isFinite(cut)) return cut;
  let last = -Infinity;
  for (let e = 0; e < split.train.n; e++) if (split.train.ts[e]! > last) last = split.train.ts[e]!;
  return last + 1;
}
