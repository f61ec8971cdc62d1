// report.html: one self-contained page (no scripts, no external files) with inline SVG charts:
// HR@10 / MRR / coverage per model per group, the coverage-vs-HR@10 trade-off, training curves,
// followed by report.md's tables rendered as HTML.

import type { ModelName, ModelResult, ReportJson, TrainingCurve } from './report_types.ts';
import { MODEL_LABELS, renderMarkdown } from './report_md.ts';

const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Metric = 'hr10' | 'mrr' | 'cov';
const METRIC_LABEL: Record<Metric, string> = { hr10: 'HR@10', mrr: 'MRR@100', cov: 'Coverage@100' };

/** Grouped bar chart: one group of bars per user group, one bar per model (mean, std whisker). */
export function barChart(models: Partial<Record<ModelName, ModelResult>>, metric: Metric, groups: readonly ('warm' | 'cold' | 'all' | 'longTail')[]): string {
  const names = Object.keys(models) as ModelName[];
  const W = 760, H = 280, left = 50, bottom = 40, top = 24, right = 150;
  let maxV = 0;
  for (const n of names) for (const g of groups) {
    const m = models[n]!.groups[g][metric];
    if (m) maxV = Math.max(maxV, m.mean + m.std);
  }
  maxV = maxV > 0 ? niceCeil(maxV) : 1;
  const plotW = W - left - right, plotH = H - top - bottom;
  const gw = plotW / groups.length, bw = (gw * 0.8) / Math.max(1, names.length);
  const y = (v: number) => top + plotH - (v / maxV) * plotH;
  const parts: string[] = [];
  for (let t = 0; t <= 4; t++) {
    const v = (maxV * t) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${fmtV(v, metric)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * gw + gw * 0.1;
    parts.push(`<text x="${left + gi * gw + gw / 2}" y="${H - bottom + 18}" text-anchor="middle" font-size="12">${g}</text>`);
    names.forEach((n, ni) => {
      const m = models[n]!.groups[g][metric];
      if (!m) return;
      const x = x0 + ni * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y(m.mean).toFixed(1)}" width="${(bw * 0.9).toFixed(1)}" height="${(top + plotH - y(m.mean)).toFixed(1)}" fill="${COLORS[ni % COLORS.length]}"><title>${esc(MODEL_LABELS[n] ?? n)} ${g}: ${fmtV(m.mean, metric)} ± ${fmtV(m.std, metric)}</title></rect>`);
      if (m.std > 0) {
        const cx = x + bw * 0.45;
        parts.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(m.mean + m.std).toFixed(1)}" y2="${y(Math.max(0, m.mean - m.std)).toFixed(1)}" stroke="#333"/>`);
      }
    });
  });
  names.forEach((n, ni) => {
    parts.push(`<rect x="${W - right + 10}" y="${top + ni * 18}" width="12" height="12" fill="${COLORS[ni % COLORS.length]}"/><text x="${W - right + 28}" y="${top + ni * 18 + 10}" font-size="11">${esc(MODEL_LABELS[n] ?? n)}</text>`);
  });
  return svg(W, H, `${METRIC_LABEL[metric]} per model and user group`, parts);
}

/** Scatter of coverage (x) vs HR@10 (y) on all users, one point per model. */
export function tradeoffChart(models: Partial<Record<ModelName, ModelResult>>, group: 'all' | 'warm' | 'cold' = 'all'): string {
  const W = 520, H = 320, left = 50, bottom = 40, top = 24, right = 20;
  const pts = (Object.keys(models) as ModelName[]).flatMap((n, i) => {
    const g = models[n]!.groups[group];
    return g.hr10 && g.cov ? [{ n, i, x: g.cov.mean, y: g.hr10.mean }] : [];
  });
  const maxX = niceCeil(Math.max(0.05, ...pts.map((p) => p.x))), maxY = niceCeil(Math.max(0.05, ...pts.map((p) => p.y)));
  const plotW = W - left - right, plotH = H - top - bottom;
  const sx = (v: number) => left + (v / maxX) * plotW, sy = (v: number) => top + plotH - (v / maxY) * plotH;
  const parts: string[] = [axes(left, top, plotW, plotH, maxX, maxY, (v) => `${(100 * v).toFixed(0)}%`, (v) => v.toFixed(2)),
    `<text x="${left + plotW / 2}" y="${H - 6}" text-anchor="middle" font-size="12">Coverage@100 (${group})</text>`,
    `<text x="12" y="${top + plotH / 2}" font-size="12" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle">HR@10</text>`];
  for (const p of pts) {
    parts.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="5" fill="${COLORS[p.i % COLORS.length]}"><title>${esc(MODEL_LABELS[p.n] ?? p.n)}: cov ${(100 * p.x).toFixed(1)}%, HR@10 ${p.y.toFixed(3)}</title></circle>` +
      `<text x="${(sx(p.x) + 7).toFixed(1)}" y="${(sy(p.y) - 6).toFixed(1)}" font-size="11">${esc(MODEL_LABELS[p.n] ?? p.n)}</text>`);
  }
  return svg(W, H, `Coverage vs HR@10 (${group} users)`, parts);
}

/** Training loss per epoch, one line per curve (first seed of each model), normalised to the first epoch. */
export function curvesChart(curves: TrainingCurve[], title: string, key: 'loss' | 'valHr10' = 'loss'): string {
  const cs = curves.filter((c) => c.points.some((p) => p[key] !== undefined && Number.isFinite(p[key])));
  if (cs.length === 0) return '';
  const W = 620, H = 280, left = 50, bottom = 40, top = 24, right = 170;
  const maxE = Math.max(...cs.flatMap((c) => c.points.map((p) => p.epoch)));
  const vals = cs.flatMap((c) => c.points.map((p) => p[key] as number).filter(Number.isFinite));
  const lo = Math.min(...vals), hi = Math.max(...vals);
  const pad = (hi - lo) * 0.05 || 0.05;
  const plotW = W - left - right, plotH = H - top - bottom;
  const sx = (e: number) => left + (maxE <= 1 ? 0.5 : (e - 1) / (maxE - 1)) * plotW;
  const sy = (v: number) => top + plotH - ((v - (lo - pad)) / (hi - lo + 2 * pad)) * plotH;
  const parts: string[] = [`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end" font-size="10">${(hi + pad).toFixed(3)}</text>`,
    `<text x="${left - 6}" y="${top + plotH}" text-anchor="end" font-size="10">${(lo - pad).toFixed(3)}</text>`,
    `<text x="${left + plotW / 2}" y="${H - 8}" text-anchor="middle" font-size="12">epoch (1..${maxE})</text>`];
  cs.forEach((c, i) => {
    const pts = c.points.filter((p) => Number.isFinite(p[key])).map((p) => `${sx(p.epoch).toFixed(1)},${sy(p[key] as number).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="2"/>`,
      `<rect x="${W - right + 10}" y="${top + i * 18}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="${W - right + 28}" y="${top + i * 18 + 10}" font-size="11">${esc(`${c.model} s${c.seed}`)}</text>`);
  });
  return svg(W, H, title, parts);
}

function axes(left: number, top: number, w: number, h: number, maxX: number, maxY: number, fx: (v: number) => string, fy: (v: number) => string): string {
  const p: string[] = [`<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`];
  for (let t = 0; t <= 4; t++) {
    const x = left + (w * t) / 4, yy = top + h - (h * t) / 4;
    p.push(`<text x="${x}" y="${top + h + 14}" text-anchor="middle" font-size="10">${fx((maxX * t) / 4)}</text>`,
      `<text x="${left - 6}" y="${yy + 4}" text-anchor="end" font-size="10">${fy((maxY * t) / 4)}</text>`);
  }
  return p.join('');
}

function svg(W: number, H: number, title: string, parts: string[]): string {
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg></figure>`;
}

function niceCeil(v: number): number {
  const e = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= v) return m * e;
  return 10 * e;
}

function fmtV(v: number, metric: Metric): string {
  return metric === 'cov' ? `${(100 * v).toFixed(0)}%` : v.toFixed(metric === 'hr10' ? 2 : 3);
}

/** Minimal Markdown → HTML for what renderMarkdown emits (headings, lists, tables, code blocks, paragraphs). */
export function markdownToHtml(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  const inline = (s: string) => esc(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>').replace(/`([^`]+)`/g, '<code>$1</code>');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      const buf: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) buf.push(lines[i]!);
      out.push(`<pre>${esc(buf.join('\n'))}</pre>`);
    } else if (l.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(lines[i]!.slice(1, -1).split('|').map((c) => c.trim()));
      i--;
      const [h, , ...body] = rows;
      out.push(`<table><thead><tr>${h!.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (l.startsWith('- ')) {
      const items: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('- '); i++) items.push(`<li>${inline(lines[i]!.slice(2))}</li>`);
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
    } else if (/^#{1,4} /.test(l)) {
      const n = l.indexOf(' ');
      out.push(`<h${n}>${inline(l.slice(n + 1))}</h${n}>`);
    } else if (l.trim()) out.push(`<p>${inline(l)}</p>`);
  }
  return out.join('\n');
}

/** Renders report.html (self-contained). */
export function renderHtml(r: ReportJson): string {
  const charts: string[] = [];
  const groups = ['warm', 'cold', 'all', 'longTail'] as const;
  for (const m of ['hr10', 'mrr', 'cov'] as const) charts.push(barChart(r.models, m, groups));
  charts.push(tradeoffChart(r.models, 'all'), tradeoffChart(r.models, 'warm'));
  const firstSeed = (cs: TrainingCurve[]) => {
    const seen = new Set<string>();
    return cs.filter((c) => (seen.has(c.model) ? false : (seen.add(c.model), true)));
  };
  const all = Object.values(r.models).flatMap((m) => m!.curves);
  charts.push(curvesChart(firstSeed(all.filter((c) => c.model.startsWith('hgnn'))), 'HGNN training loss per epoch'));
  charts.push(curvesChart(firstSeed(all.filter((c) => c.model.startsWith('hgnn'))), 'HGNN validation HR@10 (held-out graph edges) per epoch', 'valHr10'));
  charts.push(curvesChart(firstSeed(all.filter((c) => c.model.startsWith('two_tower'))), 'Two-tower training loss per epoch'));
  charts.push(curvesChart(firstSeed(all.filter((c) => c.model === 'lightgcn')), 'LightGCN BPR loss per epoch'));
  const md = renderMarkdown(r);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hgrec evaluation — ${esc(r.dataset)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.2em;font-size:13px}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}
th:first-child,td:first-child{text-align:left}pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:12px}
figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figcaption{font-weight:600;font-size:13px}</style></head>
<body>
<h1>hgrec offline evaluation — ${esc(r.dataset)}</h1>
<section id="charts">${charts.filter(Boolean).join('\n')}</section>
<section id="report">${markdownToHtml(md)}</section>
</body></html>
`;
}
