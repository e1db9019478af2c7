// bench/chisels: chisels against sysdig on the same file in the same run. Each round runs every case
// once with sysdig and once with Capsight, alternating which goes first, so the noise of a shared
// machine spreads over both; the table shows medians. The first row is the floor: state replay with
// no chisel and no output (-q), which every chisel pays before its own work.
//   npm run bench:chisels [-- SIZE_MB [ROUNDS]]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { largestSample, makeBigCapture, repoRoot } from './bigfile.js';
import { capsightArgv, hasSysdig, printTable } from './measure.js';

/** [label, arguments after `-r FILE`]: chisels of each kind (top-N tables, per-interval output,
 *  per-event output through a filter, thread-table dumps). */
const CASES: readonly [string, readonly string[]][] = [
  ['(floor: -q, no chisel)', ['-q']],
  ['topprocs_net', ['-c', 'topprocs_net']],
  ['topprocs_cpu', ['-c', 'topprocs_cpu']],
  ['topprocs_file', ['-c', 'topprocs_file']],
  ['topconns', ['-c', 'topconns']],
  ['topfiles_bytes', ['-c', 'topfiles_bytes']],
  ['iobytes_net', ['-c', 'iobytes_net']],
  ['spy_ip 192.168.0.2', ['-c', 'spy_ip', '192.168.0.2']],
  ['echo_fds proc.name=haproxy', ['-c', 'echo_fds', 'proc.name=haproxy']],
  ['netstat', ['-c', 'netstat']],
  ['ps', ['-c', 'ps']],
];

interface Sample {
  ms: number;
  digest: string;
  /** Digest of the sorted lines: equal when two outputs differ only in the order of rows. */
  sortedDigest: string;
  /** Digest of each line's first column, in order: a top-N table's values. */
  valuesDigest: string;
  status: number | null;
}

function runOnce(argv: readonly string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 30,
    encoding: 'buffer',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const digest = createHash('sha1').update(r.stdout).digest('hex');
  const lines = r.stdout.toString('latin1').split('\n');
  const sortedDigest = createHash('sha1')
    .update([...lines].sort().join('\n'), 'latin1')
    .digest('hex');
  const values = lines.map((l) => l.split(' ', 1)[0]).join('\n');
  const valuesDigest = createHash('sha1').update(values, 'latin1').digest('hex');
  return { ms, digest, sortedDigest, valuesDigest, status: r.status };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** How Capsight's output compares with sysdig's: byte-identical; or the same lines in another order
 *  (the order of equal values in a top-N table is arbitrary in the Lua chisels); or the same values
 *  column with other rows among equal values at the top-N cut (which of them make it is arbitrary
 *  too: cli/chisels.test.ts checks those rows properly); or different. */
function sameness(s: Sample, c: Sample): string {
  if (s.status !== c.status) return `no (status ${s.status} vs ${c.status})`;
  if (s.digest === c.digest) return 'yes';
  if (s.sortedDigest === c.sortedDigest) return 'rows (tie order)';
  return s.valuesDigest === c.valuesDigest ? 'values (tie cut)' : 'no';
}

const sizeMb = Number(process.argv[2] ?? process.env.BENCH_SIZE_MB ?? 1024);
const rounds = Math.max(1, Number(process.argv[3] ?? 3));
const sysdig = hasSysdig();
if (!sysdig)
  console.log('sysdig is not installed: printing Capsight figures only (apt-get install -y sysdig)');
const big = makeBigCapture(
  largestSample(),
  join(repoRoot, 'bench', 'data', `big-${sizeMb}mb.scap`),
  sizeMb * 1e6,
);
const mb = statSync(big).size / 1e6;
console.log(`file: ${big} (${mb.toFixed(1)} MB); ${rounds} rounds, medians; target: capsight <= 0.7x sysdig`);
const rows: string[][] = [['chisel', 'sysdig ms', 'capsight ms', 'ratio', 'same output']];
for (const [label, args] of CASES) {
  const sd: Sample[] = [];
  const cs: Sample[] = [];
  for (let r = 0; r < rounds; r++) {
    const runSysdig = (): void => void (sysdig && sd.push(runOnce(['sysdig', '-r', big, ...args])));
    const runCapsight = (): void => void cs.push(runOnce(capsightArgv(['-r', big, ...args])));
    if (r % 2 === 0) {
      runSysdig();
      runCapsight();
    } else {
      runCapsight();
      runSysdig();
    }
  }
  const c = median(cs.map((x) => x.ms));
  const s = sysdig ? median(sd.map((x) => x.ms)) : NaN;
  rows.push([
    label,
    Number.isNaN(s) ? '-' : s.toFixed(0),
    c.toFixed(0),
    Number.isNaN(s) ? '-' : (c / s).toFixed(2),
    sysdig ? sameness(sd[0]!, cs[0]!) : '-',
  ]);
}
printTable(rows);
