// One open capture inside the engine worker: its index, the filter bitsets computed so far, a
// re-reader for parameters, and the answers to protocol requests.
import type { EventBatch } from '../core/capture.js';
import { EVENTS, eventInfo } from '../core/schema/index.js';
import { compileFilter } from '../core/filter/compile.js';
import { FilterError } from '../core/filter/ast.js';
import { newContext, setEvent, type EventContext, type StateLookup } from '../core/fields/context.js';
import { StateTracker } from '../core/state/tracker.js';
import { defaultLine, OutputTime } from '../core/format/event.js';
import { BufFmt, renderBuffer, type ParamEnv } from '../core/format/params.js';
import type { FdInfo, ThreadInfo } from '../core/state/types.js';
import { PT, type EventInfo } from '../core/schema/types.js';
import { viewDef } from '../core/views/defs.js';
import { closeSync, openSync, writeSync } from 'node:fs';
import { ScapWriter } from '../core/scapwrite/index.js';
import type {
  EventsResult,
  ExportResult,
  IoFormat,
  IoRecord,
  IoResult,
  Page,
  Request,
  Response,
  Scope,
} from '../core/protocol/messages.js';
import type { CaptureIndex } from './index/build.js';
import { OFFSET_STRIDE } from './index/columns.js';
import { TF, codesNamed, paramPos, typeFlags } from './index/typeinfo.js';
import { openForReading } from './open.js';
import { Rereader } from './reread.js';
import {
  forEachSelected,
  indexRange,
  isSelected,
  select,
  selectedAmong,
  type Selection,
} from './query/select.js';
import { listView, tableView } from './query/views.js';
import { overview } from './query/overview.js';

const P_DATA = paramPos('data');
const FILTER_CACHE = 8;
/** scap fd kinds' type characters (FdKind order; FILE_V2 is a file too). */
const FD_TYPE_CHARS: Record<number, string> = Object.fromEntries(
  [...'ofd4646pueXslitn'].map((c, k) => [k, c] as [number, string]).concat([[16, 'f']]),
);
const CLOSE_X = new Set([...codesNamed(['close'])].filter((c) => c & 1));
/** How far back (events) re-rendering looks for the fd a parameter names. */
const FD_LOOKBACK = 200_000;

export interface Hooks {
  progress(bytes: number, total: number, events: number): void;
  cancelled(): boolean;
}

export class Session {
  private readonly filters = new Map<string, Uint32Array>();
  private readonly reread: Rereader;
  private readonly users: Map<number, string>;
  private readonly groups: Map<number, string>;
  private readonly byTid = new Map<number, ThreadInfo>();
  private initialFds: Map<number, Map<number, FdInfo>> | undefined;

  constructor(readonly index: CaptureIndex) {
    this.reread = new Rereader(index.path, index.compressed, index.gzipIndex);
    this.users = new Map(index.header.users.map((u) => [u.uid, u.name]));
    this.groups = new Map(index.header.groups.map((g) => [g.gid, g.name]));
    // Threads from the capture's process list first (threads with no events are named too, e.g.
    // kill's pid=2010(httpd)), then what the events showed.
    for (const p of index.header.procs) {
      this.byTid.set(p.tid, {
        ...p,
        containerId: '',
        cloneTs: 0n,
        fds: new Map(),
      });
    }
    for (const t of index.ents.threadsTable) if (t.id !== 0) this.byTid.set(t.tid, t.info);
  }

  close(): void {
    this.reread.close();
  }

  /** The filter's bitset over events (one rescan of the capture per filter text, then cached). */
  filterBits(text: string, hooks: Hooks): Uint32Array {
    const hit = this.filters.get(text);
    if (hit) {
      this.filters.delete(text);
      this.filters.set(text, hit);
      return hit;
    }
    const f = compileFilter(text);
    const ix = this.index;
    const bits = new Uint32Array(Math.ceil(ix.cols.length / 32) + 1);
    const reader = openForReading(ix.path, { sysdigCompat: false, reuseBatches: true });
    try {
      const tracker = new StateTracker(reader.header);
      const users = new Map(reader.header.users.map((u) => [u.uid, u]));
      const groups = new Map(reader.header.groups.map((g) => [g.gid, g]));
      const lookup: StateLookup = {
        thread: (tid) => tracker.thread(tid),
        user: (uid) => users.get(uid),
        group: (gid) => groups.get(gid),
        container: (id) => tracker.container(id),
      };
      let ctx: EventContext | undefined;
      let idx = 0;
      let last = 0;
      const mask = f.typeMask;
      for (let b = reader.next(); b !== null; b = reader.next()) {
        if (hooks.cancelled()) throw new CancelledError();
        if (ctx === undefined) {
          ctx = newContext(b, eventInfo(b.type[0]!), lookup);
          ctx.firstTs = ix.t0;
        } else ctx.batch = b;
        for (let i = 0; i < b.count; i++, idx++) {
          const code = b.type[i]!;
          const st = tracker.process(b, i);
          if (mask !== null && !mask[code]) continue;
          setEvent(ctx, i, EVENTS[code] ?? eventInfo(code), st);
          if (f.predicate(ctx)) bits[idx >>> 5]! |= 1 << (idx & 31);
        }
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          hooks.progress(reader.bytesConsumed(), reader.fileSize, idx);
        }
      }
    } finally {
      reader.close();
    }
    this.filters.set(text, bits);
    if (this.filters.size > FILTER_CACHE) this.filters.delete(this.filters.keys().next().value!);
    return bits;
  }

  selection(scope: Scope | undefined, hooks: Hooks): Selection {
    const bits = scope?.filter && scope.filter.trim() !== '' ? this.filterBits(scope.filter, hooks) : null;
    return select(this.index, scope?.window, scope?.drill, bits);
  }

  handle(r: Request, hooks: Hooks): Response {
    try {
      switch (r.kind) {
        case 'view': {
          const v = viewDef(r.view);
          if (!v) return { kind: 'error', message: `no view ${r.view}` };
          const s = this.selection(r.scope, hooks);
          const q = {
            page: r.page,
            ...(r.sort ? { sort: r.sort } : {}),
            ...(r.scope?.filter ? { baseFilter: r.scope.filter } : {}),
          };
          return v.kind === 'table'
            ? tableView(this.index, v, s, q)
            : listView(this.index, v, s, q, (attr, idx) =>
                attr === 'info' || attr === 'cpu' ? this.renderAttr(attr, idx) : undefined,
              );
        }
        case 'overview':
          return overview(this.index, this.selection(r.scope, hooks), r.samples ?? 40);
        case 'events':
          return this.events(r.scope, r.page, hooks, r.list);
        case 'io':
          return this.io(r.scope, r.page, r.format ?? 'dotted', hooks);
        case 'export':
          return this.export(r.scope, r.path, hooks);
        default:
          return { kind: 'error', message: `request ${r.kind} is not handled by a session` };
      }
    } catch (e) {
      if (e instanceof CancelledError) return { kind: 'cancelled' };
      if (e instanceof FilterError)
        return {
          kind: 'error',
          message: e.message,
          ...('column' in e ? { column: (e as { column: number }).column } : {}),
        };
      return { kind: 'error', message: (e as Error).message };
    }
  }

  /** Re-reads events by index, in the order given. */
  private readEvents(idx: readonly number[]): Map<number, EventBatch> {
    const out = new Map<number, EventBatch>();
    const sorted = [...idx].sort((a, b) => a - b);
    const cols = this.index.cols;
    for (let p = 0; p < sorted.length;) {
      const i = sorted[p]!;
      const base = i - (i % OFFSET_STRIDE);
      const off = cols.offset(base);
      // Every wanted event sharing this stride is read in one walk.
      let q = p;
      while (q < sorted.length && sorted[q]! - base < OFFSET_STRIDE) q++;
      const lastSkip = sorted[q - 1]! - base;
      const evs = this.reread.events(off, 0, lastSkip + 1);
      for (let r = p; r < q; r++) {
        const e = evs[sorted[r]! - base];
        if (e) out.set(sorted[r]!, e);
      }
      p = q;
    }
    return out;
  }

  private lookup(): StateLookup {
    return {
      thread: (tid) => this.byTid.get(tid),
      user: (uid) => {
        const n = this.users.get(uid);
        return n === undefined ? undefined : { uid, gid: 0, name: n, homedir: '', shell: '' };
      },
      group: (gid) => {
        const n = this.groups.get(gid);
        return n === undefined ? undefined : { gid, name: n };
      },
      container: () => undefined,
    };
  }

  /** The default sysdig line of each event (thread and fd as the index recorded them). */
  private lines(idx: readonly number[]): string[] {
    const evs = this.readEvents(idx);
    const ix = this.index;
    const lookup = this.lookup();
    const time = new OutputTime('h');
    const env: ParamEnv = {
      thread: undefined,
      threadOf: (tid) => lookup.thread(tid),
      userName: (uid) => this.users.get(uid),
      groupName: (gid) => this.groups.get(gid),
      bufFormat: BufFmt.NORMAL,
      maxBufLen: 80,
    };
    return idx.map((i) => {
      const b = evs.get(i);
      if (!b) return `${i + 1} <unreadable>`;
      const cols = ix.cols;
      const tr = ix.ents.threadsTable[cols.thread(i)]!;
      const fr = ix.ents.fds[cols.fd(i)]!;
      const info = EVENTS[b.type[0]!] ?? eventInfo(b.type[0]!);
      const ctx = newContext(b, info, lookup);
      ctx.firstTs = ix.t0;
      // The thread's fd table has moved on since this event: show the event's own fd as the index
      // recorded it (fd parameters render as `3(<4t>1.2.3.4:80->...)` from it).
      let thread: ThreadInfo | undefined = tr.id !== 0 ? tr.info : undefined;
      if (thread !== undefined) {
        const fds = new Map(thread.fds);
        const pid = ix.ents.processes[tr.proc]!.pid;
        for (const n of this.fdParams(b, info)) {
          const f = this.fdBefore(i, tr.proc, n) ?? this.initialFd(pid, n);
          if (f !== undefined) fds.set(n, f);
          else fds.delete(n);
        }
        if (fr.id !== 0) fds.set(cols.fdNum(i), fr.info);
        thread = Object.create(thread, { fds: { value: fds } }) as ThreadInfo;
      }
      setEvent(ctx, 0, info, {
        thread,
        fdNum: cols.fdNum(i),
        fd: fr.id !== 0 ? fr.info : undefined,
        enterTs: 0n,
      });
      ctx.num = i + 1;
      env.thread = thread;
      return defaultLine(ctx, env, time, BigInt(Math.round(cols.lat(i))));
    });
  }

  /** The fd numbers an event's PT_FD and PT_FDLIST parameters hold. */
  private fdParams(b: EventBatch, info: EventInfo): number[] {
    const out: number[] = [];
    const n = Math.min(info.params.length, b.paramBase[1]!);
    const a = b.arena;
    const dv = new DataView(a.buffer, a.byteOffset, a.byteLength);
    for (let j = 0; j < n; j++) {
      const type = info.params[j]!.type;
      const len = b.paramLen[j]!;
      const o = b.paramOff[j]!;
      if (type === PT.FD) {
        if (len === 8) out.push(Number(dv.getBigInt64(o, true)));
        else if (len === 4) out.push(dv.getInt32(o, true));
      } else if (type === PT.FDLIST && len >= 2) {
        // u16 count, then (i64 fd, u16 flags) entries.
        const count = dv.getUint16(o, true);
        for (let k = 0, pos = o + 2; k < count && pos + 10 <= o + len; k++, pos += 10)
          out.push(Number(dv.getBigInt64(pos, true)));
      }
    }
    return out;
  }

  /** The process's fds from the capture's fd lists (what was open when the capture started). */
  private initialFd(pid: number, n: number): FdInfo | undefined {
    if (this.initialFds === undefined) {
      this.initialFds = new Map();
      for (const l of this.index.header.fdlists) {
        const m = new Map<number, FdInfo>();
        for (const f of l.fds) {
          m.set(f.fd, {
            fd: f.fd,
            kind: f.kind,
            typeChar: FD_TYPE_CHARS[f.kind] ?? '?',
            name: f.name,
            openFlags: f.openFlags,
            l4proto: f.l4proto ?? 0,
          });
        }
        this.initialFds.set(l.tid, m);
      }
    }
    return this.initialFds.get(pid)?.get(n);
  }

  /**
   * The fd process `proc` had as number `n` at event i: the fd of its latest earlier event on that
   * number (bounded look-back), unless that event closed it; undefined when not found.
   */
  private fdBefore(i: number, proc: number, n: number): FdInfo | undefined {
    const ix = this.index;
    const cols = ix.cols;
    for (let j = i - 1, steps = 0; j >= 0 && steps < FD_LOOKBACK; j--, steps++) {
      if (cols.fdNum(j) !== n) continue;
      if (ix.ents.threadsTable[cols.thread(j)]!.proc !== proc) continue;
      const fe = cols.fd(j);
      if (fe === 0) return undefined;
      const key = cols.type(j);
      // A successful close exit: the number is free from then on.
      if (CLOSE_X.has(key) && cols.err(j) === 0) return undefined;
      return ix.ents.fds[fe]!.info;
    }
    return undefined;
  }

  renderAttr(attr: string, idx: number[]): (string | number)[] {
    if (attr === 'info') return this.lines(idx).map((l) => l.split(' ').slice(7).join(' '));
    const evs = this.readEvents(idx);
    return idx.map((i) => evs.get(i)?.cpu[0] ?? 0);
  }

  private events(scope: Scope | undefined, page: Page, hooks: Hooks, list?: string): EventsResult {
    const t0 = performance.now();
    const s = this.selection(scope, hooks);
    const ix = this.index;
    let all: number[] = [];
    if (list) {
      const v = viewDef(list);
      if (!v || v.kind !== 'list') throw new Error(`no list view ${list}`);
      const r = listView(ix, v, s, { page: { offset: 0, limit: Number.MAX_SAFE_INTEGER } });
      all = r.keys.map((k) => Number(k) - 1);
    } else {
      const [lo, hi] = indexRange(ix, s.r0, s.r1);
      const cols = ix.cols;
      forEachSelected(ix, s, lo, hi, (i) => {
        if (!(typeFlags[cols.type(i)]! & TF.UNCOUNTED)) all.push(i);
      });
    }
    const pageIdx = all.slice(page.offset, page.offset + page.limit);
    return {
      kind: 'events',
      total: all.length,
      nums: Float64Array.from(pageIdx, (i) => i + 1),
      lines: this.lines(pageIdx),
      elapsedMs: performance.now() - t0,
    };
  }

  /** Writes the selected events to a new capture (the header of the source, then the events). */
  private export(scope: Scope | undefined, path: string, hooks: Hooks): ExportResult {
    const s = this.selection(scope, hooks);
    const ix = this.index;
    const out = openSync(path, 'w');
    let n = 0;
    const reader = openForReading(ix.path, { sysdigCompat: false, reuseBatches: true });
    try {
      const w = new ScapWriter({ sink: (chunk) => void writeSync(out, chunk) });
      w.writeHeader(reader.header);
      let idx = 0;
      let last = 0;
      for (let b = reader.next(); b !== null; b = reader.next()) {
        if (hooks.cancelled()) throw new CancelledError();
        // Runs of consecutive selected events go out as one writeBatch call.
        for (let i = 0; i < b.count;) {
          if (!isSelected(ix, s, idx + i)) {
            i++;
            continue;
          }
          let j = i + 1;
          while (j < b.count && isSelected(ix, s, idx + j)) j++;
          w.writeBatch(b, i, j);
          n += j - i;
          i = j;
        }
        idx += b.count;
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          hooks.progress(reader.bytesConsumed(), reader.fileSize, idx);
        }
      }
      w.close();
    } finally {
      reader.close();
      closeSync(out);
    }
    return { kind: 'export', path, events: n };
  }

  private io(scope: Scope | undefined, page: Page, format: IoFormat, hooks: Hooks): IoResult {
    const t0 = performance.now();
    const s = this.selection(scope, hooks);
    const ix = this.index;
    const cols = ix.cols;
    // Candidates: the I/O events of the allowed fds (a connection's stream), or every I/O event.
    const lists: Uint32Array[] = [];
    if (s.allowFd) s.allowFd.forEach((ok, fd) => ok && ix.ioByFd[fd] && lists.push(ix.ioByFd[fd]));
    else lists.push(ix.ioAll);
    const all = selectedAmong(ix, s, lists);
    const pageIdx = all.slice(page.offset, page.offset + page.limit);
    const evs = this.readEvents(pageIdx);
    const fmt = format === 'hex' ? BufFmt.HEXASCII : format === 'printable' ? BufFmt.EOLS : BufFmt.NORMAL;
    const records: IoRecord[] = pageIdx.map((i) => {
      const tr = ix.ents.threadsTable[cols.thread(i)]!;
      const p = ix.ents.processes[tr.proc]!;
      const fr = ix.ents.fds[cols.fd(i)]!;
      const b = evs.get(i);
      let data = '';
      if (b) {
        const j = P_DATA[b.type[0]!] ?? -1;
        if (j >= 0 && j < b.paramBase[1]!)
          data = renderBuffer(b.arena, b.paramOff[j]!, b.paramOff[j]! + b.paramLen[j]!, fmt);
      }
      return {
        num: i + 1,
        ts: ix.t0 + BigInt(Math.round(cols.ts(i))),
        dir: typeFlags[cols.type(i)]! & TF.OUT ? '>' : '<',
        len: cols.bytes(i),
        fd: fr.name,
        proc: tr.name,
        pid: p.pid,
        container: ix.ents.containerNames[p.container] ?? '',
        data,
      };
    });
    return { kind: 'io', total: all.length, records, elapsedMs: performance.now() - t0 };
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}
