/**
 * Amazon Food–Kitchen adapter (../shared/datasets/amazon-food-kitchen, README there).
 * Two item types with titles, order but no timestamps.
 *
 * - Domain B (Home & Kitchen, 27,637 items) is the target type ('audiobook' role) and domain A
 *   (Grocery, 8,661 items) the graph type ('podcast' role) by default: the README's use case is
 *   "mostly-A users get B recommendations". `target: 'A'` swaps them. Type names are
 *   configurable (`typeNames`); genre = the domain name; language 'en'; description ''.
 * - Sequence indices: A items 0..8660, B items 8661.. (= 8661 + index in item_set_B.tsv).
 * - Files: train_A, train_B, train_overlap, valid, test each number their users from 1, so each
 *   line is its own user: ids 'A<n>', 'B<n>', 'O<n>', 'V<n>', 'T<n>'. Every item of a line is a
 *   `stream`; its position is its time: ts = 2000-01-01 + position days (weight NULL). The
 *   manifest records `time: 'position'`, so the split defaults to leave-last-out (the last
 *   target-type item of each user is the test row; the valid/test files' own last items are
 *   thus test rows whenever they are of the target type).
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { datasetPath, requireFiles, type PreparedDataset } from './paths.ts';

export interface FoodKitchenOptions {
  /** data set folder (default ../shared/datasets/amazon-food-kitchen) */
  path?: string;
  /** folder for the prepared canonical CSV inputs (created) */
  outDir: string;
  /** which domain is the target type (default 'B', Home & Kitchen) */
  target?: 'A' | 'B';
  /** item type names for the target and the other domain (default audiobook / podcast) */
  typeNames?: { target: string; other: string };
}

const FILES = ['num.txt', 'item_set_A.tsv', 'item_set_B.tsv', 'text_A.tsv', 'text_B.tsv', 'train_A.txt', 'train_B.txt', 'train_overlap.txt', 'valid.txt', 'test.txt'];
const SEQ_FILES: [string, string][] = [['train_A.txt', 'A'], ['train_B.txt', 'B'], ['train_overlap.txt', 'O'], ['valid.txt', 'V'], ['test.txt', 'T']];
const DOMAIN_NAMES = { A: 'Grocery', B: 'Home & Kitchen' };
const BASE_MS = Date.UTC(2000, 0, 1);

export interface FoodKitchenStats { itemsA: number; itemsB: number; users: Record<string, number>; interactions: number }

function tsv(path: string, fn: string): string[][] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: string[][] = [];
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (l === '') continue;
    const f = l.split('\t');
    if (f.length !== 2) throw new DataError(`${fn}: ${path} line ${i + 1}: expected 2 tab-separated fields, found ${f.length}`);
    out.push(f);
  }
  return out;
}

const csvQ = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * Converts Amazon Food–Kitchen into canonical items/interactions CSV files in `outDir`.
 * @example const p = await prepareFoodKitchen({ outDir: 'ws/.raw' }); await ingest({ workspace: 'ws', ...p.files, roles: p.roles, source: p.source })
 */
export async function prepareFoodKitchen(opts: FoodKitchenOptions): Promise<PreparedDataset & { stats: FoodKitchenStats }> {
  const fn = 'prepareFoodKitchen';
  const dir = opts.path ?? datasetPath('amazon-food-kitchen');
  requireFiles(fn, dir, FILES);
  const target = opts.target ?? 'B';
  if (target !== 'A' && target !== 'B') throw new DataError(`${fn}: target must be 'A' or 'B', got '${String(target)}'`);
  const names = opts.typeNames ?? { target: 'audiobook', other: 'podcast' };
  const typeOf = { A: target === 'A' ? names.target : names.other, B: target === 'B' ? names.target : names.other };
  const num = readFileSync(join(dir, 'num.txt'), 'utf8').trim().split(/\s+/).map(Number);
  if (num.length < 2 || !num.every(Number.isInteger)) throw new DataError(`${fn}: ${join(dir, 'num.txt')}: expected two item counts, got '${num.join(' ')}'`);
  const [nA, nB] = num;
  // sequence index -> asin, and asin -> title
  const seqAsin: string[] = new Array(nA + nB);
  const domainOf = (k: number) => (k < nA ? 'A' : 'B') as 'A' | 'B';
  for (const [d, off] of [['A', 0], ['B', nA]] as const) {
    for (const [asin, idx] of tsv(join(dir, `item_set_${d}.tsv`), fn)) {
      const k = Number(idx) + off;
      if (!Number.isInteger(Number(idx)) || k >= (d === 'A' ? nA : nA + nB)) throw new DataError(`${fn}: item_set_${d}.tsv: index ${idx} out of range for ${d === 'A' ? nA : nB} items`);
      seqAsin[k] = `${d}:${asin}`;
    }
  }
  const titles = new Map<string, string>();
  for (const d of ['A', 'B'] as const) for (const [asin, title] of tsv(join(dir, `text_${d}.tsv`), fn)) titles.set(`${d}:${asin}`, title);
  mkdirSync(opts.outDir, { recursive: true });
  const files = { items: join(opts.outDir, 'items.csv'), interactions: join(opts.outDir, 'interactions.csv') };
  const tmp = (p: string) => `${p}.tmp-${process.pid}`;
  const items: string[] = ['item_id,type,title,description,language,genre'];
  for (let k = 0; k < seqAsin.length; k++) {
    const id = seqAsin[k];
    if (id === undefined) throw new DataError(`${fn}: sequence index ${k} has no asin in item_set_${domainOf(k)}.tsv`);
    const d = domainOf(k);
    items.push([id, typeOf[d], titles.get(id) ?? '', '', 'en', DOMAIN_NAMES[d]].map(csvQ).join(','));
  }
  const fdI = openSync(tmp(files.items), 'w');
  writeSync(fdI, items.join('\n') + '\n');
  closeSync(fdI);
  const fd = openSync(tmp(files.interactions), 'w');
  writeSync(fd, 'user_id,item_id,kind,ts\n');
  const users: Record<string, number> = {};
  let interactions = 0;
  for (const [file, prefix] of SEQ_FILES) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const buf: string[] = [];
    let nu = 0;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].replace(/\r$/, '');
      if (l === '') continue;
      const tab = l.indexOf('\t');
      if (tab < 0) throw new DataError(`${fn}: ${join(dir, file)} line ${i + 1}: expected 'user<TAB>items', found no tab`);
      const user = `${prefix}${l.slice(0, tab)}`;
      const seq = l.slice(tab + 1).split(',');
      for (let p = 0; p < seq.length; p++) {
        const k = Number(seq[p]);
        if (!Number.isInteger(k) || k < 0 || k >= seqAsin.length) {
          throw new DataError(`${fn}: ${join(dir, file)} line ${i + 1}: item index '${seq[p]}' out of range [0, ${seqAsin.length})`);
        }
        buf.push(`${user},${csvQ(seqAsin[k])},stream,${new Date(BASE_MS + p * 86_400_000).toISOString()}`);
      }
      interactions += seq.length;
      nu++;
    }
    users[file] = nu;
    if (buf.length) writeSync(fd, buf.join('\n') + '\n');
  }
  closeSync(fd);
  renameSync(tmp(files.items), files.items);
  renameSync(tmp(files.interactions), files.interactions);
  const stats: FoodKitchenStats = { itemsA: nA, itemsB: nB, users, interactions };
  return {
    files,
    roles: { target: names.target, graph: [names.target, names.other], taste: [] },
    source: { adapter: 'food-kitchen', time: 'position', path: dir, target, typeNames: names, stats },
    stats,
  };
}
