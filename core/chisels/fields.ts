// The filter fields the chisels request (chisel.request_field), extracted from an EventContext the
// way libsinsp's filterchecks do (libs e5c53d64), and returned as the Lua values evt.field() hands
// the chisel: numbers, strings, booleans, or undefined for nil. Only what the chisels here use.
import { FdKind } from '../capture.js';
import type { ContainerInfo, EventContext } from '../fields/context.js';
import { DATA, FD, paramInt, RES } from '../fields/params.js';
import { failParam } from '../views/metrics.js';
import { renderArgText, type ParamEnv } from '../format/params.js';
import { ipToString } from '../net/addr.js';
import { EF } from '../schema/types.js';
import type { FdInfo, ThreadInfo } from '../state/types.js';
import { tsToString } from '../time.js';
import { bindField } from '../fields/registry.js';
import type { BoundField } from '../fields/types.js';
import { sanitizeString } from '../state/paths.js';
import type { TerminalSize } from './terminal.js';
import { leftCut } from './luafmt.js';

/** What the chisels need beyond the event: output options and state the event context lacks. */
export interface ChiselEnv {
  /** Renders evt.arg.* (buffer format from -A/-X/-x/-b; chisels get buffers uncut). */
  readonly paramEnv: ParamEnv;
  /** evt.latency of the event in the context (ns; 0 for enter events). */
  latency(ctx: EventContext): bigint;
  /** User name of a uid, undefined when the capture has none. */
  userName(uid: number): string | undefined;
  /** The thread table in the order libsinsp iterates it (sysdig.get_thread_table). */
  threads(): Iterable<ThreadInfo>;
  /** sysdig.get_output_format() is "json" (-j). */
  readonly json?: boolean;
  /** sysdig.is_tty(): stdout is a terminal. */
  readonly isTty?: boolean;
  /** sysdig.get_terminal_info() when stdout is a terminal (-1 for a size it cannot read). */
  readonly terminal?: TerminalSize;
  /** The container manager's entries, in the order the capture described them. */
  containers?(): ContainerInfo[];
  /** sysdig.is_print_container_data(): -pc, -pk or -pm was given (chisels add container columns). */
  readonly printContainer?: boolean;
}

export const evtTs = (c: EventContext): bigint => c.batch.ts[c.i]!;
export const evtType = (c: EventContext): number => c.batch.type[c.i]!;
export const isExit = (c: EventContext): boolean => (c.batch.type[c.i]! & 1) === 1;

/** evt.rawarg.res: the parameter named "res", when the event has one. */
export function rawArgRes(c: EventContext): number | undefined {
  const j = RES.of(evtType(c));
  return j < 0 ? undefined : paramInt(c, j);
}

/** evt.rawres: "res", or "fd" for exit events that create an fd. */
export function rawRes(c: EventContext): number | undefined {
  const code = evtType(c);
  const j = RES.of(code);
  if (j >= 0) return paramInt(c, j);
  if (c.info.flags & EF.CREATES_FD && code & 1) {
    const f = FD.of(code);
    if (f >= 0) return paramInt(c, f);
  }
  return undefined;
}

/** evt.failed. */
export function failed(c: EventContext): boolean {
  const j = failParam(evtType(c));
  if (j < 0) return false;
  const r = paramInt(c, j);
  return r !== undefined && r < 0;
}

/** evt.is_io / evt.is_io_read / evt.is_io_write: from the event table's flags, not the category. */
export const isIo = (c: EventContext): boolean => (c.info.flags & (EF.READS_FROM_FD | EF.WRITES_TO_FD)) !== 0;
export const isIoRead = (c: EventContext): boolean => (c.info.flags & EF.READS_FROM_FD) !== 0;
export const isIoWrite = (c: EventContext): boolean => (c.info.flags & EF.WRITES_TO_FD) !== 0;

/** evt.io_dir. */
export function ioDir(c: EventContext): string | undefined {
  if (c.info.flags & EF.WRITES_TO_FD) return 'write';
  if (c.info.flags & EF.READS_FROM_FD) return 'read';
  return undefined;
}

/** evt.time.s: HH:MM:SS in the local zone. */
export const timeS = (c: EventContext): string => tsToString(evtTs(c), false, false);
/** evt.time: HH:MM:SS.nnnnnnnnn. */
export const time = (c: EventContext): string => tsToString(evtTs(c), false, true);
/** evt.datetime: YYYY-MM-DD HH:MM:SS.nnnnnnnnn. */
export const datetime = (c: EventContext): string => tsToString(evtTs(c), true, true);

/** evt.arg.data: the rendered buffer (in the -A/-X/... format), undefined when absent. */
export function argData(c: EventContext, env: ChiselEnv): string | undefined {
  const j = DATA.of(evtType(c));
  if (j < 0 || c.batch.paramBase[c.i]! + j >= c.batch.paramBase[c.i + 1]!) return undefined;
  env.paramEnv.thread = c.state.thread;
  return renderArgText(c.info, c.batch, c.i, j, env.paramEnv);
}

/** fd.type text, shared with the field extractor. */
export { fdTypeString as fdTypeName } from '../fields/fd.js';

export const isFile = (fd: FdInfo | undefined): boolean =>
  fd !== undefined && (fd.kind === FdKind.FILE || fd.kind === FdKind.FILE_V2);

export function isIp(fd: FdInfo | undefined): boolean {
  if (fd === undefined) return false;
  const k = fd.kind;
  return (
    k === FdKind.IPV4_SOCK ||
    k === FdKind.IPV4_SERVSOCK ||
    k === FdKind.IPV6_SOCK ||
    k === FdKind.IPV6_SERVSOCK
  );
}

const L4_NAMES: Record<number, string> = { 2: 'tcp', 3: 'udp', 4: 'icmp', 5: 'raw' };

/** fd.l4proto (and the l4proto of get_thread_table). */
export function l4protoName(fd: FdInfo): string {
  return L4_NAMES[fd.l4proto] ?? '<NA>';
}

const isConnSock = (fd: FdInfo): boolean => fd.kind === FdKind.IPV4_SOCK || fd.kind === FdKind.IPV6_SOCK;
const isServSock = (fd: FdInfo): boolean =>
  fd.kind === FdKind.IPV4_SERVSOCK || fd.kind === FdKind.IPV6_SERVSOCK;
const roleNone = (fd: FdInfo): boolean => !fd.isServer && !fd.isClient;

/** fd.sport: the server port (dport of a connected socket with a role; a listener's port). */
export function serverPort(fd: FdInfo | undefined): number | undefined {
  if (fd === undefined) return undefined;
  if (isConnSock(fd)) return roleNone(fd) ? undefined : fd.dport;
  if (isServSock(fd)) return fd.sport;
  return undefined;
}

/** Text of an address as inet_ntop writes it. */
export function ipText(b: Uint8Array | undefined): string {
  return b === undefined ? '<NA>' : ipToString(b);
}

/** proc.name. */
export const procName = (c: EventContext): string | undefined => c.state.thread?.comm;
/** proc.pid. */
export const procPid = (c: EventContext): number | undefined => c.state.thread?.pid;
/** thread.tid (defined even without a thread entry). */
export const threadTid = (c: EventContext): number => Number(c.batch.tid[c.i]!);

/** A field the chisels read, bound once at load (a name that does not bind is a programming error). */
export function boundField(name: string): BoundField {
  const f = bindField(name);
  if (typeof f === 'string') throw new Error(f);
  return f;
}

const FD_NAME = boundField('fd.name');

/** fd.name as a chisel reads it: the shared extractor (names from creator events when the fd is
 *  gone, "" for other exits), sanitized as evt.field() extraction does. */
export function fdName(c: EventContext): string | undefined {
  const v = FD_NAME.extract(c);
  return typeof v === 'string' ? sanitizeString(v) : undefined;
}

const CONTAINER_NAME = boundField('container.name');
const CONTAINER_ID = boundField('container.id');

/** container.id: "host" outside containers; undefined without a thread. */
export function containerId(c: EventContext): string | undefined {
  const v = CONTAINER_ID.extract(c);
  return typeof v === 'string' ? sanitizeString(v) : undefined;
}

/** The -pc columns of the *slower, proc_exec_time and stderr chisels: Lua's "%-20.20s %-20.20s "
 *  of two texts (container.id and container.name, or their headers). */
export const containerCells = (id: string, name: string): string =>
  `${leftCut(id, 20, 20)} ${leftCut(name, 20, 20)} `;

/** containerCells of the event's container (a nil field prints as Lua's "nil"). */
export const containerCellsOf = (c: EventContext): string =>
  containerCells(containerId(c) ?? 'nil', containerName(c) ?? 'nil');

/** container.name: "host" outside containers; undefined without a thread. */
export function containerName(c: EventContext): string | undefined {
  const v = CONTAINER_NAME.extract(c);
  return typeof v === 'string' ? sanitizeString(v) : undefined;
}
