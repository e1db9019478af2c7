// The engine on real captures (../shared/samples, skipped when absent), checked against sysdig
// 0.29.3 (skipped when not installed) and against rescans of the same capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { openForReading } from './open.js';
import { buildIndex, type CaptureIndex } from './index/build.js';
import { aggregate, select } from './query/select.js';
import { listEvents, tableView } from './query/views.js';
import { Session } from './session.js';
import { Engine } from './engine.js';
import { viewDef } from '../core/views/defs.js';
import { ENTITY_KINDS, METRIC_COUNT, type TableViewDef } from '../core/views/types.js';
import type {
  Progress,
  Response,
  ViewResult,
  IoResult,
  OpenResult,
  OverviewResult,
} from '../core/protocol/messages.js';
import { makeBigCapture } from '../bench/bigfile.js';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const samples = resolve(root, '..', 'shared', 'samples');
const haveSamples = existsSync(samples);
const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;
const noSamples = haveSamples ? false : 'no ../shared/samples';
const noOracle = !haveSamples ? 'no ../shared/samples' : !haveSysdig ? 'sysdig is not installed' : false;
const sample = (n: string): string => (n.includes('/') ? n : join(samples, n));
/** The project's own capture (gzip; always in the repository). */
const LAMP = join(root, 'scap-samples', 'lamp-audit.scap.gz');

function sysdig(args: string[]): string {
  const r = spawnSync('sysdig', args, {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`sysdig ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const cache = new Map<string, CaptureIndex>();
function index(path: string): CaptureIndex {
  let ix = cache.get(path);
  if (!ix) {
    const reader = openForReading(path, { sysdigCompat: false });
    ix = buildIndex({ path, reader });
    reader.close();
    cache.set(path, ix);
  }
  return ix;
}

function column(r: ViewResult, id: string): ArrayLike<number | string> {
  const k = r.columns.findIndex((c) => c.id === id);
  assert.ok(k >= 0, `column ${id}`);
  return r.data[k]!.values;
}

function fullView(ix: CaptureIndex, id: string): ViewResult {
  return tableView(ix, viewDef(id) as TableViewDef, select(ix, undefined, undefined, null), {
    page: { offset: 0, limit: Number.MAX_SAFE_INTEGER },
  });
}

// Samples sysdig 0.29.3 reads (curl_google_comments has SHB options it cannot parse).
const ORACLE_SAMPLES = [
  '502Error.scap',
  'nginx_example0.scap',
  'example4-1.scap',
  'httpd.scap',
  'curl_google.scap',
  'connect_localhost.scap',
  'single_ipv6_conn.scap',
  'open-multiple-files.scap',
  'sample.scap',
  'run_as_user_0_container.scap',
  LAMP,
];

test('Processes view: events per pid equal sysdig -p %proc.pid tallies', { skip: noOracle }, () => {
  for (const name of ORACLE_SAMPLES) {
    const expected = new Map<string, number>();
    for (const l of sysdig(['-r', sample(name), '-p', '%proc.pid', 'evt.type!=switch']).split('\n')) {
      // <NA>: events without a thread; -1: libsinsp's placeholder threads (shown inconsistently).
      if (l === '' || l === '<NA>' || l === '-1') continue;
      expected.set(l, (expected.get(l) ?? 0) + 1);
    }
    const r = fullView(index(sample(name)), 'procs');
    const pid = column(r, 'pid');
    const ev = column(r, 'events');
    const actual = new Map<string, number>();
    for (let i = 0; i < pid.length; i++)
      if (String(pid[i]) !== '-1') actual.set(String(pid[i]), Number(ev[i]));
    assert.deepEqual([...actual].sort(), [...expected].sort(), name);
  }
});

/** sysdig's byte formatting in topconns (B, KB, M, G with two decimals). */
function bytesText(v: number): string {
  const u = ['B', 'KB', 'M', 'G'];
  let k = 0;
  let x = v;
  while (x >= 1024 && k < 3) {
    x /= 1024;
    k++;
  }
  return k === 0 ? `${v}B` : `${x.toFixed(2)}${u[k]}`;
}

test('Connections view: bytes per connection equal sysdig -c topconns', { skip: noOracle }, () => {
  for (const name of ORACLE_SAMPLES) {
    const lines = sysdig(['-r', sample(name), '-c', 'topconns'])
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    const r = fullView(index(sample(name)), 'connections');
    const names = column(r, 'name');
    const bin = column(r, 'bytes_in');
    const bout = column(r, 'bytes_out');
    const proto = column(r, 'l4proto');
    const mine = new Map<string, [string, string]>();
    for (let i = 0; i < names.length; i++)
      mine.set(String(names[i]), [bytesText(Number(bin[i]) + Number(bout[i])), String(proto[i])]);
    for (const l of lines) {
      const [bytes, p, conn] = l.trim().split(/\s+/) as [string, string, string];
      assert.deepEqual(mine.get(conn), [bytes, p], `${name}: ${conn}`);
    }
  }
});

test(
  'Files and Server Ports views equal sysdig -c topfiles_bytes / topports_server',
  { skip: noOracle },
  () => {
    for (const name of ORACLE_SAMPLES) {
      const ix = index(sample(name));
      for (const [chisel, view, key] of [
        ['topfiles_bytes', 'files', 'name'],
        ['topports_server', 'sports', 'port'],
      ] as const) {
        const lines = sysdig(['-r', sample(name), '-c', chisel])
          .split('\n')
          .slice(2)
          .filter((l) => l.trim() !== '');
        const r = fullView(ix, view);
        const k = column(r, key);
        const bin = column(r, view === 'files' ? 'bytes_in' : 'bps_in');
        const bout = column(r, view === 'files' ? 'bytes_out' : 'bps_out');
        // Server Ports shows rates: back to bytes with the window's length (the whole capture).
        const secs = view === 'files' ? 1 : (ix.tEnd + 1) / 1e9;
        const mine = new Map<string, string>();
        for (let i = 0; i < k.length; i++)
          mine.set(String(k[i]), bytesText(Math.round((Number(bin[i]) + Number(bout[i])) * secs)));
        for (const l of lines) {
          const [bytes, what] = l.trim().split(/\s+/) as [string, string];
          assert.equal(mine.get(what), bytes, `${name} ${chisel}: ${what}`);
        }
      }
    }
  },
);

test(
  'Processes view NET and FILE equal sysdig -c topprocs_net / topprocs_file (the chisels compute those columns)',
  { skip: noOracle },
  () => {
    let compared = 0;
    for (const name of ORACLE_SAMPLES) {
      const ix = index(sample(name));
      const r = fullView(ix, 'procs');
      const pids = column(r, 'pid');
      const secs = (ix.tEnd + 1) / 1e9; // the columns are rates over the whole capture
      for (const [chisel, col, top] of [
        ['topprocs_net', 'net', 100],
        ['topprocs_file', 'file', 10],
      ] as const) {
        const rows = sysdig(['-r', sample(name), '-c', chisel])
          .split('\n')
          .slice(2)
          .filter((l) => l.trim() !== '')
          .map((l) => l.trim().split(/\s+/));
        // A cut table may hide a pid's other names (the chisel keys on name and pid): skip those.
        if (rows.length >= top) continue;
        const v = column(r, col);
        const mine = new Map<string, string>();
        for (let i = 0; i < pids.length; i++)
          if (Number(v[i]) > 0) mine.set(String(pids[i]), bytesText(Math.round(Number(v[i]) * secs)));
        const perPid = new Map<string, string[]>();
        for (const row of rows) perPid.set(row.at(-1)!, [...(perPid.get(row.at(-1)!) ?? []), row[0]!]);
        for (const [pid, texts] of perPid) {
          if (texts.length !== 1) continue; // several names: the view sums them, the text can't
          assert.equal(mine.get(pid), texts[0], `${name} ${chisel}: pid ${pid}`);
          compared++;
        }
        assert.ok(perPid.size <= mine.size, `${name} ${chisel}: ${perPid.size} pids vs ${mine.size}`);
      }
    }
    assert.ok(compared > 10, `compared ${compared} rows`);
  },
);

test('Processes view CPU equals sysdig -c topprocs_cpu (procinfo ticks)', { skip: noOracle }, () => {
  for (const name of ['502Error.scap', 'example4-1.scap']) {
    const lines = sysdig(['-r', sample(name), '-c', 'topprocs_cpu'])
      .split('\n')
      .slice(2)
      .filter((l) => l.trim() !== '');
    const r = fullView(index(sample(name)), 'procs');
    const pid = column(r, 'pid');
    const cpu = column(r, 'cpu');
    const mine = new Map<string, string>();
    for (let i = 0; i < pid.length; i++) mine.set(String(pid[i]), `${Number(cpu[i]).toFixed(2)}%`);
    for (const l of lines) {
      const f = l.trim().split(/\s+/);
      const [pct, p] = [f[0]!, f[f.length - 1]!];
      assert.equal(mine.get(p) ?? '0.00%', pct, `${name}: pid ${p}`);
    }
  }
});

test('window sums from buckets equal rescans of the columns', { skip: noSamples }, () => {
  for (const name of ['502Error.scap', 'example4-1.scap', 'nginx_example5.scap']) {
    const ix = index(sample(name));
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 6; k++) {
      const a = rnd() * ix.tEnd;
      const b = a + rnd() * (ix.tEnd - a);
      const window = { t0: ix.t0 + BigInt(Math.floor(a)), t1: ix.t0 + BigInt(Math.floor(b)) };
      for (const kind of ENTITY_KINDS) {
        const fast = aggregate(ix, kind, select(ix, window, undefined, null));
        // Any restriction forces the scan path; an all-allowing one changes nothing else.
        const s = select(ix, window, undefined, null);
        s.allowThread = new Uint8Array(ix.ents.threadsTable.length).fill(1);
        const slow = aggregate(ix, kind, s);
        assert.equal(fast.length, slow.length);
        for (let i = 0; i < fast.length; i++)
          assert.equal(
            fast[i],
            slow[i],
            `${name} ${kind} entity ${Math.floor(i / METRIC_COUNT)} metric ${i % METRIC_COUNT}`,
          );
        // A drill-down by process sums (thread, fd) pair buckets; a type restriction forces a scan.
        const pid = ix.ents.processes[1 + (k % (ix.ents.processes.length - 1))]!.pid;
        const viaPairs = aggregate(ix, kind, select(ix, window, [{ field: 'proc.pid', value: pid }], null));
        const s2 = select(ix, window, [{ field: 'proc.pid', value: pid }], null);
        s2.allowType = new Uint8Array(0x10000).fill(1);
        const viaScan = aggregate(ix, kind, s2);
        for (let i = 0; i < viaPairs.length; i++)
          assert.equal(
            viaPairs[i],
            viaScan[i],
            `${name} ${kind} pid ${pid} entity ${Math.floor(i / METRIC_COUNT)} metric ${i % METRIC_COUNT}`,
          );
      }
    }
  }
});

test('filter bitsets equal the events sysdig selects with the same filter', { skip: noOracle }, () => {
  const hooks = { progress: () => undefined, cancelled: () => false };
  for (const [name, filter] of [
    ['502Error.scap', 'proc.name=curl'],
    ['502Error.scap', '(fd.type=ipv4 or fd.type=ipv6) and evt.dir=<'],
    ['nginx_example0.scap', 'evt.type in (open, openat) and evt.failed=true'],
  ] as const) {
    const ix = index(sample(name));
    const bits = new Session(ix).filterBits(filter, hooks);
    const mine: number[] = [];
    for (let i = 0; i < ix.cols.length; i++) if (bits[i >>> 5]! & (1 << (i & 31))) mine.push(i + 1);
    const theirs = sysdig(['-r', sample(name), '-p', '%evt.num', filter])
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
    assert.deepEqual(mine, theirs, `${name}: ${filter}`);
  }
});

test(
  'Containers view: ids and names equal sysdig’s container.id and container.name',
  { skip: noOracle },
  () => {
    for (const name of ORACLE_SAMPLES) {
      const r = fullView(index(sample(name)), 'containers');
      const ids = column(r, 'id');
      const names = column(r, 'name');
      const mine = new Set<string>();
      for (let k = 0; k < ids.length; k++) if (ids[k] !== '') mine.add(`${ids[k]} ${names[k]}`);
      const theirs = new Set(
        sysdig([
          '-r',
          sample(name),
          '-p',
          '%container.id %container.name',
          'container.id!=host and evt.type!=switch',
        ])
          .split('\n')
          .filter((l) => l !== ''),
      );
      assert.deepEqual([...mine].sort(), [...theirs].sort(), name);
    }
  },
);

test('list views select the events sysdig selects with the views’ filters', { skip: noOracle }, () => {
  for (const [name, id] of [
    ['run_as_user_0_container.scap', 'spy_users'],
    [LAMP, 'spy_users'],
    ['example4-1.scap', 'spy_users'],
  ] as const) {
    const ix = index(sample(name));
    const v = viewDef(id);
    assert.ok(v && v.kind === 'list');
    if (!v || v.kind !== 'list') return;
    const mine = Array.from(listEvents(ix, v, select(ix, undefined, undefined, null)), (i) => i + 1);
    const theirs = sysdig(['-r', sample(name), '-p', '%evt.num', v.filter])
      .split('\n')
      .filter((l) => l !== '')
      .map(Number);
    assert.ok(theirs.length > 0, `${name}: sysdig selects events`);
    assert.deepEqual(mine, theirs, `${name}: ${id}`);
  }
});

test('events page lines equal sysdig’s default output (plain and gzip captures)', { skip: noOracle }, () => {
  for (const [name, proc] of [
    ['nginx_example0.scap', 'nginx'],
    [LAMP, 'httpd'],
    [LAMP, 'sshd'],
  ] as const) {
    const ix = index(sample(name));
    const hooks = { progress: () => undefined, cancelled: () => false };
    const r = new Session(ix).handle(
      {
        kind: 'events',
        capture: 'x',
        page: { offset: 0, limit: 100_000 },
        scope: { drill: [{ field: 'proc.name', value: proc }] },
      },
      hooks,
    );
    assert.equal(r.kind, 'events');
    if (r.kind !== 'events') return;
    const theirs = sysdig(['-r', sample(name), `proc.name=${proc} and evt.type!=switch`])
      .split('\n')
      .filter((l) => l !== '');
    assert.equal(r.total, theirs.length, `${name} ${proc}`);
    assert.deepEqual(
      Array.from(r.nums),
      theirs.map((l) => Number(l.split(' ')[0])),
    );
    // Known limit: fd numbers in parameters that no earlier event of the process used (fds
    // inherited or dup'ed before the capture, poll lists) resolve by look-back and may show '?'.
    // Everything else must be identical; at most 1% of lines may carry such an fd.
    const differing = r.lines.filter((l, k) => l !== theirs[k]);
    assert.ok(
      differing.length <= theirs.length / 100,
      `${name} ${proc}: ${differing.length} of ${theirs.length} lines differ: ${differing.slice(0, 3).join(' | ')}`,
    );
  }
});

test(
  'engine worker: progress to 100%, views, drill-down chain, overview, several captures',
  { skip: noSamples },
  async () => {
    const engine = new Engine();
    try {
      const progress: Progress[] = [];
      const [a, b] = await Promise.all([
        engine.open(sample('502Error.scap'), (p) => progress.push(p)),
        engine.open(sample('nginx_example0.scap')),
      ]);
      assert.equal(a.kind, 'open');
      assert.equal(b.kind, 'open');
      const A = a as OpenResult;
      assert.ok(
        progress.length > 0 && progress[progress.length - 1]!.percent === 100,
        'progress reaches 100%',
      );
      assert.equal(A.events, 22381);

      const procs = (await engine.request({
        kind: 'view',
        capture: A.capture,
        view: 'procs',
        page: { offset: 0, limit: 5 },
        sort: { column: 'net', desc: true },
      })) as ViewResult;
      assert.equal(procs.kind, 'view');
      assert.ok(procs.total > 5 && procs.keys.length === 5);
      const pid = procs.keys[0]!;
      const conns = (await engine.request({
        kind: 'view',
        capture: A.capture,
        view: 'connections',
        page: { offset: 0, limit: 1000 },
        scope: { drill: [{ field: 'proc.pid', value: pid }] },
      })) as ViewResult;
      assert.ok(conns.total > 0);
      assert.ok(
        Array.from(column(conns, 'pid')).every((p) => p === pid),
        'connections of the process',
      );
      const fdName = String(conns.keys[0]);
      const io = (await engine.request({
        kind: 'io',
        capture: A.capture,
        page: { offset: 0, limit: 100 },
        scope: {
          drill: [
            { field: 'proc.pid', value: pid },
            { field: 'fd.name', value: fdName },
          ],
        },
      })) as IoResult;
      assert.equal(io.kind, 'io');
      assert.ok(io.records.length > 0 && io.records.every((r) => r.fd === fdName && r.pid === pid));
      // The process's share of the connection's bytes (both ends may be local processes).
      const inBytes = Number(column(conns, 'bytes_in')[0]) + Number(column(conns, 'bytes_out')[0]);
      assert.equal(io.total, io.records.length);
      assert.equal(
        io.records.reduce((s, r) => s + r.len, 0),
        inBytes,
        'I/O stream bytes = connection bytes',
      );

      const ov = (await engine.request({
        kind: 'overview',
        capture: A.capture,
        samples: 40,
      })) as OverviewResult;
      assert.equal(ov.kind, 'overview');
      const tile = (id: string) => ov.tiles.find((t) => t.id === id)!;
      assert.equal(tile('syscalls').series.length, 40);
      const sys = (await engine.request({
        kind: 'view',
        capture: A.capture,
        view: 'syscalls',
        page: { offset: 0, limit: 1e9 },
      })) as ViewResult;
      assert.ok(
        tile('syscalls').total >= Array.from(column(sys, 'count')).reduce((s: number, v) => s + Number(v), 0),
      );
      const netIn = tile('net_in').total;
      const sports = (await engine.request({
        kind: 'view',
        capture: A.capture,
        view: 'io_by_type',
        page: { offset: 0, limit: 100 },
      })) as ViewResult;
      assert.ok(sports.total > 0);
      // The same tile with a filter goes through the scan path and must agree with the index path.
      const ovF = (await engine.request({
        kind: 'overview',
        capture: A.capture,
        samples: 40,
        scope: { filter: 'evt.num>0' },
      })) as OverviewResult;
      assert.equal(ovF.kind, 'overview');
      for (const t of ovF.tiles) {
        const u = tile(t.id);
        if (u.id === 'procs' || u.id === 'containers' || u.id === 'listening_ports') continue; // gauges sample differently
        assert.equal(t.total, u.total, t.id);
      }
      assert.ok(netIn > 0);
    } finally {
      await engine.closeAll();
    }
  },
);

test('overview tiles count what sysdig selects with the tiles’ definitions', { skip: noOracle }, async () => {
  const count = (path: string, filter: string): number =>
    sysdig(['-r', path, '-p', '%evt.num', filter])
      .split('\n')
      .filter((l) => l !== '').length;
  const sum = (path: string, filter: string): number =>
    sysdig(['-r', path, '-p', '%evt.rawres', filter])
      .split('\n')
      .filter((l) => l !== '')
      .reduce((a, l) => a + Number(l), 0);
  for (const path of [LAMP, sample('502Error.scap')]) {
    const s = new Session(index(path));
    const r = s.handle(
      { kind: 'overview', capture: 'x', samples: 40 },
      { progress: () => undefined, cancelled: () => false },
    );
    assert.equal(r.kind, 'overview');
    if (r.kind !== 'overview') return;
    const tile = (id: string): number => r.tiles.find((t) => t.id === id)!.total;
    const io = 'evt.is_io=true and evt.dir=< and evt.rawres>0';
    assert.equal(
      tile('file_in'),
      sum(path, `fd.type=file and evt.is_io_read=true and ${io}`),
      `${path} file_in`,
    );
    assert.equal(
      tile('net_out'),
      sum(path, `(fd.type=ipv4 or fd.type=ipv6) and evt.is_io_write=true and ${io}`),
      `${path} net_out`,
    );
    assert.equal(
      tile('exec'),
      count(path, 'evt.type in (execve, execveat) and evt.dir=< and evt.rawres=0'),
      `${path} exec`,
    );
    assert.equal(
      tile('forks'),
      count(path, 'evt.type in (clone, clone3, fork, vfork) and evt.dir=< and evt.rawres>0'),
      `${path} forks`,
    );
    assert.equal(
      tile('http_resp'),
      count(path, `(fd.type=ipv4 or fd.type=ipv6) and ${io} and evt.buffer startswith "HTTP/"`),
      `${path} http_resp`,
    );
    // Series add up to the totals.
    for (const t of r.tiles)
      if (
        t.id !== 'procs' &&
        t.id !== 'containers' &&
        t.id !== 'listening_ports' &&
        !t.id.endsWith('files') &&
        t.id !== 'active_conns' &&
        t.id !== 'sys_files'
      ) {
        assert.equal(
          t.series.reduce((a, b) => a + b, 0),
          t.total,
          `${path} ${t.id} series`,
        );
      }
  }
});

test('export writes the selected events as a capture sysdig reads back', { skip: noOracle }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-export-'));
  try {
    const src = sample('502Error.scap');
    const ix = index(src);
    const out = join(dir, 'curl.scap');
    const hooks = { progress: () => undefined, cancelled: () => false };
    const r = new Session(ix).handle(
      { kind: 'export', capture: 'x', path: out, scope: { filter: 'proc.name=curl' } },
      hooks,
    );
    assert.equal(r.kind, 'export');
    const expected = sysdig(['-r', src, '-p', '%evt.time %proc.name %evt.type %evt.info', 'proc.name=curl']);
    const actual = sysdig(['-r', out, '-p', '%evt.time %proc.name %evt.type %evt.info']);
    assert.equal(r.kind === 'export' ? r.events : -1, expected.split('\n').filter((l) => l !== '').length);
    assert.equal(actual, expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'cancelling the index build stops the worker with a cancelled response',
  { skip: noSamples },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsight-cancel-'));
    try {
      const big = makeBigCapture(sample('502Error.scap'), join(dir, 'big.scap'), 40e6);
      const engine = new Engine();
      let cancelledAt = -1;
      const t0 = performance.now();
      const r: Response = await engine.open(big, (p) => {
        if (cancelledAt < 0 && p.percent < 100) {
          cancelledAt = p.percent;
          engine.cancel('c1');
        }
      });
      assert.equal(r.kind, 'cancelled', `after ${cancelledAt}% (${(performance.now() - t0).toFixed(0)} ms)`);
      assert.ok(cancelledAt >= 0 && cancelledAt < 100);
      await engine.closeAll();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
