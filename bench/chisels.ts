// bench/chisels: chisels against sysdig on the same file in the same run. Each round runs every case
// once with sysdig and once with Capsight (and once with an older build, when given), in an order
// that rotates every round, so the noise of a shared machine spreads over all; the table shows
// medians. The first row is the floor: state replay with
// no chisel and no output (-q), which every chisel pays before its own work.
//   npm run bench:chisels [-- SIZE_MB [ROUNDS [BASE_DIST]]]   (BASE_DIST: an older build to A/B)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchCapture, repoRoot } from './bigfile.js';
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
  /** User + system CPU time of the child (NaN off Linux). */
  cpuMs: number;
  digest: string;
  /** Digest of the sorted lines: equal when two outputs differ only in the order of rows. */
  sortedDigest: string;
  /** Digest of each line's first column, in order: a top-N table's values. */
  valuesDigest: string;
  status: number | null;
}

/** CPU time (user + system) of this process's waited-for children so far: cutime + cstime of
 *  /proc/self/stat, in ms (USER_HZ = 100). NaN where there is no /proc. On a machine shared with
 *  other work this moves much less than wall time. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    // Fields after the command name in brackets (which may hold spaces): cutime and cstime are
    // fields 16 and 17 of the whole line, 13 and 14 after it.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return NaN;
  }
}

function runOnce(argv: readonly string[]): Sample {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), {
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 30,
    encoding: 'buffer',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = childrenCpuMs() - cpu0;
  const digest = createHash('sha1').update(r.stdout).digest('hex');
  const lines = r.stdout.toString('latin1').split('\n');
  const sortedDigest = createHash('sha1')
    .update([...lines].sort().join('\n'), 'latin1')
    .digest('hex');
  const values = lines.map((l) => l.split(' ', 1)[0]).join('\n');
  const valuesDigest = createHash('sha1').update(values, 'latin1').digest('hex');
  return { ms, cpuMs, digest, sortedDigest, valuesDigest, status: r.status };
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
// An older build to compare with (A/B in the same rounds): a folder holding another tsc output of
// the repository, e.g. `npx tsc -p . --outDir distA` at the base commit, in the repository root.
const baseDir = process.argv[4];
const baseRss = baseDir === undefined ? undefined : resolve(repoRoot, baseDir, 'bench', 'rss.js');
if (baseRss !== undefined && !existsSync(baseRss)) throw new Error(`no ${baseRss}`);
const sysdig = hasSysdig();
if (!sysdig)
  console.log('sysdig is not installed: printing Capsight figures only (apt-get install -y sysdig)');
const big = benchCapture(sizeMb);
const mb = statSync(big).size / 1e6;
console.log(`file: ${big} (${mb.toFixed(1)} MB); ${rounds} rounds, medians; target: capsight <= 0.7x sysdig`);
const header = [
  'chisel',
  'sysdig ms',
  'capsight ms',
  'ratio',
  'sysdig cpu',
  'capsight cpu',
  'cpu ratio',
  'same output',
];
if (baseRss !== undefined) header.push(`${baseDir} ms`, `${baseDir} cpu`, 'cpu ratio', `same as ${baseDir}`);
const rows: string[][] = [header];
const fmt = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(0));
const ratio = (a: number, b: number): string => (Number.isNaN(a / b) ? '-' : (a / b).toFixed(2));
for (const [label, args] of CASES) {
  // The commands of a case, run once each per round in an order that rotates every round.
  const cmds: (readonly string[])[] = [capsightArgv(['-r', big, ...args])];
  if (sysdig) cmds.push(['sysdig', '-r', big, ...args]);
  if (baseRss !== undefined) cmds.push([process.execPath, baseRss, '-r', big, ...args]);
  const runs: Sample[][] = cmds.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < cmds.length; k++) {
      const j = (k + r) % cmds.length;
      runs[j]!.push(runOnce(cmds[j]!));
    }
  }
  const ms = runs.map((xs) => median(xs.map((x) => x.ms)));
  const cpu = runs.map((xs) => median(xs.map((x) => x.cpuMs)));
  const sd = sysdig ? 1 : -1;
  const [s, sCpu] = sd > 0 ? [ms[sd]!, cpu[sd]!] : [NaN, NaN];
  const row = [
    label,
    fmt(s),
    fmt(ms[0]!),
    ratio(ms[0]!, s),
    fmt(sCpu),
    fmt(cpu[0]!),
    ratio(cpu[0]!, sCpu),
    sd > 0 ? sameness(runs[sd]![0]!, runs[0]![0]!) : '-',
  ];
  if (baseRss !== undefined) {
    const b = runs.length - 1;
    const same = runs[b]![0]!.digest === runs[0]![0]!.digest ? 'yes' : 'no';
    row.push(fmt(ms[b]!), fmt(cpu[b]!), ratio(cpu[b]!, sCpu), same);
  }
  rows.push(row);
}
printTable(rows);
