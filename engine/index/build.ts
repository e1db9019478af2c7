// The one-pass indexer: reads the capture once, replays state, and fills the per-event columns,
// the entity tables, the per-entity time buckets, the global overview series and the overview
// marks. Runs in the engine worker; `progress` is called between batches and `cancelled` polled.
import type { CaptureHeader, EventBatch } from '../../core/capture.js';
import type { CaptureReader } from '../../native/index.js';
import { StateTracker, type TrackedEventState } from '../../core/state/tracker.js';
import {
  EVENTS,
  ERRNO_NAMES,
  SYSCALL_NAMES,
  eventInfo,
  signalName,
  type EventInfo,
} from '../../core/schema/index.js';
import { M, METRIC_COUNT, type ListViewDef } from '../../core/views/types.js';
import { VIEWS } from '../../core/views/defs.js';
import { ErrClass, IoClass, errClassOf } from '../../core/views/classify.js';
import { httpStatus, isLogFile, logLineCounts } from '../../core/overview/tiles.js';
import { latin1 } from '../../core/bytes.js';
import { EventColumns, EvFlag, GENERIC_KEY_BASE, OFFSET_STRIDE, CHUNK_MASK } from './columns.js';
import { Entities } from './entities.js';
import { BucketLog, EntityBuckets } from './buckets.js';
import { TF, typeFlags, paramPos, markBit, codesNamed } from './typeinfo.js';

const MC = METRIC_COUNT;

/** A growable u32 list. */
class U32List {
  private a = new Uint32Array(16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Uint32Array {
    return this.a.slice(0, this.n);
  }
}

/** List views whose rows are exit events of given types; event code → 1 + index here. */
const LIST_TYPE_VIEWS = VIEWS.filter((v): v is ListViewDef => v.kind === 'list' && v.select.types.length > 0);
const LIST_OF_CODE = new Uint8Array(0x10000);
LIST_TYPE_VIEWS.forEach((v, k) => {
  for (const c of codesNamed(v.select.types)) LIST_OF_CODE[c] = k + 1;
});
/** Bucket counts: buckets double in width when the capture outgrows 2x these. */
export const ENTITY_BUCKETS = 256;
export const GLOBAL_BUCKETS = 1024;
const START_WIDTH = 1_000_000; // 1 ms

export interface BuildProgress {
  bytes: number;
  totalBytes: number;
  events: number;
}

/** Overview marks: event index, tile bit mask, and line counts for the log tiles. */
export interface Marks {
  n: number;
  idx: Uint32Array;
  mask: Uint32Array;
  lines: Uint16Array;
  warn: Uint16Array;
  err: Uint16Array;
}

export interface CaptureIndex {
  path: string;
  header: CaptureHeader;
  fileSize: number;
  compressed: boolean;
  error: string | undefined;
  cols: EventColumns;
  ents: Entities;
  /** Base time: events' ts columns are ns since this. */
  t0: bigint;
  /** Largest ts - t0 seen. */
  tEnd: number;
  hasCpuInfo: boolean;
  /** Final per-entity bucket width (ns) and tables per entity kind. */
  width: number;
  buckets: Record<
    | 'thread'
    | 'process'
    | 'fd'
    | 'directory'
    | 'sport'
    | 'user'
    | 'container'
    | 'syscall'
    | 'error'
    | 'fdtype',
    EntityBuckets
  >;
  /** For each entity bucket b: the event index range [lo, hi] holding its events (edge scans). */
  bucketLo: Uint32Array;
  bucketHi: Uint32Array;
  /** Global series: width and per metric/mark-tile dense arrays (prefix sums, length n+1). */
  gWidth: number;
  gMetrics: Float64Array[];
  gMarks: Float64Array[];
  marks: Marks;
  markBitsUsed: number;
  /** (thread, fd) pair buckets, and each pair's thread and fd entity. */
  pairs: EntityBuckets;
  pairThread: Uint32Array;
  pairFd: Uint32Array;
  /** Pair ids per thread entity and per fd entity (compressed rows: ids[start[e]..start[e+1])). */
  pairsOfThread: Csr;
  pairsOfFd: Csr;
  /** Event indices with data bytes, all and per fd entity (ascending). */
  ioAll: Uint32Array;
  ioByFd: (Uint32Array | undefined)[];
  /** Candidate events (exit events of the right types) of the list views selecting by type. */
  listCands: Map<string, Uint32Array>;
  /** Per column chunk: how many events sysdig would print (not switch/internal). */
  countablePerChunk: Uint32Array;
  /** Type key → syscall entity; errno → error entity. */
  syscallOfKey: Uint32Array;
  errorOfErrno: Uint32Array;
  /** Milliseconds the build took. */
  buildMs: number;
  memoryBytes: number;
}

class GlobalSeries {
  width = START_WIDTH;
  readonly metric: Float64Array[] = Array.from({ length: MC }, () => new Float64Array(2 * GLOBAL_BUCKETS));
  readonly mark: Float64Array[] = Array.from({ length: 32 }, () => new Float64Array(2 * GLOBAL_BUCKETS));
  bucket(rel: number): number {
    let b = Math.floor(rel / this.width);
    while (b >= 2 * GLOBAL_BUCKETS) {
      this.double();
      b = Math.floor(rel / this.width);
    }
    return b < 0 ? 0 : b;
  }
  private double(): void {
    this.width *= 2;
    for (const a of [...this.metric, ...this.mark]) {
      for (let k = 0; k < GLOBAL_BUCKETS; k++) a[k] = a[2 * k]! + a[2 * k + 1]!;
      a.fill(0, GLOBAL_BUCKETS);
    }
  }
}

function growMarks(m: Marks): void {
  const n = m.idx.length * 2;
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

// The current event's metric contributions (set per event by buildIndex, read by addTo): kept
// in a module-level typed array so the hot loop's variables stay locals rather than closure slots.
const EV = new Float64Array(9);
const enum EVI {
  COUNTED,
  EXIT,
  LAT,
  CPU,
  IO_M,
  BYTES,
  ERR_M,
  OPENS,
  IO_CALL,
}

function addTo(log: BucketLog, e: number, start: number): void {
  const s = log.slot(e, start);
  const v = log.values;
  if (EV[EVI.COUNTED]) v[s + M.EVENTS]!++;
  if (EV[EVI.EXIT]) {
    v[s + M.EXITS]!++;
    v[s + M.LAT_NS]! += EV[EVI.LAT]!;
  }
  const cpu = EV[EVI.CPU]!;
  if (cpu) v[s + M.CPU_NS]! += cpu;
  const ioM = EV[EVI.IO_M]!;
  if (ioM >= 0) v[s + ioM]! += EV[EVI.BYTES]!;
  const errM = EV[EVI.ERR_M]!;
  if (errM >= 0) {
    v[s + M.ERRORS]!++;
    v[s + errM]!++;
  }
  if (EV[EVI.OPENS]) v[s + M.OPENS]!++;
  if (EV[EVI.IO_CALL]) v[s + M.IO_CALLS]!++;
}

/** Signed integer of `len` (1, 2, 4 or 8) little-endian bytes; 0 for other lengths. */
function readSigned(a: Uint8Array, o: number, len: number): number {
  switch (len) {
    case 8: {
      const lo = a[o]! | (a[o + 1]! << 8) | (a[o + 2]! << 16) | (a[o + 3]! << 24);
      const hi = a[o + 4]! | (a[o + 5]! << 8) | (a[o + 6]! << 16) | (a[o + 7]! << 24);
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

/** Bytes of parameter j of event i as [start, end) in the arena, or undefined. */
function paramSpan(b: EventBatch, i: number, j: number): [number, number] | undefined {
  if (j < 0) return undefined;
  const base = b.paramBase[i]!;
  if (base + j >= b.paramBase[i + 1]!) return undefined;
  const o = b.paramOff[base + j]!;
  return [o, o + b.paramLen[base + j]!];
}

export interface BuildOptions {
  path: string;
  reader: CaptureReader;
  progress?: (p: BuildProgress) => void;
  cancelled?: () => boolean;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

function userLookup(header: CaptureHeader): (uid: number) => string | undefined {
  const users = new Map(header.users.map((u) => [u.uid, u.name]));
  return (uid) => users.get(uid);
}

export function buildIndex(o: BuildOptions): CaptureIndex {
  const started = performance.now();
  const { reader } = o;
  const header = reader.header;
  const tracker = new StateTracker(header);
  // Built outside this function: a closure made here would share this scope's context and keep
  // the tracker (captured by parentName) alive for as long as the index lives.
  const ents = new Entities(userLookup(header));
  const parentName = (ptid: number): string | undefined => tracker.thread(ptid)?.comm;
  const cols = new EventColumns();
  const logs = {
    thread: new BucketLog(),
    fd: new BucketLog(),
    syscall: new BucketLog(),
    error: new BucketLog(),
    pair: new BucketLog(),
  };
  // (thread, fd) pairs: a drill-down by process or thread into an fd view (process ->
  // connections, files, ports) or by fd into a process view is a sum over pairs, not a scan.
  const pairByThread: (Map<number, number> | undefined)[] = [];
  const pairThread: number[] = [0];
  const pairFd: number[] = [0];
  let lastPairThread = -1;
  let lastPairFd = -1;
  let lastPair = 0;
  // Events with data (evt.buflen > 0): all of them, and per fd entity, for the I/O stream.
  const ioAll = new U32List();
  const ioByFd: U32List[] = [];
  // Candidate events of the list views whose selectors are by type (engine/query/views.ts).
  const listCands = new Map<string, U32List>(LIST_TYPE_VIEWS.map((v) => [v.id, new U32List()]));
  // slow_io's rows are the slow_1ms overview marks.
  const slowIo = new U32List();
  listCands.set('slow_io', slowIo);
  const countable = new U32List(); // per chunk: events sysdig would print (the `dig` list)
  let countInChunk = 0;
  const global = new GlobalSeries();
  const marks: Marks = {
    n: 0,
    idx: new Uint32Array(1024),
    mask: new Uint32Array(1024),
    lines: new Uint16Array(1024),
    warn: new Uint16Array(1024),
    err: new Uint16Array(1024),
  };
  let markBitsUsed = 0;
  let width = START_WIDTH;
  let t0: bigint | undefined;
  let tEnd = 0;
  let hasCpuInfo = false;
  // Per CPU: time and `next` tid of the last switch (NaN: none yet).
  const switchTs = new Float64Array(1024).fill(NaN);
  const switchNext = new Float64Array(1024).fill(NaN);
  // Per thread entity: the last procinfo tick total (NaN: none yet).
  let lastCpuTotal = new Float64Array(1024).fill(NaN);
  const syscallIds = new Map<number, number>();
  const syscallIdOf = new Int32Array(0x10000); // id + 1; 0 = not seen
  const errorIds = new Map<number, number>();
  const gm = global.metric;
  let lastProgress = 0;

  const addMark = (idx: number, mask: number, lines = 0, warn = 0, err = 0): void => {
    if (marks.n === marks.idx.length) growMarks(marks);
    marks.idx[marks.n] = idx;
    marks.mask[marks.n] = mask;
    marks.lines[marks.n] = Math.min(lines, 65535);
    marks.warn[marks.n] = Math.min(warn, 65535);
    marks.err[marks.n] = Math.min(err, 65535);
    marks.n++;
    markBitsUsed |= mask;
  };

  for (let b = reader.next(); b !== null; b = reader.next()) {
    if (o.cancelled?.()) throw new Cancelled();
    // Metadata events (procinfo, container) may carry ts 0: the capture starts at the first real time.
    if (t0 === undefined)
      for (let i = 0; i < b.count && t0 === undefined; i++) if (b.ts[i]! > 0n) t0 = b.ts[i]!;
    const base = t0 ?? 0n;
    // ts - t0 exactly, without a BigInt per event: the 64-bit values as two u32 halves.
    const tsw = new Uint32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2);
    const tidw = new Int32Array(b.tid.buffer, b.tid.byteOffset, b.count * 2);
    const baseLo = Number(base & 0xffffffffn);
    const baseHi = Number(base >> 32n);
    const arena = b.arena;
    for (let i = 0; i < b.count; i++) {
      const st: TrackedEventState = tracker.process(b, i);
      const code = b.type[i]!;
      const info: EventInfo = EVENTS[code] ?? eventInfo(code);
      const idx = cols.length;
      const k = cols.push();
      const c = cols.cur;
      if (k === 0 && idx !== 0) {
        countable.push(countInChunk);
        countInChunk = 0;
      }
      const dh = tsw[2 * i + 1]! - baseHi;
      const rel0 = dh * 4294967296 + (tsw[2 * i]! - baseLo);
      const rel = rel0 > 0 ? rel0 : 0;
      if (rel > tEnd) tEnd = rel;
      c.ts[k] = rel;
      if ((idx & (OFFSET_STRIDE - 1)) === 0) c.offset[(idx & CHUNK_MASK) / OFFSET_STRIDE] = b.offset[i]!;

      let key = code;
      if (code <= 1) {
        const s = paramSpan(b, i, 0);
        if (s !== undefined && s[1] - s[0] >= 2)
          key = GENERIC_KEY_BASE + 2 * (arena[s[0]]! | (arena[s[0] + 1]! << 8)) + code;
      }
      c.type[k] = key;
      const tf = typeFlags[key]!;
      const hidden = (b.flags[i]! & 1) !== 0;
      let flags = hidden ? EvFlag.HIDDEN : 0;

      const t = st.thread;
      let thr = 0;
      if (t !== undefined) {
        const before = ents.threadsTable.length;
        thr = ents.thread(t);
        if (ents.threadsTable.length !== before || (tf & TF.EXIT && info.category === 6))
          ents.refreshProcess(thr, t, parentName);
      }
      c.thread[k] = thr;

      let fdEnt = 0;
      const f = st.fd;
      if (st.fdValid && f !== undefined) {
        flags |= EvFlag.FD_VALID;
        fdEnt = ents.fd(f);
        if (fdEnt !== 0 && thr !== 0 && !hidden) ents.touchFd(fdEnt, thr, rel, st.fdNum);
      }
      c.fd[k] = fdEnt;
      c.fdNum[k] = st.thread !== undefined ? st.fdNum : -1;
      c.flags[k] = flags;

      // Result, errno, bytes.
      let res = 0;
      if (tf & TF.RES_IS_SIGNED || (key >= GENERIC_KEY_BASE && tf & TF.EXIT)) {
        // Parameter 0 without allocating: this runs for every exit event.
        const pb = b.paramBase[i]!;
        if (pb < b.paramBase[i + 1]!) res = readSigned(arena, b.paramOff[pb]!, b.paramLen[pb]!);
      }
      const errno = res < 0 ? Math.min(-res, 65535) : 0;
      c.err[k] = errno;
      const fr = ents.fds[fdEnt]!;
      // From the fd entity only, so scans over the columns classify exactly as this pass does.
      const ioClass = fdEnt !== 0 ? fr.ioClass : IoClass.OTHER;
      let bytes = 0;
      if (tf & (TF.IN | TF.OUT) && st.fdValid && f !== undefined && res > 0)
        bytes = Math.min(res, 0xffffffff);
      c.bytes[k] = bytes;

      let lat = 0;
      if (tf & TF.SWITCH) {
        // A switch is emitted by the thread leaving the CPU; it ran since the switch on this CPU
        // that named it as `next` (0 when that switch was not captured).
        const cpu = b.cpu[i]! & 1023;
        const tidNow = tidw[2 * i]!; // low 32 bits: tids fit
        if (switchNext[cpu] === tidNow) lat = rel - switchTs[cpu]!;
        const pb = b.paramBase[i]!;
        switchNext[cpu] = pb < b.paramBase[i + 1]! ? readSigned(arena, b.paramOff[pb]!, b.paramLen[pb]!) : -1;
        switchTs[cpu] = rel;
      } else if (tf & TF.PROCINFO && t !== undefined) {
        // thread.cpu as libsinsp computes it: the user+system tick delta since the thread's previous
        // procinfo, at most 100 ticks of 10 ms (what topprocs_cpu sums). Kept in the lat column.
        hasCpuInfo = true;
        const pb = b.paramBase[i]!;
        if (pb + 1 < b.paramBase[i + 1]!) {
          const tot =
            readSigned(arena, b.paramOff[pb]!, b.paramLen[pb]!) +
            readSigned(arena, b.paramOff[pb + 1]!, b.paramLen[pb + 1]!);
          if (thr >= lastCpuTotal.length) {
            const g2 = new Float64Array(Math.max(thr + 1, lastCpuTotal.length * 2)).fill(NaN);
            g2.set(lastCpuTotal);
            lastCpuTotal = g2;
          }
          const prev = lastCpuTotal[thr]!;
          const last = Number.isNaN(prev) ? undefined : prev;
          lastCpuTotal[thr] = tot;
          if (last !== undefined && last !== 0) lat = Math.min(Math.max(tot - last, 0), 100) * 10_000_000;
        }
      } else if (tf & TF.EXIT && t !== undefined) {
        // The tracker keeps the latency as a number; reading it as a bigint would allocate per event.
        const n = (st as { lat?: number }).lat;
        lat = n !== undefined ? Math.max(0, n) : Number(st.latency);
      }
      // Sums use the stored (float32) value so that scans over the columns add up identically.
      c.lat[k] = lat;
      lat = c.lat[k]!;
      if (hidden) continue;

      // Metrics into the four base entity kinds and the global series.
      const isExit = (tf & TF.EXIT) !== 0;
      const notSwitch = (tf & TF.UNCOUNTED) === 0;
      let ioM = -1;
      if (bytes > 0) {
        const out = (tf & TF.OUT) !== 0;
        ioM =
          ioClass === IoClass.NET
            ? out
              ? M.NET_OUT
              : M.NET_IN
            : ioClass === IoClass.FILE
              ? out
                ? M.FILE_OUT
                : M.FILE_IN
              : out
                ? M.OTHER_OUT
                : M.OTHER_IN;
      }
      let errM = -1;
      if (errno !== 0 && isExit) {
        const ec = errClassOf(info, fdEnt !== 0 ? fr.kind : undefined);
        errM =
          ec === ErrClass.FILE
            ? M.ERR_FILE
            : ec === ErrClass.NET
              ? M.ERR_NET
              : ec === ErrClass.MEMORY
                ? M.ERR_MEM
                : M.ERR_OTHER;
      }
      EV[EVI.COUNTED] = notSwitch ? 1 : 0;
      EV[EVI.EXIT] = isExit ? 1 : 0;
      EV[EVI.LAT] = lat;
      EV[EVI.CPU] = tf & TF.PROCINFO ? lat : 0;
      EV[EVI.IO_M] = ioM;
      EV[EVI.BYTES] = bytes;
      EV[EVI.ERR_M] = errM;
      EV[EVI.OPENS] = isExit && tf & TF.OPEN ? 1 : 0;
      EV[EVI.IO_CALL] = isExit && tf & TF.IO && fdEnt !== 0 ? 1 : 0;

      let sc = 0;
      if (!(tf & TF.NOT_SYSCALL)) {
        const sk = key >= GENERIC_KEY_BASE ? key & ~1 : key & ~1;
        let id: number | undefined = syscallIdOf[sk]! - 1;
        if (id < 0) {
          const name =
            key >= GENERIC_KEY_BASE ? (SYSCALL_NAMES[(key - GENERIC_KEY_BASE) >> 1] ?? 'syscall') : info.name;
          id = ents.syscalls.get(name, name, sk);
          syscallIds.set(sk, id);
          syscallIdOf[sk] = id + 1;
        }
        sc = id;
      }
      let er = 0;
      if (errno !== 0 && isExit) {
        let id = errorIds.get(errno);
        if (id === undefined) {
          id = ents.errors.get(errno, ERRNO_NAMES.get(errno) ?? String(-errno), errno);
          errorIds.set(errno, id);
        }
        er = id;
      }

      // Events that add nothing to any metric (most procinfo and switch events: more than half of
      // some captures) skip the buckets.
      const contributes = notSwitch || isExit || EV[EVI.CPU] !== 0;
      if (contributes) {
        while (rel >= 2 * ENTITY_BUCKETS * width) width *= 2;
        const start = Math.floor(rel / width) * width;
        addTo(logs.thread, thr, start);
        addTo(logs.fd, fdEnt, start);
        addTo(logs.syscall, sc, start);
        addTo(logs.error, er, start);
        if (thr !== lastPairThread || fdEnt !== lastPairFd) {
          // Small-integer keys per thread: no boxed doubles in the hot loop.
          const m = (pairByThread[thr] ??= new Map<number, number>());
          let id = m.get(fdEnt);
          if (id === undefined) {
            id = pairThread.length;
            m.set(fdEnt, id);
            pairThread.push(thr);
            pairFd.push(fdEnt);
          }
          lastPairThread = thr;
          lastPairFd = fdEnt;
          lastPair = id;
        }
        addTo(logs.pair, lastPair, start);
        const g = global.bucket(rel);
        if (notSwitch) gm[M.EVENTS]![g]!++;
        if (ioM >= 0) gm[ioM]![g]! += bytes;
        if (isExit) gm[M.EXITS]![g]!++;
        if (errM >= 0) gm[M.ERRORS]![g]!++;
      }
      if (bytes > 0) {
        ioAll.push(idx);
        (ioByFd[fdEnt] ??= new U32List()).push(idx);
      }
      if (!(tf & TF.UNCOUNTED)) countInChunk++;
      const lv = LIST_OF_CODE[code]!;
      if (lv !== 0 && isExit) listCands.get(LIST_TYPE_VIEWS[lv - 1]!.id)!.push(idx);

      // Overview marks.
      let mask = 0;
      let lines = 0;
      let warn = 0;
      let errl = 0;
      const mk = MARK_KIND[code]! as MK;
      if (isExit) {
        if (mk !== MK.NONE) {
          const port22 = fr.sport !== 0 && ents.sports.rows[fr.sport]!.num === 22;
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
                if (t !== undefined && /bash/.test(parentName(t.ptid) ?? '')) mask |= B.exec_interactive;
                const s = paramSpan(b, i, P_EXE[code] ?? -1);
                if (s !== undefined && /(^|\/)sudo$/.test(latin1(arena, s[0], s[1]).replace(/\0.*$/, '')))
                  mask |= B.sudo;
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
        if (ioClass === IoClass.FILE && tf & TF.IO && lat > 1e6 && !fr.name.includes('/dev/')) {
          mask |= B.slow_1ms;
          if (lat > 1e7) mask |= B.slow_10ms;
          if (lat > 1e8) mask |= B.slow_100ms;
        }
        if (bytes > 0 && (ioClass === IoClass.NET || (tf & TF.OUT && fdEnt !== 0))) {
          const s = paramSpan(b, i, P_DATA[code] ?? -1);
          if (s !== undefined && s[1] > s[0]) {
            if (ioClass === IoClass.NET && arena[s[0]] === 0x48 /* H */) {
              const h = httpStatus(latin1(arena, s[0], Math.min(s[1], s[0] + 16)));
              if (h !== undefined) {
                mask |= B.http_resp;
                if (h < 200 || h >= 300) mask |= B.http_err;
              }
            }
            if (tf & TF.OUT && fdEnt !== 0) {
              if (ioClass === IoClass.FILE && isLogFile(fr.name)) {
                const lc = logLineCounts(latin1(arena, s[0], s[1]));
                if (lc.lines) mask |= B.log_lines;
                if (lc.warn) mask |= B.log_warn;
                if (lc.error) mask |= B.log_err;
                lines = lc.lines;
                warn = lc.warn;
                errl = lc.error;
              }
              if (fr.name.includes('/dev/log')) mask |= B.syslog;
            }
          }
        }
      } else if (mk === MK.SIGNAL) {
        mask |= B.signals;
        const s = paramSpan(b, i, P_SIG[code] ?? -1);
        if (s !== undefined && s[1] > s[0] && signalName(arena[s[0]]!) === 'SIGSEGV') mask |= B.segfaults;
      } else if (mk === MK.NOTIFY) mask |= B.notifications;
      else if (mk === MK.INFRA) mask |= B.infra;
      if (mask !== 0) {
        const g = global.bucket(rel);
        addMark(idx, mask, lines, warn, errl);
        if (mask & B.slow_1ms) slowIo.push(idx);
        const gk = global.mark;
        for (let m = mask, bit = 0; m !== 0; m >>>= 1, bit++) {
          if (m & 1)
            gk[bit]![g]! += bit === BIT_LINES ? lines : bit === BIT_WARN ? warn : bit === BIT_ERR ? errl : 1;
        }
      }
    }
    const now = performance.now();
    if (o.progress && now - lastProgress > 100) {
      lastProgress = now;
      o.progress({ bytes: reader.bytesConsumed(), totalBytes: reader.fileSize, events: cols.length });
    }
  }
  const error = reader.error ? reader.error.message : undefined;
  o.progress?.({ bytes: reader.fileSize, totalBytes: reader.fileSize, events: cols.length });
  ents.endBuild();
  if (cols.length > 0) countable.push(countInChunk);
  cols.trim();
  for (const l of Object.values(logs)) l.flushAll();

  // CPU: without procinfo events, the time a thread spends in syscalls stands in for it.
  const index = finalize({
    path: o.path,
    header,
    fileSize: reader.fileSize,
    compressed: reader.compressed,
    error,
    cols,
    ents,
    t0: t0 ?? 0n,
    tEnd,
    hasCpuInfo,
    width,
    logs,
    global,
    marks,
    markBitsUsed,
    syscallIds,
    errorIds,
    pairThread: Uint32Array.from(pairThread),
    pairFd: Uint32Array.from(pairFd),
    ioAll: ioAll.done(),
    ioByFd: ioByFd.map((l) => l?.done()),
    listCands: new Map([...listCands].map(([k, l]) => [k, l.done()])),
    countablePerChunk: countable.done(),
  });
  index.buildMs = performance.now() - started;
  return index;
}

interface Parts {
  path: string;
  header: CaptureHeader;
  fileSize: number;
  compressed: boolean;
  error: string | undefined;
  cols: EventColumns;
  ents: Entities;
  t0: bigint;
  tEnd: number;
  hasCpuInfo: boolean;
  width: number;
  logs: { thread: BucketLog; fd: BucketLog; syscall: BucketLog; error: BucketLog; pair: BucketLog };
  global: GlobalSeries;
  marks: Marks;
  markBitsUsed: number;
  syscallIds: Map<number, number>;
  errorIds: Map<number, number>;
  pairThread: Uint32Array;
  pairFd: Uint32Array;
  ioAll: Uint32Array;
  ioByFd: (Uint32Array | undefined)[];
  listCands: Map<string, Uint32Array>;
  countablePerChunk: Uint32Array;
}

export interface Csr {
  start: Uint32Array;
  ids: Uint32Array;
}

/** Groups pair ids 1.. by owner (owner[p] < n). */
function csr(owner: Uint32Array, n: number): Csr {
  const start = new Uint32Array(n + 1);
  for (let p = 1; p < owner.length; p++) start[owner[p]! + 1]!++;
  for (let e = 0; e < n; e++) start[e + 1]! += start[e]!;
  const fill = start.slice(0, n);
  const ids = new Uint32Array(Math.max(0, owner.length - 1));
  for (let p = 1; p < owner.length; p++) ids[fill[owner[p]!]!++] = p;
  return { start, ids };
}

function finalize(p: Parts): CaptureIndex {
  const { ents, width, logs } = p;
  const fix = !p.hasCpuInfo;
  const b = (start: number): number => Math.floor(start / width);
  // Base kinds, and derived kinds re-keyed from them.
  type Each = (f: (e: number, b: number, vals: Float64Array, off: number) => void) => void;
  const from =
    (log: BucketLog, map: (e: number) => number): Each =>
    (f) =>
      log.forEach((e, start, vals, off) => {
        if (fix) vals[off + M.CPU_NS] = vals[off + M.LAT_NS]!;
        f(map(e), b(start), vals, off);
      });
  const same = (e: number): number => e;
  const make = (n: number, log: BucketLog, map: (e: number) => number): EntityBuckets =>
    new EntityBuckets(n, log.entries, from(log, map));
  const thr = ents.threadsTable;
  const procOf = (e: number): number => thr[e]!.proc;
  const fds = ents.fds;
  const buckets: CaptureIndex['buckets'] = {
    thread: make(thr.length, logs.thread, same),
    process: make(ents.processes.length, logs.thread, procOf),
    user: make(ents.users.rows.length, logs.thread, (e) => ents.processes[procOf(e)]!.user),
    container: make(ents.containers.rows.length, logs.thread, (e) => ents.processes[procOf(e)]!.container),
    fd: make(fds.length, logs.fd, same),
    directory: make(ents.directories.rows.length, logs.fd, (e) => fds[e]!.dir),
    sport: make(ents.sports.rows.length, logs.fd, (e) => fds[e]!.sport),
    fdtype: make(ents.fdtypes.rows.length, logs.fd, (e) => fds[e]!.fdtype),
    syscall: make(ents.syscalls.rows.length, logs.syscall, same),
    error: make(ents.errors.rows.length, logs.error, same),
  };
  const pairs = make(p.pairThread.length, logs.pair, same);
  // Event index range of each entity bucket (timestamps across CPUs are not strictly ordered).
  const nb = Math.floor(p.tEnd / width) + 1;
  const lo = new Uint32Array(nb).fill(0xffffffff);
  const hi = new Uint32Array(nb);
  let i = 0;
  for (const c of p.cols.chunks) {
    const ts = c.ts;
    for (let k = 0; k < ts.length; k++, i++) {
      const bb = Math.floor(ts[k]! / width);
      if (i < lo[bb]!) lo[bb] = i;
      hi[bb] = i;
    }
  }
  // Global series as prefix sums (length n+1) over GLOBAL_BUCKETS buckets.
  const gn = Math.floor(p.tEnd / p.global.width) + 1;
  const prefix = (a: Float64Array): Float64Array => {
    const out = new Float64Array(gn + 1);
    for (let k = 0; k < gn; k++) out[k + 1] = out[k]! + a[k]!;
    return out;
  };
  const syscallOfKey = new Uint32Array(0x10000);
  for (const [k, id] of p.syscallIds) {
    syscallOfKey[k] = id;
    if (k + 1 < 0x10000) syscallOfKey[k + 1] = id;
  }
  const errorOfErrno = new Uint32Array(0x10000);
  for (const [e, id] of p.errorIds) errorOfErrno[e] = id;
  let mem = p.cols.bytes();
  for (const x of Object.values(buckets)) mem += x.bytes();
  return {
    path: p.path,
    header: p.header,
    fileSize: p.fileSize,
    compressed: p.compressed,
    error: p.error,
    cols: p.cols,
    ents,
    t0: p.t0,
    tEnd: p.tEnd,
    hasCpuInfo: p.hasCpuInfo,
    width,
    buckets,
    bucketLo: lo,
    bucketHi: hi,
    gWidth: p.global.width,
    gMetrics: p.global.metric.map(prefix),
    gMarks: p.global.mark.map(prefix),
    marks: p.marks,
    markBitsUsed: p.markBitsUsed,
    syscallOfKey,
    errorOfErrno,
    pairs,
    pairThread: p.pairThread,
    pairsOfThread: csr(p.pairThread, thr.length),
    pairsOfFd: csr(p.pairFd, fds.length),
    pairFd: p.pairFd,
    ioAll: p.ioAll,
    ioByFd: p.ioByFd,
    listCands: p.listCands,
    countablePerChunk: p.countablePerChunk,
    buildMs: 0,
    memoryBytes: mem,
  };
}
