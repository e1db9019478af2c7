// The state side of the indexer: replays the events through the StateTracker, keeps the entity
// tables, computes each event's numbers (time, type key, result, latency, entities) and its
// overview marks (the marks read payload bytes and fd names), and writes one record per event for
// the index side (records.ts, index-side.ts).
import type { CaptureHeader, EventBatch, FdKind } from '../../core/capture.js';
import type { ThreadInfo } from '../../core/state/types.js';
import { StateTracker, type TrackedEventState } from '../../core/state/tracker.js';
import { EVENTS, eventInfo, signalName } from '../../core/schema/index.js';
import { IoClass } from '../../core/views/classify.js';
import { errorMetric, procinfoCpuNs } from '../../core/views/metrics.js';
import { httpStatus, logLineCounts } from '../../core/overview/tiles.js';
import { latin1 } from '../../core/bytes.js';
import { EvFlag, GENERIC_KEY_BASE } from './columns.js';
import { Entities, FdName, type FdRec } from './entities.js';
import { TF, typeFlags, paramPos, markBit, codesNamed } from './typeinfo.js';
import {
  MISC_ERRM_SHIFT,
  MISC_FLAGS_SHIFT,
  MISC_IO_SHIFT,
  OFF_BITS,
  SLOT_EVENTS,
  type Records,
} from './records.js';
import { GlobalSeries, U32List } from './util.js';

/** Overview marks: event index, tile bit mask, and line counts for the log tiles. */
export interface Marks {
  n: number;
  idx: Uint32Array;
  mask: Uint32Array;
  lines: Uint16Array;
  warn: Uint16Array;
  err: Uint16Array;
}

/** Room for at least `need` marks. */
function growMarks(m: Marks, need: number): void {
  let n = m.idx.length * 2;
  while (n < need) n *= 2;
  const g = <T extends Uint32Array | Uint16Array>(a: T, ctor: new (n: number) => T): T => {
    const b = new ctor(n);
    b.set(a);
    return b;
  };
  m.idx = g(m.idx, Uint32Array);
  m.mask = g(m.mask, Uint32Array);
  m.lines = g(m.lines, Uint16Array);
  m.warn = g(m.warn, Uint16Array);
  m.err = g(m.err, Uint16Array);
}

const P_DATA = paramPos('data');
const P_EXE = paramPos('exe');
const P_SIG = paramPos('sig');

/** Event codes the overview marks look at, by what they are. */
const enum MK {
  NONE,
  BIND,
  CONNECT,
  ACCEPT,
  EXEC,
  SYMLINK,
  SETNS,
  UNLINK,
  OPEN,
  FORK,
  SIGNAL,
  NOTIFY,
  INFRA,
}
const MARK_KIND = new Uint8Array(0x10000);
const MARK_CODES: [MK, string[]][] = [
  [MK.BIND, ['bind']],
  [MK.CONNECT, ['connect']],
  [MK.ACCEPT, ['accept', 'accept4']],
  [MK.EXEC, ['execve', 'execveat']],
  [MK.SYMLINK, ['symlink', 'symlinkat']],
  [MK.SETNS, ['setns']],
  [MK.UNLINK, ['unlink', 'unlinkat']],
  [MK.OPEN, ['open', 'openat', 'openat2']],
  [MK.FORK, ['clone', 'clone3', 'fork', 'vfork']],
  [MK.SIGNAL, ['signaldeliver']],
  [MK.NOTIFY, ['notification']],
  [MK.INFRA, ['infra']],
];
for (const [k, names] of MARK_CODES) for (const c of codesNamed(names)) MARK_KIND[c] = k;
const EINPROGRESS = 115;

const B = {
  new_listen: markBit('new_listen'),
  new_out: markBit('new_out'),
  new_in: markBit('new_in'),
  exec: markBit('exec'),
  exec_interactive: markBit('exec_interactive'),
  symlinks: markBit('symlinks'),
  sudo: markBit('sudo'),
  setns: markBit('setns'),
  ssh: markBit('ssh'),
  deleted: markBit('deleted'),
  http_resp: markBit('http_resp'),
  http_err: markBit('http_err'),
  open_errors: markBit('open_errors'),
  forks: markBit('forks'),
  failed_conns: markBit('failed_conns'),
  signals: markBit('signals'),
  segfaults: markBit('segfaults'),
  slow_1ms: markBit('slow_1ms'),
  slow_10ms: markBit('slow_10ms'),
  slow_100ms: markBit('slow_100ms'),
  log_lines: markBit('log_lines'),
  log_warn: markBit('log_warn'),
  log_err: markBit('log_err'),
  syslog: markBit('syslog'),
  notifications: markBit('notifications'),
  infra: markBit('infra'),
};

const BIT_LINES = 31 - Math.clz32(B.log_lines);
const BIT_WARN = 31 - Math.clz32(B.log_warn);
const BIT_ERR = 31 - Math.clz32(B.log_err);

/** Signed integer of `len` (1, 2, 4 or 8) little-endian bytes; 0 for other lengths. */
function readSigned(a: Uint8Array, o: number, len: number): number {
  switch (len) {
    case 8: {
      const lo = a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24);
      const hi = a[o + 4]! | (a[o + 5]! << 8) | (a[o + 6]! << 16) | (a[o + 7]! << 24);
      // Most results fit 32 bits: a small integer then, not a (boxed) product.
      if (hi === lo >> 31) return lo;
      return hi * 4294967296 + (lo >>> 0);
    }
    case 4:
      return a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24);
    case 2:
      return ((a[o]! | (a[o + 1]! << 8)) << 16) >> 16;
    case 1:
      return (a[o]! << 24) >> 24;
    default:
      return 0;
  }
}

/** Where parameter j of event i is in the batch's paramOff / paramLen (-1: it has none). An
 *  index rather than a [start, end) pair: the marks look at the data of most I/O exits. */
function paramAt(b: EventBatch, i: number, j: number): number {
  if (j < 0) return -1;
  const k = b.paramBase[i]! + j;
  return k < b.paramBase[i + 1]! ? k : -1;
}

/** The error-class metric of a failed exit (evt.count.error.*). */
function errMetric(code: number, kind: FdKind | undefined): number {
  return errorMetric(eventInfo(code), kind);
}

function userLookup(header: CaptureHeader): (uid: number) => string | undefined {
  const users = new Map(header.users.map((u) => [u.uid, u.name]));
  return (uid) => users.get(uid);
}

/** Per event code: exit events of the process category refresh their process's attributes. */
const PROC_EXIT = new Uint8Array(0x10000);
for (const e of EVENTS) if (e.code & 1 && e.category === 6) PROC_EXIT[e.code] = 1;

/** Where a full slot of records goes; returns the slot to continue in. */
export type SlotSink = (n: number) => Records;

/**
 * The state side's state while reading. The per-event path (`batch`) stays small and monomorphic:
 * rare work (new entities, overview marks with payload parsing) lives in separate methods, and all
 * per-event numbers stay in typed arrays.
 */
export class StateSide {
  readonly tracker: StateTracker;
  readonly ents: Entities;
  readonly parentName: (ptid: number) => string | undefined;
  /** Events read so far. */
  events = 0;
  // Records of the current slot, and how many are filled.
  private rec: Records;
  private n = 0;
  readonly marks: Marks = {
    n: 0,
    idx: new Uint32Array(1024),
    mask: new Uint32Array(1024),
    lines: new Uint16Array(1024),
    warn: new Uint16Array(1024),
    err: new Uint16Array(1024),
  };
  markBitsUsed = 0;
  // slow_io's rows are the slow_1ms overview marks.
  readonly slowIo = new U32List();
  readonly markSeries = new GlobalSeries(32);
  t0: bigint | undefined;
  hasCpuInfo = false;
  // Per CPU: time and `next` tid of the last switch (NaN: none yet).
  private readonly switchTs = new Float64Array(1024).fill(NaN);
  private readonly switchNext = new Float64Array(1024).fill(NaN);
  // Per thread entity: the last procinfo tick total (NaN: none yet).
  private lastCpuTotal = new Float64Array(1024).fill(NaN);
  // Line counts of the current event's log marks.
  private mLines = 0;
  private mWarn = 0;
  private mErr = 0;
  // The current event's time, latency and result for the mark methods: passed as arguments, these
  // (non-integer) numbers would be boxed on every call; fields holding doubles are updated in place
  // (hence a double to start with).
  private evRel = 0.5;
  private evLat = 0.5;
  private evRes = 0.5;
  // t0 as u32 halves (set per batch).
  private baseLo = 0;
  private baseHi = 0;

  /**
   * Records go to `sink` slot by slot, also when the index side runs in this thread: handing it
   * each event's numbers as call arguments boxed two heap numbers per event, and the slot round
   * trip measured faster (1-thread build of 300 MB, CPU median 1393 -> 1332 ms).
   */
  constructor(
    header: CaptureHeader,
    first: Records,
    private readonly sink: SlotSink,
  ) {
    const tracker = new StateTracker(header);
    this.tracker = tracker;
    this.rec = first;
    // Built outside this function: a closure made here would share this scope's context and keep
    // the tracker alive for as long as the index lives.
    this.ents = new Entities(userLookup(header));
    this.parentName = (ptid: number): string | undefined => tracker.thread(ptid)?.comm;
  }

  /** Hands the filled records of the current slot to the sink (end of reading; full slots). */
  flush(): void {
    if (this.n === 0) return;
    this.rec = this.sink(this.n);
    this.n = 0;
  }

  batch(b: EventBatch): void {
    // Metadata events (procinfo, container) may carry ts 0: the capture starts at the first real time.
    if (this.t0 === undefined)
      for (let i = 0; i < b.count && this.t0 === undefined; i++) if (b.ts[i]! > 0n) this.t0 = b.ts[i]!;
    const base = this.t0 ?? 0n;
    this.baseLo = Number(base & 0xffffffffn);
    this.baseHi = Number(base >> 32n);
    const count = b.count;
    // An event makes at most one mark: growing here keeps the call out of the per-event code.
    const marks = this.marks;
    if (marks.n + count > marks.idx.length) growMarks(marks, marks.n + count);
    // The hot loop runs slot by slot: handing a full slot over happens here, between runs, so that
    // the loop's optimized code has no path that its first slots never took (reaching one would
    // throw that code away while V8 is still compiling the rest).
    for (let i = 0; i < count;) {
      if (this.n === SLOT_EVENTS) this.flush();
      const end = Math.min(count, i + SLOT_EVENTS - this.n);
      this.run(b, i, end);
      i = end;
    }
  }

  /** Events [from, to) of the batch, all of which fit the current slot. */
  private run(b: EventBatch, from: number, to: number): void {
    // ts - t0 exactly, without a BigInt per event: the 64-bit values as two u32 halves.
    const tsw = new Uint32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2);
    const tidw = new Int32Array(b.tid.buffer, b.tid.byteOffset, b.count * 2);
    const baseLo = this.baseLo;
    const baseHi = this.baseHi;
    const tracker = this.tracker;
    const ents = this.ents;
    const types = b.type;
    const evFlags = b.flags;
    const paramBase = b.paramBase;
    const paramOff = b.paramOff;
    const paramLen = b.paramLen;
    const arena = b.arena;
    const offsets = b.offset;
    // The slot's columns in locals: loaded once per run, not per event.
    const { rel: rRel, off: rOff, lat: rLat, bytes: rBytes, key: rKey, misc: rMisc } = this.rec;
    const { thr: rThr, fd: rFd, fdNum: rFdNum } = this.rec;
    const k0 = this.n - from;
    this.n += to - from;
    let idx = this.events;
    this.events += to - from;
    for (let i = from; i < to; i++, idx++) {
      const st: TrackedEventState = tracker.process(b, i);
      const code = types[i]!;
      const dh = tsw[2 * i + 1]! - baseHi;
      const rel0 = dh * 4294967296 + (tsw[2 * i]! - baseLo);
      const rel = rel0 > 0 ? rel0 : 0;

      const pb = paramBase[i]!;
      const pEnd = paramBase[i + 1]!;
      let key = code;
      if (code <= 1 && pb < pEnd && paramLen[pb]! >= 2) {
        const o = paramOff[pb]!;
        key = GENERIC_KEY_BASE + 2 * (arena[o]! | (arena[o + 1]! << 8)) + code;
      }
      const tf = typeFlags[key]!;
      const hidden = (evFlags[i]! & 1) !== 0;
      let flags = hidden ? EvFlag.HIDDEN : 0;

      const t = st.thread;
      let thr = 0;
      if (t !== undefined) {
        const before = ents.threadsTable.length;
        thr = ents.thread(t);
        const fresh = ents.threadsTable.length !== before;
        if (fresh || PROC_EXIT[code] === 1) ents.refreshProcess(thr, t, this.parentName, fresh);
      }

      let fdEnt = 0;
      const f = st.fd;
      const fdValid = st.fdValid && f !== undefined;
      if (fdValid) {
        flags |= EvFlag.FD_VALID;
        fdEnt = ents.fd(f);
        if (fdEnt !== 0 && thr !== 0 && !hidden) ents.touchFd(fdEnt, thr, rel, st.fdNum);
      }
      const fdNum = t !== undefined ? st.fdNum : -1;

      // Result, errno, bytes.
      let res = 0;
      if ((tf & TF.RES_IS_SIGNED || (key >= GENERIC_KEY_BASE && tf & TF.EXIT)) && pb < pEnd)
        res = readSigned(arena, paramOff[pb]!, paramLen[pb]!);
      const errno = res < 0 ? Math.min(-res, 65535) : 0;
      const bytes = tf & (TF.IN | TF.OUT) && fdValid && res > 0 ? Math.min(res, 0xffffffff) : 0;

      let lat = 0;
      if (tf & TF.SWITCH) lat = this.onSwitch(b, i, rel, tidw[2 * i]!);
      else if (tf & TF.PROCINFO) {
        if (t !== undefined) lat = this.onProcinfo(b, i, thr);
      } else if (tf & TF.EXIT && t !== undefined) {
        // The tracker keeps the latency as a number; reading it as a bigint would allocate per event.
        const n = (st as { lat?: number }).lat;
        lat = n !== undefined ? Math.max(0, n) : Number(st.latency);
      }
      // Sums use the stored (float32) value so that scans over the columns add up identically.
      lat = Math.fround(lat);

      // From the fd entity only, so scans over the columns classify exactly as the buckets do.
      const fr = ents.fds[fdEnt]!;
      const ioClass = fdEnt !== 0 ? fr.ioClass : IoClass.OTHER;
      const isExit = (tf & TF.EXIT) !== 0;
      let misc = errno | (flags << MISC_FLAGS_SHIFT);
      if (!hidden) {
        misc |= ioClass << MISC_IO_SHIFT;
        if (errno !== 0 && isExit)
          misc |= errMetric(code, fdEnt !== 0 ? fr.kind : undefined) << MISC_ERRM_SHIFT;
      }
      const k = k0 + i;
      rRel[k] = rel;
      if ((k & ((1 << OFF_BITS) - 1)) === 0) rOff[k >> OFF_BITS] = offsets[i]!;
      rLat[k] = lat;
      rBytes[k] = bytes;
      rKey[k] = key;
      rMisc[k] = misc;
      rThr[k] = thr;
      rFd[k] = fdEnt;
      rFdNum[k] = fdNum;
      if (hidden) continue;

      // Overview marks: most events have none (decided from tables; the rest out of line).
      const mk = MARK_KIND[code]! as MK;
      if (isExit) {
        if (
          mk !== MK.NONE ||
          (ioClass === IoClass.FILE && tf & TF.IO && lat > 1e6) ||
          (bytes > 0 && (ioClass === IoClass.NET || (tf & TF.OUT && fdEnt !== 0)))
        ) {
          this.evRel = rel;
          this.evLat = lat;
          this.evRes = res;
          this.exitMarks(b, i, idx, code, tf, mk, ioClass, fr, t, bytes, fdEnt);
        }
      } else if (mk !== MK.NONE) {
        this.evRel = rel;
        this.otherMarks(b, i, idx, code, mk);
      }
    }
  }

  private onSwitch(b: EventBatch, i: number, rel: number, tidNow: number): number {
    // A switch is emitted by the thread leaving the CPU; it ran since the switch on this CPU
    // that named it as `next` (0 when that switch was not captured). tidNow: low 32 bits (tids fit).
    const cpu = b.cpu[i]! & 1023;
    const lat = this.switchNext[cpu] === tidNow ? rel - this.switchTs[cpu]! : 0;
    const pb = b.paramBase[i]!;
    this.switchNext[cpu] =
      pb < b.paramBase[i + 1]! ? readSigned(b.arena, b.paramOff[pb]!, b.paramLen[pb]!) : -1;
    this.switchTs[cpu] = rel;
    return lat;
  }

  private onProcinfo(b: EventBatch, i: number, thr: number): number {
    // thread.cpu as libsinsp computes it: the user+system tick delta since the thread's previous
    // procinfo, at most 100 ticks of 10 ms (what topprocs_cpu sums). Kept in the lat column.
    this.hasCpuInfo = true;
    const pb = b.paramBase[i]!;
    if (pb + 1 >= b.paramBase[i + 1]!) return 0;
    const arena = b.arena;
    const tot =
      readSigned(arena, b.paramOff[pb]!, b.paramLen[pb]!) +
      readSigned(arena, b.paramOff[pb + 1]!, b.paramLen[pb + 1]!);
    if (thr >= this.lastCpuTotal.length) {
      const g2 = new Float64Array(Math.max(thr + 1, this.lastCpuTotal.length * 2)).fill(NaN);
      g2.set(this.lastCpuTotal);
      this.lastCpuTotal = g2;
    }
    const prev = this.lastCpuTotal[thr]!;
    this.lastCpuTotal[thr] = tot;
    return procinfoCpuNs(prev, tot);
  }

  private exitMarks(
    b: EventBatch,
    i: number,
    idx: number,
    code: number,
    tf: number,
    mk: MK,
    ioClass: IoClass,
    fr: FdRec,
    t: ThreadInfo | undefined,
    bytes: number,
    fdEnt: number,
  ): void {
    const rel = this.evRel;
    const res = this.evRes;
    const lat = this.evLat;
    const arena = b.arena;
    let mask = 0;
    this.mLines = 0;
    this.mWarn = 0;
    this.mErr = 0;
    if (mk !== MK.NONE) {
      const port22 = fr.sport !== 0 && this.ents.sports.rows[fr.sport]!.num === 22;
      switch (mk) {
        case MK.BIND:
          if (res >= 0 && ioClass === IoClass.NET) mask |= B.new_listen;
          break;
        case MK.CONNECT:
          if (res >= 0 || res === -EINPROGRESS) mask |= B.new_out;
          else if (ioClass === IoClass.NET) mask |= B.failed_conns;
          if (port22) mask |= B.ssh;
          break;
        case MK.ACCEPT:
          if (res >= 0) mask |= B.new_in | (port22 ? B.ssh : 0);
          break;
        case MK.EXEC:
          if (res === 0) {
            mask |= B.exec;
            if (t !== undefined && /bash/.test(this.parentName(t.ptid) ?? '')) mask |= B.exec_interactive;
            const k = paramAt(b, i, P_EXE[code] ?? -1);
            if (k >= 0) {
              const o = b.paramOff[k]!;
              const exe = latin1(arena, o, o + b.paramLen[k]!).replace(/\0.*$/, '');
              if (/(^|\/)sudo$/.test(exe)) mask |= B.sudo;
            }
          }
          break;
        case MK.SYMLINK:
          if (res >= 0) mask |= B.symlinks;
          break;
        case MK.SETNS:
          mask |= B.setns;
          break;
        case MK.UNLINK:
          if (res >= 0) mask |= B.deleted;
          break;
        case MK.OPEN:
          if (res < 0) mask |= B.open_errors;
          break;
        case MK.FORK:
          if (res > 0) mask |= B.forks;
          break;
        default:
          break;
      }
    }
    if (ioClass === IoClass.FILE && tf & TF.IO && lat > 1e6 && (fr.nameFlags & FdName.DEV) === 0) {
      mask |= B.slow_1ms;
      if (lat > 1e7) mask |= B.slow_10ms;
      if (lat > 1e8) mask |= B.slow_100ms;
    }
    if (bytes > 0 && (ioClass === IoClass.NET || (tf & TF.OUT && fdEnt !== 0))) {
      const k = paramAt(b, i, P_DATA[code] ?? -1);
      const s0 = k >= 0 ? b.paramOff[k]! : 0;
      const s1 = k >= 0 ? s0 + b.paramLen[k]! : 0;
      if (s1 > s0) {
        if (ioClass === IoClass.NET && arena[s0] === 0x48 /* H */) {
          const h = httpStatus(latin1(arena, s0, Math.min(s1, s0 + 16)));
          if (h !== undefined) {
            mask |= B.http_resp;
            if (h < 200 || h >= 300) mask |= B.http_err;
          }
        }
        if (tf & TF.OUT && fdEnt !== 0) {
          if (ioClass === IoClass.FILE && fr.nameFlags & FdName.LOG_FILE) {
            const lc = logLineCounts(latin1(arena, s0, s1));
            if (lc.lines) mask |= B.log_lines;
            if (lc.warn) mask |= B.log_warn;
            if (lc.error) mask |= B.log_err;
            this.mLines = lc.lines;
            this.mWarn = lc.warn;
            this.mErr = lc.error;
          }
          if (fr.nameFlags & FdName.DEV_LOG) mask |= B.syslog;
        }
      }
    }
    this.addMark(idx, rel, mask);
  }

  private otherMarks(b: EventBatch, i: number, idx: number, code: number, mk: MK): void {
    const rel = this.evRel;
    let mask = 0;
    this.mLines = 0;
    this.mWarn = 0;
    this.mErr = 0;
    if (mk === MK.SIGNAL) {
      mask |= B.signals;
      const k = paramAt(b, i, P_SIG[code] ?? -1);
      if (k >= 0 && b.paramLen[k]! > 0 && signalName(b.arena[b.paramOff[k]!]!) === 'SIGSEGV')
        mask |= B.segfaults;
    } else if (mk === MK.NOTIFY) mask |= B.notifications;
    else if (mk === MK.INFRA) mask |= B.infra;
    this.addMark(idx, rel, mask);
  }

  private addMark(idx: number, rel: number, mask: number): void {
    if (mask === 0) return;
    const marks = this.marks;
    const { mLines: lines, mWarn: warn, mErr: err } = this;
    marks.idx[marks.n] = idx;
    marks.mask[marks.n] = mask;
    marks.lines[marks.n] = Math.min(lines, 65535);
    marks.warn[marks.n] = Math.min(warn, 65535);
    marks.err[marks.n] = Math.min(err, 65535);
    marks.n++;
    this.markBitsUsed |= mask;
    if (mask & B.slow_1ms) this.slowIo.push(idx);
    const g = this.markSeries.bucket(rel);
    const gk = this.markSeries.arrays;
    for (let m = mask, bit = 0; m !== 0; m >>>= 1, bit++) {
      if (m & 1)
        gk[bit]![g]! += bit === BIT_LINES ? lines : bit === BIT_WARN ? warn : bit === BIT_ERR ? err : 1;
    }
  }
}
