/** Human-readable output of the CLI (tables and recommendation lists on stdout). */
import type { RecommendationAnswer } from '../serve/index.ts';

let sink: (s: string) => void = (s) => { process.stdout.write(s); };

/** Where the CLI's results go (stdout; tests capture them without touching process.stdout). */
export function stdout(s: string): void {
  sink(s);
}

/** Replaces the result sink; returns the previous one. */
export function setStdout(f: (s: string) => void): (s: string) => void {
  const prev = sink;
  sink = f;
  return prev;
}

/** Prints one user's recommendations with the history items that drove each pick. */
export function printRecommendations(userId: string, ans: RecommendationAnswer, out: (s: string) => void = stdout): void {
  out(`user ${userId} — top ${ans.items.length} ${ans.type} (model ${ans.modelVersion}, features as of ${ans.asOf})\n`);
  ans.items.forEach((it, i) => {
    const title = it.title ? ` ${it.title}` : '';
    const why = it.because.length ? `  ← because: ${it.because.join(', ')}` : '  ← from the user profile (no history)';
    out(`  ${String(i + 1).padStart(2)}. ${it.id}${title} (${it.score.toFixed(3)})${why}\n`);
  });
}

/** A plain text table: header row, then rows; columns padded to their widest cell. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmtNum(c) : c)))];
  const widths = header.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n') + '\n';
}

function fmtNum(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
