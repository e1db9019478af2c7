// StateTracker: replays a capture into thread and fd tables the way libsinsp (sysdig 0.29.3, libs
// e5c53d64) does: sinsp::init's import of the process and fd lists, then per event sinsp::next's
// delayed removals, sinsp_parser::reset (thread lookup, enter/exit pairing, the event's fd) and
// the parser of that event type. Where libsinsp has quirks that show in sysdig's output (threads
// created for unknown tids, the socket union read through the wrong member, the always-appended
// '/' after a dirfd name...) they are reproduced on purpose; comments name them.
//
// Hot path: one array lookup by type code for flags and one for the handler; events that change
// no state allocate nothing.

import { l4ProtoName, portText } from '../net/ports.js';
import { FdKind } from '../capture.js';
import type { CaptureHeader, EventBatch, FdEntry, ProcEntry } from '../capture.js';
import { COMPAT_EVENT_MAX, EVENTS, PPME, isContainerEvent } from '../schema/index.js';
import type { EventInfo } from '../schema/index.js';
import {
  AF_INET,
  AF_INET6,
  AF_NETLINK,
  AF_UNIX,
  CANCELED_FD,
  CL,
  CLONE_STALE_TIME_NS,
  EF_CREATES_FD,
  EF_DESTROYS_FD,
  EF_MODIFIES_STATE,
  EF_READS_FROM_FD,
  EF_SKIPPARSERESET,
  EF_USES_FD,
  EF_WRITES_TO_FD,
  EVENT_MAX_0_29,
  FDF,
  IPPROTO_ICMP,
  IPPROTO_IP,
  IPPROTO_RAW,
  IPPROTO_TCP,
  IPPROTO_UDP,
  L4,
  MAX_FD_TABLE_SIZE,
  MAX_THREAD_TABLE_SIZE,
  PPM_AT_FDCWD,
  PPM_EXVAT_AT_EMPTY_PATH,
  PPM_FCNTL_F_DUPFD,
  PPM_FCNTL_F_DUPFD_CLOEXEC,
  PPM_O_DIRECTORY,
  PPM_RLIMIT_NOFILE,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  USER_EVT_DEVICE_NAME,
} from './codes.js';
import { resolveContainerId } from './container.js';
import { containerFromFields, containerIpBytes, parseContainerJson } from './containers.js';
import { Fd } from './fd.js';
import { BlobCache } from './listcache.js';
import { TracerResult, tracerWrite } from './tracer.js';
import { decodeSyslog, isSyslogName, type SyslogMessage } from './syslog.js';
import { NetInterfaces } from './interfaces.js';
import { readEnvList, readInt, readList, readText, readU64, readUint } from './params.js';
import { concatenatePaths } from './paths.js';
import { sockaddrString, socktupleString } from './render.js';
import {
  S4_IP,
  S4_L4,
  S4_PORT,
  S6_IP,
  S6_L4,
  S6_PORT,
  UX_DEST,
  UX_SOURCE,
  V4_DIP,
  V4_DPORT,
  V4_L4,
  V4_SIP,
  V4_SPORT,
  V6_DIP,
  V6_DPORT,
  V6_L4,
  V6_SIP,
  V6_SPORT,
  isV4Mapped,
  isZero,
  ipv4TupleString,
  ipv4String,
  ipv6String,
  put16,
  put32,
  put64,
  sameBytes,
  sockinfoToString,
  u16,
  u32,
  u64,
} from './sockinfo.js';
import { EnterCopy, Thread } from './thread.js';
import type { ThreadLookup } from './thread.js';
import type { ContainerInfo, EventState, ThreadInfo } from './types.js';

const EINPROGRESS = 115;
const UINT32_MAX = 0xffffffff;
const FD_EVENT_FLAGS = EF_CREATES_FD | EF_USES_FD | EF_DESTROYS_FD;

/** Parser ids (hid entries; 0: no parser), dispatched by dispatch(). */
const H = {
  STORE: 1,
  SENDTO_ENTER: 2,
  WRITE_ENTER: 3,
  RW_EXIT: 4,
  SENDFILE_EXIT: 5,
  OPEN_EXIT: 6,
  CLONE_EXIT: 7,
  EXECVE_EXIT: 8,
  PROC_EXIT: 9,
  PIPE_EXIT: 10,
  SOCKET_EXIT: 11,
  BIND_EXIT: 12,
  CONNECT_ENTER: 13,
  CONNECT_EXIT: 14,
  ACCEPT_EXIT: 15,
  CLOSE_ENTER: 16,
  CLOSE_EXIT: 17,
  FCNTL_ENTER: 18,
  FCNTL_EXIT: 19,
  EVENTFD_EXIT: 20,
  CHDIR_EXIT: 21,
  FCHDIR_EXIT: 22,
  GETCWD_EXIT: 23,
  DUP_EXIT: 24,
  SIGNALFD_EXIT: 25,
  TIMERFD_EXIT: 26,
  INOTIFY_EXIT: 27,
  RLIMIT_EXIT: 28,
  PRLIMIT_EXIT: 29,
  SOCKETPAIR_EXIT: 30,
  CONTEXT_SWITCH: 31,
  MEM_EXIT: 32,
  SETRESUID_EXIT: 33,
  SETRESGID_EXIT: 34,
  SETUID_EXIT: 35,
  SETGID_EXIT: 36,
  CHROOT_EXIT: 37,
  SETSID_EXIT: 38,
  GETSOCKOPT_EXIT: 39,
  CONTAINER: 40,
  CONTAINER_JSON: 41,
} as const;

/** What process() reports beyond the contract: fd-field availability and the thread's latency. */
export interface TrackedEventState extends EventState {
  thread: Thread | undefined;
  fd: Fd | undefined;
  /** True when sysdig's fd.* fields apply: an fd-related event type with a known thread. */
  fdValid: boolean;
  /** evt.latency as libsinsp keeps it (thread's m_latency; 0 without a thread). */
  latency: bigint;
  /** libsinsp parses the event but filters it out of sysdig's output. */
  hidden: boolean;
  /** evt->m_fdinfo: the fd the parser attached to the event (null: none), without extract_fd's
   *  fallback to the thread's last fd. evt.category, evt.buflen and evt.is_syslog read this. */
  evtFd: Fd | null;
  /** evt->m_tinfo is set: the event has a thread of its own (a clone child's first event does not). */
  evtThread: boolean;
  /** The syslog message this event's write decoded (null: none; see syslog.ts). */
  syslog: SyslogMessage | null;
}

/** Parameter names the parsers read, by the key they use. */
const PARAM_NAMES = {
  exe: 'exe',
  args: 'args',
  pid: 'pid',
  ptid: 'ptid',
  fdlimit: 'fdlimit',
  pgftMaj: 'pgft_maj',
  pgftMin: 'pgft_min',
  vmSize: 'vm_size',
  vmRss: 'vm_rss',
  vmSwap: 'vm_swap',
  comm: 'comm',
  cgroups: 'cgroups',
  env: 'env',
  tty: 'tty',
  pgid: 'pgid',
  loginuid: 'loginuid',
  flags: 'flags',
  uid: 'uid',
  gid: 'gid',
  vtid: 'vtid',
  vpid: 'vpid',
} as const;

type Positions = Record<keyof typeof PARAM_NAMES, Pos>;

interface Tables {
  /** EF_* flags by code (sysdig 0.29.3's codes only). */
  ef: Uint32Array;
  P: Positions;
}

const tablesCache = new WeakMap<readonly EventInfo[], Tables>();

/** Flags and parameter positions of an event table, computed once per table. */
function tablesFor(events: readonly EventInfo[]): Tables {
  let t = tablesCache.get(events);
  if (t !== undefined) return t;
  const n = Math.min(events.length, COMPAT_EVENT_MAX);
  const ef = new Uint32Array(n);
  const byName = new Map<string, Pos>();
  for (const name of Object.values(PARAM_NAMES)) byName.set(name, new Int16Array(n).fill(-1));
  for (let c = 0; c < n; c++) {
    const e = events[c];
    if (e === undefined) continue;
    ef[c] = e.flags;
    const ps = e.params;
    for (let j = 0; j < ps.length; j++) {
      const a = byName.get(ps[j]!.name);
      if (a !== undefined && a[c] === -1) a[c] = j;
    }
  }
  const P = {} as Positions;
  for (const [key, name] of Object.entries(PARAM_NAMES)) P[key as keyof Positions] = byName.get(name)!;
  t = { ef, P };
  tablesCache.set(events, t);
  return t;
}

export interface TrackerOptions {
  /** Read loginuid and exe_writable of process-list entries as sysdig 0.29.3 does (from the
   *  first bytes after root in every layout), for byte-exact CLI output; the default reads the
   *  entry's own layout. */
  procTail0293?: boolean;
}

/** The reused result of process(): timestamps become bigints only when read. */
class State implements TrackedEventState {
  thread: Thread | undefined = undefined;
  fdNum = -1;
  fd: Fd | undefined = undefined;
  fdValid = false;
  hidden = false;
  evtFd: Fd | null = null;
  evtThread = false;
  /** Enter timestamp halves and latency of the event's thread (see Thread). */
  eHi = 0;
  eLo = 0;
  lat = 0;
  nameChanged = false;
  syslog: SyslogMessage | null = null;

  get enterTs(): bigint {
    return (BigInt(this.eHi) << 32n) | BigInt(this.eLo);
  }

  get latency(): bigint {
    return BigInt.asUintN(64, BigInt(this.lat));
  }
}

/** Per-code parameter positions for one parameter name (-1: the code has no such parameter). */
type Pos = Int16Array;

export class StateTracker implements ThreadLookup {
  private readonly table = new Map<number, Thread>();
  private readonly ef: Uint32Array;
  /** Parser id by event code (0: none), see installHandlers and dispatch. */
  private readonly hid: Uint8Array;
  private readonly serverPorts = new Set<number>();
  private ifaces: NetInterfaces;
  private readonly st = new State();
  private readonly containers = new Map<string, ContainerInfo>();
  /** Set by a parser that makes libsinsp drop the event from the output. */
  private hidden = false;
  /** False until the first event that is not a container description (see process()). */
  private seenNonContainerEvent = false;

  /** Number of table entries per pid value (for placeholder threads' child counts). */
  private readonly pidCounts = new Map<number, number>();
  /** getThreadRef's cache: a direct-mapped tid -> entry table (NaN: empty slot; an undefined entry:
   *  the tid is not in the table); a slot is dropped whenever the table entry of its tid changes. libsinsp keeps one entry (m_last_tid),
   *  but threads sharing their fd table look their main thread up on every fd access, which
   *  made a single entry ping-pong between tid and pid. */
  private readonly refTids = new Float64Array(REF_CACHE_SIZE).fill(NaN);
  private readonly refThreads: (Thread | undefined)[] = new Array<Thread | undefined>(REF_CACHE_SIZE).fill(
    undefined,
  );

  // sinsp::next's delayed removals.
  private tidToRemove = -1;
  private tidOfFdsToRemove = -1;
  // A count over a kept array: `length = 0` would drop the backing store and every close would
  // allocate a new one.
  private readonly fdsToRemove: number[] = [];
  private nFdsToRemove = 0;

  // The event being processed.
  private arena: Uint8Array = new Uint8Array(0);
  private offs: Uint32Array = new Uint32Array(0);
  private lens: Uint32Array = new Uint32Array(0);
  private base = 0;
  private np = 0;
  /** The event's timestamp as u32 halves, read through 32-bit views of the batch columns. */
  private tsHi = 0;
  private tsLo = 0;
  private tid = 0;
  private viewsOf: EventBatch | undefined;
  private ts32: Uint32Array = new Uint32Array(0);
  private tid32: Int32Array = new Int32Array(0);
  private type = 0;
  private tinfo: Thread | undefined;
  private fdinfo: Fd | undefined;
  /** sinsp_parser::m_tmp_evt: the enter event last loaded by retrieve_enter_event. */
  private tmp: EnterCopy | null = null;

  // Parameter positions used by the parsers, resolved by name once per event table.
  private readonly P: Positions;

  constructor(
    header: CaptureHeader,
    events: readonly EventInfo[] = EVENTS,
    private readonly options: TrackerOptions = {},
  ) {
    const tables = tablesFor(events);
    this.ef = tables.ef;
    this.P = tables.P;
    const n = this.ef.length;
    this.hid = new Uint8Array(n);
    this.installHandlers();
    this.ifaces = new NetInterfaces(header.interfaces);
    this.importHeader(header);
  }

  // ----------------------------------------------------------------------------------------------
  // Public face

  thread(tid: number): ThreadInfo | undefined {
    return this.table.get(tid);
  }

  threads(): Iterable<ThreadInfo> {
    return this.table.values();
  }

  /** evt.latency for an event state process() returned. */
  latencyOf(st: EventState): bigint {
    return (st as TrackedEventState).latency ?? 0n;
  }

  /**
   * A concatenated capture's next section begins (a new section header and metadata after
   * events): libsinsp restarts its state from that section's process and fd lists
   * (restart_capture). Containers and the remembered server ports carry over, as there.
   */
  restart(header: CaptureHeader): void {
    this.table.clear();
    this.pidCounts.clear();
    this.refTids.fill(NaN);
    this.seenNonContainerEvent = false;
    this.tidToRemove = -1;
    this.nFdsToRemove = 0;
    this.ifaces = new NetInterfaces(header.interfaces);
    this.importHeader(header);
  }

  /**
   * libsinsp's is_ipv4addr_in_local_machine / is_ipv6addr_in_local_machine (fd.lip, fd.rip,
   * fd.is_server...): the IP is the thread's container's (or, for a container without an IP, any
   * container's), or an interface's. IPv6 inside containers is never local.
   */
  isLocalAddress(ip: Uint8Array, thread: ThreadInfo): boolean {
    if (ip.length >= 16) {
      if (thread.containerId !== '') return false;
      return this.ifaces.hasV6Subnet(ip);
    }
    if (thread.containerId !== '') {
      const c = this.containers.get(thread.containerId);
      if (c !== undefined) {
        const own = containerIpBytes(c.ip);
        if (own.some((b) => b !== 0)) {
          if (sameBytes(own, 0, ip, 0, 4)) return true;
        } else {
          for (const o of this.containers.values())
            if (sameBytes(containerIpBytes(o.ip), 0, ip, 0, 4)) return true;
        }
      }
    }
    return this.ifaces.hasV4(ip);
  }

  /** A container the capture described (container events), by id. */
  container(id: string): ContainerInfo | undefined {
    return this.containers.get(id);
  }

  /** ThreadLookup: plain lookup. */
  find(tid: number): Thread | undefined {
    return this.table.get(tid);
  }

  /** ThreadLookup: get_main_thread()'s lookup, which adds a placeholder when the main is missing. */
  mainThreadOf(t: Thread): Thread | undefined {
    return this.getThreadRef(t.pid, true);
  }

  /**
   * Runs libsinsp's state step for event i of the batch and returns what it knows about the event.
   * The returned object is reused by the next call.
   *
   * `filter`, when the output is filtered: libsinsp evaluates its filter inside the parse step, and
   * an event that fails it changes the state differently (no parser for events that do not modify
   * state, no enter/exit pairing after it, no release of the stored enter event). Pass the filter
   * here to get sysdig's exact state; it sees the same reused state object, and a failing event
   * comes back with `hidden` set. Without it, process() is sysdig without a filter.
   *
   * `typeMask` (the compiled filter's type prefilter: 1 where an event code can match): events
   * whose code cannot match are rejected where the filter would run, without filling the state
   * the filter would read or calling it (same state effects as a failing filter). The state
   * fields of such a rejected event are not filled: only `hidden` is meaningful.
   */
  process(
    batch: EventBatch,
    i: number,
    filter?: (st: TrackedEventState) => boolean,
    typeMask?: Uint8Array | null,
  ): TrackedEventState {
    const type = batch.type[i]!;
    const st = this.st;
    // sinsp::next resets the decoders of the previous event before reading the next one.
    st.syslog = null;
    if (typeMask != null && filter !== undefined && typeMask[type] !== 1 && type < this.ef.length) {
      // Rejected by the type prefilter, and reset() of an EF_SKIPPARSERESET event only looks its
      // thread up (without adding one): nothing of such an event reaches the state (procinfo is
      // most events of many captures). Pending delayed removals take the full path (they must not
      // wait: the capture may end here).
      if (
        (this.ef[type]! & (EF_SKIPPARSERESET | EF_MODIFIES_STATE)) === EF_SKIPPARSERESET &&
        this.tidToRemove === -1 &&
        this.nFdsToRemove === 0
      ) {
        this.seenNonContainerEvent = true;
        st.hidden = true;
        return st;
      }
    }
    this.type = type;
    // Also for the first events of every batch: this branch then runs while V8 collects type
    // feedback for process(), so the optimized code has it (code reaching a property store it
    // never saw run is thrown away, which the first batch change would do).
    if (batch !== this.viewsOf || i < VIEWS_WARM_EVENTS) {
      // Reading a BigInt64Array allocates a bigint per element; 32-bit views do not.
      this.viewsOf = batch;
      this.ts32 = new Uint32Array(batch.ts.buffer, batch.ts.byteOffset, batch.ts.length * 2);
      this.tid32 = new Int32Array(batch.tid.buffer, batch.tid.byteOffset, batch.tid.length * 2);
      this.arena = batch.arena;
      this.offs = batch.paramOff;
      this.lens = batch.paramLen;
    }
    // A tid that fits 32 bits stays an int32 (no double arithmetic, no boxed Map keys).
    const tidLo = this.tid32[2 * i]!;
    const tidHi = this.tid32[2 * i + 1]!;
    this.tid = tidHi === tidLo >> 31 ? tidLo : tidHi * 4294967296 + (tidLo >>> 0);
    if (
      type === PPME.PROCINFO_E &&
      filter === undefined &&
      this.tidToRemove === -1 &&
      this.nFdsToRemove === 0
    ) {
      // procinfo, without a filter (most events of many captures): no parser, and reset() is a
      // lookup that adds nothing (EF_SKIPPARSERESET); only what fill() reports remains.
      this.seenNonContainerEvent = true;
      this.hidden = (batch.flags[i]! & 1) !== 0;
      this.fdinfo = undefined;
      this.tinfo = this.getThreadRef(this.tid, false);
      this.fill(type, type < this.ef.length);
      return st;
    }
    this.tsLo = this.ts32[2 * i]!;
    this.tsHi = this.ts32[2 * i + 1]!;
    const base = batch.paramBase[i]!;
    this.base = base;
    this.np = batch.paramBase[i + 1]! - base;

    // sinsp::next: delayed removal of the thread of the last procexit, then of closed fds.
    if (this.tidToRemove !== -1) {
      this.removeThread(this.tidToRemove, false);
      this.tidToRemove = -1;
    }
    if (this.nFdsToRemove !== 0) {
      const t = this.getThreadRef(this.tidOfFdsToRemove, true);
      if (t !== undefined) {
        const table = t.fdTable();
        if (table !== undefined)
          for (let k = 0; k < this.nFdsToRemove; k++) table.delete(this.fdsToRemove[k]!);
      }
      this.nFdsToRemove = 0;
    }

    const known = type < this.ef.length;
    const stateOnly = (batch.flags[i]! & 1) !== 0;
    // Container descriptions at the very start of a capture (before any other event) only seed the
    // container table: sysdig 0.29.3 numbers them but never shows or counts them (verified by moving
    // such an event later in a rewritten copy: it is then shown). sinsp::init consumes that leading
    // run, of any container event type, before the first next() returns.
    // Written without a branch that only container events take: optimized code reaching a
    // property access it never saw run is thrown away (the first container event may come late).
    const container = isContainerEvent(type);
    const leading = !this.seenNonContainerEvent && container;
    if (!container) this.seenNonContainerEvent = true;
    this.hidden = stateOnly || leading;
    this.reset();
    let filterLater = false;
    if (filter !== undefined) {
      // sinsp_parser::process_event runs the inspector's filter here: state-changing events are
      // filtered after their parser, the others before it. A filtered-out event skips its parser,
      // breaks its thread's enter/exit pairing and keeps the stored enter event.
      const ef = known ? this.ef[type]! : 0;
      let modifies = (ef & EF_MODIFIES_STATE) !== 0;
      if (type === PPME.SYSCALL_WRITE_X) {
        // A write to a (possible) tracer fd counts as state-changing; looking the fd up here also
        // gives the parser an fd when the enter event was missing (libsinsp does it only when
        // filtering).
        const t = this.tinfo;
        if (this.fdinfo === undefined && t !== undefined) this.fdinfo = t.getFd(t.lastEventFd);
        const f = this.fdinfo;
        if (f !== undefined && (f.flags & (FDF.IS_TRACER_FD | FDF.IS_TRACER_FILE)) !== 0) modifies = true;
      }
      if (modifies) {
        filterLater = true;
      } else {
        const possible = typeMask == null || typeMask[type] === 1;
        if (possible) this.fill(type, known);
        if (!possible || !filter(st)) {
          const t = this.tinfo;
          if (t !== undefined && (ef & EF_SKIPPARSERESET) === 0 && type !== PPME.SCHEDSWITCH_6_E) {
            t.lastEventType = EVENT_MAX_0_29;
          }
          st.hidden = true;
          return st;
        }
      }
    }
    if (known) {
      const h = this.hid[type]!;
      if (h !== 0) this.dispatch(h);
    }
    let filteredOut = false;
    let masked = false;
    if (filterLater) {
      if (typeMask == null || typeMask[type] === 1) {
        this.fill(type, known);
        filteredOut = !filter!(st);
      } else {
        filteredOut = true;
        masked = true;
      }
      // Passing the filter after the parser clears what the parser filtered out (a failed
      // container lookup, an incomplete tracer write); state-only events stay hidden.
      if (!filteredOut && !leading) this.hidden = stateOnly;
    }

    // sinsp_parser::event_cleanup: an exit event releases the stored enter event. Events filtered
    // out (state-only ones included) leave sinsp::next before that point, so they keep it.
    const t = this.tinfo;
    if ((type & 1) === 1 && t !== undefined && t.lastEnter !== null && !this.hidden && !filteredOut) {
      t.spareEnter = t.lastEnter;
      t.lastEnter = null;
      t.lastEnterValid = false;
    }
    // Rejected by the type prefilter: only `hidden` is meaningful (see above), no fill.
    if (!masked) this.fill(type, known);
    if (filteredOut) st.hidden = true;
    // The end of sinsp_parser::process_event (events that got this far): the event changed its
    // fd's name when the name differs from the one the fd had at its last get_fd(). Filters ran
    // before this point and saw false (fill() resets it).
    else {
      const f = this.fdinfo;
      st.nameChanged = f !== undefined && f.name !== f.oldName;
    }
    return st;
  }

  /** What the field extractors see (sinsp_evt::get_thread_info, extract_fd), into `st`. */
  private fill(type: number, known: boolean): void {
    const st = this.st;
    const t = this.tinfo;
    // procinfo (no parser) already looked its thread up in reset(): a miss there is a miss here.
    const evThread = t ?? (type === PPME.PROCINFO_E ? undefined : this.table.get(this.tid));
    st.thread = evThread;
    st.hidden = this.hidden;
    st.nameChanged = false;
    st.evtFd = this.fdinfo ?? null;
    st.evtThread = t !== undefined;
    st.lat = t !== undefined ? t.latencyNs : 0;
    if (t !== undefined && (type & 1) === 1) {
      st.eHi = t.enterHi;
      st.eLo = t.enterLo;
    } else {
      st.eHi = 0;
      st.eLo = 0;
    }
    if (evThread !== undefined) {
      st.fdNum = evThread.lastEventFd;
      const valid = known && (this.ef[type]! & FD_EVENT_FLAGS) !== 0;
      let fd = this.fdinfo;
      // extract_fd's fallback lookup, only where fd fields apply.
      if (valid && fd === undefined && evThread.lastEventFd !== -1)
        fd = this.peekFd(evThread, evThread.lastEventFd);
      st.fd = fd;
      st.fdValid = valid;
    } else {
      st.fdNum = -1;
      st.fd = undefined;
      st.fdValid = false;
    }
  }

  /** The current event's timestamp. */
  private ts(): bigint {
    return (BigInt(this.tsHi) << 32n) | BigInt(this.tsLo);
  }

  /** get_fd() without get_main_thread()'s side effect (readers must not change the table). */
  private peekFd(t: Thread, fd: number): Fd | undefined {
    if (fd < 0) return undefined;
    const f =
      (t.flags & CL.CLONE_FILES) === 0 || t.isMainThread()
        ? t.ownFds.get(fd)
        : this.table.get(t.pid)?.ownFds.get(fd);
    // It is get_fd() there: the fd's current name becomes its old name.
    if (f !== undefined) f.oldName = f.name;
    return f;
  }

  // ----------------------------------------------------------------------------------------------
  // Thread table (sinsp_thread_manager)

  private getThreadRef(tid: number, queryOs: boolean): Thread | undefined {
    const slot = tid & (REF_CACHE_SIZE - 1);
    let t: Thread | undefined;
    if (this.refTids[slot] === tid) {
      t = this.refThreads[slot];
      if (t !== undefined) return t;
    } else {
      // Misses are cached too: procinfo events of tids never added (no placeholder for them) are
      // most events of some captures. Every table change drops its tid's slot.
      t = this.table.get(tid);
      this.refTids[slot] = tid;
      this.refThreads[slot] = t;
      if (t !== undefined) return t;
    }
    if (queryOs && this.table.size < MAX_THREAD_TABLE_SIZE) {
      // Reading a file there is no /proc to ask: libsinsp adds a placeholder so it stops looking.
      t = new Thread(this);
      t.tid = tid;
      t.pid = tid;
      t.ptid = -1;
      t.comm = '<NA>';
      t.exe = '<NA>';
      t.uid = UINT32_MAX;
      t.gid = UINT32_MAX;
      t.loginuid = UINT32_MAX;
      // "Created out of thin air": its child count is the number of entries naming it as pid
      // (libsinsp scans the table; an index keeps hostile captures from making that quadratic).
      t.nchilds = this.pidCounts.get(tid) ?? 0;
      this.addThread(t, false);
      t = this.table.get(tid);
    }
    return t;
  }

  private addThread(t: Thread, fromProcList: boolean): boolean {
    if (this.table.size >= MAX_THREAD_TABLE_SIZE) return false;
    if (!fromProcList) this.incrementMainChildCount(t);
    const old = this.table.get(t.tid);
    if (old !== undefined) this.countPid(old.pid, -1);
    this.table.set(t.tid, t);
    this.countPid(t.pid, 1);
    this.refTids[t.tid & (REF_CACHE_SIZE - 1)] = NaN;
    return true;
  }

  /** Keeps pidCounts (entries per pid) in step with the table. */
  private countPid(pid: number, delta: number): void {
    const n = (this.pidCounts.get(pid) ?? 0) + delta;
    if (n === 0) this.pidCounts.delete(pid);
    else this.pidCounts.set(pid, n);
  }

  private incrementMainChildCount(t: Thread): void {
    if ((t.flags & CL.CLONE_THREAD) !== 0) {
      const main = this.getThreadRef(t.pid, true);
      if (main !== undefined) main.nchilds++;
    }
  }

  private removeThread(tid: number, force: boolean): void {
    const t = this.table.get(tid);
    if (t === undefined) return;
    const nchilds = t.nchilds;
    if (nchilds !== 0 && !force) return;
    if ((t.flags & CL.CLONE_THREAD) !== 0) {
      const main = this.table.get(t.pid);
      if (main !== undefined && main.nchilds > 0) main.nchilds--;
    }
    this.table.delete(tid);
    this.countPid(t.pid, -1);
    this.refTids[tid & (REF_CACHE_SIZE - 1)] = NaN;
    if (nchilds !== 0) {
      for (const o of this.table.values()) o.nchilds = 0;
      for (const o of [...this.table.values()]) this.incrementMainChildCount(o);
    }
  }

  // ----------------------------------------------------------------------------------------------
  // sinsp::init: process list, fd lists, child counts, socket directions.

  private importHeader(h: CaptureHeader): void {
    const fdsByTid = new Map<number, FdEntry[]>();
    for (const l of h.fdlists) {
      const list = fdsByTid.get(l.tid);
      if (list === undefined) fdsByTid.set(l.tid, [...l.fds]);
      else list.push(...l.fds);
    }
    for (const p of h.procs) {
      const t = this.threadFromProc(p);
      // libsinsp fills one scratch fdinfo per thread and copies it into the table for every entry,
      // resetting only type and flags: union bytes, name and device an entry does not set are
      // the previous entry's. sysdig shows those leftovers (e.g. in a bound UDP socket's peer).
      const scratch = new Fd();
      for (const e of fdsByTid.get(p.tid) ?? []) this.addFdFromList(t, e, scratch);
      this.addThread(t, true);
    }
    for (const t of [...this.table.values()]) this.incrementMainChildCount(t);
    for (const t of this.table.values()) this.fixSocketsFromProc(t);
  }

  private threadFromProc(p: ProcEntry): Thread {
    const t = new Thread(this);
    t.tid = p.tid;
    t.pid = p.pid;
    t.ptid = p.ptid;
    t.sid = p.sid;
    t.vpgid = p.vpgid;
    t.comm = p.comm;
    t.exe = p.exe;
    t.exepath = p.exepath;
    t.args = [...p.args];
    t.flags |= p.flags | CL.ACTIVE;
    if (t.isMainThread()) {
      // set_env stops at an empty entry when only NULs follow: the buffer's zero padding.
      let n = p.env.length;
      while (n > 0 && p.env[n - 1] === '') n--;
      t.ownEnv = p.env.slice(0, n);
      const cwd = p.cwd;
      setCwd(t, t, cwd, cwd.length);
    }
    t.fdlimit = p.fdlimit;
    t.uid = p.uid >>> 0;
    t.gid = p.gid >>> 0;
    t.vmsizeKb = p.vmsizeKb;
    t.vmrssKb = p.vmrssKb;
    t.vmswapKb = p.vmswapKb;
    t.pfmajor = p.pfmajor;
    t.pfminor = p.pfminor;
    t.vtid = p.vtid;
    t.vpid = p.vpid;
    t.loginuid = p.loginuid >>> 0;
    // In the pre-libs-0.10 V9 layout exe_writable is the byte after loginuid (the kept tail).
    t.exeWritable = p.tail !== undefined && p.tail.length >= 1 && p.tail[0] !== 0;
    const raw = p.rawTail;
    if (this.options.procTail0293 === true && raw !== undefined) {
      // scap_read_proclist of sysdig 0.29.3 reads loginuid and exe_writable from the first five
      // bytes after root whatever the entry's layout: in libs >= 0.10 entries these are bytes of
      // pidns_init_start_ts, which sysdig then prints.
      t.loginuid = raw.length >= 4 ? u32(raw, 0) : UINT32_MAX;
      t.exeWritable = raw.length >= 5 && raw[4] !== 0;
      t.exeWritableRaw = raw.length >= 5 ? raw[4] : undefined;
    }
    t.cgroups = normalizeCgroups([...p.cgroups]);
    t.root = p.root;
    t.containerId = resolveContainerId(t.cgroups);
    return t;
  }

  /** sinsp_threadinfo::add_fd_from_scap, writing into the thread's scratch entry. */
  private addFdFromList(t: Thread, e: FdEntry, f: Fd): void {
    f.kind = e.kind;
    f.openFlags = 0;
    f.flags = FDF.FROM_PROC;
    f.ino = e.ino;
    const s = f.sock;
    const zero4 = new Uint8Array(4);
    const zero16 = new Uint8Array(16);
    switch (e.kind) {
      case FdKind.IPV4_SOCK:
        s.set((e.sip ?? zero4).subarray(0, 4), V4_SIP);
        s.set((e.dip ?? zero4).subarray(0, 4), V4_DIP);
        put16(s, V4_SPORT, e.sport ?? 0);
        put16(s, V4_DPORT, e.dport ?? 0);
        s[V4_L4] = e.l4proto ?? 0;
        if (e.l4proto === L4.TCP) f.flags |= FDF.SOCKET_CONNECTED;
        f.name = v4TupleName(s);
        break;
      case FdKind.IPV4_SERVSOCK:
        s.set((e.sip ?? zero4).subarray(0, 4), S4_IP);
        put16(s, S4_PORT, e.sport ?? 0);
        s[S4_L4] = e.l4proto ?? 0;
        f.name = `${ipv4String(s, S4_IP)}:${portText(u16(s, S4_PORT), l4ProtoName(s[S4_L4]))}`;
        this.serverPorts.add(e.sport ?? 0);
        break;
      case FdKind.IPV6_SOCK: {
        const sip = e.sip ?? zero16;
        const dip = e.dip ?? zero16;
        if (sip.length >= 16 && dip.length >= 16 && isV4Mapped(sip, 0) && isV4Mapped(dip, 0)) {
          f.kind = FdKind.IPV4_SOCK;
          s.set(sip.subarray(12, 16), V4_SIP);
          s.set(dip.subarray(12, 16), V4_DIP);
          put16(s, V4_SPORT, e.sport ?? 0);
          put16(s, V4_DPORT, e.dport ?? 0);
          s[V4_L4] = e.l4proto ?? 0;
          if (e.l4proto === L4.TCP) f.flags |= FDF.SOCKET_CONNECTED;
          f.name = v4TupleName(s);
        } else {
          s.set(sip.subarray(0, 16), V6_SIP);
          s.set(dip.subarray(0, 16), V6_DIP);
          put16(s, V6_SPORT, e.sport ?? 0);
          put16(s, V6_DPORT, e.dport ?? 0);
          s[V6_L4] = e.l4proto ?? 0;
          if (e.l4proto === L4.TCP) f.flags |= FDF.SOCKET_CONNECTED;
          const p = l4ProtoName(s[V6_L4]);
          f.name = `${ipv6String(s, V6_SIP)}:${portText(u16(s, V6_SPORT), p)}->${ipv6String(s, V6_DIP)}:${portText(u16(s, V6_DPORT), p)}`;
        }
        break;
      }
      case FdKind.IPV6_SERVSOCK:
        s.set((e.sip ?? zero16).subarray(0, 16), S6_IP);
        put16(s, S6_PORT, e.sport ?? 0);
        s[S6_L4] = e.l4proto ?? 0;
        f.name = `${ipv6String(s, S6_IP)}:${portText(u16(s, S6_PORT), l4ProtoName(s[S6_L4]))}`;
        this.serverPorts.add(e.sport ?? 0);
        break;
      case FdKind.UNIX_SOCK:
        put64(s, UX_SOURCE, e.source ?? 0n);
        put64(s, UX_DEST, e.dest ?? 0n);
        f.name = e.name;
        f.flags |= f.name === '' ? FDF.ROLE_CLIENT : FDF.ROLE_SERVER;
        break;
      case FdKind.FILE_V2:
        f.openFlags = e.openFlags;
        f.name = e.name;
        f.dev = e.dev;
        f.flags |= f.name === USER_EVT_DEVICE_NAME ? FDF.IS_TRACER_FILE : FDF.IS_NOT_TRACER_FD;
        break;
      case FdKind.FIFO:
      case FdKind.FILE:
      case FdKind.DIRECTORY:
      case FdKind.UNSUPPORTED:
      case FdKind.SIGNALFD:
      case FdKind.EVENTPOLL:
      case FdKind.EVENT:
      case FdKind.INOTIFY:
      case FdKind.TIMERFD:
      case FdKind.NETLINK:
        f.name = e.name;
        f.flags |= f.name === USER_EVT_DEVICE_NAME ? FDF.IS_TRACER_FILE : FDF.IS_NOT_TRACER_FD;
        break;
      default:
        // libsinsp 0.29.3 does not know the newer types (bpf, userfaultfd, io_uring, memfd, pidfd).
        return;
    }
    // on_fd_from_proc: the syslog decoder takes the fds of the capture's list named /dev/log.
    if (isSyslogName(f.name)) f.flags |= FDF.SYSLOG;
    tableAdd(t.ownFds, e.fd, f);
  }

  /** fix_sockets_coming_from_proc: connections to a local server port are the server's side. */
  private fixSocketsFromProc(t: Thread): void {
    for (const f of t.ownFds.values()) {
      if (f.kind !== FdKind.IPV4_SOCK) continue;
      const s = f.sock;
      if (this.serverPorts.has(u16(s, V4_SPORT))) {
        swapV4(s);
        f.name = v4TupleName(s);
        f.flags |= FDF.ROLE_SERVER;
      } else {
        f.flags |= FDF.ROLE_CLIENT;
      }
    }
  }

  // ----------------------------------------------------------------------------------------------
  // Parameters of the current event and of the stored enter event

  private pLen(k: number): number {
    return k >= 0 && k < this.np ? this.lens[this.base + k]! : 0;
  }

  private pInt(k: number): number {
    if (k < 0 || k >= this.np) return 0;
    const j = this.base + k;
    return readInt(this.arena, this.offs[j]!, this.lens[j]!);
  }

  private pUint(k: number): number {
    if (k < 0 || k >= this.np) return 0;
    const j = this.base + k;
    return readUint(this.arena, this.offs[j]!, this.lens[j]!);
  }

  private pText(k: number): string {
    if (k < 0 || k >= this.np) return '';
    const j = this.base + k;
    return readText(this.arena, this.offs[j]!, this.lens[j]!);
  }

  private pPath(k: number): string {
    if (k < 0 || k >= this.np) return '';
    const j = this.base + k;
    return readText(this.arena, this.offs[j]!, this.lens[j]!);
  }

  /** Parameter k as a NUL-separated list (args), parsed once per distinct blob (a frozen array
   *  threads share). */
  private pArgs(k: number): string[] {
    if (k < 0 || k >= this.np) return [];
    const j = this.base + k;
    return ARGS_CACHE.get(this.arena, this.offs[j]!, this.lens[j]!);
  }

  /** set_cgroups from parameter k, and the container id they give (cached per distinct blob). */
  private setCgroupsFrom(t: Thread, k: number): void {
    let c = NO_CGROUPS;
    if (k >= 0 && k < this.np) {
      const j = this.base + k;
      c = CGROUPS_CACHE.get(this.arena, this.offs[j]!, this.lens[j]!);
    }
    t.cgroups = c.cgroups;
    t.containerId = c.containerId;
  }

  /** The current event's parameter k as (bytes, offset, length), or null when absent. */
  private pRaw(k: number): Raw | null {
    if (k < 0 || k >= this.np) return null;
    const j = this.base + k;
    const l = this.lens[j]!;
    RAW.a = this.arena;
    RAW.o = this.offs[j]!;
    RAW.l = l;
    return RAW;
  }

  private eLen(e: EnterCopy | null, k: number): number {
    return e !== null && k >= 0 && k < e.n ? e.len[k]! : 0;
  }

  private eInt(e: EnterCopy | null, k: number): number {
    return e !== null && k >= 0 && k < e.n ? readInt(e.buf, e.off[k]!, e.len[k]!) : 0;
  }

  private eUint(e: EnterCopy | null, k: number): number {
    return e !== null && k >= 0 && k < e.n ? readUint(e.buf, e.off[k]!, e.len[k]!) : 0;
  }

  private ePath(e: EnterCopy | null, k: number): string {
    return e !== null && k >= 0 && k < e.n ? readText(e.buf, e.off[k]!, e.len[k]!) : '';
  }

  /** The stored enter event's path parameter k, or null when it is empty or "(NULL)" (the
   *  open parsers then use the exit's). */
  private enterName(e: EnterCopy, k: number): string | null {
    if (this.eLen(e, k) === 0) return null;
    const n = this.ePath(e, k);
    return n === '(NULL)' ? null : n;
  }

  private eRaw(e: EnterCopy | null, k: number): Raw | null {
    if (e === null || k < 0 || k >= e.n) return null;
    RAW.a = e.buf;
    RAW.o = e.off[k]!;
    RAW.l = e.len[k]!;
    return RAW;
  }

  /** Position of parameter `name` (a P entry) in the current event type. */
  private at(p: Pos): number {
    return p[this.type] ?? -1;
  }

  // ----------------------------------------------------------------------------------------------
  // sinsp_parser::reset and the enter-event store

  private reset(): void {
    const type = this.type;
    const ef = type < this.ef.length ? this.ef[type]! : 0;
    this.fdinfo = undefined;
    if ((ef & EF_SKIPPARSERESET) !== 0) {
      this.tinfo = type === PPME.PROCINFO_E ? this.getThreadRef(this.tid, false) : undefined;
      return;
    }
    const queryOs = !(IS_CLONE_EXIT[type] === 1 || type === PPME.SCHEDSWITCH_6_E);
    // Container JSON events have no thread. One store for both cases: a store only they reached
    // would throw the optimized code away at the capture's first container event.
    const json = type === PPME.CONTAINER_JSON_E || type === PPME.CONTAINER_JSON_2_E;
    const t = json ? undefined : this.getThreadRef(this.tid, queryOs);
    this.tinfo = t;
    if (t === undefined || type === PPME.SCHEDSWITCH_6_E) return;
    if (queryOs) t.flags |= CL.ACTIVE;
    if ((type & 1) === 0) {
      t.lastEventFd = -1;
      t.lastEventType = type;
      if ((ef & EF_USES_FD) !== 0) {
        t.lastEventFd = this.pInt(0);
        this.fdinfo = t.getFd(t.lastEventFd);
      }
      t.latencyNs = 0;
      t.enterHi = this.tsHi;
      t.enterLo = this.tsLo;
      return;
    }
    if (t.enterHi !== 0 || t.enterLo !== 0) {
      t.latencyNs = (this.tsHi - t.enterHi) * 4294967296 + (this.tsLo - t.enterLo);
    }
    if (type === t.lastEventType + 1) {
      t.lastEnterValid = true;
    } else {
      t.lastEnterValid = false;
      if (t.lastEventType !== PPME.TRACER_E) return;
    }
    if ((ef & EF_USES_FD) !== 0) {
      if (type === PPME.SYSCALL_COPY_FILE_RANGE_X) t.lastEventFd = this.pInt(1);
      const f = t.getFd(t.lastEventFd);
      this.fdinfo = f;
      if (f === undefined) return;
      if ((f.flags & FDF.CLOSE_CANCELED) !== 0) {
        // A close whose fd number was reused before its exit: drop the parked entry now.
        f.flags &= ~FDF.CLOSE_CANCELED;
        this.eraseFd(t, CANCELED_FD, t.getFd(CANCELED_FD));
      }
    }
  }

  /** store_event: keep a copy of this enter event for its exit. */
  private storeEvent(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const e = t.lastEnter ?? t.spareEnter ?? new EnterCopy();
    t.spareEnter = null;
    e.store(this.type, this.arena, this.offs, this.lens, this.base, this.np);
    t.lastEnter = e;
  }

  /** retrieve_enter_event: the stored enter event, when it is this exit's own. */
  private retrieve(): EnterCopy | null {
    const t = this.tinfo;
    if (t === undefined || !t.lastEnterValid || t.lastEnter === null) return null;
    this.tmp = t.lastEnter;
    if (t.lastEnter.type !== this.type - 1) {
      t.lastEnterValid = false;
      return null;
    }
    return t.lastEnter;
  }

  /** erase_fd with removal: the fd leaves the table before the next event. */
  private eraseFd(t: Thread, fd: number, f: Fd | undefined): void {
    if (f === undefined) return;
    this.tidOfFdsToRemove = t.tid;
    this.fdsToRemove[this.nFdsToRemove++] = fd;
  }

  /** sinsp_threadinfo::add_fd: into the thread's fd table; also sets m_lastevent_fd. `owned`: f
   *  is a fresh object nobody else holds, so a new entry can be f itself instead of a copy. */
  private addFd(t: Thread, fd: number, f: Fd, owned = false): Fd | undefined {
    const table = t.fdTable();
    const r = table === undefined ? undefined : tableAdd(table, fd, f, owned);
    t.lastEventFd = fd;
    return r;
  }

  // ----------------------------------------------------------------------------------------------
  // Dispatch table

  /** Runs parser `id` (see installHandlers). A switch of direct calls rather than a table of
   *  functions: each call site stays monomorphic, so V8 can inline the small parsers. */
  private dispatch(id: number): void {
    switch (id) {
      case H.STORE:
        this.storeEvent();
        return;
      case H.SENDTO_ENTER:
        this.onSendtoEnter();
        return;
      case H.WRITE_ENTER:
        this.onWriteEnter();
        return;
      case H.RW_EXIT:
        this.onRwExit();
        return;
      case H.SENDFILE_EXIT:
        this.onSendfileExit();
        return;
      case H.OPEN_EXIT:
        this.onOpenExit();
        return;
      case H.CLONE_EXIT:
        this.onCloneExit();
        return;
      case H.EXECVE_EXIT:
        this.onExecveExit();
        return;
      case H.PROC_EXIT:
        this.onProcExit();
        return;
      case H.PIPE_EXIT:
        this.onPipeExit();
        return;
      case H.SOCKET_EXIT:
        this.onSocketExit();
        return;
      case H.BIND_EXIT:
        this.onBindExit();
        return;
      case H.CONNECT_ENTER:
        this.onConnectEnter();
        return;
      case H.CONNECT_EXIT:
        this.onConnectExit();
        return;
      case H.ACCEPT_EXIT:
        this.onAcceptExit();
        return;
      case H.CLOSE_ENTER:
        this.onCloseEnter();
        return;
      case H.CLOSE_EXIT:
        this.onCloseExit();
        return;
      case H.FCNTL_ENTER:
        this.onFcntlEnter();
        return;
      case H.FCNTL_EXIT:
        this.onFcntlExit();
        return;
      case H.EVENTFD_EXIT:
        this.onEventfdExit();
        return;
      case H.CHDIR_EXIT:
        this.onChdirExit();
        return;
      case H.FCHDIR_EXIT:
        this.onFchdirExit();
        return;
      case H.GETCWD_EXIT:
        this.onGetcwdExit();
        return;
      case H.DUP_EXIT:
        this.onDupExit();
        return;
      case H.SIGNALFD_EXIT:
        this.onSignalfdExit();
        return;
      case H.TIMERFD_EXIT:
        this.onTimerfdExit();
        return;
      case H.INOTIFY_EXIT:
        this.onInotifyExit();
        return;
      case H.RLIMIT_EXIT:
        this.onRlimitExit();
        return;
      case H.PRLIMIT_EXIT:
        this.onPrlimitExit();
        return;
      case H.SOCKETPAIR_EXIT:
        this.onSocketpairExit();
        return;
      case H.CONTEXT_SWITCH:
        this.onContextSwitch();
        return;
      case H.MEM_EXIT:
        this.onMemExit();
        return;
      case H.SETRESUID_EXIT:
        this.onSetresuidExit();
        return;
      case H.SETRESGID_EXIT:
        this.onSetresgidExit();
        return;
      case H.SETUID_EXIT:
        this.onSetuidExit();
        return;
      case H.SETGID_EXIT:
        this.onSetgidExit();
        return;
      case H.CHROOT_EXIT:
        this.onChrootExit();
        return;
      case H.SETSID_EXIT:
        this.onSetsidExit();
        return;
      case H.GETSOCKOPT_EXIT:
        this.onGetsockoptExit();
        return;
      case H.CONTAINER:
        this.onContainer();
        return;
      case H.CONTAINER_JSON:
        this.onContainerJson();
        return;
    }
  }

  private installHandlers(): void {
    const h = this.hid;
    const set = (codes: readonly number[], id: number): void => {
      for (const c of codes) if (c < h.length) h[c] = id;
    };
    set(
      [
        PPME.SYSCALL_OPEN_E,
        PPME.SYSCALL_CREAT_E,
        PPME.SYSCALL_OPENAT_E,
        PPME.SYSCALL_OPENAT_2_E,
        PPME.SYSCALL_OPENAT2_E,
        PPME.SOCKET_SOCKET_E,
        PPME.SYSCALL_EVENTFD_E,
        PPME.SYSCALL_CHDIR_E,
        PPME.SYSCALL_FCHDIR_E,
        PPME.SOCKET_SHUTDOWN_E,
        PPME.SYSCALL_GETRLIMIT_E,
        PPME.SYSCALL_SETRLIMIT_E,
        PPME.SYSCALL_PRLIMIT_E,
        PPME.SOCKET_SENDMSG_E,
        PPME.SYSCALL_SENDFILE_E,
        PPME.SYSCALL_SETRESUID_E,
        PPME.SYSCALL_SETRESGID_E,
        PPME.SYSCALL_SETUID_E,
        PPME.SYSCALL_SETGID_E,
        PPME.SYSCALL_EXECVE_18_E,
        PPME.SYSCALL_EXECVE_19_E,
        PPME.SYSCALL_EXECVEAT_E,
        PPME.SYSCALL_SETPGID_E,
      ],
      H.STORE,
    );
    set([PPME.SOCKET_SENDTO_E], H.SENDTO_ENTER);
    set([PPME.SYSCALL_WRITE_E], H.WRITE_ENTER);
    set(
      [
        PPME.SYSCALL_READ_X,
        PPME.SYSCALL_WRITE_X,
        PPME.SOCKET_RECV_X,
        PPME.SOCKET_SEND_X,
        PPME.SOCKET_RECVFROM_X,
        PPME.SOCKET_RECVMSG_X,
        PPME.SOCKET_SENDTO_X,
        PPME.SOCKET_SENDMSG_X,
        PPME.SYSCALL_READV_X,
        PPME.SYSCALL_WRITEV_X,
        PPME.SYSCALL_PREAD_X,
        PPME.SYSCALL_PWRITE_X,
        PPME.SYSCALL_PREADV_X,
        PPME.SYSCALL_PWRITEV_X,
      ],
      H.RW_EXIT,
    );
    set([PPME.SYSCALL_SENDFILE_X], H.SENDFILE_EXIT);
    set(
      [
        PPME.SYSCALL_OPEN_X,
        PPME.SYSCALL_CREAT_X,
        PPME.SYSCALL_OPENAT_X,
        PPME.SYSCALL_OPENAT_2_X,
        PPME.SYSCALL_OPENAT2_X,
      ],
      H.OPEN_EXIT,
    );
    set(CLONE_EXITS, H.CLONE_EXIT);
    set(
      [
        PPME.SYSCALL_EXECVE_8_X,
        PPME.SYSCALL_EXECVE_13_X,
        PPME.SYSCALL_EXECVE_14_X,
        PPME.SYSCALL_EXECVE_15_X,
        PPME.SYSCALL_EXECVE_16_X,
        PPME.SYSCALL_EXECVE_17_X,
        PPME.SYSCALL_EXECVE_18_X,
        PPME.SYSCALL_EXECVE_19_X,
        PPME.SYSCALL_EXECVEAT_X,
      ],
      H.EXECVE_EXIT,
    );
    set([PPME.PROCEXIT_E, PPME.PROCEXIT_1_E], H.PROC_EXIT);
    set([PPME.SYSCALL_PIPE_X], H.PIPE_EXIT);
    set([PPME.SOCKET_SOCKET_X], H.SOCKET_EXIT);
    set([PPME.SOCKET_BIND_X], H.BIND_EXIT);
    set([PPME.SOCKET_CONNECT_E], H.CONNECT_ENTER);
    set([PPME.SOCKET_CONNECT_X], H.CONNECT_EXIT);
    set(
      [PPME.SOCKET_ACCEPT_X, PPME.SOCKET_ACCEPT_5_X, PPME.SOCKET_ACCEPT4_X, PPME.SOCKET_ACCEPT4_5_X],
      H.ACCEPT_EXIT,
    );
    set([PPME.SYSCALL_CLOSE_E], H.CLOSE_ENTER);
    set([PPME.SYSCALL_CLOSE_X], H.CLOSE_EXIT);
    set([PPME.SYSCALL_FCNTL_E], H.FCNTL_ENTER);
    set([PPME.SYSCALL_FCNTL_X], H.FCNTL_EXIT);
    set([PPME.SYSCALL_EVENTFD_X], H.EVENTFD_EXIT);
    set([PPME.SYSCALL_CHDIR_X], H.CHDIR_EXIT);
    set([PPME.SYSCALL_FCHDIR_X], H.FCHDIR_EXIT);
    set([PPME.SYSCALL_GETCWD_X], H.GETCWD_EXIT);
    set([PPME.SYSCALL_DUP_X], H.DUP_EXIT);
    set([PPME.SYSCALL_SIGNALFD_X], H.SIGNALFD_EXIT);
    set([PPME.SYSCALL_TIMERFD_CREATE_X], H.TIMERFD_EXIT);
    set([PPME.SYSCALL_INOTIFY_INIT_X], H.INOTIFY_EXIT);
    set([PPME.SYSCALL_GETRLIMIT_X, PPME.SYSCALL_SETRLIMIT_X], H.RLIMIT_EXIT);
    set([PPME.SYSCALL_PRLIMIT_X], H.PRLIMIT_EXIT);
    set([PPME.SOCKET_SOCKETPAIR_X], H.SOCKETPAIR_EXIT);
    set([PPME.SCHEDSWITCH_1_E, PPME.SCHEDSWITCH_6_E], H.CONTEXT_SWITCH);
    set([PPME.SYSCALL_BRK_4_X, PPME.SYSCALL_MMAP_X, PPME.SYSCALL_MMAP2_X, PPME.SYSCALL_MUNMAP_X], H.MEM_EXIT);
    set([PPME.SYSCALL_SETRESUID_X], H.SETRESUID_EXIT);
    set([PPME.SYSCALL_SETRESGID_X], H.SETRESGID_EXIT);
    set([PPME.SYSCALL_SETUID_X], H.SETUID_EXIT);
    set([PPME.SYSCALL_SETGID_X], H.SETGID_EXIT);
    set([PPME.SYSCALL_CHROOT_X], H.CHROOT_EXIT);
    set([PPME.SYSCALL_SETSID_X], H.SETSID_EXIT);
    set([PPME.SOCKET_GETSOCKOPT_X], H.GETSOCKOPT_EXIT);
    set([PPME.CONTAINER_E], H.CONTAINER);
    set([PPME.CONTAINER_JSON_E, PPME.CONTAINER_JSON_2_E], H.CONTAINER_JSON);
  }

  // ----------------------------------------------------------------------------------------------
  // Parsers (sinsp_parser::parse_*)

  private onWriteEnter(): void {
    const t = this.tinfo;
    if (t !== undefined) this.fdinfo = t.getFd(t.lastEventFd);
  }

  /** A sendto on an fd libsinsp never saw created is taken for a UDP socket. */
  private onSendtoEnter(): void {
    const t = this.tinfo;
    if (this.fdinfo === undefined && t !== undefined) {
      const fd = this.pInt(0);
      if (fd >= 0) {
        const tuple = this.pRaw(2);
        const family = tuple !== null && tuple.l > 0 ? tuple.a[tuple.o]! : -1;
        if (family === AF_INET || family === AF_INET6) {
          this.addSocket(t, fd, family, SOCK_DGRAM, IPPROTO_UDP);
        }
      }
    }
    this.storeEvent();
  }

  private onRwExit(): void {
    const f = this.fdinfo;
    if (f === undefined) return;
    const res = this.pInt(0);
    const type = this.type;
    // detect_and_process_tracer_write: writes to /dev/null are tried as tracer strings first.
    if ((f.flags & FDF.IS_NOT_TRACER_FD) === 0 && (f.flags & FDF.IS_TRACER_FILE) !== 0) {
      if ((this.ef[type]! & EF_WRITES_TO_FD) !== 0) this.tracerWrite(f);
    }
    if (res < 0) return;
    if (f.kind === FdKind.IPV4_SOCK || f.kind === FdKind.IPV6_SOCK) setConnected(f);
    if ((this.ef[type]! & EF_READS_FROM_FD) !== 0) {
      if (type !== PPME.SOCKET_RECVFROM_X && type !== PPME.SOCKET_RECVMSG_X) return;
      if (f.name.length !== 0 && isTcp(f)) return;
      const tuple = this.pRaw(type === PPME.SOCKET_RECVFROM_X ? 2 : 3);
      if (tuple !== null && this.updateFd(f, tuple)) this.nameAfterTupleUpdate(f, tuple, true);
    } else {
      if (
        (type === PPME.SOCKET_SENDTO_X || type === PPME.SOCKET_SENDMSG_X) &&
        !(f.name.length !== 0 && isTcp(f))
      ) {
        const e = this.retrieve();
        if (e === null) return;
        const tuple = this.eRaw(e, 2);
        if (tuple !== null && this.updateFd(f, tuple)) this.nameAfterTupleUpdate(f, tuple, false);
      }
      // The fd's write callbacks: the syslog decoder reads the data buffer (parameter 1).
      if ((f.flags & FDF.SYSLOG) !== 0) {
        const d = this.pRaw(1);
        this.st.syslog = d === null ? null : decodeSyslog(d.a, d.o, d.l);
      }
    }
  }

  /** parse_tracer's first steps (see tracer.ts); complete tracer strings are not decoded. */
  private tracerWrite(f: Fd): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const st = (t.tracer ??= { storage: new Uint8Array(0), fragSize: 0, full: new Uint8Array(0) });
    const p = this.pRaw(1);
    const r = p === null ? tracerWrite(st, this.arena, 0, 0) : tracerWrite(st, p.a, p.o, p.l);
    if (r === TracerResult.FAILED) f.flags |= FDF.IS_NOT_TRACER_FD;
    else if (r === TracerResult.TRUNCATED) this.hidden = true;
  }

  /** After update_fd on a datagram read/write: role guess, direction, new name. */
  private nameAfterTupleUpdate(f: Fd, tuple: Raw, incoming: boolean): void {
    if (f.kind === FdKind.IPV4_SOCK || f.kind === FdKind.IPV6_SOCK) {
      if (f.isRoleNone) this.guessRole(f, incoming);
      if (incoming ? f.isClient : f.isServer) swapAddresses(f);
      const n = sockinfoToString(f.sock, f.kind === FdKind.IPV6_SOCK);
      if (n !== null) f.name = n;
    } else {
      // tuple is a view into the parameter just read; its bytes are still in place.
      f.name = socktupleString(tuple.a, tuple.o, tuple.l);
    }
  }

  /** set_net_role_by_guessing (reads the ipv4 member whatever the socket's family). */
  private guessRole(f: Fd, incoming: boolean): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const s = f.sock;
    if (this.isBoundToPort(t, u16(s, V4_DPORT))) {
      if (!this.usesClientPort(t, u16(s, V4_SPORT))) {
        f.flags |= FDF.ROLE_SERVER;
        return;
      }
      if (f.isRoleNone) f.flags |= incoming ? FDF.ROLE_SERVER : FDF.ROLE_CLIENT;
      return;
    }
    f.flags |= FDF.ROLE_CLIENT;
  }

  private isBoundToPort(t: Thread, port: number): boolean {
    const table = t.fdTable();
    if (table === undefined) return false;
    for (const f of table.values()) {
      if (f.kind === FdKind.IPV4_SOCK && u16(f.sock, V4_DPORT) === port) return true;
      if (f.kind === FdKind.IPV4_SERVSOCK && u16(f.sock, S4_PORT) === port) return true;
    }
    return false;
  }

  private usesClientPort(t: Thread, port: number): boolean {
    const table = t.fdTable();
    if (table === undefined) return false;
    for (const f of table.values()) {
      if (f.kind === FdKind.IPV4_SOCK && u16(f.sock, V4_SPORT) === port) return true;
    }
    return false;
  }

  /** sinsp_parser::update_fd: fold a tuple seen on a datagram call into the fd. */
  private updateFd(f: Fd, p: Raw): boolean {
    if (p.l === 0) return false;
    const a = p.a;
    const o = p.o;
    const family = a[o]!;
    if (family === AF_INET) {
      if (f.kind === FdKind.IPV4_SERVSOCK) f.sock[V4_L4] = f.sock[S4_L4]!;
      f.kind = FdKind.IPV4_SOCK;
      if (!setIpv4(f, a, o, p.l)) return false;
    } else if (family === AF_INET6) {
      if (mappedPair(a, o, p.l)) {
        f.kind = FdKind.IPV4_SOCK;
        if (!setIpv4Mapped(f, a, o, p.l)) return false;
      } else if (!setIpv6(f, a, o, p.l)) {
        return false;
      }
    } else if (family === AF_UNIX) {
      f.kind = FdKind.UNIX_SOCK;
      setUnixInfo(f, a, o, p.l);
      f.name = p.l > 17 ? readText(a, o + 17, p.l - 17) : '';
      syslogTupleChange(f);
      return true;
    }
    // Still no protocol: a TCP peer cannot change, so this is UDP.
    if (f.kind === FdKind.IPV4_SOCK) {
      if (f.sock[V4_L4] === L4.UNKNOWN) f.sock[V4_L4] = L4.UDP;
    } else if (f.kind === FdKind.IPV6_SOCK) {
      if (f.sock[V6_L4] === L4.UNKNOWN) f.sock[V6_L4] = L4.UDP;
    }
    this.ifaces.updateFd(f);
    // CT_TUPLE_CHANGE, with the name the fd has before the caller renames it.
    syslogTupleChange(f);
    return true;
  }

  private onSendfileExit(): void {
    if (this.fdinfo === undefined) return;
    if (this.pInt(0) >= 0) this.retrieve();
  }

  private onOpenExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const type = this.type;
    const e = this.retrieve();
    const fd = this.pInt(0);
    let name: string;
    let nameLen: number;
    let flags: number;
    let dev = 0;
    let sdir: string;
    // The enter event's name, when it has one, wins over the exit's: it is read first so that
    // the exit's is decoded only when needed.
    if (type === PPME.SYSCALL_OPEN_X) {
      const en = e !== null && e.n >= 2 ? this.enterName(e, 0) : null;
      if (en !== null) {
        name = en;
        nameLen = this.eLen(e, 0);
        flags = this.eUint(e, 1);
      } else {
        name = this.pPath(1);
        nameLen = this.pLen(1);
        flags = this.pUint(2);
      }
      if (this.np > 4) dev = this.pUint(4);
      sdir = t.getCwd();
    } else if (type === PPME.SYSCALL_CREAT_X) {
      const en = e !== null && e.n >= 1 ? this.enterName(e, 0) : null;
      if (en !== null) {
        name = en;
        nameLen = this.eLen(e, 0);
      } else {
        name = this.pPath(1);
        nameLen = this.pLen(1);
      }
      flags = 0;
      if (this.np > 3) dev = this.pUint(3);
      sdir = t.getCwd();
    } else if (type === PPME.SYSCALL_OPENAT_X) {
      // The old openat exit has only the fd: everything comes from the enter event, even a stale
      // one when this exit's own was lost (libsinsp reads m_tmp_evt regardless).
      const src = e ?? this.tmp;
      name = this.ePath(src, 1);
      nameLen = this.eLen(src, 1);
      flags = this.eUint(src, 2);
      sdir = this.parseDirfd(t, name, this.eInt(src, 0));
    } else {
      const en = e !== null && e.n >= 3 ? this.enterName(e, 1) : null;
      let dirfd: number;
      if (en !== null) {
        name = en;
        nameLen = this.eLen(e, 1);
        flags = this.eUint(e, 2);
        dirfd = this.eInt(e, 0);
      } else {
        name = this.pPath(2);
        nameLen = this.pLen(2);
        flags = this.pUint(3);
        dirfd = this.pInt(1);
      }
      if (type === PPME.SYSCALL_OPENAT_2_X && this.np > 5) dev = this.pUint(5);
      sdir = this.parseDirfd(t, name, dirfd);
    }
    const fullpath = concatenatePaths(sdir, name, nameLen);
    if (fd >= 0) {
      const f = new Fd();
      f.kind = (flags & PPM_O_DIRECTORY) !== 0 ? FdKind.DIRECTORY : FdKind.FILE_V2;
      f.openFlags = flags;
      f.dev = dev;
      f.name = fullpath;
      f.flags |= f.name === USER_EVT_DEVICE_NAME ? FDF.IS_TRACER_FILE : FDF.IS_NOT_TRACER_FD;
      // The open callbacks (CT_OPEN): the syslog decoder takes a file named /dev/log.
      if (isSyslogName(f.name)) f.flags |= FDF.SYSLOG;
      this.fdinfo = this.addFd(t, fd, f, true);
    }
  }

  /** parse_dirfd: the directory a relative path is resolved against. Sets the event's fd to dirfd's. */
  private parseDirfd(t: Thread, name: string, dirfd: number): string {
    if (name.charCodeAt(0) === 0x2f) return '.';
    if (dirfd === PPM_AT_FDCWD) return t.getCwd();
    const f = t.getFd(dirfd);
    this.fdinfo = f;
    if (f === undefined) return '<UNKNOWN>';
    // libsinsp tests the character past the name's end (always NUL), so a '/' is always added.
    return f.name + '/';
  }

  private onCloneExit(): void {
    const type = this.type;
    const P = this.P;
    let tid = this.tid;
    let childtid = this.pInt(0);
    const flags = this.pUint(this.at(P.flags));
    if (childtid < 0) return;
    let vtid = tid;
    let vpid = -1;
    const v20 = IS_CLONE_20[type] === 1;
    if (v20) {
      vtid = this.pInt(this.at(P.vtid));
      vpid = this.pInt(this.at(P.vpid));
    }
    const inContainer = (flags & CL.CHILD_IN_PIDNS) !== 0 || tid !== vtid;
    let inverted = false;
    let collision = false;
    let validParent = true;
    if (childtid === 0) {
      // The child's side. A leftover entry for this tid from long ago is a thread whose exit
      // was lost: drop it.
      if (this.tinfo !== undefined && this.tinfo.cloneTs !== 0n) {
        if (this.ts() - this.tinfo.cloneTs > CLONE_STALE_TIME_NS) {
          this.removeThread(tid, true);
          this.tinfo = undefined;
        }
      }
      const parenttid =
        (flags & CL.CLONE_THREAD) !== 0 ? this.pInt(this.at(P.pid)) : this.pInt(this.at(P.ptid));
      if (this.tinfo === undefined) {
        // The child returned first (or the parent's exit was lost): create it from here.
        inverted = true;
        childtid = tid;
        tid = parenttid;
      } else {
        if (inContainer) {
          this.tinfo.vtid = vtid;
          this.tinfo.vpid = vpid;
        }
        return;
      }
    } else if (inContainer) {
      // A parent in a container sees the child's namespaced tid: wait for the child's event.
      return;
    }
    let parent = this.getThreadRef(tid, true);
    if (parent === undefined) return;
    if (parent.comm === '<NA>' && parent.uid === UINT32_MAX) validParent = false;
    const existing = this.table.get(childtid);
    if (existing !== undefined) {
      if ((existing.flags & CL.CLONE_INVERTED) !== 0) return;
      this.removeThread(childtid, true);
      collision = true;
    }
    const c = new Thread(this);
    c.tid = childtid;
    c.ptid = tid;
    if (validParent) {
      copyFromParent(c, parent, flags);
    } else {
      // A placeholder parent: look it up again (no /proc here, so a fresh placeholder) and
      // give both the event's names.
      this.removeThread(tid, true);
      collision = true;
      parent = this.getThreadRef(tid, true);
      if (parent === undefined) return;
      if (parent.comm !== '<NA>' && parent.uid !== UINT32_MAX) {
        copyFromParent(c, parent, flags);
      } else {
        c.exe = this.pText(1);
        const ci = this.at(P.comm);
        c.comm = IS_CLONE_OLD_COMM[type] === 1 || ci < 0 ? c.exe : this.pText(ci);
        c.args = this.pArgs(this.at(P.args));
        parent.comm = c.comm;
        parent.exe = c.exe;
        parent.exepath = c.exepath;
        parent.args = c.args;
      }
    }
    c.pid = this.pInt(this.at(P.pid));
    c.flags = flags;
    if ((flags & CL.CLONE_THREAD) === 0) {
      c.pid = childtid;
      // A new process gets a copy of the parent's fds (libsinsp ignores CLONE_FILES here).
      const ptable = parent.fdTable();
      if (ptable !== undefined) {
        for (const [n, f] of ptable) {
          const copy = f.clone();
          copy.flags |= FDF.IS_CLONED;
          c.ownFds.set(n, copy);
        }
      }
      c.ownCwd = parent.getCwd();
    }
    if (inverted) c.flags |= CL.CLONE_INVERTED;
    c.exe = this.pText(1);
    const ci = this.at(P.comm);
    c.comm = IS_CLONE_OLD_COMM[type] === 1 || ci < 0 ? c.exe : this.pText(ci);
    c.args = this.pArgs(this.at(P.args));
    c.fdlimit = this.pInt(this.at(P.fdlimit));
    if (type !== PPME.SYSCALL_CLONE_11_X) {
      c.pfmajor = this.pInt(this.at(P.pgftMaj));
      c.pfminor = this.pInt(this.at(P.pgftMin));
      c.vmsizeKb = this.pUint(this.at(P.vmSize));
      c.vmrssKb = this.pUint(this.at(P.vmRss));
      c.vmswapKb = this.pUint(this.at(P.vmSwap));
    }
    c.uid = this.pUint(this.at(P.uid));
    c.gid = this.pUint(this.at(P.gid));
    if (inContainer) {
      c.vtid = vtid;
      c.vpid = vpid;
    } else {
      c.vtid = c.tid;
      c.vpid = c.pid;
    }
    if (v20) {
      this.setCgroupsFrom(c, this.at(P.cgroups));
    }
    c.cloneTs = this.ts();
    this.addThread(c, false);
    if (collision) this.reset();
  }

  private onExecveExit(): void {
    const type = this.type;
    const P = this.P;
    if (this.pInt(0) < 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    t.exe = this.pText(1);
    const ci = this.at(P.comm);
    t.comm = ci < 0 ? t.exe : this.pText(ci);
    t.args = this.pArgs(this.at(P.args));
    const pid = this.pInt(this.at(P.pid));
    if (pid !== t.pid && this.table.get(t.tid) === t) {
      this.countPid(t.pid, -1);
      this.countPid(pid, 1);
    }
    t.pid = pid;
    if (t.ptid === -1) t.ptid = this.pInt(this.at(P.ptid));
    t.fdlimit = this.pInt(this.at(P.fdlimit));
    if (type !== PPME.SYSCALL_EXECVE_8_X) {
      t.pfmajor = this.pInt(this.at(P.pgftMaj));
      t.pfminor = this.pInt(this.at(P.pgftMin));
      t.vmsizeKb = this.pUint(this.at(P.vmSize));
      t.vmrssKb = this.pUint(this.at(P.vmRss));
      t.vmswapKb = this.pUint(this.at(P.vmSwap));
    }
    const envAt = this.at(P.env);
    if (envAt >= 0) {
      const r = this.pRaw(envAt);
      t.ownEnv = r === null ? [] : readEnvList(r.a, r.o, r.l);
    }
    const cgAt = this.at(P.cgroups);
    if (cgAt >= 0) this.setCgroupsFrom(t, cgAt);
    const ttyAt = this.at(P.tty);
    if (ttyAt >= 0) t.tty = this.pInt(ttyAt) | 0;
    if (type === PPME.SYSCALL_EXECVE_18_X || type === PPME.SYSCALL_EXECVE_19_X) {
      const e = this.retrieve();
      if (e !== null) {
        const path = this.ePath(e, 0);
        t.exepath = path.startsWith('<NA>') ? '<NA>' : concatenatePaths(t.ownCwd, path, this.eLen(e, 0));
      }
    } else if (type === PPME.SYSCALL_EXECVEAT_X) {
      const e = this.retrieve();
      if (e !== null) {
        const dirfd = this.eInt(e, 0);
        let pathname = this.ePath(e, 1);
        const namelen = this.eLen(e, 1);
        if (pathname.startsWith('<NA>')) {
          t.exepath = '<NA>';
        } else {
          const eflags = this.eUint(e, 2);
          const sdir = this.parseDirfd(t, pathname, dirfd);
          if ((eflags & PPM_EXVAT_AT_EMPTY_PATH) !== 0 && pathname.length === 0) pathname = sdir;
          t.exepath = concatenatePaths(sdir, pathname, namelen);
        }
      }
    }
    const pgidAt = this.at(P.pgid);
    if (type === PPME.SYSCALL_EXECVE_19_X || type === PPME.SYSCALL_EXECVEAT_X) t.vpgid = this.pInt(pgidAt);
    if (this.np > 18) t.loginuid = this.pUint(18);
    if (this.np > 19) {
      t.exeWritable = (this.pUint(19) & 1) !== 0;
      t.exeWritableRaw = undefined;
    }
    const keep = t.flags & (CL.PIPE_SRC | CL.PIPE_DST | CL.IS_MAIN_THREAD | CL.CLONE_INVERTED);
    t.flags = CL.ACTIVE | keep | CL.NAME_CHANGED;
  }

  private onProcExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    t.flags |= CL.CLOSED;
    this.tidToRemove = this.tid;
  }

  private addPipe(t: Thread, fd: number, ino: bigint): void {
    const f = new Fd();
    f.kind = FdKind.FIFO;
    f.ino = ino;
    this.fdinfo = this.addFd(t, fd, f, true);
  }

  private onPipeExit(): void {
    if (this.pInt(0) < 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    const r = this.pRaw(3);
    const ino = r === null ? 0n : readU64(r.a, r.o, r.l);
    this.addPipe(t, this.pInt(1), ino);
    this.addPipe(t, this.pInt(2), ino);
  }

  private onSocketExit(): void {
    const fd = this.pInt(0);
    if (fd < 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    const e = this.retrieve();
    if (e === null) return;
    this.addSocket(t, fd, this.eUint(e, 0), this.eUint(e, 1), this.eUint(e, 2));
  }

  /** add_socket: a new socket fd, its type and protocol from socket()'s arguments. */
  private addSocket(t: Thread, fd: number, domain: number, type: number, protocol: number): void {
    const f = new Fd();
    f.kind = FdKind.UNKNOWN;
    if (domain === AF_UNIX) {
      f.kind = FdKind.UNIX_SOCK;
    } else if (domain === AF_INET || domain === AF_INET6) {
      f.kind = domain === AF_INET ? FdKind.IPV4_SOCK : FdKind.IPV6_SOCK;
      let l4: number = L4.UNKNOWN;
      if (protocol === IPPROTO_TCP) l4 = type === SOCK_RAW ? L4.RAW : L4.TCP;
      else if (protocol === IPPROTO_UDP) l4 = type === SOCK_RAW ? L4.RAW : L4.UDP;
      else if (protocol === IPPROTO_IP) {
        if ((type & 0xff) === SOCK_STREAM) l4 = L4.TCP;
        else if ((type & 0xff) === SOCK_DGRAM) l4 = L4.UDP;
      } else if (protocol === IPPROTO_ICMP) l4 = type === SOCK_RAW ? L4.RAW : L4.ICMP;
      else if (protocol === IPPROTO_RAW) l4 = L4.RAW;
      if (domain === AF_INET) f.sock[V4_L4] = l4;
      else f.sock[V6_L4] = l4;
    } else if (domain === AF_NETLINK) {
      f.kind = FdKind.NETLINK;
    }
    // Other domains (AF_PACKET...) stay SCAP_FD_UNKNOWN and are still added: sysdig 0.29.3 is
    // built with INCLUDE_UNKNOWN_SOCKET_FDS (it shows them as fd.typechar 'o').
    this.fdinfo = this.addFd(t, fd, f, true);
  }

  private onBindExit(): void {
    const f = this.fdinfo;
    if (f === undefined) return;
    if (this.pInt(0) < 0) return;
    const p = this.pRaw(1);
    if (p === null || p.l === 0) return;
    const a = p.a;
    const o = p.o;
    const s = f.sock;
    const family = a[o]!;
    if (family === AF_INET) {
      const port = p.l >= 7 ? u16(a, o + 5) : 0;
      if (port > 0) {
        f.kind = FdKind.IPV4_SERVSOCK;
        s.set(a.subarray(o + 1, o + 5), S4_IP);
        put16(s, S4_PORT, port);
        s[S4_L4] = s[V4_L4]!;
        f.flags |= FDF.ROLE_SERVER;
      }
    } else if (family === AF_INET6) {
      const port = p.l >= 19 ? u16(a, o + 17) : 0;
      if (port > 0) {
        if (isV4Mapped(a, o + 1)) {
          f.kind = FdKind.IPV4_SERVSOCK;
          s[S4_L4] = s[V6_L4]!;
          s.set(a.subarray(o + 13, o + 17), S4_IP);
          put16(s, S4_PORT, port);
        } else {
          f.kind = FdKind.IPV6_SERVSOCK;
          put16(s, S6_PORT, port);
          s.set(a.subarray(o + 1, o + 17), S6_IP);
          s[S6_L4] = s[V6_L4]!;
        }
        f.flags |= FDF.ROLE_SERVER;
      }
    }
    f.name = sockaddrString(a, o, p.l, l4ProtoName(f.l4proto));
  }

  private onConnectEnter(): void {
    const f = this.fdinfo;
    if (f === undefined) return;
    if (this.np < 2) return;
    const p = this.pRaw(1);
    if (p === null || p.l === 0) return;
    const a = p.a;
    const o = p.o;
    const s = f.sock;
    const family = a[o]!;
    if (family === AF_INET) {
      f.kind = FdKind.IPV4_SOCK;
      if (p.l >= 7) {
        s.set(a.subarray(o + 1, o + 5), V4_DIP);
        put16(s, V4_DPORT, u16(a, o + 5));
      }
    } else if (family === AF_INET6) {
      if (p.l < 19) return;
      const port = u16(a, o + 17);
      if (isV4Mapped(a, o + 1)) {
        f.kind = FdKind.IPV4_SOCK;
        s.set(a.subarray(o + 13, o + 17), V4_DIP);
        put16(s, V4_DPORT, port);
      } else {
        f.kind = FdKind.IPV6_SOCK;
        put16(s, V6_DPORT, port);
        s.set(a.subarray(o + 1, o + 17), V6_DIP);
      }
    } else {
      f.name = sockaddrString(a, o, p.l);
      // libsinsp reads the sockaddr's path bytes as the unix pointer pair.
      setUnixInfo(f, a, o, p.l);
    }
  }

  private onConnectExit(): void {
    const f = this.fdinfo;
    if (f === undefined) return;
    const res = this.pInt(0);
    if (res < 0 && res !== -EINPROGRESS) return;
    setConnected(f);
    const p = this.pRaw(1);
    if (p === null || p.l === 0) return;
    this.fillClientSocketInfo(f, p);
    // The connect callbacks (CT_CONNECT).
    if (isSyslogName(f.name)) f.flags |= FDF.SYSLOG;
  }

  private fillClientSocketInfo(f: Fd, p: Raw): void {
    const a = p.a;
    const o = p.o;
    const family = a[o]!;
    if (family === AF_INET || family === AF_INET6) {
      let changed: boolean;
      if (family === AF_INET6) {
        if (!mappedPair(a, o, p.l)) {
          f.kind = FdKind.IPV6_SOCK;
          changed = setIpv6(f, a, o, p.l);
        } else {
          f.kind = FdKind.IPV4_SOCK;
          changed = setIpv4Mapped(f, a, o, p.l);
        }
      } else {
        f.kind = FdKind.IPV4_SOCK;
        changed = setIpv4(f, a, o, p.l);
      }
      if (changed && f.isServer && isUdp(f)) swapAddresses(f);
      const n = sockinfoToString(f.sock, f.kind === FdKind.IPV6_SOCK);
      if (n !== null) f.name = n;
    } else {
      f.name = socktupleString(a, o, p.l);
      setUnixInfo(f, a, o, p.l);
    }
    if (f.isRoleNone) f.flags |= FDF.ROLE_CLIENT;
  }

  private onAcceptExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const fd = this.pInt(0);
    if (fd < 0) return;
    t.lastEventFd = fd;
    const p = this.pRaw(1);
    if (p === null || p.l === 0) return;
    const a = p.a;
    const o = p.o;
    const f = new Fd();
    const family = a[o]!;
    if (family === AF_INET) {
      setIpv4(f, a, o, p.l);
      f.kind = FdKind.IPV4_SOCK;
      f.sock[V4_L4] = L4.TCP;
    } else if (family === AF_INET6) {
      if (mappedPair(a, o, p.l)) {
        setIpv4Mapped(f, a, o, p.l);
        f.kind = FdKind.IPV4_SOCK;
        f.sock[V4_L4] = L4.TCP;
      } else {
        setIpv6(f, a, o, p.l);
        f.kind = FdKind.IPV6_SOCK;
        f.sock[V6_L4] = L4.TCP;
      }
    } else if (family === AF_UNIX) {
      f.kind = FdKind.UNIX_SOCK;
      setUnixInfo(f, a, o, p.l);
    } else {
      return;
    }
    f.name = socktupleString(a, o, p.l, l4ProtoName(f.l4proto));
    f.flags = FDF.ROLE_SERVER | FDF.SOCKET_CONNECTED;
    this.fdinfo = this.addFd(t, fd, f, true);
  }

  private onCloseEnter(): void {
    if (this.tinfo === undefined) return;
    // reset() just looked the closed fd up (close has EF_USES_FD).
    const f = this.fdinfo;
    if (f !== undefined) f.flags |= FDF.CLOSE_IN_PROGRESS;
  }

  private onCloseExit(): void {
    const f = this.fdinfo;
    const t = this.tinfo;
    if (this.pInt(0) >= 0) {
      if (f === undefined || t === undefined) return;
      if ((f.flags & FDF.CLOSE_CANCELED) !== 0) {
        f.flags &= ~FDF.CLOSE_CANCELED;
        this.eraseFd(t, CANCELED_FD, t.getFd(CANCELED_FD));
      } else {
        this.eraseFd(t, t.lastEventFd, f);
      }
    } else if (f !== undefined) {
      f.flags &= ~FDF.CLOSE_IN_PROGRESS;
    }
  }

  private onFcntlEnter(): void {
    if (this.tinfo === undefined) return;
    const cmd = this.pUint(1) & 0xff;
    if (cmd === PPM_FCNTL_F_DUPFD || cmd === PPM_FCNTL_F_DUPFD_CLOEXEC) this.storeEvent();
  }

  private onFcntlExit(): void {
    const res = this.pInt(0);
    if (this.retrieve() === null) return;
    if (res < 0) return;
    const f = this.fdinfo;
    const t = this.tinfo;
    if (f === undefined || t === undefined) return;
    this.fdinfo = this.addFd(t, res, f);
  }

  private addTyped(kind: FdKind): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const fd = this.pInt(0);
    if (fd < 0) return;
    const f = new Fd();
    f.kind = kind;
    this.fdinfo = this.addFd(t, fd, f, true);
  }

  private onEventfdExit(): void {
    this.addTyped(FdKind.EVENT);
  }

  private onSignalfdExit(): void {
    this.addTyped(FdKind.SIGNALFD);
  }

  private onTimerfdExit(): void {
    this.addTyped(FdKind.TIMERFD);
  }

  private onInotifyExit(): void {
    this.addTyped(FdKind.INOTIFY);
  }

  private onChdirExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    if (this.pInt(0) >= 0) setCwd(t, t.mainThread(), this.pPath(1), this.pLen(1));
  }

  private onFchdirExit(): void {
    if (this.pInt(0) < 0) return;
    const f = this.fdinfo;
    const t = this.tinfo;
    if (f === undefined || t === undefined) return;
    setCwd(t, t.mainThread(), f.name, f.name.length);
  }

  private onGetcwdExit(): void {
    if (this.pInt(0) < 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    setCwd(t, t.mainThread(), this.pPath(1), this.pLen(1));
  }

  private onDupExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    const res = this.pInt(0);
    if (res < 0) return;
    // Shell pipe heuristics: dup to stdin/stdout.
    if (res === 0) t.flags |= CL.PIPE_DST;
    if (res === 1) t.flags |= CL.PIPE_SRC;
    const f = this.fdinfo;
    if (f === undefined) return;
    this.fdinfo = this.addFd(t, res, f);
  }

  private onRlimitExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    if ((this.eUint(e, 0) & 0xff) !== PPM_RLIMIT_NOFILE) return;
    const cur = this.pInt(1);
    if (cur !== -1) {
      const m = t.mainThread();
      if (m !== undefined) m.fdlimit = cur;
    }
  }

  private onPrlimitExit(): void {
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    if ((this.eUint(e, 1) & 0xff) !== PPM_RLIMIT_NOFILE) return;
    const cur = this.pInt(1);
    if (cur === -1) return;
    let tid = this.eInt(e, 0);
    if (tid === 0) tid = this.tid;
    const p = this.getThreadRef(tid, true);
    const m = p?.mainThread();
    if (m !== undefined) m.fdlimit = cur;
  }

  private onSocketpairExit(): void {
    if (this.pInt(0) < 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    const f = new Fd();
    f.kind = FdKind.UNIX_SOCK;
    const src = this.pRaw(3);
    put64(f.sock, UX_SOURCE, src === null ? 0n : readU64(src.a, src.o, src.l));
    const dst = this.pRaw(4);
    put64(f.sock, UX_DEST, dst === null ? 0n : readU64(dst.a, dst.o, dst.l));
    this.fdinfo = this.addFd(t, this.pInt(1), f);
    this.addFd(t, this.pInt(2), f);
  }

  private onContextSwitch(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    t.pfmajor = this.pInt(1);
    t.pfminor = this.pInt(2);
    const m = t.mainThread();
    if (m !== undefined) {
      m.vmsizeKb = this.pUint(3);
      m.vmrssKb = this.pUint(4);
      m.vmswapKb = this.pUint(5);
    }
  }

  private onMemExit(): void {
    const t = this.tinfo;
    if (t === undefined) return;
    t.vmsizeKb = this.pUint(1);
    t.vmrssKb = this.pUint(2);
    t.vmswapKb = this.pUint(3);
  }

  /** sinsp_evt::get_thread_info(): the event's thread, or a plain lookup. */
  private eventThread(): Thread | undefined {
    return this.tinfo ?? this.table.get(this.tid);
  }

  private onSetresuidExit(): void {
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    const euid = this.eUint(e, 1);
    const t = this.eventThread();
    if (euid < UINT32_MAX && t !== undefined) t.uid = euid;
  }

  private onSetresgidExit(): void {
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    const egid = this.eUint(e, 1);
    const t = this.eventThread();
    if (egid < UINT32_MAX && t !== undefined) t.gid = egid;
  }

  private onSetuidExit(): void {
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    const t = this.eventThread();
    if (t !== undefined) t.uid = this.eUint(e, 0);
  }

  private onSetgidExit(): void {
    if (this.pInt(0) < 0) return;
    const e = this.retrieve();
    if (e === null) return;
    const t = this.eventThread();
    if (t !== undefined) t.gid = this.eUint(e, 0);
  }

  private onChrootExit(): void {
    const t = this.tinfo;
    if (this.pInt(0) !== 0 || t === undefined) return;
    const path = this.pPath(1);
    const len = this.pLen(1);
    // get_param_as_str's resolved form: joined to the cwd when relative, else the path as given.
    if (len !== 0 && path.charCodeAt(0) !== 0x2f && !path.startsWith('<NA>')) {
      t.root = concatenatePaths(t.getCwd(), path, len);
    } else {
      t.root = printable(path);
    }
    t.containerId = resolveContainerId(t.cgroups);
  }

  private onSetsidExit(): void {
    const res = this.pInt(0);
    if (res < 0) return;
    const t = this.eventThread();
    if (t !== undefined) t.sid = res;
  }

  private onContainer(): void {
    const id = this.pText(0);
    this.containers.set(id, containerFromFields(id, this.pUint(1), this.pText(2), this.pText(3)));
  }

  /** A container's JSON description; the event gets the container's stand-in thread. */
  private onContainerJson(): void {
    let info: ContainerInfo | undefined;
    if (this.np > 0) {
      const j = this.base;
      info = CONTAINER_JSON_CACHE.get(this.arena, this.offs[j]!, this.lens[j]!);
    } else info = parseContainerJson('');
    if (info === undefined) return;
    if (info.lookupState !== 1) this.hidden = true;
    const t = new Thread(this);
    t.tid = -1;
    t.pid = -1;
    t.vtid = -2;
    t.vpid = -2;
    t.comm = 'container:' + info.id;
    t.containerId = info.id;
    this.tinfo = t;
    this.containers.set(info.id, info);
  }

  private onGetsockoptExit(): void {
    if (this.np === 0) return;
    const t = this.tinfo;
    if (t === undefined) return;
    const fd = this.pInt(1);
    this.fdinfo = t.mainThread()?.getFd(fd);
    t.lastEventFd = fd;
  }
}

// ------------------------------------------------------------------------------------------------
// Helpers shared by the parsers

interface Raw {
  a: Uint8Array;
  o: number;
  l: number;
}

/** One reusable view: parsers use a parameter view before asking for the next. */
const RAW: Raw = { a: new Uint8Array(0), o: 0, l: 0 };

const CLONE_EXITS: readonly number[] = [
  PPME.SYSCALL_CLONE_11_X,
  PPME.SYSCALL_CLONE_16_X,
  PPME.SYSCALL_CLONE_17_X,
  PPME.SYSCALL_CLONE_20_X,
  PPME.SYSCALL_FORK_X,
  PPME.SYSCALL_FORK_17_X,
  PPME.SYSCALL_FORK_20_X,
  PPME.SYSCALL_VFORK_X,
  PPME.SYSCALL_VFORK_17_X,
  PPME.SYSCALL_VFORK_20_X,
  PPME.SYSCALL_CLONE3_X,
];

function codeSet(codes: readonly number[]): Uint8Array {
  const s = new Uint8Array(COMPAT_EVENT_MAX + 1);
  for (const c of codes) s[c] = 1;
  return s;
}

const IS_CLONE_EXIT = codeSet(CLONE_EXITS);
/** Clone exits carrying vtid/vpid and cgroups. */
const IS_CLONE_20 = codeSet([
  PPME.SYSCALL_CLONE_20_X,
  PPME.SYSCALL_FORK_20_X,
  PPME.SYSCALL_VFORK_20_X,
  PPME.SYSCALL_CLONE3_X,
]);
/** Clone exits without a comm parameter: the comm is the exe. */
const IS_CLONE_OLD_COMM = codeSet([
  PPME.SYSCALL_CLONE_11_X,
  PPME.SYSCALL_CLONE_16_X,
  PPME.SYSCALL_FORK_X,
  PPME.SYSCALL_VFORK_X,
]);

/** The clone child's inheritance from its parent. comm, exe and args are the event's (set after
 *  this); the env array is shared, not copied: nothing edits an env array in place (execve and
 *  the process list make new ones). */
function copyFromParent(c: Thread, p: Thread, flags: number): void {
  c.comm = p.comm;
  c.exe = p.exe;
  c.exepath = p.exepath;
  c.exeWritable = p.exeWritable;
  c.exeWritableRaw = p.exeWritableRaw;
  c.args = p.args;
  c.root = p.root;
  c.sid = p.sid;
  c.vpgid = p.vpgid;
  c.tty = p.tty;
  c.loginuid = p.loginuid;
  if ((flags & CL.CLONE_THREAD) === 0) c.ownEnv = p.ownEnv;
}

/** sinsp_fdtable::add: a new entry is a copy (src itself when `owned`: nobody else holds it);
 *  an existing one is overwritten in place. */
function tableAdd(table: Map<number, Fd>, fd: number, src: Fd, owned = false): Fd | undefined {
  const cur = table.get(fd);
  if (cur === undefined) {
    if (table.size >= MAX_FD_TABLE_SIZE) return undefined;
    const c = owned ? src : src.clone();
    c.fd = fd;
    table.set(fd, c);
    return c;
  }
  if ((cur.flags & FDF.CLOSE_IN_PROGRESS) !== 0) {
    // The fd was reused between a close's enter and exit: park the old entry so the close's
    // exit removes that one, not the new.
    src.flags &= ~FDF.CLOSE_IN_PROGRESS;
    src.flags |= FDF.CLOSE_CANCELED;
    const parked = cur.clone();
    parked.fd = CANCELED_FD;
    table.set(CANCELED_FD, parked);
  }
  cur.copyFrom(src);
  return cur;
}

/** set_cwd: the main thread's cwd joined with `path`, always ending in '/'. */
function setCwd(_t: Thread, main: Thread | undefined, path: string, len: number): void {
  if (main === undefined) return;
  let cwd = concatenatePaths(main.ownCwd, path, len);
  if (cwd.length === 0 || cwd.charCodeAt(cwd.length - 1) !== 0x2f) cwd += '/';
  main.ownCwd = cwd;
}

interface Cgroups {
  readonly cgroups: string[];
  readonly containerId: string;
}

/** Slots of getThreadRef's tid cache (a power of two). */
const REF_CACHE_SIZE = 4096;
/** process() sets its batch views up again for this many events at the start of each batch. */
const VIEWS_WARM_EVENTS = 64;

const NO_CGROUPS: Cgroups = { cgroups: Object.freeze([]) as unknown as string[], containerId: '' };

// clone/execve repeat the same args and cgroups blobs: parse each distinct one once. The values
// are frozen because threads share them (nothing may edit a thread's args or cgroups in place).
const ARGS_CACHE = new BlobCache<string[]>(
  (a, o, l) => Object.freeze(readList(a, o, l)) as unknown as string[],
);
const CGROUPS_CACHE = new BlobCache<Cgroups>((a, o, l) => {
  const cgroups = Object.freeze(normalizeCgroups(readList(a, o, l))) as unknown as string[];
  return { cgroups, containerId: resolveContainerId(cgroups) };
});

// Container events repeat the same description (every capture chunk restates it): parse each
// distinct JSON once. The ContainerInfo is shared by the events that carry it; nothing edits one.
const CONTAINER_JSON_CACHE = new BlobCache<ContainerInfo | undefined>((a, o, l) =>
  parseContainerJson(readText(a, o, l)),
);

/** set_cgroups: `subsys=path` entries with libsinsp's subsystem renames. */
function normalizeCgroups(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const entry of list) {
    const sep = entry.lastIndexOf('=');
    if (sep < 0) break;
    let subsys = entry.slice(0, sep);
    const k = subsys.indexOf('_cgroup');
    if (k < 0 && subsys !== 'perf' && subsys !== 'mem' && subsys !== 'io') {
      out.push(entry);
      continue;
    }
    const cg = entry.slice(sep + 1);
    if (k >= 0) subsys = subsys.slice(0, k) + subsys.slice(k + 7);
    if (subsys === 'perf') subsys = 'perf_event';
    else if (subsys === 'mem') subsys = 'memory';
    else if (subsys === 'io') subsys = 'blkio';
    out.push(`${subsys}=${cg}`);
  }
  return out;
}

function printable(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x20 || c > 0x7e ? '.' : s[i];
  }
  return out;
}

function v4TupleName(s: Uint8Array): string {
  return ipv4TupleString(
    ipv4String(s, V4_SIP),
    u16(s, V4_SPORT),
    ipv4String(s, V4_DIP),
    u16(s, V4_DPORT),
    l4ProtoName(s[V4_L4]),
  );
}

function setConnected(f: Fd): void {
  f.flags &= ~(FDF.CONNECTION_PENDING | FDF.CONNECTION_FAILED);
  f.flags |= FDF.SOCKET_CONNECTED;
}

function isTcp(f: Fd): boolean {
  return f.kind === FdKind.IPV4_SOCK && f.sock[V4_L4] === L4.TCP;
}

function isUdp(f: Fd): boolean {
  return f.kind === FdKind.IPV4_SOCK && f.sock[V4_L4] === L4.UDP;
}

function swapV4(s: Uint8Array): void {
  const sip = u32(s, V4_SIP);
  const sport = u16(s, V4_SPORT);
  put32(s, V4_SIP, u32(s, V4_DIP));
  put16(s, V4_SPORT, u16(s, V4_DPORT));
  put32(s, V4_DIP, sip);
  put16(s, V4_DPORT, sport);
}

/** swap_addresses: ipv4 sockets swap the ipv4 member, anything else the ipv6 member. */
function swapAddresses(f: Fd): void {
  const s = f.sock;
  if (f.kind === FdKind.IPV4_SOCK) {
    swapV4(s);
    return;
  }
  const sip = s.slice(V6_SIP, V6_SIP + 16);
  const sport = u16(s, V6_SPORT);
  s.copyWithin(V6_SIP, V6_DIP, V6_DIP + 16);
  put16(s, V6_SPORT, u16(s, V6_DPORT));
  s.set(sip, V6_DIP);
  put16(s, V6_DPORT, sport);
}

/** Both addresses of an ipv6 socktuple are ipv4-mapped. */
function mappedPair(a: Uint8Array, o: number, l: number): boolean {
  return l >= 35 && isV4Mapped(a, o + 1) && isV4Mapped(a, o + 19);
}

function rd16(a: Uint8Array, o: number, end: number): number {
  return o + 2 <= end ? u16(a, o) : 0;
}

function rd32(a: Uint8Array, o: number, end: number): number {
  return o + 4 <= end ? u32(a, o) : 0;
}

/** update_ipv4_addresses_and_ports with an ipv4 socktuple (family, sip, sport, dip, dport). */
function setIpv4(f: Fd, a: Uint8Array, o: number, l: number): boolean {
  const end = o + l;
  return updateIpv4(f, rd32(a, o + 1, end), rd16(a, o + 5, end), rd32(a, o + 7, end), rd16(a, o + 11, end));
}

function setIpv4Mapped(f: Fd, a: Uint8Array, o: number, l: number): boolean {
  const end = o + l;
  return updateIpv4(
    f,
    rd32(a, o + 13, end),
    rd16(a, o + 17, end),
    rd32(a, o + 31, end),
    rd16(a, o + 35, end),
  );
}

function updateIpv4(f: Fd, sip: number, sport: number, dip: number, dport: number): boolean {
  const s = f.sock;
  const cs = u32(s, V4_SIP);
  const cd = u32(s, V4_DIP);
  const csp = u16(s, V4_SPORT);
  const cdp = u16(s, V4_DPORT);
  if (f.kind === FdKind.IPV4_SOCK) {
    if (
      (sip === cs && sport === csp && dip === cd && dport === cdp) ||
      (dip === cs && dport === csp && sip === cd && sport === cdp)
    ) {
      return false;
    }
  }
  let changed = false;
  if (cs !== sip) {
    put32(s, V4_SIP, sip);
    changed = true;
  }
  if (csp !== sport) {
    put16(s, V4_SPORT, sport);
    changed = true;
  }
  if (u32(s, V4_DIP) === 0) {
    put32(s, V4_DIP, dip);
    changed = true;
  }
  if (u16(s, V4_DPORT) === 0) {
    put16(s, V4_DPORT, dport);
    changed = true;
  }
  return changed;
}

function setIpv6(f: Fd, a: Uint8Array, o: number, l: number): boolean {
  if (l < 37) {
    // A short tuple: libsinsp would read past it; take what is there, zeros for the rest.
    const b = new Uint8Array(37);
    b.set(a.subarray(o, o + l));
    return setIpv6(f, b, 0, 37);
  }
  const s = f.sock;
  const sport = u16(a, o + 17);
  const dport = u16(a, o + 35);
  if (f.kind === FdKind.IPV6_SOCK) {
    const same =
      sameBytes(a, o + 1, s, V6_SIP, 16) &&
      sport === u16(s, V6_SPORT) &&
      sameBytes(a, o + 19, s, V6_DIP, 16) &&
      dport === u16(s, V6_DPORT);
    const swapped =
      sameBytes(a, o + 19, s, V6_SIP, 16) &&
      dport === u16(s, V6_SPORT) &&
      sameBytes(a, o + 1, s, V6_DIP, 16) &&
      sport === u16(s, V6_DPORT);
    if (same || swapped) return false;
  }
  let changed = false;
  if (!sameBytes(a, o + 1, s, V6_SIP, 16)) {
    s.set(a.subarray(o + 1, o + 17), V6_SIP);
    changed = true;
  }
  if (u16(s, V6_SPORT) !== sport) {
    put16(s, V6_SPORT, sport);
    changed = true;
  }
  if (isZero(s, V6_DIP, 16)) {
    s.set(a.subarray(o + 19, o + 35), V6_DIP);
    changed = true;
  }
  if (u16(s, V6_DPORT) === 0) {
    put16(s, V6_DPORT, dport);
    changed = true;
  }
  return changed;
}

/** set_unix_info: the two kernel pointers after the family byte. */
function setUnixInfo(f: Fd, a: Uint8Array, o: number, l: number): void {
  const b = new Uint8Array(16);
  b.set(a.subarray(o + 1, Math.min(o + l, o + 17)));
  put64(f.sock, UX_SOURCE, u64(b, 0));
  put64(f.sock, UX_DEST, u64(b, 8));
}

/** The syslog decoder's CT_TUPLE_CHANGE: an fd renamed by a datagram tuple gains or loses it. */
function syslogTupleChange(f: Fd): void {
  if (isSyslogName(f.name)) f.flags |= FDF.SYSLOG;
  else f.flags &= ~FDF.SYSLOG;
}
