// The shape of a view definition. A view is data: which entity its rows are, which columns it
// shows (entity attributes, or metrics summed over the events of the row in the time window),
// how it sorts by default and where a row drills to. The engine evaluates these; the UI renders
// them; the CLI chisels share the metric definitions (core/views/metrics.ts, classify.ts).

/** What a table row is. Each kind is an entity table of the index. */
export type EntityKind =
  'process' | 'thread' | 'fd' | 'directory' | 'sport' | 'user' | 'container' | 'syscall' | 'error' | 'fdtype';

export const ENTITY_KINDS: readonly EntityKind[] = [
  'process',
  'thread',
  'fd',
  'directory',
  'sport',
  'user',
  'container',
  'syscall',
  'error',
  'fdtype',
];

/**
 * Per-event metrics the index sums per entity and time bucket. Indices into a metric vector.
 * Every table column that is not an attribute is a (sum of) these over the rows' events.
 */
export const M = {
  /** Every event (evt.count), switch events excluded. */
  EVENTS: 0,
  /** Exit events (evt.count.exit). */
  EXITS: 1,
  /** CPU time, ns: libsinsp's thread.cpu from procinfo events (user+system ticks × 10 ms, what
   *  topprocs_cpu sums); in captures without procinfo, the latency of the thread's syscalls. */
  CPU_NS: 2,
  /** evt.latency summed over exit events, ns. */
  LAT_NS: 3,
  NET_IN: 4,
  NET_OUT: 5,
  FILE_IN: 6,
  FILE_OUT: 7,
  OTHER_IN: 8,
  OTHER_OUT: 9,
  /** Failed exit events (rawres < 0), and their split as evt.count.error.{file,net,memory,other}. */
  ERRORS: 10,
  ERR_FILE: 11,
  ERR_NET: 12,
  ERR_MEM: 13,
  ERR_OTHER: 14,
  /** Open-family exit events (evt.type.is.open...). */
  OPENS: 15,
  /** I/O exit events (evt.is_io on the exit side). */
  IO_CALLS: 16,
} as const;
export type MetricId = (typeof M)[keyof typeof M];
export const METRIC_COUNT = 17;
export const METRIC_NAMES: readonly string[] = Object.keys(M);

export type Unit = 'count' | 'bytes' | 'B/s' | 'ns' | '%' | '/s' | 'time' | 'text' | 'id';

/**
 * How a metric column turns the summed metrics into a cell:
 * sum – the sum; rate – sum per second of the window (csysdig TIME_AVG); pct – sum of ns as a
 * percentage of the window (thread.cpu); avg – sum / sum of `per`.
 */
export type Agg = 'sum' | 'rate' | 'pct' | 'avg';

export interface MetricColumn {
  id: string;
  title: string;
  unit: Unit;
  /** The sysdig field it mirrors (documentation and the CLI). */
  field: string;
  metrics: readonly MetricId[];
  agg: Agg;
  per?: readonly MetricId[];
}

export interface AttrColumn {
  id: string;
  title: string;
  unit: Unit;
  field: string;
  /** Entity attribute name (engine/index/entities.ts lists them per kind). */
  attr: string;
}

export type ColumnDef = MetricColumn | AttrColumn;

export function isMetricColumn(c: ColumnDef): c is MetricColumn {
  return (c as MetricColumn).metrics !== undefined;
}

/** Which fds a fd/directory/sport view keeps (the views' fd.type filters). */
export type FdClassFilter = 'net' | 'file';

/** A list view's event selector: evaluated over the index columns, no re-read. */
export interface EventSelector {
  /** Event names (both directions unless `exitOnly`). Empty = every event. */
  types: readonly string[];
  exitOnly?: boolean;
  /** Keep only successful (rawres >= 0) or only failed exits. */
  result?: 'success' | 'failure';
  fdClass?: FdClassFilter;
  /** evt.latency > this many ns. */
  minLatencyNs?: number;
  /** Events whose fd name contains this text are dropped (slow_io's /dev/ exclusion). */
  excludeFdNameContaining?: string;
  /** Per event name, a condition on the thread's process name (Spy Users keeps chdir only when
   *  a shell makes it: name contains `contains` and not `excludes`). */
  procNameIf?: Readonly<Record<string, { contains: string; excludes?: string }>>;
}

interface ViewBase {
  id: string;
  title: string;
  description: string;
  /** Shown in the view list at the root (Sysdig Inspect's `wsysdig` tag). */
  listed: boolean;
  /** The csysdig filter the view applies, as text (what a drill-down filter is ANDed with). */
  filter: string;
  columns: readonly ColumnDef[];
  defaultSort: string;
  defaultDesc: boolean;
}

export interface TableViewDef extends ViewBase {
  kind: 'table';
  entity: EntityKind;
  fdClass?: FdClassFilter;
  /** The field the drill-down filter constrains, and the row attribute holding its value. */
  keyField: string;
  keyAttr: string;
  /** The view a row drills into ('echo' = I/O stream, 'dig' = event list), if any. */
  drillTo?: string;
}

export interface ListViewDef extends ViewBase {
  kind: 'list';
  select: EventSelector;
}

export type ViewDef = TableViewDef | ListViewDef;

/** A drill-down step as the engine applies it: `field = value` over the index (no rescan). */
export interface DrillStep {
  field: string;
  value: string | number;
}
