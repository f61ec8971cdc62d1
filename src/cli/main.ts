#!/usr/bin/env node
/**
 * hgrec command line: one command per pipeline stage, `run` for all of them in order (the
 * paper's daily job), `demo` for the whole thing on built-in synthetic data.
 *
 * Exit codes: 0 success, 1 a stage failed, 2 bad usage or config, 3 a required earlier stage
 * has not been run in the workspace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { defaultConfig, loadConfig, parseConfig, type HgrecConfig } from './config.ts';
import { StageMissingError } from './stage.ts';
import { registerCommands } from './commands.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2, missingStage: 3 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface GlobalOptions {
  workspace?: string;
  config?: string;
  seed?: number;
  force?: boolean;
  quiet?: boolean;
  logJson?: boolean;
}

/** Parses an integer flag value, naming the flag on error. */
export function intArg(flag: string, min = 0): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} expects an integer ≥ ${min}, got '${v}'`);
    return n;
  };
}

/** Parses a number flag value, naming the flag on error. */
export function numArg(flag: string, min = 0): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${flag} expects a number ≥ ${min}, got '${v}'`);
    return n;
  };
}

/** The effective config: file (or defaults) with global flags applied on top. */
export function resolveConfig(g: GlobalOptions, overrides: (c: HgrecConfig) => void = () => {}): HgrecConfig {
  const c = g.config ? loadConfig(g.config) : defaultConfig();
  if (g.workspace) c.workspace = g.workspace;
  if (g.seed !== undefined) c.seed = g.seed;
  overrides(c);
  return parseConfig(c, g.config ?? 'flags');
}

/** Progress/log sink: human lines on stderr, or one JSON object per line with --log-json. */
export function makeLogger(g: GlobalOptions): (msg: string) => void {
  if (g.quiet) return () => {};
  if (g.logJson) return (msg) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', msg })}\n`);
  return (msg) => process.stderr.write(`${msg}\n`);
}

export function buildProgram(): Command {
  const program = new Command('hgrec')
    .description('2T-HGNN recommender: co-listening graph → heterogeneous GraphSAGE → two-tower retrieval')
    .option('-w, --workspace <dir>', 'workspace folder every stage reads and writes (default: config workspace, "workspace")')
    .option('-c, --config <file>', 'JSON config file (validated; missing fields take the SPEC defaults)')
    .addOption(new Option('--seed <n>', 'seed for every random choice').argParser(intArg('--seed')))
    .option('-f, --force', 're-run stages even when their inputs are unchanged')
    .option('-q, --quiet', 'no progress output')
    .option('--log-json', 'structured JSON log lines on stderr')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    const err = e as Error;
    process.stderr.write(`hgrec: ${err.message}\n`);
    if (process.env.HGREC_DEBUG) process.stderr.write(`${err.stack}\n`);
    if (e instanceof StageMissingError) return EXIT.missingStage;
    if (e instanceof UsageError || err.message.startsWith('config:')) return EXIT.usage;
    return EXIT.failed;
  }
}

const invokedDirectly = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
