// StateTracker against sysdig 0.29.3 itself: every sample in ../shared/samples is replayed, the
// thread/fd fields below are rendered from the tracker's EventState by a small local renderer
// (libsinsp's extraction rules for these fields), and compared line by line with
// `sysdig -r SAMPLE -p "*..."`. Skips when the samples, sysdig or the native reader are absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { COMPAT_EVENT_MAX, EVENTS, PPME } from '../schema/index.js';
import type { EventBatch } from '../capture.js';
import { FdKind } from '../capture.js';
import { StateTracker, type TrackedEventState } from './tracker.js';
import { Thread } from './thread.js';
import { readBytesText, readInt } from './params.js';
import { concatenatePaths, sanitizeString } from './paths.js';
import { socktupleString } from './render.js';
import { ipv4String, ipv6String } from './sockinfo.js';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('package.json not found above the test');
    d = up;
  }
  return d;
}

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
      const path = readBytesText(b.arena, p.o, p.l);
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
      const name = readBytesText(b.arena, n.o, n.l);
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
