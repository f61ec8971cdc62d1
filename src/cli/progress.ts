/**
 * Progress bars for long stages (cli-progress) when stderr is a terminal; plain log lines
 * otherwise (CI, pipes, --log-json), so logs stay greppable.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the position (0..total) and the text shown after the bar. */
  update(value: number, info: string): void;
  /** Completes the bar (call on success). */
  stop(): void;
}

/** Whether bars are shown: an interactive stderr, not --quiet / --log-json, not CI. */
export function barsWanted(opts: { quiet?: boolean; json?: boolean } = {}): boolean {
  return !opts.quiet && !opts.json && !!process.stderr.isTTY && !process.env.CI;
}

/** A bar named `label` over `total` units, or null when bars are not wanted (see barsWanted). */
export function progressBar(label: string, total: number, opts: { quiet?: boolean; json?: boolean } = {}): Progress | null {
  if (!barsWanted(opts)) return null;
  const bar = new cliProgress.SingleBar({
    format: `${label} [{bar}] {value}/{total} {info}`, stream: process.stderr, hideCursor: true, clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { info: '' });
  return {
    update: (value, info) => bar.update(value, { info }),
    stop: () => { bar.update(bar.getTotal()); bar.stop(); }, // called after success only
  };
}
