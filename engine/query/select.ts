// Which events a query sees: the time window, drill-down steps (over the index's entity tables,
// no rescan) and a filter bitset. Also the metric contributions of one event, computed from the
// columns exactly as the indexer computed them, so a scan and the buckets add up identically.
import { M, METRIC_COUNT, type DrillStep, type EntityKind } from '../../core/views/types.js';
import { IoClass, IoDir } from '../../core/views/classify.js';
import { bytesMetric, errorMetric } from '../../core/views/metrics.js';
import { EVENTS, eventInfo } from '../../core/schema/index.js';
import type { CaptureIndex } from '../index/build.js';
import { CHUNK_BITS, CHUNK_MASK, EvFlag, chunkTs } from '../index/columns.js';
import { TF, codeOfKey, typeFlags, typeNameOfKey } from '../index/typeinfo.js';
import { lowerBound } from '../index/buckets.js';

const MC = METRIC_COUNT;

export interface Selection {
  /** Relative window [r0, r1) in ns since index.t0. */
  r0: number;
  r1: number;
  whole: boolean;
  allowThread: Uint8Array | null;
  allowFd: Uint8Array | null;
  allowType: Uint8Array | null;
  allowErr: Uint8Array | null;
  /** Filter bitset (bit per event) or null. */
  bits: Uint32Array | null;
}

export function isUnrestricted(s: Selection): boolean {
  return !s.allowThread && !s.allowFd && !s.allowType && !s.allowErr && !s.bits;
}

const mark = (n: number, test: (i: number) => boolean): Uint8Array => {
  const a = new Uint8Array(n);
  for (let i = 1; i < n; i++) if (test(i)) a[i] = 1;
  return a;
};
const and = (a: Uint8Array | null, b: Uint8Array): Uint8Array => {
  if (a === null) return b;
  for (let i = 0; i < a.length; i++) a[i]! &= b[i]!;
  return a;
};

/** Builds the selection; throws an Error naming an unsupported drill field. */
export function select(
  ix: CaptureIndex,
  window: { t0: bigint; t1: bigint } | undefined,
  drill: readonly DrillStep[] | undefined,
  bits: Uint32Array | null,
): Selection {
  const s: Selection = {
    r0: 0,
    r1: ix.tEnd + 1,
    whole: true,
    allowThread: null,
    allowFd: null,
    allowType: null,
    allowErr: null,
    bits,
  };
  if (window) {
    s.r0 = Math.max(0, Number(window.t0 - ix.t0));
    s.r1 = Math.max(s.r0, Number(window.t1 - ix.t0));
    s.whole = s.r0 <= 0 && s.r1 > ix.tEnd;
  }
  const E = ix.ents;
  const thr = E.threadsTable;
  const procs = E.processes;
  const fds = E.fds;
  for (const d of drill ?? []) {
    const v = d.value;
    const str = String(v);
    switch (d.field) {
      case 'proc.pid':
        s.allowThread = and(
          s.allowThread,
          mark(thr.length, (i) => procs[thr[i]!.proc]!.pid === Number(v)),
        );
        break;
      case 'thread.tid':
        s.allowThread = and(
          s.allowThread,
          mark(thr.length, (i) => thr[i]!.tid === Number(v)),
        );
        break;
      case 'proc.name':
        s.allowThread = and(
          s.allowThread,
          mark(thr.length, (i) => thr[i]!.name === str),
        );
        break;
      case 'user.name':
        s.allowThread = and(
          s.allowThread,
          mark(thr.length, (i) => E.users.rows[procs[thr[i]!.proc]!.user]!.name === str),
        );
        break;
      case 'container.id':
        s.allowThread = and(
          s.allowThread,
          mark(
            thr.length,
            (i) =>
              E.containers.rows[procs[thr[i]!.proc]!.container]!.name === (str === '' ? 'host' : str) ||
              E.containers.rows[procs[thr[i]!.proc]!.container]!.name === str,
          ),
        );
        break;
      case 'fd.name':
        s.allowFd = and(
          s.allowFd,
          mark(fds.length, (i) => fds[i]!.name === str),
        );
        break;
      case 'fd.directory':
        s.allowFd = and(
          s.allowFd,
          mark(fds.length, (i) => fds[i]!.dir !== 0 && E.directories.rows[fds[i]!.dir]!.name === str),
        );
        break;
      case 'fd.sport':
        s.allowFd = and(
          s.allowFd,
          mark(fds.length, (i) => fds[i]!.sport !== 0 && E.sports.rows[fds[i]!.sport]!.num === Number(v)),
        );
        break;
      case 'fd.type':
        s.allowFd = and(
          s.allowFd,
          mark(fds.length, (i) => E.fdtypes.rows[fds[i]!.fdtype]!.name === str),
        );
        break;
      case 'evt.type': {
        const a = new Uint8Array(0x10000);
        for (let k = 0; k < 0x10000; k++) if (typeNameOfKey(k) === str) a[k] = 1;
        s.allowType = and(s.allowType, a);
        break;
      }
      case 'evt.res': {
        const a = new Uint8Array(0x10000);
        for (const r of E.errors.rows) if (r.id !== 0 && r.name === str) a[r.num] = 1;
        s.allowErr = and(s.allowErr, a);
        break;
      }
      default:
        throw new Error(`drill-down on ${d.field} is not supported (use a filter)`);
    }
  }
  return s;
}

/** Event index range [lo, hi) that can hold events of the relative window [r0, r1). */
export function indexRange(ix: CaptureIndex, r0: number, r1: number): [number, number] {
  const n = ix.cols.length;
  if (n === 0) return [0, 0];
  const w = ix.width;
  const nb = ix.bucketLo.length;
  let b0 = Math.max(0, Math.floor(r0 / w));
  let b1 = Math.min(nb - 1, Math.floor(Math.max(r0, r1 - 1) / w));
  while (b0 <= b1 && ix.bucketLo[b0] === 0xffffffff) b0++;
  while (b1 >= b0 && ix.bucketLo[b1] === 0xffffffff) b1--;
  if (b0 > b1) return [0, 0];
  let lo = ix.bucketLo[b0]!;
  let hi = ix.bucketHi[b1]! + 1;
  // Out-of-order timestamps: a bucket's range is [min, max] index of its events; extend over
  // neighbours whose ranges overlap.
  for (let b = b0; b <= b1; b++) {
    if (ix.bucketLo[b] !== 0xffffffff) {
      lo = Math.min(lo, ix.bucketLo[b]!);
      hi = Math.max(hi, ix.bucketHi[b]! + 1);
    }
  }
  return [lo, hi];
}

/** Visits every selected event index in [lo, hi) whose ts is in the window. */
export function forEachSelected(
  ix: CaptureIndex,
  s: Selection,
  lo: number,
  hi: number,
  f: (i: number) => void,
): void {
  const chunks = ix.cols.chunks;
  const { r0, r1, allowThread, allowFd, allowType, allowErr, bits } = s;
  for (let i = lo; i < hi;) {
    const ci = i >>> CHUNK_BITS;
    const c = chunks[ci]!;
    const end = Math.min(hi, (ci + 1) << CHUNK_BITS);
    const { te, cx } = c;
    // Verdicts per palette entry, not per event: hidden, type and errno by the (type, errno,
    // flags) code; thread and fd by the (thread, fd, fd number) code.
    const teOk = new Uint8Array(c.typeOf.length);
    for (let j = 0; j < teOk.length; j++)
      teOk[j] =
        !(c.flagsOf[j]! & EvFlag.HIDDEN) &&
        (!allowType || allowType[c.typeOf[j]!]) &&
        (!allowErr || allowErr[c.errOf[j]!])
          ? 1
          : 0;
    let cxOk: Uint8Array | null = null;
    if (allowThread || allowFd) {
      cxOk = new Uint8Array(c.thrOf.length);
      for (let j = 0; j < cxOk.length; j++)
        cxOk[j] = (!allowThread || allowThread[c.thrOf[j]!]) && (!allowFd || allowFd[c.fdOf[j]!]) ? 1 : 0;
    }
    for (; i < end; i++) {
      const k = i & CHUNK_MASK;
      if (!teOk[te[k]!]) continue;
      const t = chunkTs(c, k);
      if (t < r0 || t >= r1) continue;
      if (bits && !(bits[i >>> 5]! & (1 << (i & 31)))) continue;
      if (cxOk && !cxOk[cx[k]!]) continue;
      f(i);
    }
  }
}

/** Adds event i's metric contributions to out[off..off+M). Mirrors engine/index/build.ts. */
export function addEventMetrics(ix: CaptureIndex, i: number, out: Float64Array, off: number): void {
  const cols = ix.cols;
  const key = cols.type(i);
  const tf = typeFlags[key]!;
  const isExit = (tf & TF.EXIT) !== 0;
  const lat = tf & (TF.EXIT | TF.PROCINFO) ? cols.lat(i) : 0;
  if (!(tf & TF.UNCOUNTED)) out[off + M.EVENTS]!++;
  if (isExit) {
    out[off + M.EXITS]!++;
    out[off + M.LAT_NS]! += lat;
  }
  if (tf & TF.PROCINFO) out[off + M.CPU_NS]! += lat;
  else if (!ix.hasCpuInfo && isExit) out[off + M.CPU_NS]! += lat;
  const fdEnt = cols.fd(i);
  const fr = ix.ents.fds[fdEnt]!;
  const bytes = tf & (TF.IN | TF.OUT) ? cols.bytes(i) : 0;
  if (bytes > 0) {
    // The index keeps bytes only where the event's flags give a direction (TF.IN / TF.OUT).
    const dir = tf & TF.OUT ? IoDir.OUT : IoDir.IN;
    out[off + bytesMetric(dir, fdEnt !== 0 ? fr.ioClass : IoClass.OTHER)]! += bytes;
  }
  const errno = isExit ? cols.err(i) : 0;
  if (errno !== 0) {
    const code = codeOfKey(key);
    out[off + M.ERRORS]!++;
    out[off + errorMetric(EVENTS[code] ?? eventInfo(code), fdEnt !== 0 ? fr.kind : undefined)]!++;
  }
  if (isExit && tf & TF.OPEN) out[off + M.OPENS]!++;
  if (isExit && tf & TF.IO && fdEnt !== 0) out[off + M.IO_CALLS]!++;
}

/** The entity of `kind` event i belongs to (0 = none). */
export function entityOf(ix: CaptureIndex, kind: EntityKind): (i: number) => number {
  const cols = ix.cols;
  const E = ix.ents;
  const thr = E.threadsTable;
  const procs = E.processes;
  const fds = E.fds;
  const thread = (i: number): number => cols.thread(i);
  const fd = (i: number): number => cols.fd(i);
  switch (kind) {
    case 'thread':
      return thread;
    case 'process':
      return (i) => thr[thread(i)]!.proc;
    case 'user':
      return (i) => procs[thr[thread(i)]!.proc]!.user;
    case 'container':
      return (i) => procs[thr[thread(i)]!.proc]!.container;
    case 'fd':
      return fd;
    case 'directory':
      return (i) => fds[fd(i)]!.dir;
    case 'sport':
      return (i) => fds[fd(i)]!.sport;
    case 'fdtype':
      return (i) => fds[fd(i)]!.fdtype;
    case 'syscall': {
      return (i) => {
        const key = cols.type(i);
        return typeFlags[key]! & TF.NOT_SYSCALL ? 0 : ix.syscallOfKey[key]!;
      };
    }
    case 'error': {
      return (i) => (typeFlags[cols.type(i)]! & TF.EXIT ? ix.errorOfErrno[cols.err(i)]! : 0);
    }
  }
}

/**
 * Per-entity metric sums of `kind` over the selection: buckets with prefix sums for the whole
 * buckets of the window when nothing else restricts it, a column scan for the rest.
 */
export function aggregate(ix: CaptureIndex, kind: EntityKind, s: Selection): Float64Array {
  const n = ix.ents.count(kind);
  const acc = new Float64Array(n * MC);
  const ent = entityOf(ix, kind);
  const scan = (r0: number, r1: number): void => {
    if (r1 <= r0) return;
    const [lo, hi] = indexRange(ix, r0, r1);
    forEachSelected(ix, { ...s, r0, r1 }, lo, hi, (i) => addEventMetrics(ix, i, acc, ent(i) * MC));
  };
  const pairPath =
    !s.bits && !s.allowType && !s.allowErr && (s.allowThread || s.allowFd) && PAIR_KINDS.has(kind);
  if (!isUnrestricted(s) && !pairPath) {
    scan(s.r0, s.r1);
    return acc;
  }
  const w = ix.width;
  const bA = Math.ceil(s.r0 / w);
  const bB = Math.floor(Math.min(s.r1, ix.tEnd + 1) / w);
  if (s.whole || bA < bB) {
    const b0 = s.whole ? 0 : bA;
    const b1 = s.whole ? ix.bucketLo.length + 1 : bB;
    if (pairPath) {
      // Drill-downs between thread-side and fd-side views: sum the (thread, fd) pairs that pass.
      const { allowThread, allowFd } = s;
      const toEntity = pairEntity(ix, kind);
      // Walk only the pairs of the allowed threads (or fds): a drill-down touches few of them.
      const [allow, csr, other, otherAllow] = allowThread
        ? ([allowThread, ix.pairsOfThread, ix.pairFd, allowFd] as const)
        : ([allowFd!, ix.pairsOfFd, ix.pairThread, null] as const);
      for (let e = 0; e < allow.length; e++) {
        if (!allow[e]) continue;
        for (let q = csr.start[e]!; q < csr.start[e + 1]!; q++) {
          const p = csr.ids[q]!;
          if (otherAllow && !otherAllow[other[p]!]) continue;
          ix.pairs.addRange(p, b0, b1, acc, toEntity(p) * MC);
        }
      }
    } else {
      const table = ix.buckets[kind];
      for (let e = 0; e < n; e++) table.addRange(e, b0, b1, acc, e * MC);
    }
    if (!s.whole) {
      scan(s.r0, bA * w);
      scan(bB * w, s.r1);
    }
  } else scan(s.r0, s.r1);
  return acc;
}

export { lowerBound };

const PAIR_KINDS: ReadonlySet<EntityKind> = new Set([
  'thread',
  'process',
  'user',
  'container',
  'fd',
  'directory',
  'sport',
  'fdtype',
]);

/** The entity of `kind` a (thread, fd) pair belongs to. */
function pairEntity(ix: CaptureIndex, kind: EntityKind): (p: number) => number {
  const E = ix.ents;
  const thr = E.threadsTable;
  const procs = E.processes;
  const fds = E.fds;
  const t = (p: number): number => ix.pairThread[p]!;
  const f = (p: number): number => ix.pairFd[p]!;
  switch (kind) {
    case 'thread':
      return t;
    case 'process':
      return (p) => thr[t(p)]!.proc;
    case 'user':
      return (p) => procs[thr[t(p)]!.proc]!.user;
    case 'container':
      return (p) => procs[thr[t(p)]!.proc]!.container;
    case 'fd':
      return f;
    case 'directory':
      return (p) => fds[f(p)]!.dir;
    case 'sport':
      return (p) => fds[f(p)]!.sport;
    default:
      return (p) => fds[f(p)]!.fdtype;
  }
}

/**
 * Selected events among ascending candidate indices (merging several candidate lists), in
 * ascending order: the I/O stream and the list views start from these instead of every event.
 */
export function selectedAmong(ix: CaptureIndex, s: Selection, lists: readonly Uint32Array[]): number[] {
  const [lo, hi] = indexRange(ix, s.r0, s.r1);
  const out: number[] = [];
  const take = (l: Uint32Array): void => {
    for (let k = lowerBound(l, 0, l.length, lo); k < l.length && l[k]! < hi; k++)
      if (isSelected(ix, s, l[k]!)) out.push(l[k]!);
  };
  for (const l of lists) take(l);
  if (lists.length > 1) out.sort((a, b) => a - b);
  return out;
}

/** Whether event i passes the selection (window, drill-down, filter bitset; hidden events never). */
export function isSelected(ix: CaptureIndex, s: Selection, i: number): boolean {
  const c = ix.cols.chunks[i >>> CHUNK_BITS]!;
  const k = i & CHUNK_MASK;
  const te = c.te[k]!;
  if (c.flagsOf[te]! & EvFlag.HIDDEN) return false;
  const t = chunkTs(c, k);
  if (t < s.r0 || t >= s.r1) return false;
  if (s.bits && !(s.bits[i >>> 5]! & (1 << (i & 31)))) return false;
  const cx = c.cx[k]!;
  if (s.allowThread && !s.allowThread[c.thrOf[cx]!]) return false;
  if (s.allowFd && !s.allowFd[c.fdOf[cx]!]) return false;
  if (s.allowType && !s.allowType[c.typeOf[te]!]) return false;
  if (s.allowErr && !s.allowErr[c.errOf[te]!]) return false;
  return true;
}
