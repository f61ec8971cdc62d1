/** Where the real data sets live: `../shared/datasets` next to the repository (never copied in). */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { DataError } from '../errors.ts';
import type { Roles } from '../schema.ts';

/** Repository root (the folder holding package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Default folder of the real data sets: <repo>/../shared/datasets. */
export const DATASETS_DIR = resolve(REPO_ROOT, '..', 'shared', 'datasets');

/** Default path of a data set folder (e.g. 'ciao'). */
export function datasetPath(name: string): string { return join(DATASETS_DIR, name); }

/** Throws a clear error when a data set folder or one of its files is missing. */
export function requireFiles(fn: string, dir: string, files: string[]): void {
  if (!existsSync(dir)) {
    throw new DataError(`${fn}: data set folder ${dir} does not exist (expected the real data sets in ../shared/datasets next to the repository, or pass { path })`);
  }
  for (const f of files) {
    if (!existsSync(join(dir, f))) throw new DataError(`${fn}: ${join(dir, f)} is missing (expected files: ${files.join(', ')})`);
  }
}

/** Canonical input files an adapter prepared, ready for `ingest`. */
export interface PreparedDataset {
  files: { items: string; interactions: string; users?: string };
  roles: Roles;
  /** provenance for manifest.source; `time: 'position'` makes the split default to leave-last-out */
  source: Record<string, unknown> & { adapter: string; time: 'timestamp' | 'position' };
}
