// The engine's request/response protocol: what the UI, the server and the CLI send to an engine and
// get back. Plain structured-clone data (typed arrays travel as they are). Results are sorted and
// paged by the engine: a response holds one page of rows plus the total row count; nothing is
// capped. Time is bigint nanoseconds since the epoch.
import type { DrillStep } from '../views/types.js';

export type CaptureId = string;

/** The time window a query covers: [t0, t1) in ns since the epoch; absent = the whole capture. */
export interface TimeWindow {
  t0: bigint;
  t1: bigint;
}

/** What restricts the events a view/overview/event query sees. */
export interface Scope {
  /** A sysdig filter typed by the user (evaluated once per text over the capture, then cached). */
  filter?: string;
  /** Drill-down steps, evaluated over the index (no rescan). */
  drill?: readonly DrillStep[];
  window?: TimeWindow;
}

export interface Page {
  offset: number;
  limit: number;
}

export interface Sort {
  column: string;
  desc: boolean;
}

export type Request =
  | { kind: 'open'; path: string }
  | { kind: 'overview'; capture: CaptureId; scope?: Scope; samples?: number }
  | { kind: 'view'; capture: CaptureId; view: string; scope?: Scope; sort?: Sort; page: Page }
  | { kind: 'events'; capture: CaptureId; scope?: Scope; page: Page; list?: string }
  | { kind: 'io'; capture: CaptureId; scope?: Scope; page: Page; format?: IoFormat }
  | { kind: 'export'; capture: CaptureId; scope?: Scope; path: string }
  | { kind: 'close'; capture: CaptureId };

/** Buffer rendering of the I/O stream (Inspect's View As). */
export type IoFormat = 'dotted' | 'printable' | 'hex';

/** A column of a result page: numbers travel as Float64Array, text as string[]. */
export type ColumnData = { type: 'number'; values: Float64Array } | { type: 'text'; values: string[] };

export interface ColumnInfo {
  id: string;
  title: string;
  unit: string;
  field: string;
}

export interface OpenResult {
  kind: 'open';
  capture: CaptureId;
  path: string;
  fileSize: number;
  events: number;
  firstTs: bigint;
  lastTs: bigint;
  /** Set when reading stopped at damage: every event before it is indexed. */
  error?: string;
  indexMs: number;
}

export interface Progress {
  kind: 'progress';
  capture: CaptureId;
  /** File bytes read so far and in total (compressed bytes for gzip). */
  bytes: number;
  totalBytes: number;
  events: number;
  /** 0..100. */
  percent: number;
  /** Estimated milliseconds left; NaN until there is a rate. */
  etaMs: number;
  phase: 'index' | 'filter';
}

export interface ViewResult {
  kind: 'view';
  view: string;
  columns: ColumnInfo[];
  data: ColumnData[];
  /** Per row on this page: the drill-down value and the quoted filter text selecting that row. */
  keys: (string | number)[];
  drillFilters: string[];
  /** The DrillStep a drill-down from each row adds (field, value). */
  keyField?: string;
  drillTo?: string;
  /** Rows in total (before paging). */
  total: number;
  sort: Sort;
  elapsedMs: number;
}

export interface OverviewTileResult {
  id: string;
  name: string;
  category: string;
  total: number;
  max: number;
  /** One value per sample interval of the window. */
  series: Float64Array;
  targetView: string;
  targetFilter: string;
  excludable: boolean;
}

export interface OverviewResult {
  kind: 'overview';
  t0: bigint;
  t1: bigint;
  sampleNs: number;
  tiles: OverviewTileResult[];
  elapsedMs: number;
}

export interface EventsResult {
  kind: 'events';
  total: number;
  /** Event numbers (evt.num) of the page and their rendered default lines. */
  nums: Float64Array;
  lines: string[];
  elapsedMs: number;
}

export interface IoRecord {
  num: number;
  ts: bigint;
  dir: '<' | '>';
  len: number;
  fd: string;
  proc: string;
  pid: number;
  container: string;
  data: string;
}

export interface IoResult {
  kind: 'io';
  total: number;
  records: IoRecord[];
  elapsedMs: number;
}

export interface ExportResult {
  kind: 'export';
  path: string;
  events: number;
}

export interface ErrorResult {
  kind: 'error';
  message: string;
  /** 1-based filter column for filter errors. */
  column?: number;
}

export type Response =
  | OpenResult
  | ViewResult
  | OverviewResult
  | EventsResult
  | IoResult
  | ExportResult
  | ErrorResult
  | { kind: 'closed' }
  | { kind: 'cancelled' };

/** Worker → host envelope: a reply to request `id`, or an unsolicited progress report. */
export type WorkerMessage = { id: number; response: Response } | { id: number; progress: Progress };

/** Host → worker envelope. Cancellation goes through a shared flag, not a message (the worker is
 *  busy in a synchronous loop while indexing). */
export interface WorkerRequest {
  id: number;
  request: Request;
}
