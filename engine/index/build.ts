// The one-pass indexer: reads the capture once, replays state, and fills the per-event columns,
// the entity tables, the per-entity time buckets, the global overview series and the overview
// marks. Runs in the engine worker; `progress` is called between batches and `cancelled` polled.
import type { CaptureHeader, EventBatch, FdKind } from '../../core/capture.js';
import type { ThreadInfo } from '../../core/state/types.js';
import type { CaptureReader } from '../../native/index.js';
import { StateTracker, type TrackedEventState } from '../../core/state/tracker.js';
import { SectionFollower } from '../sections.js';
import { EVENTS, ERRNO_NAMES, SYSCALL_NAMES, eventInfo, signalName } from '../../core/schema/index.js';
import { M, METRIC_COUNT, type ListViewDef } from '../../core/views/types.js';
import { VIEWS } from '../../core/views/defs.js';
import { ErrClass, IoClass, errClassOf } from '../../core/views/classify.js';
import { httpStatus, isLogFile, logLineCounts } from '../../core/overview/tiles.js';
import { latin1 } from '../../core/bytes.js';
import {
  ColumnWriter,
  EventColumns,
  EvFlag,
  GENERIC_KEY_BASE,
  CHUNK_MASK,
  chunkTs,
  tsBlock,
} from './columns.js';
import { Entities, type FdRec } from './entities.js';
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

/** Slots of Builder.num: the entity bucket width, the latest time, the start of the latest
 *  bucket seen (at the width of its time). */
const enum NUM {
  WIDTH,
  T_END,
  CUR_START,
}

const PAIR_CACHE_MASK = 4095;

/** (thread entity, fd entity) → pair id: open addressing over typed arrays. */
class PairTable {
  private keyT = new Int32Array(1 << 12).fill(-1);
  private keyF = new Int32Array(1 << 12);
  private val = new Int32Array(1 << 12);
  private n = 0;

  private slot(t: number, f: number): number {
    const mask = this.keyT.length - 1;
    let h = (Math.imul(t, 0x9e3779b1) ^ Math.imul(f + 1, 0x85ebca6b)) >>> 0;
    h = (h ^ (h >>> 16)) & mask;
    while (this.keyT[h] !== -1 && (this.keyT[h] !== t || this.keyF[h] !== f)) h = (h + 1) & mask;
    return h;
  }

  /** The pair's id, -1 when absent. */
  get(t: number, f: number): number {
    const h = this.slot(t, f);
    return this.keyT[h] === -1 ? -1 : this.val[h]!;
  }

  set(t: number, f: number, id: number): void {
    if (2 * (this.n + 1) > this.keyT.length) this.grow();
    const h = this.slot(t, f);
    if (this.keyT[h] === -1) this.n++;
    this.keyT[h] = t;
    this.keyF[h] = f;
    this.val[h] = id;
  }

  private grow(): void {
    const { keyT, keyF, val } = this;
    this.keyT = new Int32Array(keyT.length * 2).fill(-1);
    this.keyF = new Int32Array(keyT.length * 2);
    this.val = new Int32Array(keyT.length * 2);
    for (let h = 0; h < keyT.length; h++) {
      if (keyT[h] === -1) continue;
      const j = this.slot(keyT[h]!, keyF[h]!);
      this.keyT[j] = keyT[h]!;
      this.keyF[j] = keyF[h]!;
      this.val[j] = val[h]!;
    }
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
  /** Gzip access points recorded while indexing (re-reads inflate from the nearest); null: plain. */
  gzipIndex: Uint8Array | null;
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
  private readonly w = Float64Array.of(START_WIDTH);
  get width(): number {
    return this.w[0]!;
  }
  readonly metric: Float64Array[] = Array.from({ length: MC }, () => new Float64Array(2 * GLOBAL_BUCKETS));
  readonly mark: Float64Array[] = Array.from({ length: 32 }, () => new Float64Array(2 * GLOBAL_BUCKETS));
  bucket(rel: number): number {
    let b = Math.floor(rel / this.w[0]!);
    while (b >= 2 * GLOBAL_BUCKETS) {
      this.double();
      b = Math.floor(rel / this.w[0]!);
    }
    return b < 0 ? 0 : b;
  }
  private double(): void {
    this.w[0]! *= 2;
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

/** Adds the event's (metric, value) contributions to entity e's accumulator for the bucket at start. */
function addTo(log: BucketLog, e: number, start: number, cm: Int32Array, cv: Float64Array, nc: number): void {
  const s = log.slot(e, start);
  const v = log.values;
  for (let j = 0; j < nc; j++) v[s + cm[j]!]! += cv[j]!;
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

/** Per type key: events that reach no metric, list or mark by their type (uncounted enter events
 *  of no list view and no overview mark); procinfo still adds its CPU time. */
const QUIET = new Uint8Array(0x10000);
for (let k = 0; k < 0x10000; k++) {
  const tf = typeFlags[k]!;
  if (
    tf & TF.UNCOUNTED &&
    !(tf & TF.EXIT) &&
    k < GENERIC_KEY_BASE &&
    LIST_OF_CODE[k] === 0 &&
    MARK_KIND[k] === 0
  )
    QUIET[k] = 1;
}

/** Per event code: exit events of the process category refresh their process's attributes. */
const PROC_EXIT = new Uint8Array(0x10000);
for (const e of EVENTS) if (e.code & 1 && e.category === 6) PROC_EXIT[e.code] = 1;

/**
 * The indexer's state while reading. The per-event path (`batch`) stays small and monomorphic so
 * that V8 optimises it early and keeps it optimised: rare work (new entities, overview marks with
 * payload parsing) lives in separate methods, and all per-event numbers stay in typed arrays.
 */
class Builder {
  readonly tracker: StateTracker;
  readonly ents: Entities;
  readonly cw = new ColumnWriter();
  readonly parentName: (ptid: number) => string | undefined;
  readonly logs = {
    syscall: new BucketLog(),
    error: new BucketLog(),
    pair: new BucketLog(),
  };
  // (thread, fd) pairs: the thread and fd buckets are sums over them (finalize), and a drill-down
  // by process or thread into an fd view (or back) is a sum over pairs, not a scan.
  private readonly pairIds = new PairTable();
  private readonly pcThread = new Int32Array(PAIR_CACHE_MASK + 1).fill(-1);
  private readonly pcFd = new Int32Array(PAIR_CACHE_MASK + 1);
  private readonly pcId = new Int32Array(PAIR_CACHE_MASK + 1);
  readonly pairThread = new U32List();
  readonly pairFd = new U32List();
  private lastPairThread = -1;
  private lastPairFd = -1;
  private lastPair = 0;
  // Events with data (evt.buflen > 0): all of them, and per fd entity, for the I/O stream.
  readonly ioAll = new U32List();
  readonly ioByFd: U32List[] = [];
  // Candidate events of the list views whose selectors are by type (engine/query/views.ts).
  readonly listLists: U32List[] = LIST_TYPE_VIEWS.map(() => new U32List());
  // slow_io's rows are the slow_1ms overview marks.
  readonly slowIo = new U32List();
  readonly countable = new U32List(); // per chunk: events sysdig would print (the `dig` list)
  countInChunk = 0;
  readonly global = new GlobalSeries();
  readonly marks: Marks = {
    n: 0,
    idx: new Uint32Array(1024),
    mask: new Uint32Array(1024),
    lines: new Uint16Array(1024),
    warn: new Uint16Array(1024),
    err: new Uint16Array(1024),
  };
  markBitsUsed = 0;
  // Growing times (ns) in a typed array, not fields: a field holding a small integer first and a
  // large one later changes representation, which throws away the optimised loop.
  private readonly num = Float64Array.of(START_WIDTH, 0, 0);
  /** Entity bucket width (ns). */
  get width(): number {
    return this.num[NUM.WIDTH]!;
  }
  /** Largest ts - t0 seen. */
  get tEnd(): number {
    return this.num[NUM.T_END]!;
  }
  t0: bigint | undefined;
  hasCpuInfo = false;
  // Per CPU: time and `next` tid of the last switch (NaN: none yet).
  private readonly switchTs = new Float64Array(1024).fill(NaN);
  private readonly switchNext = new Float64Array(1024).fill(NaN);
  // Per thread entity: the last procinfo tick total (NaN: none yet).
  private lastCpuTotal = new Float64Array(1024).fill(NaN);
  readonly syscallIds = new Map<number, number>();
  private readonly syscallIdOf = new Int32Array(0x10000); // id + 1; 0 = not seen
  readonly errorIds = new Map<number, number>();
  private readonly errorIdOf = new Int32Array(0x10000); // id + 1; 0 = not seen
  // The current event's metric contributions: (metric, value) pairs.
  private readonly cm = new Int32Array(12);
  private readonly cv = new Float64Array(12);
  // Line counts of the current event's log marks.
  private mLines = 0;
  private mWarn = 0;
  private mErr = 0;

  constructor(header: CaptureHeader) {
    const tracker = new StateTracker(header);
    this.tracker = tracker;
    // Built outside this function: a closure made here would share this scope's context and keep
    // the tracker alive for as long as the index lives.
    this.ents = new Entities(userLookup(header));
    this.parentName = (ptid: number): string | undefined => tracker.thread(ptid)?.comm;
    this.pairThread.push(0);
    this.pairFd.push(0);
  }

  batch(b: EventBatch): void {
    // Metadata events (procinfo, container) may carry ts 0: the capture starts at the first real time.
    if (this.t0 === undefined)
      for (let i = 0; i < b.count && this.t0 === undefined; i++) if (b.ts[i]! > 0n) this.t0 = b.ts[i]!;
    const base = this.t0 ?? 0n;
    // ts - t0 exactly, without a BigInt per event: the 64-bit values as two u32 halves.
    const tsw = new Uint32Array(b.ts.buffer, b.ts.byteOffset, b.count * 2);
    const tidw = new Int32Array(b.tid.buffer, b.tid.byteOffset, b.count * 2);
    const baseLo = Number(base & 0xffffffffn);
    const baseHi = Number(base >> 32n);
    const tracker = this.tracker;
    const ents = this.ents;
    const cw = this.cw;
    const types = b.type;
    const evFlags = b.flags;
    const paramBase = b.paramBase;
    const paramOff = b.paramOff;
    const paramLen = b.paramLen;
    const arena = b.arena;
    for (let i = 0; i < b.count; i++) {
      const st: TrackedEventState = tracker.process(b, i);
      const code = types[i]!;
      const idx = cw.length;
      if ((idx & CHUNK_MASK) === 0 && idx !== 0) {
        this.countable.push(this.countInChunk);
        this.countInChunk = 0;
      }
      const dh = tsw[2 * i + 1]! - baseHi;
      const rel0 = dh * 4294967296 + (tsw[2 * i]! - baseLo);
      const rel = rel0 > 0 ? rel0 : 0;
      if (rel > this.num[NUM.T_END]!) this.num[NUM.T_END] = rel;

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
        if (ents.threadsTable.length !== before || PROC_EXIT[code] === 1)
          ents.refreshProcess(thr, t, this.parentName);
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
      cw.push(rel, key, errno, flags, thr, fdEnt, fdNum, lat, bytes, b.offset[i]!);
      if (hidden) continue;

      this.account(b, i, idx, rel, code, key, tf, thr, fdEnt, t, res, errno, bytes, lat);
    }
  }

  /** The metrics, lists and marks of one shown event (kept apart from the per-event loop above
   *  so that each stays small for the JIT). */
  private account(
    b: EventBatch,
    i: number,
    idx: number,
    rel: number,
    code: number,
    key: number,
    tf: number,
    thr: number,
    fdEnt: number,
    t: ThreadInfo | undefined,
    res: number,
    errno: number,
    bytes: number,
    lat: number,
  ): void {
    // Metric contributions.
    const isExit = (tf & TF.EXIT) !== 0;
    const notSwitch = (tf & TF.UNCOUNTED) === 0;
    const cpu = tf & TF.PROCINFO ? lat : 0;
    const fr = this.ents.fds[fdEnt]!;
    // From the fd entity only, so scans over the columns classify exactly as this pass does.
    const ioClass = fdEnt !== 0 ? fr.ioClass : IoClass.OTHER;
    const cm = this.cm;
    const cv = this.cv;
    let nc = 0;
    if (notSwitch) {
      cm[nc] = M.EVENTS;
      cv[nc++] = 1;
    }
    if (isExit) {
      cm[nc] = M.EXITS;
      cv[nc++] = 1;
      cm[nc] = M.LAT_NS;
      cv[nc++] = lat;
    }
    if (cpu !== 0) {
      cm[nc] = M.CPU_NS;
      cv[nc++] = cpu;
    }
    let ioM = -1;
    if (bytes > 0) {
      ioM = IO_METRIC[ioClass * 2 + (tf & TF.OUT ? 1 : 0)]!;
      cm[nc] = ioM;
      cv[nc++] = bytes;
    }
    const failed = errno !== 0 && isExit;
    if (failed) {
      cm[nc] = M.ERRORS;
      cv[nc++] = 1;
      cm[nc] = errMetric(code, fdEnt !== 0 ? fr.kind : undefined);
      cv[nc++] = 1;
    }
    if (isExit && tf & TF.OPEN) {
      cm[nc] = M.OPENS;
      cv[nc++] = 1;
    }
    if (isExit && tf & TF.IO && fdEnt !== 0) {
      cm[nc] = M.IO_CALLS;
      cv[nc++] = 1;
    }

    // Every syscall gets its entity, in order of appearance (also those that add to no metric).
    const sc = tf & TF.NOT_SYSCALL ? 0 : this.syscallId(key);
    // Events that add nothing to any metric (most procinfo and switch events: more than half of
    // some captures) skip the buckets.
    if (notSwitch || isExit || cpu !== 0) {
      const num = this.num;
      let width = num[NUM.WIDTH]!;
      while (rel >= 2 * ENTITY_BUCKETS * width) width *= 2;
      num[NUM.WIDTH] = width;
      const start = Math.floor(rel / width) * width;
      if (start > num[NUM.CUR_START]!) this.nextBucket(start);
      const er = failed ? this.errorId(errno) : 0;
      if (thr !== this.lastPairThread || fdEnt !== this.lastPairFd) this.pairOf(thr, fdEnt);
      addTo(this.logs.pair, this.lastPair, start, cm, cv, nc);
      // Entity 0 ("none") of the syscall and error kinds is derived at the end (all minus the rest).
      if (sc !== 0) addTo(this.logs.syscall, sc, start, cm, cv, nc);
      if (er !== 0) addTo(this.logs.error, er, start, cm, cv, nc);
      const g = this.global.bucket(rel);
      const gm = this.global.metric;
      if (notSwitch) gm[M.EVENTS]![g]!++;
      if (ioM >= 0) gm[ioM]![g]! += bytes;
      if (isExit) gm[M.EXITS]![g]!++;
      if (failed) gm[M.ERRORS]![g]!++;
    }
    if (bytes > 0) {
      this.ioAll.push(idx);
      (this.ioByFd[fdEnt] ??= new U32List()).push(idx);
    }
    if (notSwitch) this.countInChunk++;
    const lv = LIST_OF_CODE[code]!;
    if (lv !== 0 && isExit) this.listLists[lv - 1]!.push(idx);

    // Overview marks: most events have none (decided from tables; the rest out of line).
    const mk = MARK_KIND[code]! as MK;
    if (isExit) {
      if (
        mk !== MK.NONE ||
        (ioClass === IoClass.FILE && tf & TF.IO && lat > 1e6) ||
        (bytes > 0 && (ioClass === IoClass.NET || (tf & TF.OUT && fdEnt !== 0)))
      )
        this.exitMarks(b, i, idx, rel, code, tf, mk, res, ioClass, fr, t, lat, bytes, fdEnt);
    } else if (mk !== MK.NONE) this.otherMarks(b, i, idx, rel, code, mk);
  }

  /** A later bucket began: accumulators of buckets before the previous one are done. */
  private nextBucket(start: number): void {
    const before = this.num[NUM.CUR_START]!;
    this.num[NUM.CUR_START] = start;
    for (const l of [this.logs.pair, this.logs.syscall, this.logs.error]) l.sweep(before);
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
    return !Number.isNaN(prev) && prev !== 0 ? Math.min(Math.max(tot - prev, 0), 100) * 10_000_000 : 0;
  }

  private syscallId(key: number): number {
    const sk = key & ~1;
    const id = this.syscallIdOf[sk]! - 1;
    if (id >= 0) return id;
    const name =
      key >= GENERIC_KEY_BASE
        ? (SYSCALL_NAMES[(key - GENERIC_KEY_BASE) >> 1] ?? 'syscall')
        : eventInfo(key).name;
    const nid = this.ents.syscalls.get(name, name, sk);
    this.syscallIds.set(sk, nid);
    this.syscallIdOf[sk] = nid + 1;
    return nid;
  }

  private errorId(errno: number): number {
    const id = this.errorIdOf[errno]! - 1;
    if (id >= 0) return id;
    const nid = this.ents.errors.get(errno, ERRNO_NAMES.get(errno) ?? String(-errno), errno);
    this.errorIds.set(errno, nid);
    this.errorIdOf[errno] = nid + 1;
    return nid;
  }

  private pairOf(thr: number, fdEnt: number): void {
    // A direct-mapped cache in front of the table: threads switch back and forth between a few fds.
    const slot = (thr * 31 + fdEnt) & PAIR_CACHE_MASK;
    let id: number;
    if (this.pcThread[slot] === thr && this.pcFd[slot] === fdEnt) id = this.pcId[slot]!;
    else {
      id = this.pairIds.get(thr, fdEnt);
      if (id < 0) {
        id = this.pairThread.n;
        this.pairIds.set(thr, fdEnt, id);
        this.pairThread.push(thr);
        this.pairFd.push(fdEnt);
      }
      this.pcThread[slot] = thr;
      this.pcFd[slot] = fdEnt;
      this.pcId[slot] = id;
    }
    this.lastPairThread = thr;
    this.lastPairFd = fdEnt;
    this.lastPair = id;
  }

  private exitMarks(
    b: EventBatch,
    i: number,
    idx: number,
    rel: number,
    code: number,
    tf: number,
    mk: MK,
    res: number,
    ioClass: IoClass,
    fr: FdRec,
    t: ThreadInfo | undefined,
    lat: number,
    bytes: number,
    fdEnt: number,
  ): void {
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
            this.mLines = lc.lines;
            this.mWarn = lc.warn;
            this.mErr = lc.error;
          }
          if (fr.name.includes('/dev/log')) mask |= B.syslog;
        }
      }
    }
    this.addMark(idx, rel, mask);
  }

  private otherMarks(b: EventBatch, i: number, idx: number, rel: number, code: number, mk: MK): void {
    let mask = 0;
    this.mLines = 0;
    this.mWarn = 0;
    this.mErr = 0;
    if (mk === MK.SIGNAL) {
      mask |= B.signals;
      const s = paramSpan(b, i, P_SIG[code] ?? -1);
      if (s !== undefined && s[1] > s[0] && signalName(b.arena[s[0]]!) === 'SIGSEGV') mask |= B.segfaults;
    } else if (mk === MK.NOTIFY) mask |= B.notifications;
    else if (mk === MK.INFRA) mask |= B.infra;
    this.addMark(idx, rel, mask);
  }

  private addMark(idx: number, rel: number, mask: number): void {
    if (mask === 0) return;
    const marks = this.marks;
    const { mLines: lines, mWarn: warn, mErr: err } = this;
    if (marks.n === marks.idx.length) growMarks(marks);
    marks.idx[marks.n] = idx;
    marks.mask[marks.n] = mask;
    marks.lines[marks.n] = Math.min(lines, 65535);
    marks.warn[marks.n] = Math.min(warn, 65535);
    marks.err[marks.n] = Math.min(err, 65535);
    marks.n++;
    this.markBitsUsed |= mask;
    if (mask & B.slow_1ms) this.slowIo.push(idx);
    const g = this.global.bucket(rel);
    const gk = this.global.mark;
    for (let m = mask, bit = 0; m !== 0; m >>>= 1, bit++) {
      if (m & 1)
        gk[bit]![g]! += bit === BIT_LINES ? lines : bit === BIT_WARN ? warn : bit === BIT_ERR ? err : 1;
    }
  }
}

/** Byte metric by (IoClass, direction out): net, file, anything else. */
const IO_METRIC = new Int8Array(8);
IO_METRIC[IoClass.NONE * 2] = M.OTHER_IN;
IO_METRIC[IoClass.NONE * 2 + 1] = M.OTHER_OUT;
IO_METRIC[IoClass.NET * 2] = M.NET_IN;
IO_METRIC[IoClass.NET * 2 + 1] = M.NET_OUT;
IO_METRIC[IoClass.FILE * 2] = M.FILE_IN;
IO_METRIC[IoClass.FILE * 2 + 1] = M.FILE_OUT;
IO_METRIC[IoClass.OTHER * 2] = M.OTHER_IN;
IO_METRIC[IoClass.OTHER * 2 + 1] = M.OTHER_OUT;

/** The error-class metric of a failed exit (evt.count.error.*). */
function errMetric(code: number, kind: FdKind | undefined): number {
  const ec = errClassOf(eventInfo(code), kind);
  return ec === ErrClass.FILE
    ? M.ERR_FILE
    : ec === ErrClass.NET
      ? M.ERR_NET
      : ec === ErrClass.MEMORY
        ? M.ERR_MEM
        : M.ERR_OTHER;
}

export function buildIndex(o: BuildOptions): CaptureIndex {
  const started = performance.now();
  // Reading and finalizing in separate frames: the tracker (and everything it holds) is garbage
  // by the time the tables are built.
  const index = finalize(readAll(o));
  index.buildMs = performance.now() - started;
  return index;
}

function readAll(o: BuildOptions): Parts {
  const { reader } = o;
  const header = reader.header;
  const bd = new Builder(header);
  let lastProgress = 0;
  // Concatenated captures: each section restarts the state from its own lists, as in libsinsp.
  const sections = new SectionFollower(reader, bd.tracker);
  for (let b = reader.next(); b !== null; b = reader.next()) {
    if (o.cancelled?.()) throw new Cancelled();
    sections.batch(b);
    bd.batch(b);
    const now = performance.now();
    if (o.progress && now - lastProgress > 100) {
      lastProgress = now;
      o.progress({ bytes: reader.bytesConsumed(), totalBytes: reader.fileSize, events: bd.cw.length });
    }
  }
  const error = reader.error ? reader.error.message : undefined;
  o.progress?.({ bytes: reader.fileSize, totalBytes: reader.fileSize, events: bd.cw.length });
  const ents = bd.ents;
  ents.endBuild((id) => bd.tracker.container(id)?.name);
  const cols = bd.cw.finish();
  if (cols.length > 0) bd.countable.push(bd.countInChunk);
  for (const l of Object.values(bd.logs)) l.flushAll();
  const listCands = new Map<string, Uint32Array>(
    LIST_TYPE_VIEWS.map((v, k) => [v.id, bd.listLists[k]!.done()]),
  );
  listCands.set('slow_io', bd.slowIo.done());
  return {
    path: o.path,
    header,
    fileSize: reader.fileSize,
    compressed: reader.compressed,
    gzipIndex: reader.compressed ? reader.gzipIndex() : null,
    error,
    cols,
    ents,
    t0: bd.t0 ?? 0n,
    tEnd: bd.tEnd,
    hasCpuInfo: bd.hasCpuInfo,
    width: bd.width,
    logs: bd.logs,
    global: bd.global,
    marks: bd.marks,
    markBitsUsed: bd.markBitsUsed,
    syscallIds: bd.syscallIds,
    errorIds: bd.errorIds,
    pairThread: bd.pairThread.done(),
    pairFd: bd.pairFd.done(),
    ioAll: bd.ioAll.done(),
    ioByFd: bd.ioByFd.map((l) => l?.done()),
    listCands,
    countablePerChunk: bd.countable.done(),
  };
}

/** What the reading pass hands to finalizing: the index's own fields plus the raw logs. */
interface Parts extends Pick<
  CaptureIndex,
  | 'path'
  | 'header'
  | 'fileSize'
  | 'compressed'
  | 'gzipIndex'
  | 'error'
  | 'cols'
  | 'ents'
  | 't0'
  | 'tEnd'
  | 'hasCpuInfo'
  | 'width'
  | 'marks'
  | 'markBitsUsed'
  | 'pairThread'
  | 'pairFd'
  | 'ioAll'
  | 'ioByFd'
  | 'listCands'
  | 'countablePerChunk'
> {
  logs: { syscall: BucketLog; error: BucketLog; pair: BucketLog };
  global: GlobalSeries;
  syscallIds: Map<number, number>;
  errorIds: Map<number, number>;
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
  // Entries at the final width.
  type Log = { log: BucketLog; bucket: Int32Array; nb: number; ids: Uint32Array };
  const prep = (log: BucketLog): Log => {
    const bucket = new Int32Array(log.entries);
    const ids = new Uint32Array(log.entries);
    let nb = 1;
    for (let i = 0; i < log.entries; i++) {
      const bb = Math.floor(log.start(i) / width);
      bucket[i] = bb;
      if (bb >= nb) nb = bb + 1;
      ids[i] = log.entity(i);
    }
    return { log, bucket, nb, ids };
  };
  const make = (n: number, l: Log): EntityBuckets => new EntityBuckets(n, l.log, l.ids, l.bucket, l.nb);
  /** A coarser kind from a finer one's table: its rows re-keyed by `map`. */
  const coarser = (n: number, from: EntityBuckets, map: (e: number) => number): EntityBuckets => {
    const { src, ent } = from.source();
    const memo = new Int32Array(from.start.length - 1).fill(-1);
    for (let r = 0; r < ent.length; r++) {
      const e = ent[r]!;
      if (memo[e] === -1) memo[e] = map(e);
      ent[r] = memo[e]!;
    }
    return new EntityBuckets(n, src, ent, from.bucket, Math.floor(p.tEnd / width) + 1);
  };
  const pairLog = prep(logs.pair);
  const nb = Math.floor(p.tEnd / width) + 1;
  const totals = logs.pair.bucketSums(width, nb);
  /** Entity 0 of a kind whose log holds only entities > 0: per bucket, all events minus theirs
   *  (integer-valued sums, so exact). */
  const addZeroRows = (log: BucketLog): BucketLog => {
    const { sums } = log.bucketSums(width, nb);
    const row = new Float64Array(MC);
    for (let b = 0; b < nb; b++) {
      if (!totals.any[b]) continue;
      let nonzero = false;
      for (let m = 0; m < MC; m++) {
        row[m] = totals.sums[b * MC + m]! - sums[b * MC + m]!;
        if (row[m] !== 0) nonzero = true;
      }
      // Every event that reaches the buckets adds to some metric: no events, no row.
      if (nonzero) log.append(0, b * width, row, 0);
    }
    return log;
  };
  const thr = ents.threadsTable;
  const procOf = (e: number): number => thr[e]!.proc;
  const fds = ents.fds;
  const pt = p.pairThread;
  const pf = p.pairFd;
  // Thread- and fd-side kinds are sums over the (thread, fd) pairs, coarser kinds over those.
  const pairs = make(p.pairThread.length, pairLog);
  const syscall = make(ents.syscalls.rows.length, prep(addZeroRows(logs.syscall)));
  const error = make(ents.errors.rows.length, prep(addZeroRows(logs.error)));
  // The logs are done with: their memory goes before the other tables are built.
  for (const l of Object.values(logs)) l.release();
  // Without procinfo, CPU time is the time spent in syscalls (coarser tables inherit it).
  if (fix) for (const t of [pairs, syscall, error]) t.copyMetric(M.LAT_NS, M.CPU_NS);
  const thread = coarser(thr.length, pairs, (q) => pt[q]!);
  const fd = coarser(fds.length, pairs, (q) => pf[q]!);
  const procs = ents.processes;
  const buckets: CaptureIndex['buckets'] = {
    thread,
    process: coarser(procs.length, thread, procOf),
    user: coarser(ents.users.rows.length, thread, (e) => procs[procOf(e)]!.user),
    container: coarser(ents.containers.rows.length, thread, (e) => procs[procOf(e)]!.container),
    fd,
    directory: coarser(ents.directories.rows.length, fd, (e) => fds[e]!.dir),
    sport: coarser(ents.sports.rows.length, fd, (e) => fds[e]!.sport),
    fdtype: coarser(ents.fdtypes.rows.length, fd, (e) => fds[e]!.fdtype),
    syscall,
    error,
  };
  // Event index range of each entity bucket (timestamps across CPUs are not strictly ordered).
  const lo = new Uint32Array(nb).fill(0xffffffff);
  const hi = new Uint32Array(nb);
  let base = 0;
  for (const c of p.cols.chunks) {
    // Per block of events: a block inside one bucket (most) sets that bucket's range at once.
    for (let blk = 0; blk < c.tsBase.length; blk++) {
      const { lo: k0, hi: k1, plain } = tsBlock(c, blk);
      const b0 = Math.floor(c.tsBase[blk]! / width);
      if (plain && b0 === Math.floor(c.tsMax[blk]! / width)) {
        if (base + k0 < lo[b0]!) lo[b0] = base + k0;
        hi[b0] = Math.max(hi[b0]!, base + k1 - 1);
        continue;
      }
      for (let k = k0; k < k1; k++) {
        const bb = Math.floor(chunkTs(c, k) / width);
        if (base + k < lo[bb]!) lo[bb] = base + k;
        hi[bb] = Math.max(hi[bb]!, base + k);
      }
    }
    base += c.n;
  }
  // Global series as prefix sums (length n+1) over GLOBAL_BUCKETS buckets.
  const gn = Math.floor(p.tEnd / p.global.width) + 1;
  const prefix = (a: Float64Array): Float64Array => {
    const out = new Float64Array(gn + 1);
    // Buckets past the series (the capture ends with events that add to no metric) are empty.
    for (let k = 0; k < gn; k++) out[k + 1] = out[k]! + (a[k] ?? 0);
    return out;
  };
  const syscallOfKey = new Uint32Array(0x10000);
  for (const [k, id] of p.syscallIds) {
    syscallOfKey[k] = id;
    if (k + 1 < 0x10000) syscallOfKey[k + 1] = id;
  }
  const errorOfErrno = new Uint32Array(0x10000);
  for (const [e, id] of p.errorIds) errorOfErrno[e] = id;
  let mem = p.cols.memoryBytes();
  for (const x of Object.values(buckets)) mem += x.bytes();
  return {
    path: p.path,
    header: p.header,
    fileSize: p.fileSize,
    compressed: p.compressed,
    gzipIndex: p.gzipIndex,
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
