// Timing helpers shared by the benchmarks: wall time of a command (best of N), its peak RSS, and a
// table printer. sysdig and Capsight always run in the same process of measurement, on the same file.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './bigfile.js';

export interface Run {
  ms: number;
  maxRssKb: number;
  stdoutBytes: number;
  status: number | null;
}

/** Runs argv (stdout counted, not kept) `times` times; returns the fastest run. */
export function timeCommand(argv: readonly string[], times: number, env: NodeJS.ProcessEnv = {}): Run {
  let best: Run | undefined;
  for (let k = 0; k < times; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(argv[0]!, argv.slice(1), {
      env: { ...process.env, TZ: 'UTC', ...env },
      maxBuffer: 1 << 30,
      encoding: 'buffer',
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = /capsight-maxrss-kb=(\d+)/.exec(r.stderr.toString());
    const run: Run = { ms, maxRssKb: m ? Number(m[1]) : NaN, stdoutBytes: r.stdout.length, status: r.status };
    if (!best || run.ms < best.ms) best = run;
  }
  return best!;
}

/** argv running the capsight CLI with peak-RSS reporting. */
export function capsightArgv(args: readonly string[]): string[] {
  return [process.execPath, join(repoRoot, 'dist', 'bench', 'rss.js'), ...args];
}

export function hasSysdig(): boolean {
  return spawnSync('sysdig', ['--version']).status === 0;
}

export function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows)
    console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '));
}
