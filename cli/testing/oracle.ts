// Running the real sysdig 0.29.3 and Capsight side by side on one capture, for tests that compare
// their output (tests skip when sysdig is not installed).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/repo-root.js';

export const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;

const bin = join(repoRoot(), 'bin', 'capsight.js');
const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };

export interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

function run(cmd: string, args: readonly string[]): Run {
  const r = spawnSync(cmd, args, { env, encoding: 'latin1', maxBuffer: 1 << 28 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

export const sysdig = (args: readonly string[]): Run => run('sysdig', args);
export const capsight = (args: readonly string[]): Run => run(process.execPath, [bin, ...args]);

/**
 * Differences between sysdig and Capsight for each argument list on `file`: stdout byte for byte and
 * the exit status (stderr wording is not compared). Empty when all agree.
 */
export function differences(file: string, cases: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const args of cases) {
    const all = ['-r', file, ...args];
    const want = sysdig(all);
    const got = capsight(all);
    const label = args.join(' ') || '(default)';
    if (want.status !== got.status)
      out.push(`${label}: exit ${got.status}, sysdig ${want.status} (${want.stderr.trim()})`);
    if (want.stdout !== got.stdout) {
      const a = got.stdout.split('\n');
      const e = want.stdout.split('\n');
      let k = 0;
      while (k < a.length && a[k] === e[k]) k++;
      out.push(`${label}: line ${k + 1}: got ${JSON.stringify(a[k])}, sysdig ${JSON.stringify(e[k])}`);
    }
  }
  return out;
}
