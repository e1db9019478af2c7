// The index side of the indexer: from the state side's per-event records (records.ts) it fills the
// columns, the bucket logs (pairs, syscalls, errors), the global metric series and the event lists,
// and at the end builds the tables that need no entity attributes (pair, syscall and error
// buckets, bucket event ranges). It runs in the index worker (index-worker.ts) or, for small
// captures, in the same thread as the state side: the same code either way.
import { ERRNO_NAMES, SYSCALL_NAMES, eventInfo } from '../../core/schema/index.js';
import { M, METRIC_COUNT, type ListViewDef } from '../../core/views/types.js';
import { VIEWS } from '../../core/views/defs.js';
import { IoClass, IoDir } from '../../core/views/classify.js';
import { bytesMetric } from '../../core/views/metrics.js';
import {
  ColumnWriter,
  EvFlag,
  GENERIC_KEY_BASE,
  CHUNK_MASK,
  chunkTs,
  tsBlock,
  type EventChunk,
} from './columns.js';
import { Named } from './entities.js';
import { BucketLog, EntityBuckets } from './buckets.js';
import { TF, typeFlags, codesNamed } from './typeinfo.js';
import { MISC_ERRM_SHIFT, MISC_FLAGS_SHIFT, MISC_IO_SHIFT, OFF_BITS, type Records } from './records.js';
import { GlobalSeries, START_WIDTH, U32List } from './util.js';

const MC = METRIC_COUNT;

/** Entity bucket count: buckets double in width when the capture outgrows 2x this. */
export const ENTITY_BUCKETS = 256;

/** Slots of IndexSide.num: the entity bucket width, the latest time, the start of the latest
 *  bucket seen (at the width of its time). */
const enum NUM {
  WIDTH,
  T_END,
  CUR_START,
  /** The bucket of the last event: [LAST_LO, LAST_HI). */
  LAST_LO,
  LAST_HI,
}

const PAIR_CACHE_MASK = 4095;

/** (thread entity, fd entity) → pair id: open addressing over typed arrays. */
class PairTable {
  // Tiny at first, so that growing is a path the first events take (see BucketLog's slots).
  private keyT = new Int32Array(4).fill(-1);
  private keyF = new Int32Array(4);
  private val = new Int32Array(4);
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
export const LIST_TYPE_VIEWS = VIEWS.filter(
  (v): v is ListViewDef => v.kind === 'list' && v.select.types.length > 0,
);
const LIST_OF_CODE = new Uint8Array(0x10000);
LIST_TYPE_VIEWS.forEach((v, k) => {
  for (const c of codesNamed(v.select.types)) LIST_OF_CODE[c] = k + 1;
});

/** Byte metric by (IoClass, direction out), from the views' one definition (core/views/metrics.ts)
 *  laid out as a table for the per-event path. */
const IO_METRIC = new Int8Array(8);
for (const cls of [IoClass.NONE, IoClass.NET, IoClass.FILE, IoClass.OTHER]) {
  IO_METRIC[cls * 2] = bytesMetric(IoDir.IN, cls);
  IO_METRIC[cls * 2 + 1] = bytesMetric(IoDir.OUT, cls);
}

/** Adds the event's (metric, value) contributions to entity e's accumulator for the bucket at start. */
function addTo(log: BucketLog, e: number, start: number, cm: Int32Array, cv: Float64Array, nc: number): void {
  const s = log.slot(e, start);
  const v = log.values;
  for (let j = 0; j < nc; j++) v[s + cm[j]!]! += cv[j]!;
}

/** A bucket table's arrays (EntityBuckets.of rebuilds it). */
export interface BucketArrays {
  start: Uint32Array;
  bucket: Int32Array;
  cum: Float64Array;
}

/** The first parts the index side hands over: the tables from the bucket logs (the coarser
 *  tables are built from them while the index side finishes the rest). Plain data and typed
 *  arrays (structured-cloneable). */
export interface PairParts {
  width: number;
  tEnd: number;
  pairs: BucketArrays;
  pairThread: Uint32Array;
  pairFd: Uint32Array;
  syscall: BucketArrays;
  error: BucketArrays;
}

/** The rest. */
export interface RestParts {
  chunks: EventChunk[];
  length: number;
  countablePerChunk: Uint32Array;
  bucketLo: Uint32Array;
  bucketHi: Uint32Array;
  gWidth: number;
  gMetrics: Float64Array[];
  ioAll: Uint32Array;
  ioByFd: (Uint32Array | undefined)[];
  listCands: [string, Uint32Array][];
  syscalls: { rows: Named['rows']; keys: Map<string | number, number> };
  errors: { rows: Named['rows']; keys: Map<string | number, number> };
  syscallOfKey: Uint32Array;
  errorOfErrno: Uint32Array;
}

/**
 * The index side's state. The per-event path (`consume`, `account`) stays small and monomorphic
 * so that V8 optimises it early and keeps it so; all per-event numbers live in typed arrays.
 */
export class IndexSide {
  private readonly cw = new ColumnWriter();
  private readonly logs = {
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
  private readonly pairThread = new U32List();
  private readonly pairFd = new U32List();
  private lastPairThread = -1;
  private lastPairFd = -1;
  private lastPair = 0;
  // Events with data (evt.buflen > 0): all of them, and per fd entity, for the I/O stream.
  private readonly ioAll = new U32List();
  private readonly ioByFd: U32List[] = [];
  // Candidate events of the list views whose selectors are by type (engine/query/views.ts).
  private readonly listLists: U32List[] = LIST_TYPE_VIEWS.map(() => new U32List());
  private readonly countable = new U32List(); // per chunk: events sysdig would print (the `dig` list)
  private countInChunk = 0;
  private readonly global = new GlobalSeries(MC);
  // Growing times (ns) in a typed array, not fields: a field holding a small integer first and a
  // large one later changes representation, which throws away the optimised loop.
  private readonly num = Float64Array.of(START_WIDTH, 0, 0, Infinity, -Infinity);
  private readonly syscalls = new Named();
  private readonly errors = new Named();
  private readonly syscallIds = new Map<number, number>();
  private readonly syscallIdOf = new Int32Array(0x10000); // id + 1; 0 = not seen
  private readonly errorIds = new Map<number, number>();
  private readonly errorIdOf = new Int32Array(0x10000); // id + 1; 0 = not seen
  // The current event's metric contributions: (metric, value) pairs.
  private readonly cm = new Int32Array(12);
  private readonly cv = new Float64Array(12);

  constructor() {
    this.pairThread.push(0);
    this.pairFd.push(0);
  }

  /** The first n records of r, in event order. */
  consume(r: Records, n: number): void {
    const { rel, off, lat, bytes, key, misc, thr, fd, fdNum } = r;
    // The offset is kept for the first event of each stride only (OFFSET_STRIDE = 1 << OFF_BITS).
    for (let k = 0; k < n; k++)
      this.event(
        rel[k]!,
        key[k]!,
        misc[k]!,
        thr[k]!,
        fd[k]!,
        fdNum[k]!,
        lat[k]!,
        bytes[k]!,
        off[k >> OFF_BITS]!,
      );
  }

  /** One event (the fields of a record; `off` matters at OFFSET_STRIDE boundaries only). */
  event(
    rel: number,
    key: number,
    misc: number,
    thr: number,
    fdEnt: number,
    fdNum: number,
    lat: number,
    bytes: number,
    off: number,
  ): void {
    const cw = this.cw;
    const num = this.num;
    const idx = cw.length;
    if ((idx & CHUNK_MASK) === 0 && idx !== 0) {
      this.countable.push(this.countInChunk);
      this.countInChunk = 0;
    }
    if (rel > num[NUM.T_END]!) num[NUM.T_END] = rel;
    const errno = misc & 0xffff;
    const flags = (misc >>> MISC_FLAGS_SHIFT) & 3;
    cw.push(rel, key, errno, flags, thr, fdEnt, fdNum, lat, bytes, off);
    if (flags & EvFlag.HIDDEN) return;
    this.account(idx, rel, key, thr, fdEnt, errno, bytes, lat, misc);
  }

  /** The metrics and lists of one shown event (kept apart from the loop above so that each stays
   *  small for the JIT). */
  private account(
    idx: number,
    rel: number,
    key: number,
    thr: number,
    fdEnt: number,
    errno: number,
    bytes: number,
    lat: number,
    misc: number,
  ): void {
    const tf = typeFlags[key]!;
    // Generic syscall keys carry the direction in their low bit.
    const code = key >= GENERIC_KEY_BASE ? key & 1 : key;
    const isExit = (tf & TF.EXIT) !== 0;
    const notSwitch = (tf & TF.UNCOUNTED) === 0;
    const cpu = tf & TF.PROCINFO ? lat : 0;
    const ioClass = (misc >>> MISC_IO_SHIFT) & 3;
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
    // Without a branch: procinfo events may first come long after this code is optimised.
    cm[nc] = M.CPU_NS;
    cv[nc] = cpu;
    nc += cpu !== 0 ? 1 : 0;
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
      cm[nc] = (misc >>> MISC_ERRM_SHIFT) & 31;
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
      // Most events fall in the bucket of the previous one (times are integers below 2^53, so
      // the bounds and the floor are exact).
      let start = num[NUM.LAST_LO]!;
      if (!(rel >= start && rel < num[NUM.LAST_HI]!)) start = this.bucketStart(rel);
      const er = failed ? this.errorId(errno) : 0;
      if (thr !== this.lastPairThread || fdEnt !== this.lastPairFd) this.pairOf(thr, fdEnt);
      addTo(this.logs.pair, this.lastPair, start, cm, cv, nc);
      // Entity 0 ("none") of the syscall and error kinds is derived at the end (all minus the rest).
      if (sc !== 0) addTo(this.logs.syscall, sc, start, cm, cv, nc);
      if (er !== 0) addTo(this.logs.error, er, start, cm, cv, nc);
      const g = this.global.bucket(rel);
      const gm = this.global.arrays;
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
  }

  /** The start of rel's entity bucket (the width doubles when rel is past 2 * ENTITY_BUCKETS);
   *  sweeps the logs when a later bucket begins. */
  private bucketStart(rel: number): number {
    const num = this.num;
    let width = num[NUM.WIDTH]!;
    while (rel >= 2 * ENTITY_BUCKETS * width) width *= 2;
    num[NUM.WIDTH] = width;
    const start = Math.floor(rel / width) * width;
    if (start > num[NUM.CUR_START]!) this.nextBucket(start);
    num[NUM.LAST_LO] = start;
    num[NUM.LAST_HI] = start + width;
    return start;
  }

  /** A later bucket began: accumulators of buckets before the previous one are done. */
  private nextBucket(start: number): void {
    const before = this.num[NUM.CUR_START]!;
    this.num[NUM.CUR_START] = start;
    for (const l of [this.logs.pair, this.logs.syscall, this.logs.error]) l.sweep(before);
  }

  private syscallId(key: number): number {
    const sk = key & ~1;
    const id = this.syscallIdOf[sk]! - 1;
    if (id >= 0) return id;
    const name =
      key >= GENERIC_KEY_BASE
        ? (SYSCALL_NAMES[(key - GENERIC_KEY_BASE) >> 1] ?? 'syscall')
        : eventInfo(key).name;
    const nid = this.syscalls.get(name, name, sk);
    this.syscallIds.set(sk, nid);
    this.syscallIdOf[sk] = nid + 1;
    return nid;
  }

  private errorId(errno: number): number {
    const id = this.errorIdOf[errno]! - 1;
    if (id >= 0) return id;
    const nid = this.errors.get(errno, ERRNO_NAMES.get(errno) ?? String(-errno), errno);
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

  /** Ends the events and builds the pair, syscall and error tables (then the logs go).
   *  `hasCpuInfo`: the capture has procinfo events (without them, CPU time is the time spent in
   *  syscalls). */
  finishPairs(hasCpuInfo: boolean): PairParts {
    for (const l of Object.values(this.logs)) l.flushAll();
    const pairThread = this.pairThread.done();
    const pairs = this.prep(this.logs.pair, pairThread.length);
    // The syscall and error tables too: then the logs (the largest build-time structure) go
    // before any coarser table is built.
    const logs = this.logs;
    const width = this.num[NUM.WIDTH]!;
    const tEnd = this.num[NUM.T_END]!;
    const nb = Math.floor(tEnd / width) + 1;
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
    const syscall = this.prep(addZeroRows(logs.syscall), this.syscalls.rows.length);
    const error = this.prep(addZeroRows(logs.error), this.errors.rows.length);
    for (const l of Object.values(logs)) l.release();
    if (!hasCpuInfo) for (const t of [pairs, syscall, error]) t.copyMetric(M.LAT_NS, M.CPU_NS);
    return {
      width,
      tEnd,
      pairs: pairs.arrays(),
      pairThread,
      pairFd: this.pairFd.done(),
      syscall: syscall.arrays(),
      error: error.arrays(),
    };
  }

  /** Entries of a log at the final width, as a table of n entities. */
  private prep(log: BucketLog, n: number): EntityBuckets {
    const width = this.num[NUM.WIDTH]!;
    const bucket = new Int32Array(log.entries);
    const ids = new Uint32Array(log.entries);
    let nbl = 1;
    for (let i = 0; i < log.entries; i++) {
      const bb = Math.floor(log.start(i) / width);
      bucket[i] = bb;
      if (bb >= nbl) nbl = bb + 1;
      ids[i] = log.entity(i);
    }
    return EntityBuckets.build(n, log, ids, bucket, nbl);
  }

  /** Everything else (after finishPairs): the columns' last chunk, bucket event ranges, lists. */
  finishRest(): RestParts {
    const cols = this.cw.finish();
    if (cols.length > 0) this.countable.push(this.countInChunk);
    const width = this.num[NUM.WIDTH]!;
    const nb = Math.floor(this.num[NUM.T_END]! / width) + 1;
    const { lo, hi } = bucketRanges(cols.chunks, width, nb);
    const syscallOfKey = new Uint32Array(0x10000);
    for (const [k, id] of this.syscallIds) {
      syscallOfKey[k] = id;
      if (k + 1 < 0x10000) syscallOfKey[k + 1] = id;
    }
    const errorOfErrno = new Uint32Array(0x10000);
    for (const [e, id] of this.errorIds) errorOfErrno[e] = id;
    return {
      chunks: cols.chunks,
      length: cols.length,
      countablePerChunk: this.countable.done(),
      bucketLo: lo,
      bucketHi: hi,
      gWidth: this.global.width,
      gMetrics: this.global.arrays,
      ioAll: this.ioAll.done(),
      ioByFd: this.ioByFd.map((l) => l?.done()),
      listCands: LIST_TYPE_VIEWS.map((v, k) => [v.id, this.listLists[k]!.done()]),
      syscalls: this.syscalls.parts(),
      errors: this.errors.parts(),
      syscallOfKey,
      errorOfErrno,
    };
  }
}

/** Event index range of each entity bucket (timestamps across CPUs are not strictly ordered). */
function bucketRanges(chunks: EventChunk[], width: number, nb: number): { lo: Uint32Array; hi: Uint32Array } {
  const lo = new Uint32Array(nb).fill(0xffffffff);
  const hi = new Uint32Array(nb);
  let base = 0;
  for (const c of chunks) {
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
  return { lo, hi };
}
