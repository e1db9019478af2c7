// netstat.lua, lsof.lua, ps.lua: print the thread/fd tables. Their on_event ends the capture at the
// first event that passes the command-line filter, so the tables are libsinsp's state right after
// that event (the process list of the file header plus that event's effects). Rows come from
// sysdig.get_thread_table: every thread (or, with a filter argument, the threads having an fd that
// matches it, with only the matching fds), in the table orders luaorder.ts models.
import type { EventContext } from '../fields/context.js';
import { FdKind } from '../capture.js';
import { sanitizeString } from '../state/paths.js';
import type { FdInfo, ThreadInfo } from '../state/types.js';
import { fdTypeName, ipText, isIp, l4protoName, type ChiselEnv } from './fields.js';
import { extendString, formatBytes, luaNum } from './luafmt.js';
import { luaPairsOrder, unorderedMapOrder } from './luaorder.js';
import type { Chisel } from './runner.js';

/** A thread-table filter (the chisel's filter argument), evaluated on one thread and one fd. */
export type FdFilter = (t: ThreadInfo, fdNum: number, fd: FdInfo) => boolean;

export interface TableEntry {
  /** (uint32_t)tid, the Lua key. */
  tid: number;
  thread: ThreadInfo;
  /** fd numbers in pairs() order, with their entries. */
  fds: [number, FdInfo][];
}

const u32 = (v: number): number => v >>> 0;

/**
 * sysdig.get_thread_table(filter) as the chisels iterate it: entries keyed by (uint32)tid in
 * pairs() order, each with its fds in pairs() order.
 */
export function threadTable(env: ChiselEnv, filter: FdFilter | undefined): TableEntry[] {
  const threads = new Map<number, ThreadInfo>();
  for (const t of env.threads()) threads.set(t.tid, t);
  const byKey = new Map<number, TableEntry>();
  for (const tid of unorderedMapOrder(threads.keys())) {
    const t = threads.get(tid)!;
    const table = t.fds;
    const fdOrder = unorderedMapOrder(table.keys());
    const kept: number[] = [];
    for (const fd of fdOrder) {
      if (filter === undefined || filter(t, fd, table.get(fd)!)) kept.push(fd);
    }
    if (filter !== undefined && kept.length === 0) continue;
    const fds = luaPairsOrder(kept.map(u32)).map((k): [number, FdInfo] => {
      const fd = kept.find((f) => u32(f) === k)!;
      return [k, table.get(fd)!];
    });
    // A later thread with the same (uint32)tid replaces the earlier one in the Lua table.
    byKey.set(u32(tid), { tid: u32(tid), thread: t, fds });
  }
  const order = luaPairsOrder(
    unorderedMapOrder(threads.keys())
      .map(u32)
      .filter((k) => byKey.has(k)),
  );
  return order.map((k) => byKey.get(k)!);
}

/** The username get_thread_table reports: the user list's name, or <NA>. */
function userName(env: ChiselEnv, uid: number): string {
  if (u32(uid) === 0xffffffff) return '<NA>';
  return env.userName(uid) ?? '<NA>';
}

const EMPTY = 'empty capture or no event matching the filter\n';

/** What the three chisels share: stop at the first event, print at the end. */
abstract class TableChisel implements Chisel {
  endCapture = false;
  private match = false;
  // The Lua `capturing` flag: a capture that failed to open ends without a table.
  private capturing = false;

  constructor(
    protected readonly env: ChiselEnv,
    protected readonly write: (s: string) => void,
    protected readonly fdFilter: FdFilter | undefined,
  ) {}

  onCaptureStart(): void {
    this.capturing = true;
  }

  onEvent(_c: EventContext): void {
    this.endCapture = true;
    this.match = true;
  }

  onCaptureEnd(): void {
    if (!this.capturing) return;
    if (!this.match) {
      this.write(EMPTY);
      return;
    }
    this.write(this.render(threadTable(this.env, this.fdFilter)));
  }

  protected abstract render(rows: TableEntry[]): string;
}

export class Netstat extends TableChisel {
  protected render(rows: TableEntry[]): string {
    let out =
      extendString('Proto', 6) +
      extendString('Server Address', 25) +
      extendString('Client Address', 25) +
      extendString('State', 15) +
      'TID/PID/Program Name\n';
    for (const r of rows) {
      for (const [, fd] of r.fds) {
        if (!isIp(fd)) continue;
        const conn = fd.kind === FdKind.IPV4_SOCK || fd.kind === FdKind.IPV6_SOCK;
        // For a connected socket libsinsp's source side is the client, the destination the server.
        const sip = conn ? ipText(fd.dip) : ipText(fd.sip);
        const sport = conn ? fd.dport : fd.sport;
        const cip = conn ? ipText(fd.sip) : '0.0.0.0';
        const cport = conn ? luaNum(fd.sport ?? 0) : '*';
        out +=
          extendString(l4protoName(fd), 6) +
          extendString(`${sip}:${luaNum(sport ?? 0)}`, 25) +
          extendString(`${cip}:${cport}`, 25) +
          extendString(conn ? 'ESTABLISHED' : 'LISTEN', 15) +
          `${r.tid}/${u32(r.thread.pid)}/${r.thread.comm}\n`;
      }
    }
    return out;
  }
}

/** Netstat's thread-table filter: IP sockets, and the argument's filter when given. */
export function netstatFilter(arg: FdFilter | undefined): FdFilter {
  return (t, n, fd) => isIp(fd) && (arg === undefined || arg(t, n, fd));
}

export class Lsof extends TableChisel {
  protected render(rows: TableEntry[]): string {
    let out =
      extendString('COMMAND', 20) +
      extendString('PID', 8) +
      extendString('TID', 8) +
      extendString('USER', 8) +
      extendString('FD', 8) +
      extendString('TYPE', 12) +
      'NAME\n';
    const sorted = [...rows].sort((a, b) => a.tid - b.tid);
    for (const r of sorted) {
      const t = r.thread;
      const user = userName(this.env, t.uid);
      for (const [fdNum, fd] of r.fds) {
        out +=
          extendString(t.comm, 20) +
          extendString(String(u32(t.pid)), 8) +
          extendString(String(r.tid), 8) +
          extendString(user, 8) +
          extendString(String(fdNum), 8) +
          extendString(fdTypeName(fd), 12) +
          sanitizeString(fd.name) +
          '\n';
      }
    }
    return out;
  }
}

export class Ps extends TableChisel {
  protected render(rows: TableEntry[]): string {
    let out =
      extendString('TID', 8) +
      extendString('PID', 8) +
      extendString('USER', 12) +
      extendString('VIRT', 11) +
      extendString('RES', 11) +
      extendString('FDLIMIT', 10) +
      extendString('CMD', 20) +
      '\n';
    const sorted = [...rows].sort((a, b) => a.tid - b.tid);
    for (const r of sorted) {
      const t = r.thread;
      out +=
        extendString(String(r.tid), 8) +
        extendString(String(u32(t.pid)), 8) +
        extendString(userName(this.env, t.uid), 12) +
        extendString(formatBytes(u32(t.vmsizeKb) * 1024), 11) +
        extendString(formatBytes(u32(t.vmrssKb) * 1024), 11) +
        extendString(String(u32(t.fdlimit)), 10) +
        t.comm +
        '\n';
    }
    return out;
  }
}
