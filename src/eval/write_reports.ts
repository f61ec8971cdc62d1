// Writes report.json, report.md and report.html of a comparison into a folder, each atomically
// (temporary file in the same folder, then rename).

import { join } from 'node:path';
import { writeFileAtomic } from '../data/index.ts';
import type { ReportJson } from './report_types.ts';
import { renderMarkdown } from './report_md.ts';
import { renderHtml } from './report_html.ts';

/** Paths of the written reports. */
export interface ReportPaths {
  json: string;
  md: string;
  html: string;
}

/**
 * Writes the three report files into `outDir` (created if missing).
 * @example const paths = writeReports(await runComparison({...}), 'ws/eval');
 */
export function writeReports(report: ReportJson, outDir: string): ReportPaths {
  const paths = { json: join(outDir, 'report.json'), md: join(outDir, 'report.md'), html: join(outDir, 'report.html') };
  writeFileAtomic(paths.json, JSON.stringify(report, null, 1) + '\n');
  writeFileAtomic(paths.md, renderMarkdown(report));
  writeFileAtomic(paths.html, renderHtml(report));
  return paths;
}
