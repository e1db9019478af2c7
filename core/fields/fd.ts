// fd.* (sinsp_filter_check_fd of libs e5c53d64). Only events whose type creates, uses or destroys
// an fd have fd fields, and only when their thread is known; the fd entry is the one libsinsp's
// parser left on the event (EventState.fd) or the thread's table entry for the event's fd number.
// Exit events that create an fd but failed still yield a name (and a type char) from their params.
import { FdKind } from '../capture.js';
import { EF, eventCodesByName, EVENTS, PT } from '../schema/index.js';
import type { FdInfo, ThreadInfo } from '../state/types.js';
import type { EventContext } from './context.js';
import { paramBytes, paramIndex, paramInt } from './params.js';
import { concatenatePaths } from '../state/paths.js';
import { renderArgText } from '../format/params.js';
import { sanitize } from '../format/paths.js';
import type { Binder, Binding, FieldValue } from './types.js';

const FD_FLAGS = EF.CREATES_FD | EF.USES_FD | EF.DESTROYS_FD;
const ROLE_CLIENT = 1 << 2;
const ROLE_SERVER = 1 << 3;
const SOCKET_CONNECTED = 1 << 13;

interface FdExtras {
  flags?: number;
  typeString?: string;
}

function codeSet(names: string[], dir: 0 | 1 | -1): Set<number> {
  const s = new Set<number>();
  for (const n of names) for (const c of eventCodesByName(n)) if (dir === -1 || c % 2 === dir) s.add(c);
  return s;
}

// Exit events whose param 1 is the fd's name (open, creat, accept*) or the tuple (connect).
const NAME_FROM_P1_X = codeSet(['open', 'accept', 'accept4', 'creat', 'connect'], 1);
const OPENAT_X = codeSet(['openat', 'openat2'], 1);
const OPEN_BY_HANDLE_X = codeSet(['open_by_handle_at'], 1);
const CONNECT_X = codeSet(['connect'], 1);
const CONTAINER = codeSet(['container'], -1);

/** Type char of an fd-creating event whose fd is unknown (extract_from_null_fd). */
const NULL_FD_TYPECHAR = new Map<number, string>();
for (const [names, ch] of [
  [['open', 'openat', 'openat2', 'creat'], 'f'],
  [['socket', 'accept', 'accept4'], '4'],
  [['pipe'], 'p'],
  [['eventfd'], 'e'],
  [['signalfd'], 's'],
  [['timerfd_create'], 't'],
  [['inotify_init'], 'i'],
] as const) {
  for (const c of codeSet([...names], -1)) NULL_FD_TYPECHAR.set(c, ch);
}

/** extract_fd: false when the event has no fd fields at all. */
function hasFd(ctx: EventContext): boolean {
  const v = (ctx.state as { fdValid?: boolean }).fdValid;
  if (v !== undefined) return v;
  return (ctx.info.flags & FD_FLAGS) !== 0 && ctx.state.thread !== undefined;
}

function fdOf(ctx: EventContext): FdInfo | undefined {
  const s = ctx.state;
  if (s.fd !== undefined) return s.fd;
  return s.fdNum !== -1 && s.thread !== undefined ? s.thread.fds.get(s.fdNum) : undefined;
}

const isRoleNone = (f: FdInfo): boolean => {
  const fl = (f as FdExtras).flags;
  if (fl !== undefined) return (fl & (ROLE_CLIENT | ROLE_SERVER)) === 0;
  return !f.isServer && !f.isClient;
};

const PATH1 = paramIndex('name');
const DIRFD = paramIndex('dirfd');

/** extract_fdname_from_creator: the name a (failed) fd-creating exit event carries. */
function nameFromCreator(ctx: EventContext): string | undefined {
  const code = ctx.batch.type[ctx.i]!;
  if ((code & 1) === 0) return undefined;
  if (NAME_FROM_P1_X.has(code)) return argText(ctx, 1);
  if (OPENAT_X.has(code)) {
    // parse_dirfd, then concatenate_paths: "." for an absolute path, the cwd for AT_FDCWD, the
    // dirfd's name plus '/' or "<UNKNOWN>" for an fd the thread does not have.
    const j = PATH1.of(code);
    const raw = j >= 0 ? paramBytes(ctx, j) : undefined;
    const t = ctx.state.thread;
    if (raw === undefined || t === undefined) return undefined;
    let name = '';
    for (let k = 0; k < raw.length && raw[k] !== 0; k++) name += String.fromCharCode(raw[k]!);
    const dfd = paramInt(ctx, DIRFD.of(code));
    let sdir: string;
    if (name.startsWith('/')) sdir = '.';
    else if (dfd === -100) sdir = t.cwd;
    else {
      const f = dfd === undefined ? undefined : t.fds.get(dfd);
      sdir = f === undefined ? '<UNKNOWN>' : f.name + '/';
    }
    return concatenatePaths(sdir, name, raw.length);
  }
  if (OPEN_BY_HANDLE_X.has(code)) return argText(ctx, 3);
  return '';
}

function argText(ctx: EventContext, j: number): string | undefined {
  const b = ctx.batch;
  if (j < 0 || j >= Math.min(b.paramBase[ctx.i + 1]! - b.paramBase[ctx.i]!, ctx.info.params.length))
    return undefined;
  ctx.env.thread = ctx.state.thread;
  return renderArgText(ctx.info, b, ctx.i, j, ctx.env);
}

function dirOf(name: string, isFile: boolean): string {
  if (!isFile) return name;
  const pos = name.lastIndexOf('/');
  if (pos > 0) return pos < name.length - 1 ? name.slice(0, pos) : name;
  return '/';
}

function fileOf(name: string): string {
  const pos = name.lastIndexOf('/');
  if (pos < 0) return '/';
  return pos < name.length - 1 ? name.slice(pos + 1) : name;
}

const isFileKind = (k: FdKind): boolean => k === FdKind.FILE || k === FdKind.FILE_V2;

type FdFn = (f: FdInfo, ctx: EventContext, t: ThreadInfo) => FieldValue | undefined;

/** Event codes with fd fields: only these can give an fd.* value (a type prefilter for filters). */
const FD_CODES: ReadonlySet<number> = new Set(EVENTS.filter((e) => e.flags & FD_FLAGS).map((e) => e.code));

/** A field of the fd entry: no fd fields or no entry = no value. */
function withFd(fn: FdFn, onNull?: (ctx: EventContext) => FieldValue | undefined, cost = 1): Binder {
  return () => ({
    extract: (ctx) => {
      if (!hasFd(ctx)) return undefined;
      const f = fdOf(ctx);
      if (f === undefined) return onNull ? onNull(ctx) : undefined;
      return fn(f, ctx, ctx.state.thread!);
    },
    cost,
    codes: FD_CODES,
  });
}

/** Name-like fd fields: printed (not compared) with non-printable characters dropped, as
 *  libsinsp's formatter asks for sanitized strings. */
function sanitized(b: Binder): Binder {
  return (arg, def) => {
    const r = b(arg, def);
    if (typeof r === 'string') return r;
    const ex = r.extract;
    return {
      ...r,
      text: (ctx) => {
        const v = ex(ctx);
        return v === undefined ? undefined : sanitize(v as string);
      },
    };
  };
}

const isV4 = (f: FdInfo): boolean => f.kind === FdKind.IPV4_SOCK;
const isV6 = (f: FdInfo): boolean => f.kind === FdKind.IPV6_SOCK;
const isSock = (f: FdInfo): boolean => isV4(f) || isV6(f);
const isServSock = (f: FdInfo): boolean => f.kind === FdKind.IPV4_SERVSOCK || f.kind === FdKind.IPV6_SERVSOCK;

function isLocal(ctx: EventContext, ip: Uint8Array | undefined, t: ThreadInfo): boolean {
  return ip !== undefined && ctx.lookup.isLocalAddress !== undefined && ctx.lookup.isLocalAddress(ip, t);
}

/** fd.cip / fd.sip / fd.lip / fd.rip and their ports. */
const clientIp: FdFn = (f) => (!isRoleNone(f) && isSock(f) ? f.sip : undefined);
const serverIp: FdFn = (f) => {
  if (isRoleNone(f)) return undefined;
  if (isSock(f)) return f.dip;
  if (isServSock(f)) return f.sip;
  return undefined;
};
const localOrRemote =
  (local: boolean, port: boolean): FdFn =>
  (f, ctx, t) => {
    if (!isSock(f) || isRoleNone(f)) return undefined;
    const srcIsLocal = isLocal(ctx, f.sip, t);
    const wantSrc = srcIsLocal === local;
    return port ? (wantSrc ? f.sport : f.dport) : wantSrc ? f.sip : f.dip;
  };

const L4_NAMES = ['<NA>', '<NA>', 'tcp', 'udp', 'icmp', 'raw'];

/** Ports an fd matches for fd.port / fd.proto: [source, dest] (a server socket has one port twice). */
export function fdPorts(f: FdInfo): [number, number] | undefined {
  if (isSock(f)) return [f.sport ?? 0, f.dport ?? 0];
  if (isServSock(f)) return [f.sport ?? 0, f.sport ?? 0];
  return undefined;
}

/** Addresses an fd matches for fd.ip / fd.net. */
export function fdIps(f: FdInfo): Uint8Array[] | undefined {
  if (isSock(f)) return [f.sip ?? new Uint8Array(4), f.dip ?? new Uint8Array(4)];
  if (isServSock(f)) return [f.sip ?? new Uint8Array(4)];
  return undefined;
}

/** The fd of the event as fd.ip / fd.port / fd.net see it (undefined: the check is false). */
export function eventFd(ctx: EventContext): FdInfo | undefined {
  return hasFd(ctx) ? fdOf(ctx) : undefined;
}

const filterOnly =
  (type: PT): Binder =>
  () =>
    // Compared by the compiler through fdIps/fdPorts; there is nothing to print.
    ({ extract: () => undefined, cost: 1, type, codes: FD_CODES }) as Binding;

export const FD_BINDERS: Record<string, Binder> = {
  'fd.num': () => ({
    extract: (ctx) => (hasFd(ctx) ? ctx.state.fdNum : undefined),
    cost: 1,
    codes: FD_CODES,
  }),
  'fd.type': withFd(fdTypeString),
  'fd.typechar': withFd(
    (f) => f.typeChar,
    (ctx) => NULL_FD_TYPECHAR.get(ctx.batch.type[ctx.i]! & ~1) ?? 'o',
  ),
  'fd.name': sanitized(
    withFd(
      (f, ctx) =>
        CONNECT_X.has(ctx.batch.type[ctx.i]!) && (paramInt(ctx, 0) ?? 0) < 0 ? nameFromCreator(ctx) : f.name,
      nameFromCreator,
      2,
    ),
  ),
  'fd.directory': sanitized(
    withFd(
      (f) =>
        isFileKind(f.kind) || f.kind === FdKind.DIRECTORY ? dirOf(f.name, isFileKind(f.kind)) : undefined,
      (ctx) => {
        const n = nameFromCreator(ctx);
        return n === undefined ? undefined : dirOf(n, true);
      },
      2,
    ),
  ),
  'fd.filename': sanitized(
    withFd(
      (f) => (isFileKind(f.kind) ? fileOf(f.name) : undefined),
      // libsinsp's fallback for a missing fd never yields a file name: its creator lookup refuses
      // enter events and its type check accepts only enter events.
      () => undefined,
      2,
    ),
  ),
  'fd.ip': filterOnly(PT.IPADDR),
  'fd.cip': withFd(clientIp),
  'fd.sip': withFd(serverIp),
  'fd.lip': withFd(localOrRemote(true, false)),
  'fd.rip': withFd(localOrRemote(false, false)),
  'fd.port': filterOnly(PT.PORT),
  // A socket with a role that is not TCP/UDP over IP falls through, in libsinsp, to the protocol
  // case and yields an empty string read as a port: 0.
  'fd.cport': withFd((f) => (isRoleNone(f) ? undefined : isSock(f) ? f.sport : 0)),
  'fd.sport': withFd((f) => {
    if (isSock(f)) return isRoleNone(f) ? undefined : f.dport;
    if (isServSock(f)) return f.sport;
    return undefined;
  }),
  'fd.lport': withFd(localOrRemote(true, true)),
  'fd.rport': withFd(localOrRemote(false, true)),
  'fd.l4proto': withFd((f) => (isSock(f) || isServSock(f) ? (L4_NAMES[f.l4proto] ?? '<NA>') : '<NA>')),
  'fd.sockfamily': withFd((f) =>
    isSock(f) || isServSock(f) ? 'ip' : f.kind === FdKind.UNIX_SOCK ? 'unix' : undefined,
  ),
  'fd.is_server': withFd((f, ctx, t) => {
    if (isServSock(f)) return true;
    if (isSock(f)) return isLocal(ctx, f.dip, t);
    return false;
  }),
  'fd.uid': () => ({
    extract: (ctx) =>
      hasFd(ctx) && !CONTAINER.has(ctx.batch.type[ctx.i]!)
        ? `${ctx.state.thread!.tid}${ctx.state.fdNum}`
        : undefined,
    cost: 2,
  }),
  'fd.containername': sanitized(
    withFd(
      (f, ctx, t) => {
        const failedConnect = CONNECT_X.has(ctx.batch.type[ctx.i]!) && (paramInt(ctx, 0) ?? 0) < 0;
        const n = failedConnect ? nameFromCreator(ctx) : f.name;
        return n === undefined ? undefined : t.containerId + ':' + n;
      },
      (ctx) => {
        const n = nameFromCreator(ctx);
        return n === undefined ? undefined : ctx.state.thread!.containerId + ':' + n;
      },
      2,
    ),
  ),
  'fd.containerdirectory': sanitized(
    withFd(
      (f, _ctx, t) =>
        isFileKind(f.kind) || f.kind === FdKind.DIRECTORY
          ? t.containerId + ':' + dirOf(f.name, isFileKind(f.kind))
          : undefined,
      (ctx) => {
        const n = nameFromCreator(ctx);
        return n === undefined ? undefined : ctx.state.thread!.containerId + ':' + dirOf(n, true);
      },
      2,
    ),
  ),
  'fd.proto': filterOnly(PT.PORT),
  // Protocol names need a services database; without name resolution libsinsp prints the number.
  // libsinsp: any fd with a role has a client protocol, empty unless it is a TCP/UDP socket (a unix
  // socket's is ""); server sockets have an empty server protocol.
  'fd.cproto': withFd((f) => (isRoleNone(f) ? undefined : isSock(f) ? String(f.sport ?? 0) : '')),
  'fd.sproto': withFd((f) => {
    if (isSock(f)) return isRoleNone(f) ? undefined : String(f.dport ?? 0);
    if (isServSock(f)) return '';
    return undefined;
  }),
  'fd.lproto': withFd((f, ctx, t) => {
    const p = localOrRemote(true, true)(f, ctx, t);
    return p === undefined ? undefined : String(p);
  }),
  'fd.rproto': withFd((f, ctx, t) => {
    const p = localOrRemote(false, true)(f, ctx, t);
    return p === undefined ? undefined : String(p);
  }),
  'fd.net': filterOnly(PT.IPNET),
  'fd.cnet': withFd(clientIp),
  'fd.snet': withFd(serverIp),
  'fd.lnet': withFd(localOrRemote(true, false)),
  'fd.rnet': withFd(localOrRemote(false, false)),
  'fd.connected': withFd((f) => (((f as FdExtras).flags ?? 0) & SOCKET_CONNECTED) !== 0),
  // Computed by the state step as libsinsp does (see EventState.nameChanged).
  'fd.name_changed': withFd((_f, ctx) => ctx.state.nameChanged === true),
  'fd.cip.name': withFd(() => undefined),
  'fd.sip.name': withFd(() => undefined),
  'fd.lip.name': withFd(() => undefined),
  'fd.rip.name': withFd(() => undefined),
  'fd.dev': withFd((f) => f.dev ?? 0),
  'fd.dev.major': withFd((f) => ((f.dev ?? 0) & 0xfff00) >>> 8),
  'fd.dev.minor': withFd((f) => {
    const d = f.dev ?? 0;
    return (d & 0xff) | ((d >>> 12) & 0xfff00);
  }),
};

/** fd.type: sinsp_fdinfo::get_typestring (chisels such as lsof print the same text). */
export function fdTypeString(f: FdInfo): string {
  return (f as FdExtras).typeString ?? TYPE_STRINGS[f.kind] ?? '<NA>';
}

const TYPE_STRINGS: Record<number, string> = {
  [FdKind.FILE]: 'file',
  [FdKind.FILE_V2]: 'file',
  [FdKind.DIRECTORY]: 'directory',
  [FdKind.IPV4_SOCK]: 'ipv4',
  [FdKind.IPV4_SERVSOCK]: 'ipv4',
  [FdKind.IPV6_SOCK]: 'ipv6',
  [FdKind.IPV6_SERVSOCK]: 'ipv6',
  [FdKind.UNIX_SOCK]: 'unix',
  [FdKind.FIFO]: 'pipe',
  [FdKind.EVENT]: 'event',
  [FdKind.SIGNALFD]: 'signalfd',
  [FdKind.EVENTPOLL]: 'eventpoll',
  [FdKind.INOTIFY]: 'inotify',
  [FdKind.TIMERFD]: 'timerfd',
  [FdKind.NETLINK]: 'netlink',
};
