// Chisels end to end through the CLI (`node bin/capsight.js -r SAMPLE -c ...`, TZ=UTC): the -c cases
// of ../shared/conformance against sysdig 0.29.3's recorded output, `-cl` against chisels.txt, and,
// when `sysdig` is installed, more chisels, arguments and filters on other samples against the live
// sysdig. Skipped when ../shared is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const shared = resolve(root, '..', 'shared');
const samples = join(shared, 'samples');
const conformance = join(shared, 'conformance');
const noShared = !existsSync(join(conformance, 'cases.tsv')) && 'no ../shared';
const noSysdig =
  spawnSync('sysdig', ['--version'], { encoding: 'latin1' }).status !== 0 && 'sysdig not installed';

interface Run {
  stdout: string;
  status: number | null;
}

/** Runs `prog -r sample ARGS` with ARGS in shell quoting (as cases.tsv writes them). */
function run(prog: string[], sample: string, args: string): Run {
  const r = spawnSync('bash', ['-c', `exec "$@" -r "$0" ${args}`, sample, ...prog], {
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    encoding: 'latin1',
    maxBuffer: 1 << 28,
  });
  return { stdout: r.stdout, status: r.status };
}

/** Rows a top-N chisel prints at most (the tie group at the cut may be any members of it). */
const TOP_N: Record<string, number> = {
  topprocs_net: 100,
  topports_server: 100,
  topconns: 30,
  topscalls: 30,
  topprocs_cpu: 10,
  topprocs_file: 10,
  topfiles_bytes: 10,
  topfiles_time: 10,
  topscalls_time: 30,
  topprocs_errors: 100,
  topfiles_errors: 100,
  fdbytes_by: 30,
  fdtime_by: 10,
  httptop: 30,
  topcontainers_net: 100,
  topcontainers_file: 10,
  topcontainers_error: 100,
  topcontainers_cpu: 10,
};

/**
 * ORACLE.md's `ties` rule: the value column in order, equal values compared as a multiset. When the
 * table is full (`topN` rows) the last tie group may also be cut differently: then only its size counts.
 */
function tiesDiff(actual: string, expected: string, topN = 0): string {
  const first = (l: string): string => l.trim().split(/\s+/)[0] ?? '';
  const groups = (text: string): [string, string[]][] => {
    const g: [string, string[]][] = [];
    for (const l of text.split('\n')) {
      const k = first(l);
      if (g.length > 0 && g[g.length - 1]![0] === k) g[g.length - 1]![1].push(l);
      else g.push([k, [l]]);
    }
    return g.map(([k, v]) => [k, v.sort()]);
  };
  const a = groups(actual);
  const e = groups(expected);
  if (a.length !== e.length) return `${a.length} value groups, expected ${e.length}`;
  const rows = expected.split('\n').filter((l) => l.trim() !== '').length - 2;
  for (let k = 0; k < a.length; k++) {
    const [ka, va] = a[k]!;
    const [ke, ve] = e[k]!;
    if (ka !== ke || va.length !== ve.length)
      return `group ${k + 1}: ${ka} x${va.length}, expected ${ke} x${ve.length}`;
    // The groups are [header, rule, values..., trailing ''], so the cut group is the one before ''.
    const cut = topN > 0 && rows === topN && k === a.length - 2;
    if (!cut && va.join('\n') !== ve.join('\n')) return `group ${k + 1} (${ka}): rows differ`;
  }
  return '';
}

function firstDiff(actual: string, expected: string): string {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let k = 0; k < Math.max(a.length, e.length); k++) {
    if (a[k] !== e[k]) return `line ${k + 1}: got ${JSON.stringify(a[k])}, expected ${JSON.stringify(e[k])}`;
  }
  return '';
}

test('-cl lists the chisels as sysdig does', { skip: noShared }, () => {
  const r = spawnSync('node', [bin, '-cl'], { encoding: 'latin1' });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, readFileSync(join(conformance, 'chisels.txt'), 'latin1'));
});

test('chisel cases of ../shared/conformance', { skip: noShared }, () => {
  const cases = readFileSync(join(conformance, 'cases.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((f) => f.length >= 4 && /(^| )-c /.test(f[2]!));
  assert.ok(cases.length >= 14, 'the chisel cases are there');
  const failures: string[] = [];
  for (const [id, sample, args, compare] of cases) {
    const r = run(['node', bin], join(samples, sample!), args!);
    const expected = readFileSync(join(conformance, 'expected', `${id}.txt`), 'latin1');
    const d =
      compare!.trim() === 'ties'
        ? tiesDiff(r.stdout, expected)
        : r.stdout === expected
          ? ''
          : firstDiff(r.stdout, expected);
    if (d !== '' || r.status !== 0) failures.push(`${id} (${args}): ${d || `exit ${r.status}`}`);
  }
  assert.deepEqual(failures, []);
});

const CHISELS = [
  'topprocs_net',
  'topprocs_cpu',
  'topprocs_file',
  'topconns',
  'topports_server',
  'topfiles_bytes',
  'topfiles_time',
  'topscalls',
  'iobytes_net',
  'iobytes_file',
  'echo_fds',
  'spy_file',
  'netstat',
  'lsof',
  'ps',
  'list_login_shells',
  'fileslower 0',
  'httplog',
  'spy_port 80',
];

// [sample, args]: arguments, filters, buffer formats and -n on top of the plain runs.
const VARIATIONS: [string, string][] = [
  ['httpd.scap', '-A -c echo_fds'],
  ['httpd.scap', '-X -c echo_fds'],
  ['httpd.scap', '-c echo_fds disable_color'],
  ['example4-1.scap', '-c echo_fds proc.name=mysqld'],
  ['example4-1.scap', '-c spy_port "3306 disable_colors"'],
  ['502Error.scap', '-c spy_ip 192.168.0.2 proc.name=haproxy'],
  ['example4-1.scap', '-c lsof proc.name=mysqld'],
  ['example4-1.scap', `-c lsof "'fd.name contains /etc'"`],
  ['example4-1.scap', '-c ps fd.type=file'],
  ['502Error.scap', '-c netstat fd.port=80'],
  ['502Error.scap', '-c lsof "" "evt.num>22000"'],
  ['example4-1.scap', '-n 500 -c topprocs_cpu'],
  ['example4-1.scap', '-c topconns proc.name=apache2'],
  ['example4-1.scap', '-c fileslower 1'],
  ['example4-1.scap', '-c fileslower abc'],
  ['example4-1.scap', '-c spy_file "W /var/log/apache2/access.log"'],
  ['example4-1.scap', '-X -c spy_file'],
  ['example4-1.scap', '-c list_login_shells curl'],
  ['502Error.scap', '-c iobytes_net proc.name=curl'],
  ['example4-1.scap', '-c topscalls_time'],
  ['example4-1.scap', '-c topprocs_errors'],
  ['example4-1.scap', '-c topfiles_errors'],
  ['example4-1.scap', '-c fdbytes_by proc.name'],
  ['502Error.scap', '-c fdbytes_by fd.sport'],
  ['example4-2.scap', '-c fdtime_by fd.name'],
  ['example4-2.scap', '-c iobytes'],
  ['502Error.scap', '-c netlower 0'],
  ['502Error.scap', '-c scallslower 1'],
  ['cat_write.scap', '-c stdout'],
  ['502Error.scap', '-c topcontainers_net'],
  ['502Error.scap', '-c topcontainers_error'],
  ['example4-1.scap', '-c topcontainers_file'],
  ['502Error.scap', '-c topcontainers_cpu'],
  ['502Error.scap', '-c proc_exec_time'],
  ['example4-1.scap', '-c proc_exec_time disable_colors'],
  ['example4-1.scap', '-c fdcount_by fd.type'],
  ['502Error.scap', '-c bottlenecks'],
  ['sample.scap', '-c bottlenecks'],
  ['502Error.scap', '-c httptop'],
  ['example4-1.scap', '-c httptop time'],
  ['example4-2.scap', '-c httptop bytes'],
  ['502Error.scap', '-c httptop xyz'],
  ['example4-2.scap', '-c spy_logs'],
  ['example4-1.scap', '-A -c spy_logs'],
  ['example4-1.scap', '-c spy_users'],
  ['502Error.scap', `-c spy_users "0 disable_color"`],
  ['502Error.scap', '-c lscontainers'],
  ['run_as_user_0_container.scap', '-c lscontainers'],
  ['sample.scap', '-c shellshock_detect'],
  // -pc/-pk/-pm: the top tables add container columns.
  ['502Error.scap', '-pc -c topprocs_net'],
  ['502Error.scap', '-pc -c topconns'],
  ['run_as_user_0_container.scap', '-pc -c topports_server'],
  ['run_as_user_0_container.scap', '-pk -c topprocs_file'],
  ['502Error.scap', '-pcontainer -c topfiles_bytes'],
  ['example4-1.scap', '-pm -c topfiles_time'],
  ['502Error.scap', '-pc -c topscalls'],
  ['example4-1.scap', '-pc -c topscalls_time'],
  ['run_as_user_0_container.scap', '-pc -c topprocs_errors'],
  ['example4-1.scap', '-pc -c topfiles_errors'],
  ['run_as_user_0_container.scap', '-pc -c topprocs_cpu'],
  ['502Error.scap', '-pc -c topprocs_cpu'],
  ['run_as_user_0_container.scap', '-pc -c list_login_shells'],
  ['run_as_user_0_container.scap', '-pc -c fileslower 0'],
  ['502Error.scap', '-pc -c netlower 0'],
  ['502Error.scap', '-pc -c scallslower 1'],
  ['502Error.scap', '-pc -c proc_exec_time'],
  ['run_as_user_0_container.scap', '-pc -c echo_fds'],
  ['run_as_user_0_container.scap', '-pc -c spy_users'],
  ['502Error.scap', '-pc -c httplog'],
  ['502Error.scap', '-pc -c httptop'],
  ['502Error.scap', '-pc -c stderr'],
  ['example4-2.scap', '-pc -c spy_logs'],
];

test('chisels against the live sysdig', { skip: noShared || noSysdig, timeout: 600_000 }, () => {
  const runs: [string, string][] = [];
  for (const s of [
    '502Error.scap',
    'example4-2.scap',
    'nginx_example0.scap',
    'sample.scap',
    'test_ipv6_client.scap',
  ]) {
    for (const c of CHISELS) runs.push([s, `-c ${c}`]);
  }
  runs.push(...VARIATIONS);
  const failures: string[] = [];
  for (const [s, args] of runs) {
    const sample = join(samples, s);
    const want = run(['sysdig'], sample, args);
    const got = run(['node', bin], sample, args);
    const name = /-c (\S+)/.exec(args)![1]!;
    const topN = TOP_N[name];
    let d = '';
    if (got.stdout !== want.stdout)
      d = topN !== undefined ? tiesDiff(got.stdout, want.stdout, topN) : firstDiff(got.stdout, want.stdout);
    if (d !== '' || got.status !== want.status)
      failures.push(`${s} ${args}: ${d || `exit ${got.status}, sysdig ${want.status}`}`);
  }
  assert.deepEqual(failures, []);
});

test(
  "-j: top tables as sysdig's JSON (same content; sysdig's key order varies by run)",
  { skip: noShared || noSysdig },
  () => {
    const sample = join(samples, 'example4-1.scap');
    for (const args of ['-j -c topconns', '-j -c topports_server', '-j -c topprocs_net']) {
      // Rows with equal values come in any order: compare the value sequence, then the rows as a set.
      const norm = (text: string): unknown => {
        const j = JSON.parse(text) as { data: unknown[][] };
        const values = j.data.map((r) => r[r.length - 1]);
        return { ...j, data: j.data.map((r) => JSON.stringify(r)).sort(), values };
      };
      assert.deepEqual(
        norm(run(['node', bin], sample, args).stdout),
        norm(run(['sysdig'], sample, args).stdout),
        args,
      );
    }
    for (const args of ['-j -c echo_fds', '-j -c spy_port 3306']) {
      assert.equal(run(['node', bin], sample, args).stdout, run(['sysdig'], sample, args).stdout, args);
    }
  },
);

/** Runs `prog -r sample ARGS` in a fresh directory; returns what it printed and the files it left. */
function runInDir(
  prog: string[],
  sample: string,
  args: string,
): Run & { stderr: string; files: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-chisel-'));
  try {
    const r = spawnSync('bash', ['-c', `exec "$@" -r "$0" ${args}`, sample, ...prog], {
      cwd: dir,
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      encoding: 'latin1',
      maxBuffer: 1 << 28,
    });
    const files = new Map<string, string>();
    const walk = (rel: string): void => {
      for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
        const p = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) {
          files.set(`${p}/`, '');
          walk(p);
        } else files.set(p, readFileSync(join(dir, p), 'latin1'));
      }
    };
    walk('');
    // udp_extract.lua also runs Windows' `md`, whose "not found" lands in a file named nul.
    files.delete('nul');
    return { stdout: r.stdout, stderr: r.stderr, status: r.status, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test(
  'udp_extract: the same files, bytes and output as the live sysdig',
  { skip: noShared || noSysdig },
  () => {
    const runs: [string, string][] = [
      ['502Error.scap', '-c udp_extract'],
      ['curl_google.scap', '-c udp_extract'],
      ['example4-1.scap', '-c udp_extract'],
      ['example4-2.scap', '-c udp_extract'],
      ['test_ipv6_client.scap', '-c udp_extract'],
      ['test_ipv6_client.scap', '-c udp_extract evt.type=sendto'],
      ['502Error.scap', '-n 3000 -c udp_extract'],
      ['nginx_example0.scap', '-c udp_extract'],
    ];
    let files = 0;
    for (const [s, args] of runs) {
      const sample = join(samples, s);
      const want = runInDir(['sysdig'], sample, args);
      const got = runInDir(['node', bin], sample, args);
      assert.equal(got.status, want.status, `${s} ${args}`);
      assert.equal(got.stdout, want.stdout, `${s} ${args}`);
      assert.deepEqual(got.files, want.files, `${s} ${args}`);
      files += [...want.files.keys()].filter((k) => !k.endsWith('/')).length;
    }
    assert.ok(files >= 6, 'the samples have UDP streams to extract');
  },
);

test(
  'subsecoffset, spectrogram off a terminal: the argument check, then the refusal',
  { skip: noShared || noSysdig },
  () => {
    const sample = join(samples, 'cat_write.scap');
    for (const chisel of ['subsecoffset', 'spectrogram']) {
      for (const arg of ['', '100', 'abc', 'inf', '0b1', '0x1p4', '5e', '1e5.5']) {
        const args = `-c ${chisel} ${arg}`;
        const want = runInDir(['sysdig'], sample, args);
        const got = runInDir(['node', bin], sample, args);
        assert.deepEqual([got.status, got.stdout, got.stderr], [want.status, want.stdout, want.stderr], args);
      }
    }
  },
);

const noScript = spawnSync('script', ['--version']).status !== 0 && 'no script(1) for a pseudo-terminal';

/** Runs `prog -r sample ARGS` on a pseudo-terminal of the given size; returns all it wrote there. */
function runOnTty(prog: string, sample: string, args: string, cols: number, rows: number): string {
  const cmd = `stty cols ${cols} rows ${rows}; ${prog} -r '${sample}' ${args}; echo "exit $?"`;
  const r = spawnSync('script', ['-q', '-c', cmd, '/dev/null'], {
    env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
    encoding: 'latin1',
    maxBuffer: 1 << 28,
  });
  return r.stdout;
}

test(
  'on a terminal: spectrogram and subsecoffset draw as sysdig does; chisels end with its colour reset',
  { skip: noShared || noSysdig || noScript, timeout: 600_000 },
  () => {
    const runs: [string, string, number][] = [
      ['502Error.scap', '-c spectrogram', 100],
      ['502Error.scap', '-c subsecoffset', 100],
      ['502Error.scap', '-c spectrogram 100', 37],
      ['502Error.scap', '-c subsecoffset 250', 137],
      ['502Error.scap', '-c spectrogram proc.name=haproxy', 80],
      ['502Error.scap', '-n 2000 -c subsecoffset', 80],
      ['example4-1.scap', '-c spectrogram', 80],
      ['example4-1.scap', '-c subsecoffset 0.5', 61],
      ['sample.scap', '-c spectrogram 1000', 120],
      ['nginx_example0.scap', '-c subsecoffset', 80],
      ['502Error.scap', '-c topprocs_net', 80],
      ['502Error.scap', '-c spy_ip 192.168.0.2', 80],
      ['502Error.scap', "-p '%evt.num' -c topfiles_bytes", 80],
    ];
    for (const [s, args, cols] of runs) {
      const sample = join(samples, s);
      const want = runOnTty('sysdig', sample, args, cols, 30);
      const got = runOnTty(`node '${bin}'`, sample, args, cols, 30);
      assert.ok(want.includes('exit '), `${s} ${args}: sysdig ran`);
      if (got !== want) assert.fail(`${s} ${args} (${cols} columns): ${firstDiff(got, want)}`);
    }
  },
);
