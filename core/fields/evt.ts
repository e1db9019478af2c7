// evt.* (both libsinsp classes: "All event types" and "Syscall events only") and syscall.type.
// Semantics follow sinsp_filter_check_gen_event / sinsp_filter_check_event of libs e5c53d64.
import { FdKind } from '../capture.js';
import { eventCodesByName, EVENTS, PF, PPME, PT, SYSCALL_NAMES } from '../schema/index.js';
import { EC, EF } from '../schema/types.js';
import { renderArgs, renderArgText, renderParam, type Rendered } from '../format/params.js';
import { eventInfoText } from '../format/event.js';
import { tsToString } from '../time.js';
import type { FdInfo } from '../state/types.js';
import { SYSCALL_CATEGORIES } from './syscallcats.js';
import { concatenatePaths } from '../state/paths.js';
import type { EventContext } from './context.js';
import { DATA, FD, paramBytes, paramCount, paramIndex, paramInt, paramValue, RES, slot } from './params.js';
import type { Binder, Binding, FieldValue } from './types.js';

const NS = 1_000_000_000n;
const GENERIC_E = 0;
const GENERIC_X = 1;

function codes(...names: string[]): Set<number> {
  const s = new Set<number>();
  for (const n of names) for (const c of eventCodesByName(n)) s.add(c);
  return s;
}

const OPEN_X = new Set(
  [...codes('open', 'creat', 'openat', 'openat2', 'open_by_handle_at')].filter((c) => c % 2 === 1),
);
const NET_CREATORS_X = new Set([...codes('accept', 'accept4', 'connect')].filter((c) => c % 2 === 1));
const PROCINFO = codes('procinfo');

const ts = (ctx: EventContext): bigint => ctx.batch.ts[ctx.i]!;
const isExit = (ctx: EventContext): boolean => (ctx.batch.type[ctx.i]! & 1) === 1;

/** The syscall name of a generic event (param 0, u16); none for an id past 0.29.3's table. */
function genericName(ctx: EventContext): string | undefined {
  // Read in place: filters on evt.type run this for every generic event.
  const s = slot(ctx, 0);
  const bt = ctx.batch;
  const a = bt.arena;
  const id = s >= 0 && bt.paramLen[s]! >= 2 ? a[bt.paramOff[s]!]! | (a[bt.paramOff[s]! + 1]! << 8) : -1;
  return id < 0 ? '<unknown>' : SYSCALL_NAMES[id];
}

/** evt.type: the event name, or the syscall's name for generic events. */
export function eventTypeName(ctx: EventContext): string | undefined {
  const t = ctx.batch.type[ctx.i]!;
  return t === GENERIC_E || t === GENERIC_X ? genericName(ctx) : ctx.info.name;
}

/** The return value as libsinsp's get_param_value_raw("res") (or "fd" for exits that create one). */
function rawRes(ctx: EventContext): number | undefined {
  const code = ctx.batch.type[ctx.i]!;
  const r = RES.of(code);
  if (r >= 0) return paramInt(ctx, r);
  if (ctx.info.flags & EF.CREATES_FD && code & 1) {
    const f = FD.of(code);
    if (f >= 0) return paramInt(ctx, f);
  }
  return undefined;
}

const CATEGORY: Record<number, string> = {
  [EC.UNKNOWN]: 'unknown',
  [EC.OTHER]: 'other',
  [EC.FILE]: 'file',
  [EC.NET]: 'net',
  [EC.IPC]: 'IPC',
  [EC.MEMORY]: 'memory',
  [EC.PROCESS]: 'process',
  [EC.SLEEP]: 'sleep',
  [EC.SYSTEM]: 'system',
  [EC.SIGNAL]: 'signal',
  [EC.USER]: 'user',
  [EC.TIME]: 'time',
  [EC.PROCESSING]: 'processing',
  [EC.WAIT]: 'wait',
  [EC.SCHEDULER]: 'scheduler',
};

/** Sub-category of an I/O event from its fd type (sinsp_evt::get_category). */
function ioSubcategory(kind: FdKind | undefined): string {
  switch (kind) {
    case undefined:
      return 'unknown';
    case FdKind.FILE:
    case FdKind.FILE_V2:
    case FdKind.DIRECTORY:
      return 'file';
    case FdKind.IPV4_SOCK:
    case FdKind.IPV6_SOCK:
    case FdKind.IPV4_SERVSOCK:
    case FdKind.IPV6_SERVSOCK:
      return 'net';
    case FdKind.FIFO:
    case FdKind.UNIX_SOCK:
    case FdKind.EVENT:
    case FdKind.SIGNALFD:
    case FdKind.INOTIFY:
      return 'ipc';
    default:
      return 'unknown';
  }
}

function category(ctx: EventContext): string {
  const t = ctx.batch.type[ctx.i]!;
  if (t === GENERIC_E || t === GENERIC_X) {
    // A syscall without its own event: the category comes from the syscall table and I/O ones
    // get no fd-based sub-category.
    const b = paramBytes(ctx, 0);
    const cat =
      b !== undefined && b.length >= 2
        ? (SYSCALL_CATEGORIES[b[0]! | (b[1]! << 8)] ?? EC.UNKNOWN)
        : EC.UNKNOWN;
    return cat & EC.IO_BASE ? 'unknown' : (CATEGORY[cat] ?? 'unknown');
  }
  const cat = ctx.info.category;
  if (cat === EC.IO_READ || cat === EC.IO_WRITE || cat === EC.IO_OTHER)
    return ioSubcategory(evtFd(ctx)?.kind);
  return CATEGORY[cat] ?? 'unknown';
}

const FD_FLAGS = EF.CREATES_FD | EF.USES_FD | EF.DESTROYS_FD;

/**
 * libsinsp's evt->m_fdinfo: the fd the parser attached to the event, without extract_fd's
 * fallback to the thread's last fd. Taken from the state tracker when it reports it.
 */
export function evtFd(ctx: EventContext): FdInfo | undefined {
  const raw = (ctx.state as { evtFd?: FdInfo | null }).evtFd;
  if (raw !== undefined) return raw ?? undefined;
  return ctx.info.flags & FD_FLAGS ? ctx.state.fd : undefined;
}

/** m_tinfo->m_latency: exit events matched to their enter; 0 otherwise. */
function latency(ctx: EventContext): bigint | undefined {
  if (ctx.state.thread === undefined) return 0n;
  if (ctx.info.category & EC.INTERNAL) return undefined;
  // The state tracker reports the thread's m_latency as libsinsp keeps it; else derive it.
  const kept = (ctx.state as { latency?: bigint }).latency;
  if (kept !== undefined) return kept;
  const e = ctx.state.enterTs;
  return isExit(ctx) && e !== 0n ? ts(ctx) - e : 0n;
}

/** tostring_nice of a RELTIME (format_time): 1.66us, 362ns, 12ms, 1.05s, 2:03, 01:02:03. */
export function humanDuration(v: bigint): string {
  const n = Number(v);
  const S = 1e9;
  const u = (x: number): string => String(Math.floor(x) >>> 0);
  const p2 = (x: number): string => String(Math.floor(x) >>> 0).padStart(2, '0');
  if (n >= 3600 * S) return `${p2(n / (3600 * S))}:${p2((n / (60 * S)) % 60)}:${p2((n / S) % 60)}`;
  if (n >= 60 * S) return `${u(n / (60 * S))}:${u((n / S) % 60)}`;
  if (n >= S) return `${u(n / S)}.${p2((n % S) / 1e7)}s`;
  if (n >= S / 100) return `${u(n / 1e6)}ms`;
  if (n >= S / 1000) return `${u(n / 1e6)}.${p2((n % 1e6) / 1e4)}ms`;
  if (n >= S / 100000) return `${u(n / 1e3)}us`;
  if (n >= S / 1000000) return `${u(n / 1e3)}.${p2((n % 1e3) / 10)}us`;
  return `${u(n)}ns`;
}

/** strftime's %z for the local zone at `sec`. */
function tzOffset(sec: number): string {
  const off = -new Date(sec * 1000).getTimezoneOffset();
  const a = Math.abs(off);
  return (
    (off < 0 ? '-' : '+') + String(Math.floor(a / 60)).padStart(2, '0') + String(a % 60).padStart(2, '0')
  );
}

function iso8601(t: bigint): string {
  const s = tsToString(t, true, true).replace(' ', 'T');
  return s + tzOffset(Number(t / NS));
}

function errorCount(ctx: EventContext): number | undefined {
  const r = rawRes(ctx);
  return r !== undefined && r < 0 ? 1 : undefined;
}

const FILE_KINDS = new Set([FdKind.FILE, FdKind.FILE_V2, FdKind.DIRECTORY]);
const NET_KINDS = new Set([
  FdKind.IPV4_SOCK,
  FdKind.IPV6_SOCK,
  FdKind.IPV4_SERVSOCK,
  FdKind.IPV6_SERVSOCK,
  FdKind.UNIX_SOCK,
]);

/** evt.buflen: the return value of a successful I/O exit on a known fd. */
function buflen(
  ctx: EventContext,
  cat: (c: number) => boolean,
  kinds?: (k: FdKind) => boolean,
): number | undefined {
  const fd = evtFd(ctx);
  if (fd === undefined || !cat(ctx.info.category) || !isExit(ctx)) return undefined;
  if (kinds && !kinds(fd.kind)) return undefined;
  const r = paramInt(ctx, 0);
  return r !== undefined && r >= 0 ? r : undefined;
}
const anyIo = (c: number): boolean => (c & EC.IO_BASE) !== 0;
const ioRead = (c: number): boolean => c === EC.IO_READ;
const ioWrite = (c: number): boolean => c === EC.IO_WRITE;
const fileKind = (k: FdKind): boolean => k === FdKind.FILE || k === FdKind.FILE_V2;
const netKind = (k: FdKind): boolean => k >= FdKind.IPV4_SOCK && k <= FdKind.IPV6_SERVSOCK;

/**
 * The open flags libsinsp's evt.is_open_* read: open exits, openat *enters* (the old openat carries
 * them there), and the newer openat/openat2 exits; [flags, mode] from fixed parameter positions.
 */
const OPEN_FLAG_POS = new Map<number, number>([
  [PPME.SYSCALL_OPEN_X, 2],
  [PPME.SYSCALL_OPENAT_E, 2],
  [PPME.SYSCALL_OPENAT_2_X, 3],
  [PPME.SYSCALL_OPENAT2_X, 3],
]);
const PPM_O_RDONLY = 1;
const PPM_O_WRONLY = 2;
const PPM_O_CREAT = 1 << 2;
const PPM_O_TMPFILE = 1 << 13;
const PPM_S_IXALL = (1 << 0) | (1 << 3) | (1 << 6);

function isOpen(ctx: EventContext, test: (flags: number, mode: () => number) => boolean): boolean {
  const k = OPEN_FLAG_POS.get(ctx.batch.type[ctx.i]!);
  if (k === undefined) return false;
  const flags = paramInt(ctx, k);
  return flags !== undefined && test(flags >>> 0, () => (paramInt(ctx, k + 1) ?? 0) >>> 0);
}

/** [dirfd param, path param] per event, for evt.abspath (0: plain, 1: .src, 2: .dst). */
function abspathArgs(type: number, which: number): [string, string] | undefined {
  switch (type) {
    case PPME.SYSCALL_RENAMEAT_X:
    case PPME.SYSCALL_RENAMEAT2_X:
      return which === 2 ? ['newdirfd', 'newpath'] : ['olddirfd', 'oldpath'];
    case PPME.SYSCALL_SYMLINKAT_X:
      return ['linkdirfd', 'linkpath'];
    case PPME.SYSCALL_OPENAT_E:
    case PPME.SYSCALL_OPENAT_2_X:
    case PPME.SYSCALL_OPENAT2_X:
      return ['dirfd', 'name'];
    case PPME.SYSCALL_LINKAT_E:
    case PPME.SYSCALL_LINKAT_2_X:
      return which === 2 ? ['newdir', 'newpath'] : ['olddir', 'oldpath'];
    case PPME.SYSCALL_UNLINKAT_E:
    case PPME.SYSCALL_UNLINKAT_2_X:
      return ['dirfd', 'name'];
    case PPME.SYSCALL_MKDIRAT_X:
      return ['dirfd', 'path'];
    case PPME.SYSCALL_FCHMODAT_X:
      return ['dirfd', 'filename'];
  }
  return undefined;
}

/** extract_abspath: the path argument joined to its dirfd's path (or the cwd for AT_FDCWD). */
function abspath(ctx: EventContext, which: number): string | undefined {
  const t = ctx.state.thread;
  if (t === undefined) return undefined;
  const names = abspathArgs(ctx.batch.type[ctx.i]!, which);
  if (names === undefined) return undefined;
  const n = paramCount(ctx);
  const params = ctx.info.params;
  let di = -1;
  let pi = -1;
  for (let k = 0; k < n && (di < 0 || pi < 0); k++) {
    if (di < 0 && params[k]!.name === names[0]) di = k;
    if (pi < 0 && params[k]!.name === names[1]) pi = k;
  }
  if (di < 0 || pi < 0) return undefined;
  const dirfd = paramInt(ctx, di) ?? 0;
  const raw = paramBytes(ctx, pi);
  if (raw === undefined) return undefined;
  let path = '';
  for (let k = 0; k < raw.length && raw[k] !== 0; k++) path += String.fromCharCode(raw[k]!);
  let dir: string;
  if (path.startsWith('/')) dir = '.';
  else if (dirfd === -100) dir = t.cwd;
  else {
    const f = t.fds.get(dirfd);
    // libsinsp tests the byte past the name's end for '/', which is never one: always add it.
    dir = f === undefined ? '<UNKNOWN>/' : f.name + '/';
  }
  return concatenatePaths(dir, path, raw.length);
}

/**
 * evt.deltatime*: the time since the previous event this bound field was evaluated on (0 for the
 * first), as libsinsp's filtercheck keeps it: in -p output that is the previous printed event, in
 * a filter the previous event the check was reached for.
 */
function deltatime(part: (d: bigint) => bigint): Binder {
  return () => {
    let last = 0n;
    return {
      extract: (ctx) => {
        const t = ts(ctx);
        const d = last === 0n ? 0n : t - last;
        last = t;
        return part(d);
      },
      cost: 0,
      stateful: true,
    };
  };
}

function withThread<T>(ctx: EventContext, f: () => T): T {
  ctx.env.thread = ctx.state.thread;
  return f();
}

const rendered: Rendered = { value: '', resolved: '' };

/** The text of parameter j as evt.arg shows it (resolved form when there is one). */
function argText(ctx: EventContext, j: number): string | undefined {
  if (j < 0 || j >= paramCount(ctx)) return undefined;
  return withThread(ctx, () => renderArgText(ctx.info, ctx.batch, ctx.i, j, ctx.env));
}

function b(
  extract: (ctx: EventContext) => FieldValue | undefined,
  cost = 0,
  extra: Partial<Binding> = {},
): Binder {
  return () => ({ extract, cost, ...extra });
}

/** evt.arg[N] / evt.arg.NAME / evt.rawarg.NAME: parameter index per event code. */
function argBinder(raw: boolean): Binder {
  return (arg, def) => {
    if (arg === undefined) return `${def.name} needs an argument: ${def.name}.NAME or ${def.name}[N]`;
    if (arg.bracket) {
      if (raw) return `${def.name} takes a parameter name (${def.name}.NAME), not an index`;
      if (!/^[+-]?\d+$/.test(arg.text.trim())) return `'${arg.text}' is not a valid parameter index`;
      const n = Number(arg.text.trim());
      return { extract: (ctx) => argText(ctx, n), cost: 2 };
    }
    const name = arg.text;
    // libsinsp accepts any name some event's parameter has (find_longest_matching_evt_param).
    let pinfo = undefined;
    for (const e of EVENTS) {
      const p = e.params.find((q) => q.name === name);
      if (p) {
        pinfo = p;
        break;
      }
    }
    if (pinfo === undefined) return `unknown event argument '${name}'`;
    const idx = paramIndex(name);
    if (!raw) return { extract: (ctx) => argText(ctx, idx.of(ctx.batch.type[ctx.i]!)), cost: 2 };
    // The field takes the type of the first parameter of that name in the table, whatever the
    // event's own parameter is, and the field's own print format (PF_NA): libsinsp prints no text
    // for small integers then, and raises for types rawval_to_string has no case for.
    const p = pinfo;
    return {
      extract: (ctx) => {
        const j = idx.of(ctx.batch.type[ctx.i]!);
        if (j < 0) return undefined;
        const v = paramValue(ctx, j, p);
        if ((p.type === PT.RELTIME || p.type === PT.ABSTIME) && v instanceof Uint8Array && v.length >= 8) {
          const dv = new DataView(v.buffer, v.byteOffset, 8);
          return dv.getBigUint64(0, true);
        }
        return v;
      },
      type: p.type,
      fmt: PF.NA,
      cost: 1,
    };
  };
}

const dataText = (ctx: EventContext): string | undefined => {
  const j = DATA.of(ctx.batch.type[ctx.i]!);
  if (j < 0 || slot(ctx, j) < 0) return undefined;
  return withThread(ctx, () => {
    renderParam(ctx.info, ctx.batch, ctx.i, j, ctx.env, rendered);
    return rendered.value;
  });
};

/** Codes of events that have a parameter of this name (for type prefilters). */
function codesWithParam(name: string): Set<number> {
  const s = new Set<number>();
  for (const e of EVENTS) if (e.params.some((p) => p.name === name)) s.add(e.code);
  return s;
}

export const EVT_BINDERS: Record<string, Binder> = {
  'evt.num': b((ctx) => ctx.num),
  'evt.time': b((ctx) => tsToString(ts(ctx), false, true), 2),
  'evt.time.s': b((ctx) => tsToString(ts(ctx), false, false), 2),
  'evt.time.iso8601': b((ctx) => iso8601(ts(ctx)), 2),
  'evt.datetime': b((ctx) => tsToString(ts(ctx), true, true), 2),
  'evt.datetime.s': b((ctx) => tsToString(ts(ctx), true, false), 2),
  'evt.rawtime': b((ctx) => ts(ctx)),
  'evt.rawtime.s': b((ctx) => ts(ctx) / NS),
  'evt.rawtime.ns': b((ctx) => ts(ctx) % NS),
  'evt.reltime': b((ctx) => ts(ctx) - ctx.firstTs),
  'evt.reltime.s': b((ctx) => (ts(ctx) - ctx.firstTs) / NS),
  'evt.reltime.ns': b((ctx) => (ts(ctx) - ctx.firstTs) % NS),
  'evt.pluginname': b(() => undefined),
  'evt.plugininfo': b(() => undefined),

  'evt.latency': b((ctx) => latency(ctx), 1),
  'evt.latency.s': b((ctx) => {
    const l = latency(ctx);
    return l === undefined ? undefined : l / NS;
  }, 1),
  'evt.latency.ns': b((ctx) => {
    const l = latency(ctx);
    return l === undefined ? undefined : l % NS;
  }, 1),
  'evt.latency.quantized': b((ctx) => {
    const l = latency(ctx);
    if (l === undefined || l === 0n) return undefined;
    // libsinsp scales log10(latency) by the screen width, which is 0 outside csysdig's curses UI.
    return 1;
  }, 1),
  'evt.latency.human': () => {
    // Without evt->m_tinfo libsinsp returns the string it built last (this field's previous
    // value, initially empty): so does the bound field.
    let last = '';
    return {
      extract: (ctx) => {
        // libsinsp reads evt->m_tinfo here, which is null for a clone child's first event even
        // though the thread fields find it by tid; the tracker reports that as evtThread=false.
        const evtThread = (ctx.state as { evtThread?: boolean }).evtThread;
        if (ctx.state.thread === undefined || evtThread === false) return last;
        const l = latency(ctx);
        if (l === undefined) return undefined;
        last = humanDuration(l);
        return last;
      },
      cost: 1,
      stateful: true,
    };
  },
  'evt.deltatime': deltatime((d) => d),
  'evt.deltatime.s': deltatime((d) => d / NS),
  'evt.deltatime.ns': deltatime((d) => d % NS),
  'evt.outputtime': b((ctx) => tsToString(ts(ctx), false, true), 2),
  'evt.dir': b((ctx) => (isExit(ctx) ? '<' : '>')),
  'evt.type': b(eventTypeName),
  'evt.type.is': (arg, def) => {
    if (arg === undefined || arg.bracket) return `${def.name} needs an event type: ${def.name}.open`;
    let set: Set<number>;
    if (/^\d+$/.test(arg.text)) set = new Set([Number(arg.text)]);
    else {
      // Only the first code with the name (and the one after it), as libsinsp does.
      const cs = eventCodesByName(arg.text);
      if (cs.length === 0) return `unknown event type '${arg.text}'`;
      set = new Set([cs[0]!, cs[0]! + 1]);
    }
    return { extract: (ctx) => (set.has(ctx.batch.type[ctx.i]!) ? 1 : 0), cost: 0 };
  },
  'syscall.type': b((ctx) => {
    const t = ctx.batch.type[ctx.i]!;
    if (t === 152 || t === 153 || ctx.info.flags & (EC.INTERNAL | EF.SKIPPARSERESET)) return undefined;
    return eventTypeName(ctx);
  }),
  'evt.category': b(category, 1),
  'evt.cpu': b((ctx) => ctx.batch.cpu[ctx.i]!),
  'evt.args': b((ctx) => withThread(ctx, () => renderArgs(ctx.info, ctx.batch, ctx.i, ctx.env)), 3),
  'evt.arg': argBinder(false),
  'evt.rawarg': argBinder(true),
  'evt.info': b((ctx) => withThread(ctx, () => eventInfoText(ctx, ctx.env)), 3),
  'evt.buffer': b(
    (ctx) => {
      const j = DATA.of(ctx.batch.type[ctx.i]!);
      return j < 0 ? undefined : paramBytes(ctx, j);
    },
    3,
    {
      text: dataText,
      codes: codesWithParam('data'),
      slot: (ctx) => slot(ctx, DATA.of(ctx.batch.type[ctx.i]!)),
    },
  ),
  'evt.buflen': b((ctx) => buflen(ctx, anyIo), 1),
  'evt.res': b((ctx) => {
    const r = rawRes(ctx);
    if (r === undefined) return undefined;
    if (r >= 0) return 'SUCCESS';
    const code = ctx.batch.type[ctx.i]!;
    const j = RES.of(code) >= 0 ? RES.of(code) : FD.of(code);
    return argText(ctx, j);
  }, 1),
  'evt.rawres': b(rawRes, 1),
  'evt.failed': b((ctx) => {
    const r = rawRes(ctx);
    return r !== undefined && r < 0;
  }, 1),
  'evt.is_io': b((ctx) => (ctx.info.flags & (EF.READS_FROM_FD | EF.WRITES_TO_FD)) !== 0),
  'evt.is_io_read': b((ctx) => (ctx.info.flags & EF.READS_FROM_FD) !== 0),
  'evt.is_io_write': b((ctx) => (ctx.info.flags & EF.WRITES_TO_FD) !== 0),
  'evt.io_dir': b((ctx) =>
    ctx.info.flags & EF.WRITES_TO_FD ? 'write' : ctx.info.flags & EF.READS_FROM_FD ? 'read' : undefined,
  ),
  'evt.is_wait': b((ctx) => (ctx.info.flags & EF.WAITS) !== 0),
  'evt.wait_latency': b((ctx) => {
    if (!(ctx.info.flags & EF.WAITS) || !isExit(ctx)) return undefined;
    return latency(ctx) ?? 0n;
  }, 1),
  'evt.is_syslog': b(
    (ctx) => (ctx.info.flags & EF.WRITES_TO_FD) !== 0 && (evtFd(ctx)?.name.includes('/dev/log') ?? false),
    1,
  ),
  'evt.count': b(() => 1),
  'evt.count.error': b(errorCount, 1),
  'evt.count.error.file': b((ctx) => {
    const fd = evtFd(ctx);
    if (fd !== undefined) return FILE_KINDS.has(fd.kind) ? errorCount(ctx) : undefined;
    return OPEN_X.has(ctx.batch.type[ctx.i]!) ? errorCount(ctx) : undefined;
  }, 1),
  'evt.count.error.net': b((ctx) => {
    const fd = evtFd(ctx);
    if (fd !== undefined) return NET_KINDS.has(fd.kind) ? errorCount(ctx) : undefined;
    return NET_CREATORS_X.has(ctx.batch.type[ctx.i]!) ? errorCount(ctx) : undefined;
  }, 1),
  'evt.count.error.memory': b((ctx) => (ctx.info.category === EC.MEMORY ? errorCount(ctx) : undefined), 1),
  'evt.count.error.other': b((ctx) => {
    const fd = evtFd(ctx);
    if (fd !== undefined)
      return FILE_KINDS.has(fd.kind) || NET_KINDS.has(fd.kind) ? undefined : errorCount(ctx);
    const t = ctx.batch.type[ctx.i]!;
    return OPEN_X.has(t) || NET_CREATORS_X.has(t) || ctx.info.category === EC.MEMORY
      ? undefined
      : errorCount(ctx);
  }, 1),
  'evt.count.exit': b((ctx) => (isExit(ctx) ? 1 : undefined)),
  'evt.count.procinfo': b((ctx) => {
    const t = ctx.state.thread;
    return ctx.batch.type[ctx.i] === 234 && t !== undefined && t.tid === t.pid ? 1 : undefined;
  }),
  'evt.count.threadinfo': b((ctx) => (ctx.batch.type[ctx.i] === 234 ? 1 : undefined)),
  'evt.around': (arg, def) => {
    if (arg === undefined || !arg.bracket || !/^\d+$/.test(arg.text))
      return `${def.name} needs a timestamp: ${def.name}[T]=D`;
    const center = BigInt(arg.text);
    // The compiler turns `evt.around[T]=D` into a window test; as a value it is the timestamp.
    return { extract: (ctx) => ts(ctx), cost: 0, around: center };
  },
  'evt.abspath': (arg, def) => {
    if (arg !== undefined && (arg.bracket || (arg.text !== 'src' && arg.text !== 'dst'))) {
      return `${def.name} takes no argument or .src / .dst`;
    }
    const which = arg === undefined ? 0 : arg.text === 'src' ? 1 : 2;
    return { extract: (ctx) => abspath(ctx, which), cost: 2 };
  },
  'evt.buflen.in': b((ctx) => buflen(ctx, ioRead), 1),
  'evt.buflen.out': b((ctx) => buflen(ctx, ioWrite), 1),
  'evt.buflen.file': b((ctx) => buflen(ctx, anyIo, fileKind), 1),
  'evt.buflen.file.in': b((ctx) => buflen(ctx, ioRead, fileKind), 1),
  'evt.buflen.file.out': b((ctx) => buflen(ctx, ioWrite, fileKind), 1),
  'evt.buflen.net': b((ctx) => buflen(ctx, anyIo, netKind), 1),
  'evt.buflen.net.in': b((ctx) => buflen(ctx, ioRead, netKind), 1),
  'evt.buflen.net.out': b((ctx) => buflen(ctx, ioWrite, netKind), 1),
  'evt.is_open_read': b((ctx) => isOpen(ctx, (f) => (f & PPM_O_RDONLY) !== 0), 1),
  'evt.is_open_write': b((ctx) => isOpen(ctx, (f) => (f & PPM_O_WRONLY) !== 0), 1),
  'evt.is_open_exec': b(
    (ctx) =>
      isOpen(ctx, (f, mode) => (f & (PPM_O_TMPFILE | PPM_O_CREAT)) !== 0 && (mode() & PPM_S_IXALL) !== 0),
    1,
  ),
  'evt.infra.docker.name': b(() => undefined),
  'evt.infra.docker.container.id': b(() => undefined),
  'evt.infra.docker.container.name': b(() => undefined),
  'evt.infra.docker.container.image': b(() => undefined),
};

/** Adds extract_as_js to a binder: the value libsinsp's JSON output shows as a number. */
function withJson(binder: Binder, json?: (ctx: EventContext) => bigint): Binder {
  return (arg, def) => {
    const r = binder(arg, def);
    if (typeof r === 'string') return r;
    const ex = r.extract;
    return {
      ...r,
      json:
        json ??
        ((ctx) => {
          const v = ex(ctx);
          return typeof v === 'number' || typeof v === 'bigint' ? v : undefined;
        }),
    };
  };
}

// The event fields whose JSON value libsinsp computes itself (extract_as_js): time strings are
// the raw timestamp, times and counters are numbers whatever their print format.
for (const name of ['evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s']) {
  EVT_BINDERS[name] = withJson(EVT_BINDERS[name]!, ts);
}
for (const name of [
  'evt.rawtime',
  'evt.rawtime.s',
  'evt.rawtime.ns',
  'evt.reltime',
  'evt.reltime.s',
  'evt.reltime.ns',
  'evt.latency',
  'evt.latency.s',
  'evt.latency.ns',
  'evt.deltatime',
  'evt.deltatime.s',
  'evt.deltatime.ns',
  'evt.count',
]) {
  EVT_BINDERS[name] = withJson(EVT_BINDERS[name]!);
}

export { PROCINFO, PF };
