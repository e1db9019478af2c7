// StateTracker against sysdig 0.29.3 itself: every sample in ../shared/samples is replayed, the
// thread/fd fields below are rendered from the tracker's EventState by a small local renderer
// (libsinsp's extraction rules for these fields), and compared line by line with
// `sysdig -r SAMPLE -p "*..."`. Skips when the samples, sysdig or the native reader are absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { COMPAT_EVENT_MAX, EVENTS, PPME } from '../schema/index.js';
import type { EventBatch } from '../capture.js';
import { FdKind } from '../capture.js';
import { StateTracker, type TrackedEventState } from './tracker.js';
import { Thread } from './thread.js';
import { readText, readInt } from './params.js';
import { concatenatePaths, sanitizeString } from './paths.js';
import { socktupleString } from './render.js';
import { ipv4String, ipv6String } from './sockinfo.js';
import { encodeCapture } from '../scapwrite/index.js';
import type { RawEvent } from '../scapwrite/index.js';
import type { CaptureHeader, ProcEntry } from '../capture.js';
import { repoRoot } from '../../scripts/repo-root.js';

const SAMPLES = join(repoRoot(), '..', 'shared', 'samples');
const HAVE_SAMPLES = existsSync(join(SAMPLES, 'SOURCES.md'));
const HAVE_SYSDIG = spawnSync('sysdig', ['--version'], { encoding: 'utf8' }).status === 0;

type Native = typeof import('../../native/index.js');
let native: Native | undefined;
try {
  native = await import('../../native/index.js');
  // The addon loads on first open: probe it once so a missing build skips instead of failing.
  if (HAVE_SAMPLES) {
    native
      .openCapture(join(SAMPLES, 'syscall.scap'), native.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX))
      .close();
  }
} catch {
  native = undefined;
}

const SEP = '|#|';
const DONT_CARE = '\u0000';
const FIELDS = [
  'evt.num',
  'thread.tid',
  'proc.pid',
  'proc.ppid',
  'proc.name',
  'proc.exe',
  'proc.args',
  'proc.cwd',
  'user.uid',
  'thread.vtid',
  'proc.vpid',
  'evt.latency',
  'fd.num',
  'fd.type',
  'fd.typechar',
  'fd.name',
  'fd.l4proto',
  'container.id',
];

const L4_NAMES = ['<NA>', '<NA>', 'tcp', 'udp', 'icmp', 'raw'];

/** sysdig's fd.typechar for an fd event whose fd is unknown (extract_from_null_fd). */
function nullFdTypechar(type: number): string {
  switch (type & ~1) {
    case PPME.SYSCALL_OPEN_E:
    case PPME.SYSCALL_OPENAT_E:
    case PPME.SYSCALL_OPENAT_2_E:
    case PPME.SYSCALL_OPENAT2_E:
    case PPME.SYSCALL_CREAT_E:
      return 'f';
    case PPME.SOCKET_SOCKET_E:
    case PPME.SOCKET_ACCEPT_E:
    case PPME.SOCKET_ACCEPT_5_E:
    case PPME.SOCKET_ACCEPT4_E:
    case PPME.SOCKET_ACCEPT4_5_E:
      return '4';
    case PPME.SYSCALL_PIPE_E:
      return 'p';
    case PPME.SYSCALL_EVENTFD_E:
      return 'e';
    case PPME.SYSCALL_SIGNALFD_E:
      return 's';
    case PPME.SYSCALL_TIMERFD_CREATE_E:
      return 't';
    case PPME.SYSCALL_INOTIFY_INIT_E:
      return 'i';
    default:
      return 'o';
  }
}

function param(b: EventBatch, i: number, k: number): { o: number; l: number } | undefined {
  const base = b.paramBase[i]!;
  if (k >= b.paramBase[i + 1]! - base) return undefined;
  return { o: b.paramOff[base + k]!, l: b.paramLen[base + k]! };
}

/** fd.name when the event has no fd (extract_fdname_from_creator). */
function nameFromCreator(b: EventBatch, i: number, t: Thread, tracker: StateTracker): string {
  const type = b.type[i]!;
  if ((type & 1) === 0) return '<NA>';
  switch (type) {
    case PPME.SYSCALL_OPEN_X:
    case PPME.SYSCALL_CREAT_X: {
      const p = param(b, i, 1);
      if (p === undefined) return '';
      const path = readText(b.arena, p.o, p.l);
      if (p.l > 0 && !path.startsWith('<NA>') && path.charCodeAt(0) !== 0x2f) {
        return concatenatePaths(t.cwd, path, p.l);
      }
      return path;
    }
    case PPME.SOCKET_ACCEPT_X:
    case PPME.SOCKET_ACCEPT_5_X:
    case PPME.SOCKET_ACCEPT4_X:
    case PPME.SOCKET_ACCEPT4_5_X:
    case PPME.SOCKET_CONNECT_X: {
      const p = param(b, i, 1);
      return p === undefined ? '' : socktupleString(b.arena, p.o, p.l);
    }
    case PPME.SYSCALL_OPENAT_X:
      // Needs the enter event, which libsinsp has released by the time fields are read.
      return '<NA>';
    case PPME.SYSCALL_OPENAT_2_X:
    case PPME.SYSCALL_OPENAT2_X: {
      const n = param(b, i, 2);
      const d = param(b, i, 1);
      if (n === undefined || d === undefined) return '';
      const name = readText(b.arena, n.o, n.l);
      const dirfd = readInt(b.arena, d.o, d.l);
      let sdir: string;
      if (name.charCodeAt(0) === 0x2f) sdir = '.';
      else if (dirfd === -100) sdir = t.cwd;
      else {
        const f = tracker.thread(t.tid)?.fds.get(dirfd);
        sdir = f === undefined ? '<UNKNOWN>' : f.name + '/';
      }
      return concatenatePaths(sdir, name, n.l);
    }
    default:
      return '';
  }
}

function render(b: EventBatch, i: number, st: TrackedEventState, tracker: StateTracker): string {
  const type = b.type[i]!;
  const t = st.thread;
  const na = '<NA>';
  const cols: string[] = [String(b.firstNum + i), String(b.tid[i])];
  if (t === undefined) {
    cols.push(na, na, na, na, na, na, na, na, na);
  } else {
    const main = t.isMainThread() ? t : (tracker.thread(t.pid) as Thread | undefined);
    cols.push(
      String(t.pid),
      main === undefined ? na : String(main.ptid),
      t.comm,
      t.exe,
      t.args.join(' '),
      t.cwd,
      String(t.uid),
      t.vtid === -1 ? na : String(t.vtid),
      t.vpid === -1 ? na : String(t.vpid),
    );
  }
  const internal = ((EVENTS[type]?.category ?? 0) & 256) !== 0;
  cols.push(internal ? na : String(st.latency));
  if (!st.fdValid || t === undefined) {
    cols.push(na, na, na, na, na);
  } else {
    const f = st.fd;
    cols.push(String(st.fdNum));
    cols.push(f === undefined ? na : f.typeString);
    cols.push(f === undefined ? nullFdTypechar(type) : f.typeChar);
    let name: string;
    if (f === undefined) name = nameFromCreator(b, i, t, tracker);
    else if (type === PPME.SOCKET_CONNECT_X && readInt(b.arena, param(b, i, 0)!.o, 8) < 0) {
      name = nameFromCreator(b, i, t, tracker);
    } else name = f.name;
    cols.push(sanitizeString(name));
    cols.push(f === undefined ? na : (L4_NAMES[f.l4proto] ?? na));
  }
  cols.push(t === undefined ? na : t.containerId === '' ? 'host' : t.containerId);
  return cols.join(SEP);
}

/**
 * Known differences that are not core/state's: sample.scap's process list has libs >= 0.10 V9
 * entries (pidns_init_start_ts and tty before loginuid); the native reader decodes that layout,
 * while sysdig 0.29.3 reads loginuid from the first 4 bytes of the tail (the low half of
 * pidns_init_start_ts). Listed columns are skipped for that sample and reported.
 */
const KNOWN: Record<string, readonly string[]> = { 'sample.scap': ['user.loginuid', 'proc.is_exe_writable'] };

type Renderer = (b: EventBatch, i: number, st: TrackedEventState, tracker: StateTracker) => string;

/** Replays `file` and returns [mismatching lines, total lines, first differences]. */
function compare(
  file: string,
  fields: readonly string[] = FIELDS,
  renderer: Renderer = render,
  filter?: { text: string; fn: (b: EventBatch, i: number, st: TrackedEventState) => boolean },
): { bad: number; total: number; diffs: string[] } {
  const known = new Set(KNOWN[file.slice(file.lastIndexOf('/') + 1)] ?? []);
  const fmt = '*' + fields.map((f) => '%' + f).join(SEP);
  const r = spawnSync('sysdig', ['-r', file, '-p', fmt, ...(filter ? [filter.text] : [])], {
    encoding: 'latin1',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 1 << 30,
  });
  const expected = r.stdout.split('\n');
  if (expected[expected.length - 1] === '') expected.pop();
  const byNum = new Map<string, string>();
  for (const line of expected) byNum.set(line.slice(0, line.indexOf(SEP)), line);
  // Keyed by timestamp instead of evt.num (first field evt.rawtime): lines are matched by time.
  const byTime = fields[0] === 'evt.rawtime';
  const reader = native!.openCapture(file, native!.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX));
  let cur: { b: EventBatch; i: number } = { b: undefined as unknown as EventBatch, i: 0 };
  const keep =
    filter === undefined ? undefined : (st: TrackedEventState): boolean => filter.fn(cur.b, cur.i, st);
  const tracker = new StateTracker(reader.header);
  let bad = 0;
  let total = 0;
  const diffs: string[] = [];
  let section = 1;
  for (let b = reader.next(); b !== null; b = reader.next()) {
    // A concatenated capture's next section restarts libsinsp's state (restart_capture).
    const next = reader.sections[section];
    if (next !== undefined && b.firstNum >= next.firstNum) {
      tracker.restart(next.header);
      section++;
    }
    for (let i = 0; i < b.count; i++) {
      cur = { b, i };
      const st = tracker.process(b, i, keep);
      const want = byNum.get(byTime ? String(b.ts[i]) : String(b.firstNum + i));
      const internal = ((EVENTS[b.type[i]!]?.category ?? 0) & 256) !== 0;
      if (want === undefined || st.hidden) {
        // sysdig prints neither internal (procinfo...) nor filtered-out events.
        if ((want === undefined) !== (st.hidden || internal)) {
          bad++;
          if (diffs.length < 8)
            diffs.push(
              `#${b.firstNum + i} ${want === undefined ? 'hidden by sysdig, shown here' : 'shown by sysdig, hidden here'}`,
            );
        }
        continue;
      }
      total++;
      // Our strings are decoded text; sysdig's bytes arrive as latin1: compare as UTF-8 bytes.
      const got = Buffer.from(renderer(b, i, st, tracker), 'utf8').toString('latin1');
      if (got !== want) {
        // Columns the renderer marks DONT_CARE are libsinsp's uninitialized memory.
        const g = got.split(SEP);
        const w = want.split(SEP);
        const cols: string[] = [];
        for (let k = 0; k < Math.max(g.length, w.length); k++) {
          if (g[k] !== DONT_CARE && !known.has(fields[k]!) && g[k] !== w[k])
            cols.push(`${fields[k]}: want ${w[k]} got ${g[k]}`);
        }
        if (cols.length > 0) {
          bad++;
          if (diffs.length < 8) diffs.push(`#${b.firstNum + i} ${cols.join('; ')}`);
        }
      }
    }
  }
  reader.close();
  return { bad, total, diffs };
}

const samples = HAVE_SAMPLES
  ? readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.scap') && f !== 'curl_google_comments.scap')
      .sort()
  : [];
const skip = !HAVE_SAMPLES
  ? 'shared samples absent'
  : !HAVE_SYSDIG
    ? 'sysdig not installed'
    : native === undefined
      ? 'native reader not built'
      : false;

test('thread and fd state matches sysdig 0.29.3 on every sample', { skip }, () => {
  const report: string[] = [];
  let anyBad = 0;
  for (const s of samples) {
    const { bad, total, diffs } = compare(join(SAMPLES, s));
    report.push(`${s}: ${bad} mismatches / ${total} lines`);
    if (bad > 0) report.push(...diffs.map((d) => '  ' + d));
    anyBad += bad;
  }
  console.log(report.join('\n'));
  assert.equal(anyBad, 0, report.join('\n'));
});

// Process accounting and socket endpoints: counters libsinsp updates from clone/execve/switch/
// mmap/rlimit events, session ids, cgroups, login uid, and client/server addresses of sockets.
const FIELDS2 = [
  'evt.num',
  'proc.nchilds',
  'proc.nthreads',
  'proc.fdlimit',
  'proc.vmsize',
  'proc.vmrss',
  'proc.vmswap',
  'thread.pfmajor',
  'thread.pfminor',
  'proc.sid',
  'proc.vpgid',
  'proc.exepath',
  'user.loginuid',
  'thread.cgroups',
  'thread.ismain',
  'fd.cip',
  'fd.sip',
  'fd.connected',
  'fd.dev',
  'proc.tty',
  'proc.is_exe_writable',
];

function ipText(a: Uint8Array | undefined): string {
  if (a === undefined) return '<NA>';
  return a.length === 4 ? ipv4String(a, 0) : ipv6String(a, 0);
}

function render2(b: EventBatch, i: number, st: TrackedEventState, tracker: StateTracker): string {
  const t = st.thread;
  const na = '<NA>';
  const cols: string[] = [String(b.firstNum + i)];
  if (t === undefined) {
    cols.push(na, na, na, na, na, na, na, na, na, na, na, na, na, na);
  } else {
    const main = t.isMainThread() ? t : (tracker.thread(t.pid) as Thread | undefined);
    let nthreads = 0;
    if (main === undefined) for (const o of tracker.threads()) if (o.pid === t.pid) nthreads++;
    cols.push(
      String(t.nchilds),
      String((main?.nchilds ?? nthreads) + 1),
      String(main?.fdlimit ?? -1),
      String(t.vmsizeKb),
      String(t.vmrssKb),
      String(t.vmswapKb),
      String(t.pfmajor),
      String(t.pfminor),
      String(t.sid),
      String(t.vpgid),
      t.exepath,
      String(t.loginuid | 0),
      t.cgroups.length === 0 ? na : t.cgroups.join(' '),
      t.isMainThread() ? 'true' : 'false',
    );
  }
  const f = st.fdValid ? st.fd : undefined;
  if (f === undefined) {
    cols.push(na, na, na, na);
  } else {
    const sock = f.kind === FdKind.IPV4_SOCK || f.kind === FdKind.IPV6_SOCK;
    const serv = f.kind === FdKind.IPV4_SERVSOCK || f.kind === FdKind.IPV6_SERVSOCK;
    cols.push(f.isRoleNone || !sock ? na : ipText(f.sip));
    cols.push(f.isRoleNone || !(sock || serv) ? na : ipText(sock ? f.dip : f.sip));
    cols.push((f.flags & (1 << 13)) !== 0 ? 'true' : 'false');
    // libsinsp leaves m_dev uninitialized for everything but files opened in the capture.
    const file = f.kind === FdKind.FILE_V2 || f.kind === FdKind.DIRECTORY;
    cols.push(file ? (f.dev ?? 0).toString(16).toUpperCase() : DONT_CARE);
  }
  if (t === undefined) cols.push(na, na);
  else cols.push(String(t.tty), t.exeWritable ? 'true' : 'false');
  return cols.join(SEP);
}

test('process counters and socket endpoints match sysdig 0.29.3 on every sample', { skip }, () => {
  const report: string[] = [];
  let anyBad = 0;
  for (const s of samples) {
    const { bad, total, diffs } = compare(join(SAMPLES, s), FIELDS2, render2);
    report.push(`${s}: ${bad} mismatches / ${total} lines`);
    if (bad > 0) report.push(...diffs.map((d) => '  ' + d));
    anyBad += bad;
  }
  console.log(report.join('\n'));
  assert.equal(anyBad, 0, report.join('\n'));
});

// A filtered sysdig run parses differently (filtered-out events skip their parser and break the
// enter/exit pairing); process(batch, i, filter) reproduces it. Lines sysdig hides must be hidden.
const FILTERS: { text: string; fn: (b: EventBatch, i: number, st: TrackedEventState) => boolean }[] = [
  { text: 'evt.dir=<', fn: (b, i) => (b.type[i]! & 1) === 1 },
  { text: 'fd.type=ipv4', fn: (_b, _i, st) => st.fdValid && st.fd?.typeString === 'ipv4' },
  { text: 'evt.dir=> or fd.num>2', fn: (b, i, st) => (b.type[i]! & 1) === 0 || (st.fdValid && st.fdNum > 2) },
];

test('with a filter, state follows the filtered parse of sysdig on every sample', { skip }, () => {
  const report: string[] = [];
  let anyBad = 0;
  for (const f of FILTERS) {
    for (const s of samples) {
      const { bad, total, diffs } = compare(join(SAMPLES, s), FIELDS, render, f);
      if (bad > 0)
        report.push(`${f.text} ${s}: ${bad} mismatches / ${total} lines`, ...diffs.map((d) => '  ' + d));
      anyBad += bad;
    }
  }
  console.log(report.join('\n'));
  assert.equal(anyBad, 0, report.join('\n'));
});

/** Each sample replayed with `filter` alone and with `filter` split into a type mask and the rest:
 *  the shown events and everything rendered for them, then the final tables, must be the same. */
function replayMasked(file: string, codes: readonly number[], masked: boolean): string[] {
  const mask = new Uint8Array(COMPAT_EVENT_MAX + 1);
  for (const c of codes) mask[c] = 1;
  const reader = native!.openCapture(file, native!.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX));
  const tracker = new StateTracker(reader.header);
  let cur: { b: EventBatch; i: number } = { b: undefined as unknown as EventBatch, i: 0 };
  // The rest of the filter: an fd-dependent test, so that the state it reads matters.
  const rest = (st: TrackedEventState): boolean => !st.fdValid || st.fdNum !== 0;
  const whole = (st: TrackedEventState): boolean => mask[cur.b.type[cur.i]!] === 1 && rest(st);
  const out: string[] = [];
  for (let b = reader.next(); b !== null; b = reader.next()) {
    for (let i = 0; i < b.count; i++) {
      cur = { b, i };
      const st = masked ? tracker.process(b, i, rest, mask) : tracker.process(b, i, whole);
      if (!st.hidden) out.push(`${b.firstNum + i} ${render(b, i, st, tracker)}`);
    }
  }
  reader.close();
  for (const t of tracker.threads()) {
    const fds = [...t.fds].map(([n, f]) => `${n}=${f.name}`).join(',');
    out.push(`thread ${t.tid} ${t.pid} ${t.comm} ${t.args.join(' ')} ${fds}`);
  }
  return out;
}

test(
  'the type prefilter skips work only: same output and final state as the whole filter',
  { skip: !HAVE_SAMPLES || native === undefined },
  () => {
    const masks: readonly (readonly number[])[] = [
      [PPME.SOCKET_CONNECT_E, PPME.SOCKET_CONNECT_X],
      [PPME.SYSCALL_OPEN_X, PPME.SYSCALL_OPENAT_2_X, PPME.SYSCALL_CLOSE_E],
      [PPME.PROCINFO_E, PPME.SYSCALL_READ_X, PPME.SCHEDSWITCH_6_E],
      [],
    ];
    for (const s of samples) {
      for (const m of masks) {
        const whole = replayMasked(join(SAMPLES, s), m, false);
        const split = replayMasked(join(SAMPLES, s), m, true);
        assert.deepEqual(split, whole, `${s} with codes ${m.join(',')}`);
      }
    }
  },
);

test('a concatenated capture restarts the state at its second section, as sysdig does', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-state-'));
  try {
    const f = join(dir, 'concat.scap');
    writeFileSync(
      f,
      Buffer.concat([
        readFileSync(join(SAMPLES, 'nginx_example0.scap')),
        readFileSync(join(SAMPLES, 'httpd.scap')),
      ]),
    );
    // Matched by timestamp: sysdig 0.29.3 numbers a second section's events one lower than a
    // plain count gives (native's evt.num differs there), which is not state's concern.
    const byTime = (b: EventBatch, i: number, st: TrackedEventState, tr: StateTracker): string => {
      const line = render(b, i, st, tr);
      return String(b.ts[i]) + line.slice(line.indexOf(SEP));
    };
    const { bad, total, diffs } = compare(f, ['evt.rawtime', ...FIELDS.slice(1)], byTime);
    assert.ok(total > 250);
    assert.equal(bad, 0, diffs.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seeds threads and fds from the header', { skip }, () => {
  const reader = native!.openCapture(
    join(SAMPLES, 'nginx_example0.scap'),
    native!.readerOptionsFor(EVENTS, COMPAT_EVENT_MAX),
  );
  const tracker = new StateTracker(reader.header);
  reader.close();
  const worker = tracker.thread(15747);
  assert.ok(worker !== undefined);
  assert.equal(worker.comm, 'nginx');
  assert.equal(worker.cwd, '/');
  const kinds = new Set([...worker.fds.values()].map((f) => f.kind));
  assert.ok(kinds.has(FdKind.IPV4_SERVSOCK) || kinds.has(FdKind.IPV4_SOCK) || kinds.has(FdKind.FIFO));
});

// ------------------------------------------------------------------------------------------------
// Synthetic scenarios: parsers the samples never reach, written as a capture and checked against
// sysdig itself with the same two field sets.

const le64 = (v: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
  return b;
};
const le32 = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};
const byte = (v: number): Uint8Array => new Uint8Array([v]);
const cstr = (t: string): Uint8Array => new TextEncoder().encode(t + '\0');
const blob = (items: string[]): Uint8Array => new TextEncoder().encode(items.map((x) => x + '\0').join(''));
const ip = (t: string): number[] => t.split('.').map(Number);
const port = (n: number): number[] => [n & 0xff, n >> 8];
const tuple = (a: string, ap: number, b: string, bp: number): Uint8Array =>
  new Uint8Array([2, ...ip(a), ...port(ap), ...ip(b), ...port(bp)]);
const sockaddr = (a: string, ap: number): Uint8Array => new Uint8Array([2, ...ip(a), ...port(ap)]);
const unixaddr = (path: string): Uint8Array => new Uint8Array([1, ...new TextEncoder().encode(path), 0]);

function scenarioProc(tid: number, pid: number, over: Partial<ProcEntry> = {}): ProcEntry {
  return {
    tid,
    pid,
    ptid: 1,
    sid: 1,
    vpgid: 1,
    comm: 'app',
    exe: '/usr/bin/app',
    exepath: '/usr/bin/app',
    args: ['--serve'],
    cwd: '/srv/app',
    fdlimit: 1024,
    flags: tid === pid ? 0 : (1 << 13) | 1,
    uid: 1000,
    gid: 1000,
    vmsizeKb: 100,
    vmrssKb: 10,
    vmswapKb: 0,
    pfmajor: 0,
    pfminor: 0,
    env: ['HOME=/home/app'],
    vtid: tid,
    vpid: pid,
    cgroups: ['cpu=/user.slice'],
    root: '/',
    loginuid: 1000,
    ...over,
  };
}

/** The section header and machine block every synthetic scenario shares. */
const SCENARIO_BASE = {
  major: 1,
  minor: 2,
  machine: { numCpus: 1, memorySizeBytes: 1n << 30n, maxPid: 0n, hostname: 'h', bootTsEpoch: 0n, flags: 0n },
} as const;

function scenario(): { header: CaptureHeader; events: RawEvent[] } {
  const header: CaptureHeader = {
    ...SCENARIO_BASE,
    procs: [scenarioProc(100, 100), scenarioProc(101, 100)],
    fdlists: [
      {
        tid: 100,
        fds: [
          { fd: 0, ino: 1n, kind: FdKind.FILE_V2, name: '/dev/pts/0', openFlags: 3, dev: 0 },
          { fd: 5, ino: 2n, kind: FdKind.DIRECTORY, name: '/etc', openFlags: 0x401, dev: 0 },
          { fd: 6, ino: 3n, kind: FdKind.FILE_V2, name: '/var/log/app.log', openFlags: 2, dev: 0 },
        ],
      },
      { tid: 101, fds: [] },
    ],
    interfaces: [
      {
        type: 1,
        name: 'eth0',
        addr: new Uint8Array([10, 0, 0, 5]),
        netmask: new Uint8Array([255, 255, 255, 0]),
        bcast: new Uint8Array([10, 0, 0, 255]),
        linkspeed: 0n,
      },
    ],
    users: [],
    groups: [],
    blocks: [],
  };
  const events: RawEvent[] = [];
  let ts = 1_600_000_000_000_000_000n;
  const ev = (type: number, tid: number, params: Uint8Array[]): void => {
    ts += 1000n;
    events.push({ type, ts, tid, cpu: 0, params });
  };
  const clone20 = (tid: number, res: number, pid: number, ptid: number, flags: number): Uint8Array[] => [
    le64(res),
    cstr('/usr/bin/app'),
    blob(['--serve']),
    le64(tid),
    le64(pid),
    le64(ptid),
    cstr('/srv/app'),
    le64(1024),
    le64(0),
    le64(0),
    le32(100),
    le32(10),
    le32(0),
    cstr('app'),
    blob(['cpu=/user.slice']),
    le32(flags),
    le32(1000),
    le32(1000),
    le64(tid),
    le64(pid),
  ];
  // Files: openat relative to a dirfd and to the cwd, a failed one, creat, fchdir, chdir.
  ev(102, 100, [le64(5), cstr('passwd'), le32(1), le32(0)]);
  ev(103, 100, [le64(7)]);
  ev(306, 100, [le64(-100), cstr('../data/./x.db'), le32(3), le32(0)]);
  ev(307, 100, [le64(8), le64(-100), cstr('../data/./x.db'), le32(3), le32(0), le32(0x801)]);
  ev(306, 100, [le64(5), cstr('missing'), le32(1), le32(0)]);
  ev(307, 100, [le64(-2), le64(5), cstr('missing'), le32(1), le32(0), le32(0)]);
  ev(2, 101, [cstr('rel/file'), le32(1), le32(0)]);
  ev(3, 101, [le64(9), cstr('rel/file'), le32(1), le32(0), le32(0)]);
  ev(96, 100, [le64(5)]);
  ev(97, 100, [le64(0)]);
  ev(94, 101, []);
  ev(95, 101, [le64(0), cstr('../tmp/')]);
  ev(2, 100, [cstr('here.txt'), le32(1), le32(0)]);
  ev(3, 100, [le64(10), cstr('here.txt'), le32(1), le32(0), le32(0)]);
  // fd creators: dup to stdout, fcntl dup, pipe, eventfd, signalfd, timerfd, inotify, socketpair.
  ev(124, 100, [le64(6)]);
  ev(125, 100, [le64(1)]);
  ev(150, 100, [le64(6), byte(1)]);
  ev(151, 100, [le64(20)]);
  ev(60, 100, []);
  ev(61, 100, [le64(0), le64(11), le64(12), le64(4242)]);
  ev(62, 100, [le64(0), le32(0)]);
  ev(63, 100, [le64(13)]);
  ev(126, 100, [le64(-1), le32(0), byte(0)]);
  ev(127, 100, [le64(14)]);
  ev(136, 100, [byte(0), byte(0)]);
  ev(137, 100, [le64(15)]);
  ev(138, 100, [byte(0)]);
  ev(139, 100, [le64(16)]);
  ev(42, 100, [le32(1), le32(1), le32(0)]);
  ev(43, 100, [le64(0), le64(17), le64(18), le64(0xaaaa), le64(0xbbbb)]);
  // Reads on each, so fd fields show them.
  for (const fd of [1, 20, 11, 13, 14, 15, 16, 17, 7, 8, 9, 10]) {
    ev(6, 100, [le64(fd), le32(10)]);
    ev(7, 100, [le64(0), new Uint8Array(0)]);
  }
  // Sockets: tcp client, unix client, udp server that sends, sendto on an unknown fd, accept.
  ev(18, 100, [le32(2), le32(1), le32(0)]);
  ev(19, 100, [le64(21)]);
  ev(22, 100, [le64(21), sockaddr('10.0.0.9', 443)]);
  ev(23, 100, [le64(-115), tuple('10.0.0.5', 40000, '10.0.0.9', 443)]);
  ev(18, 100, [le32(1), le32(1), le32(0)]);
  ev(19, 100, [le64(22)]);
  ev(22, 100, [le64(22), unixaddr('/run/app.sock')]);
  ev(23, 100, [
    le64(0),
    new Uint8Array([
      1,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...new TextEncoder().encode('/run/app.sock'),
      0,
    ]),
  ]);
  ev(18, 100, [le32(2), le32(2), le32(17)]);
  ev(19, 100, [le64(23)]);
  ev(20, 100, [le64(23)]);
  ev(21, 100, [le64(0), sockaddr('0.0.0.0', 5353)]);
  ev(30, 100, [le64(23), le32(4), tuple('0.0.0.0', 5353, '10.0.0.7', 9999)]);
  ev(31, 100, [le64(4), new Uint8Array([1, 2, 3, 4])]);
  ev(30, 100, [le64(24), le32(4), tuple('10.0.0.5', 777, '8.8.8.8', 53)]);
  ev(31, 100, [le64(4), new Uint8Array([1, 2, 3, 4])]);
  ev(18, 100, [le32(2), le32(1), le32(6)]);
  ev(19, 100, [le64(25)]);
  ev(20, 100, [le64(25)]);
  ev(21, 100, [le64(0), sockaddr('0.0.0.0', 8080)]);
  ev(24, 100, [le64(25), le32(5)]);
  ev(25, 100, [le64(0)]);
  ev(246, 100, [le32(0)]);
  ev(247, 100, [le64(26), tuple('10.0.0.8', 5555, '10.0.0.5', 8080), byte(0), le32(0), le32(5)]);
  ev(34, 100, [le64(26), le32(100)]);
  ev(35, 100, [le64(5), new Uint8Array([65, 66, 67, 68, 69]), new Uint8Array(0)]);
  // Close: success (gone at the next event), failure (kept), and a close whose fd number another
  // thread reuses before the close returns.
  ev(4, 100, [le64(13)]);
  ev(5, 100, [le64(0)]);
  ev(4, 100, [le64(14)]);
  ev(5, 100, [le64(-9)]);
  ev(4, 100, [le64(16)]);
  ev(2, 101, [cstr('/tmp/new'), le32(1), le32(0)]);
  ev(3, 101, [le64(16), cstr('/tmp/new'), le32(1), le32(0), le32(0)]);
  ev(5, 100, [le64(0)]);
  for (const fd of [13, 14, 16]) {
    ev(6, 101, [le64(fd), le32(10)]);
    ev(7, 101, [le64(0), new Uint8Array(0)]);
  }
  // Credentials and session.
  ev(198, 100, [le32(0)]);
  ev(199, 100, [le64(0)]);
  ev(192, 101, [le32(5), le32(0xffffffff), le32(5)]);
  ev(193, 101, [le64(0)]);
  ev(274, 100, []);
  ev(275, 100, [le64(100)]);
  ev(144, 100, [le64(0), byte(7)]);
  ev(145, 100, [le64(0), le64(512), le64(512), le64(1024), le64(1024)]);
  // A process: clone (parent first), execve in the child, a thread cloned child-first, exits.
  ev(222, 100, []);
  ev(223, 100, clone20(100, 200, 100, 1, 0));
  ev(223, 200, clone20(200, 0, 200, 100, 0));
  ev(292, 200, [cstr('bin/tool')]);
  ev(293, 200, [
    le64(0),
    cstr('tool'),
    blob(['-v', 'x']),
    le64(200),
    le64(200),
    le64(100),
    cstr('/srv/app'),
    le64(256),
    le64(1),
    le64(2),
    le32(300),
    le32(30),
    le32(0),
    cstr('tool'),
    blob(['cpu=/docker/' + 'c'.repeat(64)]),
    blob(['A=1', 'B=2']),
    le32(34816),
    le64(200),
    le32(1000),
    le32(0),
  ]);
  ev(223, 201, clone20(201, 0, 200, 200, (1 << 13) | 1));
  ev(223, 200, clone20(200, 201, 200, 100, (1 << 13) | 1));
  for (const tid of [200, 201]) {
    ev(6, tid, [le64(0), le32(1)]);
    ev(7, tid, [le64(0), new Uint8Array(0)]);
  }
  ev(186, 201, [le64(0), le64(0), byte(0), byte(0)]);
  ev(6, 200, [le64(0), le32(1)]);
  ev(186, 200, [le64(0), le64(0), byte(0), byte(0)]);
  ev(7, 200, [le64(0), new Uint8Array(0)]);
  ev(6, 100, [le64(0), le32(1)]);
  // A thread nobody announced.
  ev(6, 4242, [le64(3), le32(1)]);
  ev(7, 4242, [le64(1), new Uint8Array([0])]);
  return { header, events };
}

/** Writes a synthetic scenario as a capture and compares both field sets with sysdig's output;
 *  `minEvents` guards against a scenario that silently shrank. */
function checkScenario(
  name: string,
  sc: { header: CaptureHeader; events: RawEvent[] },
  minEvents: number,
): void {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-state-'));
  try {
    const f = join(dir, `${name}.scap`);
    writeFileSync(f, encodeCapture(sc.header, sc.events));
    const a = compare(f);
    const b = compare(f, FIELDS2, render2);
    assert.ok(a.total > minEvents);
    assert.equal(a.bad + b.bad, 0, [...a.diffs, ...b.diffs].join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('synthetic scenarios (parsers the samples miss) match sysdig 0.29.3', { skip }, () => {
  checkScenario('scenario', scenario(), 100);
});

/** Old event versions, containers, credentials, vm counters, collisions, state-only events. */
function scenario2(): { header: CaptureHeader; events: RawEvent[] } {
  const docker = 'd'.repeat(64);
  const header: CaptureHeader = {
    ...SCENARIO_BASE,
    procs: [
      scenarioProc(100, 100),
      scenarioProc(300, 300, {
        comm: 'web',
        exe: 'web',
        cgroups: ['cpu=/docker/' + docker],
        vtid: 1,
        vpid: 1,
      }),
      scenarioProc(400, 400, { comm: 'old', exe: 'old' }),
    ],
    fdlists: [
      { tid: 100, fds: [{ fd: 3, ino: 1n, kind: FdKind.DIRECTORY, name: '/opt', openFlags: 0x401, dev: 0 }] },
      { tid: 300, fds: [] },
      { tid: 400, fds: [] },
    ],
    interfaces: [],
    users: [],
    groups: [],
    blocks: [],
  };
  const events: RawEvent[] = [];
  let ts = 1_600_000_000_000_000_000n;
  const ev = (type: number, tid: number, params: Uint8Array[], flags = 0, dt = 1000n): void => {
    ts += dt;
    events.push({ type, ts, tid, cpu: 0, params, flags });
  };
  const read = (tid: number, fd = 0): void => {
    ev(6, tid, [le64(fd), le32(1)]);
    ev(7, tid, [le64(0), new Uint8Array(0)]);
  };
  const vm = [le64(3), le64(4), le32(111), le32(22), le32(3)];
  const cloneCommon = (res: number, tid: number, pid: number, ptid: number, exe: string): Uint8Array[] => [
    le64(res),
    cstr(exe),
    blob(['a1', 'a2']),
    le64(tid),
    le64(pid),
    le64(ptid),
    cstr('/x'),
    le64(64),
  ];
  const json = (id: string, state: number): Uint8Array =>
    cstr(
      JSON.stringify({
        container: { id, name: 'n-' + id.slice(0, 4), image: 'img:1', type: 0, lookup_state: state },
      }),
    );
  // Leading container description: consumed at start-up, never shown.
  ev(272, -1, [json(docker.slice(0, 12), 1)]);
  read(300);
  // Old clone/fork versions, each from the parent then the child.
  ev(15, 100, [...cloneCommon(501, 100, 100, 1, 'c11'), le32(0), le32(7), le32(8)]);
  ev(15, 501, [...cloneCommon(0, 501, 501, 100, 'c11'), le32(0), le32(7), le32(8)]);
  ev(157, 100, [...cloneCommon(502, 100, 100, 1, 'c16'), ...vm, le32(0), le32(7), le32(8)]);
  ev(217, 100, [...cloneCommon(503, 100, 100, 1, 'c17'), ...vm, cstr('comm17'), le32(0), le32(7), le32(8)]);
  ev(183, 100, [...cloneCommon(504, 100, 100, 1, 'fork'), ...vm, le32(0), le32(7), le32(8)]);
  ev(221, 100, [...cloneCommon(505, 100, 100, 1, 'vfork17'), ...vm, cstr('vf17'), le32(0), le32(7), le32(8)]);
  ev(335, 100, [
    ...cloneCommon(506, 100, 100, 1, 'c3'),
    ...vm,
    cstr('clone3'),
    blob(['cpu=/user.slice']),
    le32(0),
    le32(7),
    le32(8),
    le64(100),
    le64(100),
  ]);
  for (const t of [501, 502, 503, 504, 505, 506]) read(t);
  // A parent inside a container (vtid != tid): only the child's event creates the child.
  ev(223, 300, [
    ...cloneCommon(507, 300, 300, 1, 'web'),
    ...vm,
    cstr('web'),
    blob(['cpu=/docker/' + docker]),
    le32(0),
    le32(0),
    le32(0),
    le64(1),
    le64(1),
  ]);
  read(507);
  ev(223, 507, [
    ...cloneCommon(0, 507, 507, 300, 'web'),
    ...vm,
    cstr('web'),
    blob(['cpu=/docker/' + docker]),
    le32(1 << 29),
    le32(0),
    le32(0),
    le64(2),
    le64(2),
  ]);
  read(507);
  // A clone whose child tid is still in the table (lost exit): the entry is replaced.
  ev(223, 100, [
    ...cloneCommon(400, 100, 100, 1, 'again'),
    ...vm,
    cstr('again'),
    blob([]),
    le32(0),
    le32(0),
    le32(0),
    le64(400),
    le64(400),
  ]);
  read(400);
  // Old execve versions.
  ev(12, 501, []);
  ev(13, 501, [le64(0), cstr('e8'), blob(['x']), le64(501), le64(501), le64(100), cstr('/'), le64(32)]);
  ev(172, 502, []);
  ev(173, 502, [
    le64(0),
    cstr('e14'),
    blob(['y']),
    le64(502),
    le64(502),
    le64(100),
    cstr('/'),
    le64(33),
    ...vm,
    blob(['E=14']),
  ]);
  ev(214, 503, []);
  ev(215, 503, [
    le64(0),
    cstr('e15'),
    blob([]),
    le64(503),
    le64(503),
    le64(100),
    cstr('/'),
    le64(34),
    ...vm,
    cstr('c15'),
    blob(['E=15']),
  ]);
  ev(230, 504, []);
  ev(231, 504, [
    le64(0),
    cstr('e16'),
    blob([]),
    le64(504),
    le64(504),
    le64(100),
    cstr('/'),
    le64(35),
    ...vm,
    cstr('c16'),
    blob(['cpu=/docker/' + 'e'.repeat(64)]),
    blob(['E=16']),
  ]);
  ev(282, 505, []);
  ev(283, 505, [
    le64(0),
    cstr('e17'),
    blob([]),
    le64(505),
    le64(505),
    le64(100),
    cstr('/'),
    le64(36),
    ...vm,
    cstr('c17'),
    blob([]),
    blob(['E=17']),
    le32(34817),
  ]);
  ev(288, 506, [cstr('./bin/e18')]);
  ev(289, 506, [
    le64(0),
    cstr('e18'),
    blob([]),
    le64(506),
    le64(506),
    le64(100),
    cstr('/'),
    le64(37),
    ...vm,
    cstr('c18'),
    blob([]),
    blob(['E=18']),
    le32(0),
  ]);
  // execveat with a relative path crashes sysdig 0.29.3 (it resolves dirfd through the stored enter
  // event, which has no thread): only absolute paths can be compared.
  ev(330, 100, [le64(3), cstr('/opt/tool2'), le32(0)]);
  ev(331, 100, [
    le64(0),
    cstr('tool'),
    blob(['z']),
    le64(100),
    le64(100),
    le64(1),
    cstr('/'),
    le64(38),
    ...vm,
    cstr('tool'),
    blob([]),
    blob(['E=AT']),
    le32(0),
    le64(100),
    le32(1001),
    le32(1),
  ]);
  ev(12, 501, []);
  ev(13, 501, [le64(-2), cstr('failed'), blob([]), le64(501), le64(501), le64(100), cstr('/'), le64(1)]);
  for (const t of [501, 502, 503, 504, 505, 506, 100]) read(t);
  // Credentials, cwd, limits, root.
  ev(200, 502, [le32(50)]);
  ev(201, 502, [le64(0)]);
  ev(194, 503, [le32(1), le32(60), le32(1)]);
  ev(195, 503, [le64(0)]);
  ev(92, 504, []);
  ev(93, 504, [le64(0), cstr('/var/www')]);
  ev(140, 504, [byte(7)]);
  ev(141, 504, [le64(0), le64(2048), le64(4096)]);
  ev(142, 505, [byte(7)]);
  ev(143, 505, [le64(0), le64(-1), le64(4096)]);
  ev(266, 505, []);
  ev(267, 505, [le64(0), cstr('jail/')]);
  for (const t of [502, 503, 504, 505]) read(t);
  // Files: creat, openat2, a state-only open.
  ev(58, 504, [cstr('new.txt'), le32(0o644)]);
  ev(59, 504, [le64(5), cstr('new.txt'), le32(0o644), le32(0x803)]);
  ev(326, 504, [le64(-100), cstr('../lib/x'), le32(1), le32(0), le32(0)]);
  ev(327, 504, [le64(6), le64(-100), cstr('../lib/x'), le32(1), le32(0), le32(0)]);
  ev(2, 504, [cstr('/hidden'), le32(1), le32(0)], 1);
  ev(3, 504, [le64(7), cstr('/hidden'), le32(1), le32(0), le32(0)], 1);
  for (const fd of [5, 6, 7]) read(504, fd);
  // Sockets: udp recvmsg/sendmsg names, accept4, a refused connect, shutdown, getsockopt.
  ev(18, 506, [le32(2), le32(2), le32(0)]);
  ev(19, 506, [le64(8)]);
  ev(52, 506, [le64(8)]);
  ev(53, 506, [le64(10), le32(10), new Uint8Array([1, 2]), tuple('10.1.1.1', 53, '10.1.1.2', 4000)]);
  ev(48, 506, [le64(8), le32(3), tuple('10.1.1.2', 4000, '10.1.1.3', 53)]);
  ev(49, 506, [le64(3), new Uint8Array([1, 2, 3])]);
  ev(18, 506, [le32(2), le32(1), le32(0)]);
  ev(19, 506, [le64(9)]);
  ev(22, 506, [le64(9), sockaddr('10.1.1.9', 80)]);
  ev(23, 506, [le64(-111), tuple('10.1.1.2', 4001, '10.1.1.9', 80)]);
  ev(56, 506, [le32(0)]);
  ev(57, 506, [le64(10), tuple('10.1.1.7', 999, '10.1.1.2', 22), byte(0)]);
  ev(248, 506, [le32(0)]);
  ev(249, 506, [le64(11), tuple('10.1.1.8', 998, '10.1.1.2', 22), byte(0), le32(0), le32(1)]);
  ev(36, 506, [le64(10), byte(1)]);
  ev(37, 506, [le64(0)]);
  ev(46, 506, []);
  ev(47, 506, [le64(0), le64(11), byte(1), byte(4), new Uint8Array([0, ...le64(0)]), le32(8)]);
  for (const fd of [8, 9, 10, 11]) read(506, fd);
  // Memory counters: brk/mmap/munmap for the thread, switch for the main thread.
  ev(158, 100, [le64(0)]);
  ev(159, 100, [le64(0), le32(1000), le32(200), le32(5)]);
  ev(160, 100, [le64(0), le64(4096), le32(3), le32(2), le64(-1), le64(0)]);
  ev(161, 100, [le64(0), le32(1100), le32(210), le32(6)]);
  ev(164, 100, [le64(0), le64(4096)]);
  ev(165, 100, [le64(0), le32(1050), le32(205), le32(7)]);
  ev(152, 506, [le64(100), le64(9), le64(10), le32(2000), le32(300), le32(1)]);
  read(100);
  read(506);
  // Later container events: the old fixed-field one, a failed lookup (hidden), a JSON_2 one.
  ev(228, 100, [cstr('f'.repeat(12)), le32(0), cstr('oldstyle'), cstr('busybox')]);
  ev(272, -1, [json('a'.repeat(12), 2)]);
  ev(324, -1, [json('b'.repeat(12), 1)]);
  read(300);
  // A child clone long after an entry with its tid was created: the stale entry is replaced.
  ev(223, 100, [
    ...cloneCommon(600, 100, 100, 1, 'first'),
    ...vm,
    cstr('first'),
    blob([]),
    le32(0),
    le32(0),
    le32(0),
    le64(600),
    le64(600),
  ]);
  read(600);
  ev(
    223,
    600,
    [
      ...cloneCommon(0, 600, 600, 100, 'second'),
      ...vm,
      cstr('second'),
      blob([]),
      le32(0),
      le32(0),
      le32(0),
      le64(600),
      le64(600),
    ],
    0,
    3_000_000_000n,
  );
  read(600);
  return { header, events };
}

test(
  'synthetic scenarios: old event versions, containers, counters, collisions match sysdig 0.29.3',
  { skip },
  () => {
    checkScenario('scenario2', scenario2(), 100);
  },
);

/** Writes to /dev/null, which libsinsp first tries to read as tracer strings. */
function scenario3(): { header: CaptureHeader; events: RawEvent[] } {
  const header: CaptureHeader = {
    ...SCENARIO_BASE,
    procs: [100, 101, 102, 103, 104].map((t) => scenarioProc(t, t)),
    fdlists: [
      { tid: 104, fds: [{ fd: 9, ino: 1n, kind: FdKind.FILE_V2, name: '/dev/null', openFlags: 2, dev: 0 }] },
    ],
    interfaces: [],
    users: [],
    groups: [],
    blocks: [],
  };
  const events: RawEvent[] = [];
  let ts = 1_600_000_000_000_000_000n;
  const ev = (type: number, tid: number, params: Uint8Array[]): void => {
    ts += 1000n;
    events.push({ type, ts, tid, cpu: 0, params });
  };
  const text = (t: string): Uint8Array => new TextEncoder().encode(t);
  const open = (tid: number, fd: number): void => {
    ev(2, tid, [cstr('/dev/null'), le32(2), le32(0)]);
    ev(3, tid, [le64(fd), cstr('/dev/null'), le32(2), le32(0), le32(0)]);
  };
  const write = (tid: number, fd: number, res: number, data: string): void => {
    ev(8, tid, [le64(fd), le32(data.length)]);
    ev(9, tid, [le64(res), text(data)]);
  };
  open(100, 1);
  write(100, 1, 1, '<');
  write(100, 1, 9, '!doctype');
  write(100, 1, 1, '[');
  open(101, 2);
  write(101, 2, 4, '   [');
  write(101, 2, 1, 'x');
  ev(118, 101, [le64(2), le32(1)]);
  ev(119, 101, [le64(91), le32(91), text('[')]);
  open(102, 3);
  write(102, 3, 0, '');
  write(102, 3, 1, '>');
  open(103, 4);
  write(103, 4, -9, '[');
  write(103, 4, 1, '"');
  ev(118, 104, [le64(9), le32(91)]);
  ev(119, 104, [le64(91), le32(91), text('x')]);
  write(104, 9, 2, 'ok');
  ev(114, 103, [le64(4), le32(1), le64(0)]);
  ev(115, 103, [le64(1), text('<')]);
  return { header, events };
}

test('writes to /dev/null follow libsinsp tracer detection as sysdig 0.29.3 shows it', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-state-'));
  try {
    const f = join(dir, 'scenario3.scap');
    const { header, events } = scenario3();
    writeFileSync(f, encodeCapture(header, events));
    const a = compare(f);
    assert.ok(a.total > 10);
    assert.equal(a.bad, 0, a.diffs.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with a filter, the synthetic scenarios follow the filtered parse of sysdig', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-state-'));
  try {
    const report: string[] = [];
    let anyBad = 0;
    for (const [k, make] of [scenario, scenario2, scenario3].entries()) {
      const f = join(dir, `scenario${k}.scap`);
      const { header, events } = make();
      writeFileSync(f, encodeCapture(header, events));
      for (const flt of [
        ...FILTERS,
        { text: 'evt.type=read', fn: (b: EventBatch, i: number) => (b.type[i]! & ~1) === 6 },
      ]) {
        const { bad, total, diffs } = compare(f, FIELDS, render, flt);
        if (bad > 0) report.push(`${flt.text} scenario${k}: ${bad} mismatches / ${total} lines`, ...diffs);
        anyBad += bad;
      }
    }
    assert.equal(anyBad, 0, report.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** IPv6 and v4-mapped sockets, unix accept, an unsupported domain, and the 4096-entry fd table. */
function scenario4(): { header: CaptureHeader; events: RawEvent[] } {
  const header: CaptureHeader = {
    ...SCENARIO_BASE,
    procs: [scenarioProc(100, 100), scenarioProc(200, 200)],
    fdlists: [],
    interfaces: [
      {
        type: 2,
        name: 'eth0',
        addr: new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]),
        netmask: new Uint8Array(16).fill(0xff),
        bcast: new Uint8Array(16),
        linkspeed: 0n,
      },
    ],
    users: [],
    groups: [],
    blocks: [],
  };
  const events: RawEvent[] = [];
  let ts = 1_600_000_000_000_000_000n;
  const ev = (type: number, tid: number, params: Uint8Array[]): void => {
    ts += 1000n;
    events.push({ type, ts, tid, cpu: 0, params });
  };
  const v6 = (last: number): number[] => [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last];
  const mapped = (a: string): number[] => [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...ip(a)];
  const tuple6 = (a: number[], ap: number, b: number[], bp: number): Uint8Array =>
    new Uint8Array([10, ...a, ...port(ap), ...b, ...port(bp)]);
  const addr6 = (a: number[], ap: number): Uint8Array => new Uint8Array([10, ...a, ...port(ap)]);
  const read = (tid: number, fd: number): void => {
    ev(6, tid, [le64(fd), le32(1)]);
    ev(7, tid, [le64(0), new Uint8Array(0)]);
  };
  // IPv6 client, server bind + accept, v4-mapped connect, UDP6 sendto without a peer address.
  ev(18, 100, [le32(10), le32(1), le32(0)]);
  ev(19, 100, [le64(3)]);
  ev(22, 100, [le64(3), addr6(v6(9), 443)]);
  ev(23, 100, [le64(0), tuple6(v6(5), 41000, v6(9), 443)]);
  ev(18, 100, [le32(10), le32(1), le32(0)]);
  ev(19, 100, [le64(4)]);
  ev(20, 100, [le64(4)]);
  ev(21, 100, [le64(0), addr6(v6(0), 8443)]);
  ev(246, 100, [le32(0)]);
  ev(247, 100, [le64(5), tuple6(v6(7), 50000, v6(5), 8443), byte(0), le32(0), le32(5)]);
  ev(18, 100, [le32(10), le32(1), le32(0)]);
  ev(19, 100, [le64(6)]);
  ev(22, 100, [le64(6), addr6(mapped('10.0.0.9'), 80)]);
  ev(23, 100, [le64(0), tuple6(mapped('10.0.0.5'), 41001, mapped('10.0.0.9'), 80)]);
  ev(18, 100, [le32(10), le32(2), le32(0)]);
  ev(19, 100, [le64(7)]);
  ev(30, 100, [le64(7), le32(3), tuple6(new Array(16).fill(0), 5000, v6(8), 53)]);
  ev(31, 100, [le64(3), new Uint8Array([1, 2, 3])]);
  // Unix accept, AF_PACKET and netlink sockets.
  ev(246, 100, [le32(0)]);
  ev(247, 100, [
    le64(8),
    new Uint8Array([1, ...le64(0x11), ...le64(0x22), ...new TextEncoder().encode('/run/s.sock'), 0]),
    byte(0),
    le32(0),
    le32(5),
  ]);
  ev(18, 100, [le32(17), le32(3), le32(768)]);
  ev(19, 100, [le64(9)]);
  ev(18, 100, [le32(16), le32(3), le32(0)]);
  ev(19, 100, [le64(10)]);
  for (const fd of [3, 4, 5, 6, 7, 8, 9, 10]) read(100, fd);
  // Process 200 opens 4100 files: libsinsp's fd table stops at 4096 entries.
  for (let fd = 0; fd < 4100; fd++) {
    ev(2, 200, [cstr(`/data/f${fd}`), le32(1), le32(0)]);
    ev(3, 200, [le64(fd), cstr(`/data/f${fd}`), le32(1), le32(0), le32(0)]);
  }
  for (const fd of [0, 4095, 4096, 4099]) read(200, fd);
  return { header, events };
}

test(
  'ipv6 sockets, unix accept, unsupported domains and the fd table limit match sysdig 0.29.3',
  { skip },
  () => {
    checkScenario('scenario4', scenario4(), 8000);
  },
);

/** Threads: shared fd tables, exits in both orders, clones and execve from a non-main thread. */
function scenario5(): { header: CaptureHeader; events: RawEvent[] } {
  const header: CaptureHeader = {
    ...SCENARIO_BASE,
    procs: [scenarioProc(100, 100), scenarioProc(101, 100), scenarioProc(300, 300), scenarioProc(301, 300)],
    fdlists: [],
    interfaces: [],
    users: [],
    groups: [],
    blocks: [],
  };
  const events: RawEvent[] = [];
  let ts = 1_600_000_000_000_000_000n;
  const ev = (type: number, tid: number, params: Uint8Array[]): void => {
    ts += 1000n;
    events.push({ type, ts, tid, cpu: 0, params });
  };
  const read = (tid: number, fd: number): void => {
    ev(6, tid, [le64(fd), le32(1)]);
    ev(7, tid, [le64(0), new Uint8Array(0)]);
  };
  const exit = (tid: number): void => ev(186, tid, [le64(0), le64(0), byte(0), byte(0)]);
  const clone20 = (
    tid: number,
    res: number,
    pid: number,
    ptid: number,
    flags: number,
    comm: string,
  ): Uint8Array[] => [
    le64(res),
    cstr(comm),
    blob([]),
    le64(tid),
    le64(pid),
    le64(ptid),
    cstr('/'),
    le64(1024),
    le64(0),
    le64(0),
    le32(1),
    le32(1),
    le32(0),
    cstr(comm),
    blob([]),
    le32(flags),
    le32(0),
    le32(0),
    le64(tid),
    le64(pid),
  ];
  const THREAD = (1 << 13) | 1 | (1 << 15);
  // A thread opens, the main thread reads the same fd.
  ev(2, 101, [cstr('/shared'), le32(1), le32(0)]);
  ev(3, 101, [le64(5), cstr('/shared'), le32(1), le32(0), le32(0)]);
  read(100, 5);
  // A thread clones a thread and a process.
  ev(223, 101, clone20(101, 102, 100, 1, THREAD, 'app'));
  ev(223, 102, clone20(102, 0, 100, 1, THREAD, 'app'));
  ev(223, 101, clone20(101, 103, 100, 1, 0, 'app'));
  ev(223, 103, clone20(103, 0, 103, 101, 0, 'app'));
  read(102, 5);
  read(103, 5);
  // The main thread exits first: it stays while threads live; then the threads exit.
  exit(100);
  read(100, 5);
  read(101, 5);
  exit(101);
  read(102, 5);
  exit(102);
  read(100, 5);
  read(101, 5);
  // execve from a non-main thread.
  ev(292, 301, [cstr('/bin/new')]);
  ev(293, 301, [
    le64(0),
    cstr('new'),
    blob(['n']),
    le64(301),
    le64(300),
    le64(1),
    cstr('/'),
    le64(77),
    le64(0),
    le64(0),
    le32(5),
    le32(5),
    le32(0),
    cstr('new'),
    blob([]),
    blob(['N=1']),
    le32(0),
    le64(300),
    le32(1000),
    le32(0),
  ]);
  read(301, 0);
  read(300, 0);
  exit(300);
  read(301, 0);
  return { header, events };
}

test(
  'thread groups (shared fds, exit order, clones and execve from threads) match sysdig 0.29.3',
  { skip },
  () => {
    checkScenario('scenario5', scenario5(), 30);
  },
);
