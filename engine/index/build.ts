// The one-pass indexer: reads the capture once, replays state, and fills the per-event columns,
// the entity tables, the per-entity time buckets, the global overview series and the overview
// marks. Runs in the engine worker; `progress` is called between batches and `cancelled` polled.
//
// Two sides (see engine/README.md): the state side (state-side.ts: reader, StateTracker, entities,
// marks) writes one record per event; the index side (index-side.ts: columns, bucket logs,
// lists) consumes them. Large captures run the index side in a worker of its own (pipeline.ts),
// small ones in this thread, slot by slot; both give the same index.
import { availableParallelism, loadavg } from 'node:os';
import type { CaptureHeader } from '../../core/capture.js';
import type { CaptureReader } from '../../native/index.js';
import { SectionFollower } from '../sections.js';
import { METRIC_COUNT } from '../../core/views/types.js';
import { EventColumns } from './columns.js';
import { Entities, Named } from './entities.js';
import { EntityBuckets, coarser } from './buckets.js';
import { StateSide, type Marks } from './state-side.js';
import { IndexPipe, LocalRun, type IndexRun } from './pipeline.js';
import { GlobalSeries, csr, type Csr } from './util.js';

export { ENTITY_BUCKETS } from './index-side.js';
export { GLOBAL_BUCKETS } from './util.js';
export type { Csr } from './util.js';
export type { Marks } from './state-side.js';

const MC = METRIC_COUNT;

/** Captures from this size on (file bytes; gzip: compressed bytes) get the two-thread build (when
 *  a core is free): below it, starting the index worker (~30 ms) costs more than it saves. */
const PIPELINE_MIN_BYTES = 24 << 20;
const PIPELINE_MIN_GZIP_BYTES = 6 << 20;

export interface BuildProgress {
  bytes: number;
  totalBytes: number;
  events: number;
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

export interface BuildOptions {
  path: string;
  reader: CaptureReader;
  progress?: (p: BuildProgress) => void;
  cancelled?: () => boolean;
  /** 1: everything in this thread; 2: the index side in a worker. Default: by capture size. */
  threads?: 1 | 2;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export function buildIndex(o: BuildOptions): CaptureIndex {
  const started = performance.now();
  const run: IndexRun = pipelined(o) ? new IndexPipe() : new LocalRun();
  try {
    // Reading and finalizing in separate frames: the tracker (and everything it holds) is garbage
    // by the time the tables are built.
    const index = finalize(readAll(o, run), run);
    index.buildMs = performance.now() - started;
    return index;
  } finally {
    run.close();
  }
}

function pipelined(o: BuildOptions): boolean {
  if (o.threads !== undefined) return o.threads === 2;
  const { reader } = o;
  const min = reader.compressed ? PIPELINE_MIN_GZIP_BYTES : PIPELINE_MIN_BYTES;
  if (reader.fileSize < min) return false;
  // The second thread pays off only with a core to spare: it adds ~10% CPU (the records), and on
  // a machine already busy (measured: load 3-4 on 2 cores) the two threads wait for each other.
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0]! < cores - 0.5;
}

/** What the reading pass hands to finalizing: the state side's results (the index's own fields
 *  plus the raw mark series and slow-I/O list). */
interface Parts extends Pick<
  CaptureIndex,
  | 'path'
  | 'header'
  | 'fileSize'
  | 'compressed'
  | 'gzipIndex'
  | 'error'
  | 'ents'
  | 't0'
  | 'hasCpuInfo'
  | 'marks'
  | 'markBitsUsed'
> {
  markSeries: GlobalSeries;
  slowIo: Uint32Array;
}

function readAll(o: BuildOptions, run: IndexRun): Parts {
  const { reader } = o;
  const header = reader.header;
  const st = new StateSide(header, run.first(), (n) => run.publish(n));
  let lastProgress = 0;
  // Concatenated captures: each section restarts the state from its own lists, as in libsinsp.
  const sections = new SectionFollower(reader, st.tracker);
  for (let b = reader.next(); b !== null; b = reader.next()) {
    if (o.cancelled?.()) throw new Cancelled();
    sections.batch(b);
    st.batch(b);
    const now = performance.now();
    if (o.progress && now - lastProgress > 100) {
      lastProgress = now;
      o.progress({ bytes: reader.bytesConsumed(), totalBytes: reader.fileSize, events: st.events });
    }
  }
  st.flush();
  const ents = st.ents;
  run.end(st.hasCpuInfo);
  const error = reader.error ? reader.error.message : undefined;
  o.progress?.({ bytes: reader.fileSize, totalBytes: reader.fileSize, events: st.events });
  ents.endBuild((id) => st.tracker.container(id)?.name);
  return {
    path: o.path,
    header,
    fileSize: reader.fileSize,
    compressed: reader.compressed,
    gzipIndex: reader.compressed ? reader.gzipIndex() : null,
    error,
    ents,
    t0: st.t0 ?? 0n,
    hasCpuInfo: st.hasCpuInfo,
    marks: st.marks,
    markBitsUsed: st.markBitsUsed,
    markSeries: st.markSeries,
    slowIo: st.slowIo.done(),
  };
}

function finalize(p: Parts, run: IndexRun): CaptureIndex {
  const { ents } = p;
  const pp = run.pairs();
  const { width, tEnd } = pp;
  const nb = Math.floor(tEnd / width) + 1;
  // Thread- and fd-side kinds are sums over the (thread, fd) pairs, coarser kinds over those
  // (the index side packs the rest meanwhile).
  const thr = ents.threadsTable;
  const procOf = (e: number): number => thr[e]!.proc;
  const fds = ents.fds;
  const pt = pp.pairThread;
  const pf = pp.pairFd;
  const pairs = EntityBuckets.of(pp.pairs);
  const thread = coarser(thr.length, pairs, (q) => pt[q]!, nb);
  const fd = coarser(fds.length, pairs, (q) => pf[q]!, nb);
  const procs = ents.processes;
  const buckets: CaptureIndex['buckets'] = {
    thread,
    process: coarser(procs.length, thread, procOf, nb),
    user: coarser(ents.users.rows.length, thread, (e) => procs[procOf(e)]!.user, nb),
    container: coarser(ents.containers.rows.length, thread, (e) => procs[procOf(e)]!.container, nb),
    fd,
    directory: coarser(ents.directories.rows.length, fd, (e) => fds[e]!.dir, nb),
    sport: coarser(ents.sports.rows.length, fd, (e) => fds[e]!.sport, nb),
    fdtype: coarser(ents.fdtypes.rows.length, fd, (e) => fds[e]!.fdtype, nb),
    syscall: EntityBuckets.of(pp.syscall),
    error: EntityBuckets.of(pp.error),
  };
  const pairsOfThread = csr(pt, thr.length);
  const pairsOfFd = csr(pf, fds.length);
  const ix = run.rest();
  ents.syscalls = Named.of(ix.syscalls);
  ents.errors = Named.of(ix.errors);
  // Global series (metrics from the index side, marks from the state side) at one width, as
  // prefix sums (length n+1) over GLOBAL_BUCKETS buckets.
  const metrics = new GlobalSeries(MC, ix.gWidth, ix.gMetrics);
  const gWidth = Math.max(metrics.width, p.markSeries.width);
  metrics.foldTo(gWidth);
  p.markSeries.foldTo(gWidth);
  const gn = Math.floor(tEnd / gWidth) + 1;
  const prefix = (a: Float64Array): Float64Array => {
    const out = new Float64Array(gn + 1);
    // Buckets past the series (the capture ends with events that add to no metric) are empty.
    for (let k = 0; k < gn; k++) out[k + 1] = out[k]! + (a[k] ?? 0);
    return out;
  };
  const cols = EventColumns.of(ix.chunks, ix.length);
  const listCands = new Map<string, Uint32Array>(ix.listCands);
  listCands.set('slow_io', p.slowIo);
  let mem = cols.memoryBytes();
  for (const x of Object.values(buckets)) mem += x.bytes();
  return {
    path: p.path,
    header: p.header,
    fileSize: p.fileSize,
    compressed: p.compressed,
    gzipIndex: p.gzipIndex,
    error: p.error,
    cols,
    ents,
    t0: p.t0,
    tEnd,
    hasCpuInfo: p.hasCpuInfo,
    width,
    buckets,
    bucketLo: ix.bucketLo,
    bucketHi: ix.bucketHi,
    gWidth,
    gMetrics: metrics.arrays.map(prefix),
    gMarks: p.markSeries.arrays.map(prefix),
    marks: p.marks,
    markBitsUsed: p.markBitsUsed,
    syscallOfKey: ix.syscallOfKey,
    errorOfErrno: ix.errorOfErrno,
    pairs,
    pairThread: pt,
    pairsOfThread,
    pairsOfFd,
    pairFd: pf,
    ioAll: ix.ioAll,
    ioByFd: ix.ioByFd,
    listCands,
    countablePerChunk: ix.countablePerChunk,
    buildMs: 0,
    memoryBytes: mem,
  };
}
