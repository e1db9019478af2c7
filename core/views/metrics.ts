// Which view metric (M) an event's bytes and its failure add to: the one definition shared by the
// index (engine/index/build.ts), the engine's window-edge scans (engine/query/select.ts) and the
// chisels that count the same thing as a view column (topprocs_net, topconns, topports_server,
// topprocs_file, topfiles_bytes, iobytes_net, iobytes_file: core/chisels/tops.ts). A chisel names
// the view column it computes (`columnMetrics`), and sums `bytesMetric` over its events, so a chisel
// and the view it overlaps cannot count a different byte.
import { EF, type EventInfo } from '../schema/types.js';
import { eventInfo } from '../schema/index.js';
import { FD, RES } from '../fields/params.js';
import type { FdKind } from '../capture.js';
import { ErrClass, IoClass, IoDir, errClassOf } from './classify.js';
import { M, isMetricColumn, type MetricId } from './types.js';
import { viewDef } from './defs.js';

/** Byte metric by fd class × direction (index IoClass * 3 + IoDir); -1: the bytes count nowhere. */
const BYTES_METRIC = new Int8Array(12).fill(-1);
const byClass: [IoClass, MetricId, MetricId][] = [
  [IoClass.NONE, M.OTHER_IN, M.OTHER_OUT],
  [IoClass.NET, M.NET_IN, M.NET_OUT],
  [IoClass.FILE, M.FILE_IN, M.FILE_OUT],
  [IoClass.OTHER, M.OTHER_IN, M.OTHER_OUT],
];
for (const [cls, inM, outM] of byClass) {
  BYTES_METRIC[cls * 3 + IoDir.IN] = inM;
  BYTES_METRIC[cls * 3 + IoDir.OUT] = outM;
}

/** The metric an exit event's positive result (its byte count) adds to, or -1 (no I/O direction). */
export function bytesMetric(dir: IoDir, cls: IoClass): MetricId | -1 {
  return BYTES_METRIC[cls * 3 + dir]! as MetricId | -1;
}

const ERROR_METRIC: Record<ErrClass, MetricId> = {
  [ErrClass.FILE]: M.ERR_FILE,
  [ErrClass.NET]: M.ERR_NET,
  [ErrClass.MEMORY]: M.ERR_MEM,
  [ErrClass.OTHER]: M.ERR_OTHER,
};

/** The evt.count.error.* metric a failed exit event adds to (besides M.ERRORS). */
export function errorMetric(info: EventInfo, kind: FdKind | undefined): MetricId {
  return ERROR_METRIC[errClassOf(info, kind)];
}

/**
 * The metrics a view column sums, as a bit mask, for `view.column` ids; several columns are
 * summed together (topconns counts what the Connections view shows as BYTES IN plus BYTES OUT).
 * A missing view or column is a definition error, thrown when the chisel table loads.
 */
export function columnMetrics(view: string, ...columns: string[]): number {
  const v = viewDef(view);
  if (v === undefined) throw new Error(`no view ${view}`);
  let mask = 0;
  for (const id of columns) {
    const c = v.columns.find((x) => x.id === id);
    if (c === undefined || !isMetricColumn(c)) throw new Error(`view ${view} has no metric column ${id}`);
    for (const m of c.metrics) mask |= 1 << m;
  }
  return mask;
}

/** Masks of the input and output byte metrics. */
export const IN_METRICS = (1 << M.NET_IN) | (1 << M.FILE_IN) | (1 << M.OTHER_IN);
export const OUT_METRICS = (1 << M.NET_OUT) | (1 << M.FILE_OUT) | (1 << M.OTHER_OUT);

/** A procinfo tick is 10 ms. */
const TICK_NS = 10_000_000;

/**
 * thread.cpu as libsinsp computes it from a procinfo event (the metric M.CPU_NS, and what
 * topprocs_cpu sums): the user+system ticks since the thread's previous procinfo, at most 100;
 * a total smaller than the previous one wraps around in libsinsp's unsigned arithmetic, so it
 * clamps to 100 too. No previous total (0): nothing.
 */
export function procinfoCpuNs(prevTicks: number, ticks: number): number {
  if (prevTicks === 0 || Number.isNaN(prevTicks)) return 0;
  const d = ticks - prevTicks;
  return (d < 0 || d > 100 ? 100 : d) * TICK_NS;
}

/**
 * evt.failed's parameter of an event code (what M.ERRORS counts): for exit events, "res", or "fd"
 * when the event creates an fd; -1: none. The call failed when that parameter, read as a signed
 * 64-bit integer whatever its declared type, is negative (so a failed mmap, whose result is a
 * PT_UINT64 address or -errno, is an error as in libsinsp).
 */
export function failParam(code: number): number {
  if ((code & 1) === 0) return -1;
  const j = RES.of(code);
  if (j >= 0) return j;
  return eventInfo(code).flags & EF.CREATES_FD ? FD.of(code) : -1;
}
