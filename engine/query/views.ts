// Answers a view request from the index: aggregate the view's entity over the selection, build the
// rows' cells from the view definition, sort and page on the engine side.
import { FdKind } from '../../core/capture.js';
import { IoClass } from '../../core/views/classify.js';
import {
  M,
  METRIC_COUNT,
  isMetricColumn,
  type ColumnDef,
  type ListViewDef,
  type MetricColumn,
  type TableViewDef,
  type EntityKind,
} from '../../core/views/types.js';
import { andFilters, equalsFilter } from '../../core/views/quote.js';
import type { ColumnData, Page, Sort, ViewResult } from '../../core/protocol/messages.js';
import { tsToString } from '../../core/time.js';
import { ERRNO_NAMES } from '../../core/schema/index.js';
import type { CaptureIndex } from '../index/build.js';
import { CHUNK_BITS } from '../index/columns.js';
import { TF, codesNamed, typeFlags, typeNameOfKey, codeOfKey } from '../index/typeinfo.js';
import {
  aggregate,
  forEachSelected,
  indexRange,
  isUnrestricted,
  selectedAmong,
  type Selection,
} from './select.js';

const MC = METRIC_COUNT;
type Cell = number | string;

/** Entity attribute getters per kind (the names AttrColumn.attr uses). */
function attrGetter(ix: CaptureIndex, kind: EntityKind, attr: string): (e: number) => Cell {
  const E = ix.ents;
  const procs = E.processes;
  const time = (rel: number): string => tsToString(ix.t0 + BigInt(Math.round(rel)), true, true);
  switch (kind) {
    case 'process': {
      const p = (e: number) => procs[e]!;
      const m: Record<string, (e: number) => Cell> = {
        pid: (e) => p(e).pid,
        ppid: (e) => p(e).ppid,
        vpid: (e) => p(e).vpid,
        user: (e) => E.users.rows[p(e).user]?.name ?? '',
        nthreads: (e) => p(e).nthreads,
        vmsize: (e) => p(e).vmsize,
        vmrss: (e) => p(e).vmrss,
        pfmajor: (e) => p(e).pfmajor,
        pfminor: (e) => p(e).pfminor,
        container: (e) => E.containerNames[p(e).container] ?? '',
        exeline: (e) => p(e).exeline,
        name: (e) => p(e).name,
      };
      return m[attr] ?? (() => '');
    }
    case 'thread': {
      const t = (e: number) => E.threadsTable[e]!;
      const m: Record<string, (e: number) => Cell> = {
        tid: (e) => t(e).tid,
        vtid: (e) => t(e).vtid,
        pid: (e) => procs[t(e).proc]!.pid,
        vpid: (e) => procs[t(e).proc]!.vpid,
        container: (e) => E.containerNames[procs[t(e).proc]!.container] ?? '',
        exeline: (e) => t(e).exeline,
        name: (e) => t(e).name,
      };
      return m[attr] ?? (() => '');
    }
    case 'fd': {
      const f = (e: number) => E.fds[e]!;
      const pr = (e: number) => procs[f(e).proc]!;
      const m: Record<string, (e: number) => Cell> = {
        name: (e) => f(e).name,
        l4proto: (e) => f(e).l4proto,
        lip: (e) => f(e).lip,
        lport: (e) => f(e).lport ?? '',
        rip: (e) => f(e).rip,
        rport: (e) => f(e).rport ?? '',
        client: (e) => f(e).client,
        server: (e) => f(e).server,
        proc: (e) => pr(e).name,
        pid: (e) => pr(e).pid,
        user: (e) => E.users.rows[pr(e).user]?.name ?? '',
        pname: (e) => pr(e).pname,
        first: (e) => time(f(e).first),
        last: (e) => time(f(e).last),
        duration: (e) => f(e).last - f(e).first,
        container: (e) => E.containerNames[pr(e).container] ?? '',
      };
      return m[attr] ?? (() => '');
    }
    case 'container': {
      const r = (e: number) => E.containers.rows[e]!;
      const m: Record<string, (e: number) => Cell> = {
        id: (e) => (r(e).name === 'host' ? '' : r(e).name),
        name: (e) => E.containerNames[e] ?? r(e).name,
        nprocs: (e) => r(e).procs?.size ?? 0,
        nthreads: (e) => r(e).nthreads ?? 0,
      };
      return m[attr] ?? (() => '');
    }
    case 'sport':
      return (e) => E.sports.rows[e]!.num;
    default: {
      const t = E.named(kind);
      return attr === 'name' ? (e) => t.rows[e]!.name : () => '';
    }
  }
}

function metricCell(c: MetricColumn, acc: Float64Array, off: number, seconds: number): number {
  let v = 0;
  for (const m of c.metrics) v += acc[off + m]!;
  switch (c.agg) {
    case 'sum':
      return v;
    case 'rate':
      return seconds > 0 ? v / seconds : 0;
    case 'pct':
      return seconds > 0 ? (v / 1e9 / seconds) * 100 : 0;
    case 'avg': {
      let d = 0;
      for (const m of c.per ?? []) d += acc[off + m]!;
      return d > 0 ? v / d : 0;
    }
  }
}

function keepRow(ix: CaptureIndex, v: TableViewDef, e: number): boolean {
  if (e === 0) return false;
  if (v.entity === 'fd' && v.fdClass) {
    const f = ix.ents.fds[e]!;
    if (f.name === '') return false;
    return v.fdClass === 'net'
      ? f.ioClass === IoClass.NET
      : f.ioClass === IoClass.FILE || f.kind === FdKind.DIRECTORY;
  }
  if (v.entity === 'sport' || v.entity === 'directory') return true;
  return true;
}

function sortAndPage(
  rows: number[],
  cells: Cell[][],
  columns: readonly ColumnDef[],
  sort: Sort,
  page: Page,
): number[] {
  const ci = columns.findIndex((c) => c.id === sort.column);
  const col = cells[ci < 0 ? 0 : ci]!;
  const dir = sort.desc ? -1 : 1;
  const order = rows.map((_, r) => r);
  if (col.every((x) => typeof x === 'number')) {
    // Numbers: a typed key array and a plain comparator (ties in row order).
    const key = Float64Array.from(col as number[]);
    order.sort((a, b) => (key[a]! - key[b]!) * dir || a - b);
    return order.slice(page.offset, page.offset + page.limit);
  }
  const text = col.map((x) => String(x));
  order.sort((a, b) => {
    const x = text[a]!;
    const y = text[b]!;
    const d = x < y ? -1 : x > y ? 1 : 0;
    return d !== 0 ? d * dir : a - b;
  });
  return order.slice(page.offset, page.offset + page.limit);
}

function toColumns(columns: readonly ColumnDef[], cells: Cell[][], pageRows: number[]): ColumnData[] {
  return columns.map((c, ci) => {
    const src = cells[ci]!;
    const numeric =
      isMetricColumn(c) || (pageRows.length > 0 && pageRows.every((r) => typeof src[r] === 'number'));
    return numeric
      ? { type: 'number', values: Float64Array.from(pageRows, (r) => Number(src[r])) }
      : { type: 'text', values: pageRows.map((r) => String(src[r] ?? '')) };
  });
}

export interface ViewQuery {
  sort?: Sort;
  page: Page;
  /** Filter text of the step this view is shown in (what a drill-down filter extends). */
  baseFilter?: string;
}

export function tableView(ix: CaptureIndex, v: TableViewDef, s: Selection, q: ViewQuery): ViewResult {
  const t0 = performance.now();
  const acc = aggregate(ix, v.entity, s);
  const n = acc.length / MC;
  const seconds = (Math.min(s.r1, ix.tEnd + 1) - s.r0) / 1e9;
  const rows: number[] = [];
  for (let e = 1; e < n; e++) {
    if (!keepRow(ix, v, e)) continue;
    // A row exists when the view's events touched it (switch-only processes have no row, as the
    // views' evt.type!=switch filter has it).
    if (acc[e * MC + M.EVENTS]! > 0) rows.push(e);
  }
  const cellsOf = (c: ColumnDef, ents: readonly number[]): Cell[] => {
    if (isMetricColumn(c)) return ents.map((e) => metricCell(c, acc, e * MC, seconds));
    const g = attrGetter(ix, v.entity, c.attr);
    return ents.map((e) => g(e));
  };
  const sort = q.sort ?? { column: v.defaultSort, desc: v.defaultDesc };
  // Only the sort column is computed for every row; the other cells for the page's rows.
  const sortCol = v.columns.find((c) => c.id === sort.column) ?? v.columns[0]!;
  const pageRowsSorted = sortAndPage(
    rows,
    [cellsOf(sortCol, rows)],
    [sortCol],
    { ...sort, column: sortCol.id },
    q.page,
  );
  const pageEnts = pageRowsSorted.map((r) => rows[r]!);
  const cells: Cell[][] = v.columns.map((c) => cellsOf(c, pageEnts));
  const pageRows = pageEnts.map((_, k) => k);
  const keyGet = attrGetter(ix, v.entity, v.keyAttr);
  const keys = pageEnts.map((e) => keyGet(e));
  return {
    kind: 'view',
    view: v.id,
    columns: v.columns.map(({ id, title, unit, field }) => ({ id, title, unit, field })),
    data: toColumns(v.columns, cells, pageRows),
    keys,
    drillFilters: keys.map((k) => andFilters([q.baseFilter, v.filter, equalsFilter(v.keyField, k)])),
    keyField: v.keyField,
    ...(v.drillTo !== undefined ? { drillTo: v.drillTo } : {}),
    total: rows.length,
    sort,
    elapsedMs: performance.now() - t0,
  };
}

/** Printable events (not switch/internal/hidden) number offset.. in capture order (or reverse). */
function countablePage(
  ix: CaptureIndex,
  offset: number,
  limit: number,
  desc: boolean,
): { rows: number[]; total: number } {
  const per = ix.countablePerChunk;
  let total = 0;
  for (const n of per) total += n;
  const rows: number[] = [];
  if (offset >= total || limit <= 0) return { rows, total };
  // The k-th printable event (0-based, capture order).
  const cols = ix.cols;
  const ok = (i: number): boolean => !(typeFlags[cols.type(i)]! & TF.UNCOUNTED) && !(cols.flags(i) & 1);
  const want = Math.min(limit, total - offset);
  const k = desc ? total - 1 - offset : offset;
  let chunk = 0;
  let before = 0;
  while (chunk < per.length && before + per[chunk]! <= k) before += per[chunk++]!;
  let i = chunk << CHUNK_BITS;
  for (let seen = before; ; i++) if (ok(i) && seen++ === k) break;
  rows.push(i);
  while (rows.length < want) {
    i += desc ? -1 : 1;
    if (ok(i)) rows.push(i);
  }
  return { rows, total };
}

const codeMasks = new Map<string, Uint8Array>();
/** Per event code: 1 when its name is one of `names` (cached per name list). */
function codeMask(names: readonly string[]): Uint8Array {
  const key = names.join(',');
  let m = codeMasks.get(key);
  if (!m) {
    m = new Uint8Array(0x10000);
    for (const c of codesNamed(names)) m[c] = 1;
    codeMasks.set(key, m);
  }
  return m;
}

/** Event indices a list view selects (in capture order). */
export function listEvents(ix: CaptureIndex, v: ListViewDef, s: Selection): Uint32Array {
  const sel = v.select;
  const codes = sel.types.length ? codeMask(sel.types) : null;
  const out: number[] = [];
  const cols = ix.cols;
  const fds = ix.ents.fds;
  // procNameIf by event code.
  let nameIf: ({ contains: string; excludes?: string } | undefined)[] | undefined;
  if (sel.procNameIf !== undefined) {
    nameIf = [];
    for (const [name, cond] of Object.entries(sel.procNameIf))
      for (const c of codesNamed([name])) nameIf[c] = cond;
  }
  const test = (i: number): void => {
    const key = cols.type(i);
    const tf = typeFlags[key]!;
    if (codes && !codes[codeOfKey(key)]) return;
    if (sel.exitOnly && !(tf & TF.EXIT)) return;
    if (sel.result === 'success' && cols.err(i) !== 0) return;
    if (sel.result === 'failure' && cols.err(i) === 0) return;
    if (v.id === 'dig' && tf & TF.UNCOUNTED) return;
    const f = fds[cols.fd(i)]!;
    if (sel.fdClass === 'net' && f.ioClass !== IoClass.NET) return;
    if (sel.fdClass === 'file' && f.ioClass !== IoClass.FILE) return;
    if (sel.minLatencyNs !== undefined && !(tf & TF.IO && cols.lat(i) > sel.minLatencyNs)) return;
    if (sel.excludeFdNameContaining !== undefined && f.name.includes(sel.excludeFdNameContaining)) return;
    if (nameIf !== undefined) {
      const cond = nameIf[codeOfKey(key)];
      if (cond !== undefined) {
        const name = ix.ents.threadsTable[cols.thread(i)]!.name;
        if (!name.includes(cond.contains) || (cond.excludes !== undefined && name.includes(cond.excludes)))
          return;
      }
    }
    out.push(i);
  };
  const cands = ix.listCands.get(v.id);
  // Candidates are never hidden events: without a restriction they need no selection test.
  if (cands && s.whole && isUnrestricted(s)) for (let k = 0; k < cands.length; k++) test(cands[k]!);
  else if (cands) for (const i of selectedAmong(ix, s, [cands])) test(i);
  else {
    const [lo, hi] = indexRange(ix, s.r0, s.r1);
    forEachSelected(ix, s, lo, hi, test);
  }
  return Uint32Array.from(out);
}

/** Column values of a list view's row (event i). `info` and `cpu` come from a re-read. */
export function eventAttr(ix: CaptureIndex, attr: string): (i: number) => Cell {
  const cols = ix.cols;
  const E = ix.ents;
  const thr = (i: number) => E.threadsTable[cols.thread(i)]!;
  const proc = (i: number) => E.processes[thr(i).proc]!;
  const m: Record<string, (i: number) => Cell> = {
    num: (i) => i + 1,
    time: (i) => tsToString(ix.t0 + BigInt(Math.round(cols.ts(i))), true, true),
    latency: (i) => cols.lat(i),
    proc: (i) => thr(i).name,
    pid: (i) => proc(i).pid,
    tid: (i) => thr(i).tid,
    ppid: (i) => proc(i).ppid,
    user: (i) => E.users.rows[proc(i).user]?.name ?? '',
    container: (i) => E.containerNames[proc(i).container] ?? '',
    exeline: (i) => thr(i).exeline,
    fd: (i) => E.fds[cols.fd(i)]!.name,
    type: (i) => typeNameOfKey(cols.type(i)),
    dir: (i) => (typeFlags[cols.type(i)]! & TF.EXIT ? '<' : '>'),
    res: (i) => {
      const e = cols.err(i);
      return e === 0 ? 'SUCCESS' : (ERRNO_NAMES.get(e) ?? String(-e));
    },
  };
  return m[attr] ?? (() => '');
}

export function listView(
  ix: CaptureIndex,
  v: ListViewDef,
  s: Selection,
  q: ViewQuery,
  extra?: (attr: string, idx: number[]) => Cell[] | undefined,
): ViewResult {
  const t0 = performance.now();
  const sort = q.sort ?? { column: v.defaultSort, desc: v.defaultDesc };
  // Sorting a list view by time or number is capture order: no cell building for every row.
  const sortCol = v.columns.find((c) => c.id === sort.column);
  const captureOrder = !sortCol || sortCol.id === 'time' || sortCol.id === 'num';
  let rows: number[];
  let pageRows: number[];
  let total: number;
  let paged = false;
  if (v.id === 'dig' && captureOrder && s.whole && isUnrestricted(s)) {
    // Every printable event of the capture: page straight from the per-chunk counts.
    const page = countablePage(ix, q.page.offset, q.page.limit, sort.desc);
    rows = page.rows;
    pageRows = rows.map((_, r) => r);
    total = page.total;
    paged = true;
  } else {
    rows = Array.from(listEvents(ix, v, s));
    total = rows.length;
    pageRows = [];
  }
  if (paged) {
    // countablePage returned the page itself.
  } else if (captureOrder) {
    const order = rows.map((_, r) => r);
    if (sort.desc) order.reverse();
    pageRows = order.slice(q.page.offset, q.page.offset + q.page.limit);
  } else {
    const g = eventAttr(ix, (sortCol as { attr: string }).attr);
    const col = rows.map((i) => g(i));
    pageRows = sortAndPage(rows, [col], [sortCol], { column: sortCol.id, desc: sort.desc }, q.page);
  }
  const pageIdx = pageRows.map((r) => rows[r]!);
  const data: ColumnData[] = v.columns.map((c) => {
    const a = (c as { attr: string }).attr;
    const fromExtra = extra?.(a, pageIdx);
    const vals = fromExtra ?? pageIdx.map(eventAttr(ix, a));
    return vals.every((x) => typeof x === 'number') && vals.length > 0
      ? { type: 'number', values: Float64Array.from(vals as number[]) }
      : { type: 'text', values: vals.map(String) };
  });
  return {
    kind: 'view',
    view: v.id,
    columns: v.columns.map(({ id, title, unit, field }) => ({ id, title, unit, field })),
    data,
    keys: pageIdx.map((i) => i + 1),
    drillFilters: pageIdx.map((i) => andFilters([q.baseFilter, `evt.num=${i + 1}`])),
    total,
    sort,
    elapsedMs: performance.now() - t0,
  };
}
