// One thread-table entry, shaped like libsinsp's sinsp_threadinfo. Besides the contract fields it
// carries the per-thread parser state libsinsp keeps: the last enter event (type, fd, timestamp,
// a copy of its parameters for the calls whose exit needs them) and the child-thread count that
// decides when an exited main thread may leave the table.

import type { ThreadInfo } from './types.js';
import { CL } from './codes.js';
import type { Fd } from './fd.js';

/** A stored copy of an enter event's parameters (libsinsp's m_lastevent_data). */
// Shared empty starting arrays: store() replaces them before writing anything.
const NO_BYTES = new Uint8Array(0);
const NO_U32 = new Uint32Array(0);

export class EnterCopy {
  type = -1;
  n = 0;
  buf = NO_BYTES;
  off = NO_U32;
  len = NO_U32;

  /** Copy `n` params whose bytes are arena[off[base+k] .. +len[base+k]). */
  store(
    type: number,
    arena: Uint8Array,
    offs: Uint32Array,
    lens: Uint32Array,
    base: number,
    n: number,
  ): void {
    this.type = type;
    this.n = n;
    if (this.off.length < n) {
      this.off = new Uint32Array(Math.max(n, 8));
      this.len = new Uint32Array(Math.max(n, 8));
    }
    let total = 0;
    for (let k = 0; k < n; k++) total += lens[base + k]!;
    // 64 bytes to start: V8 keeps typed arrays up to that size on its heap; a larger one takes an
    // off-heap allocation, which at one per new thread was a visible share of clone's cost.
    if (this.buf.length < total) this.buf = new Uint8Array(Math.max(total, 64, this.buf.length * 2));
    let pos = 0;
    const buf = this.buf;
    for (let k = 0; k < n; k++) {
      const o = offs[base + k]!;
      const l = lens[base + k]!;
      // Short parameters by hand: a subarray view per parameter would be garbage per event.
      if (l <= 64) for (let j = 0; j < l; j++) buf[pos + j] = arena[o + j]!;
      else buf.set(arena.subarray(o, o + l), pos);
      this.off[k] = pos;
      this.len[k] = l;
      pos += l;
    }
  }
}

/** A thread's tracer-parser buffer: m_storage[0, fragSize) and m_fullfragment_storage_str. */
export interface TracerState {
  storage: Uint8Array;
  fragSize: number;
  full: Uint8Array;
}

/** Resolves a pid to its main thread; the tracker supplies it (lookups may create entries). */
export interface ThreadLookup {
  /** get_thread_ref(tid, query_os=true): find, or add a placeholder entry. */
  mainThreadOf(t: Thread): Thread | undefined;
  /** Plain table lookup, no side effects. */
  find(tid: number): Thread | undefined;
}

export class Thread implements ThreadInfo {
  tid = 0;
  // sinsp_threadinfo::init() defaults.
  pid = -1;
  ptid = 0;
  sid = -1;
  vpgid = -1;
  comm = '';
  exe = '';
  exepath = '';
  args: string[] = [];
  /** This entry's own m_env; the effective environment is the main thread's (see `env`). */
  ownEnv: string[] = [];
  /** This entry's own m_cwd; the effective cwd is the main thread's (see `cwd`). */
  ownCwd = '';
  cgroups: string[] = [];
  root = '';
  uid = 0;
  gid = 0;
  loginuid = 0;
  vtid = -1;
  vpid = -1;
  fdlimit = -1;
  flags = CL.NAME_CHANGED;
  vmsizeKb = 0;
  vmrssKb = 0;
  vmswapKb = 0;
  pfmajor = 0;
  pfminor = 0;
  tty = 0;
  /** m_exe_writable: the executable was writable by the process (execve flags, process list). */
  exeWritable = false;
  /** The byte sysdig 0.29.3 stored in its bool m_exe_writable from a process-list entry (it
   *  prints "true" for any non-zero byte but compares the byte's value), when that mode is on. */
  exeWritableRaw: number | undefined = undefined;
  containerId = '';
  cloneTs = 0n;
  /** This entry's own fd table; threads with CLONE_FILES use their main thread's (see `fds`). */
  ownFds = new Map<number, Fd>();

  /** sinsp_tracerparser's buffered fragment for writes to /dev/null (null: none yet). */
  tracer: TracerState | null = null;

  // Parser state (libsinsp: m_nchilds, m_lastevent_*, m_last_latency_entertime, m_latency).
  nchilds = 0;
  lastEventFd = 0;
  lastEventType = -1;
  /** m_lastevent_data: null when released after an exit event. */
  lastEnter: EnterCopy | null = null;
  /** Spare buffer reused for the next stored enter event. */
  spareEnter: EnterCopy | null = null;
  lastEnterValid = false;
  /** m_last_latency_entertime as two u32 halves (no BigInt on the hot path); 0/0 = none. */
  enterHi = 0;
  enterLo = 0;
  /** m_latency in ns. */
  latencyNs = 0;
  /** See ThreadInfo.indexEntity (a field here, so that the index build's lookup is a field read). */
  indexEntity = 0;

  constructor(private readonly lookup: ThreadLookup) {}

  /** The timestamp of this thread's last enter event (0n before any). */
  get lastLatencyEnterTs(): bigint {
    return (BigInt(this.enterHi) << 32n) | BigInt(this.enterLo);
  }

  /** evt.latency: ns between the last enter event and the last exit event (libsinsp m_latency). */
  get latency(): bigint {
    return BigInt.asUintN(64, BigInt(this.latencyNs));
  }

  isMainThread(): boolean {
    return this.tid === this.pid || (this.flags & CL.IS_MAIN_THREAD) !== 0;
  }

  /** get_main_thread(): may add a placeholder for a missing main thread, as libsinsp does. */
  mainThread(): Thread | undefined {
    if (this.isMainThread()) return this;
    return this.lookup.mainThreadOf(this);
  }

  /** get_fd_table(). */
  fdTable(): Map<number, Fd> | undefined {
    if ((this.flags & CL.CLONE_FILES) === 0) return this.ownFds;
    return this.mainThread()?.ownFds;
  }

  /** get_fd(): also makes the fd's current name its old name (fd.name_changed compares them). */
  getFd(fd: number): Fd | undefined {
    if (fd < 0) return undefined;
    const f = this.fdTable()?.get(fd);
    if (f !== undefined) f.oldName = f.name;
    return f;
  }

  /** get_cwd(): the main thread's cwd. */
  getCwd(): string {
    const m = this.mainThread();
    return m ? m.ownCwd : './';
  }

  // Contract views, side-effect free: readers see what sysdig's fields see.
  get cwd(): string {
    if (this.isMainThread()) return this.ownCwd;
    const m = this.lookup.find(this.pid);
    return m ? m.ownCwd : '';
  }

  /** get_env(): the main thread's environment (proc.env). */
  get env(): string[] {
    if (this.isMainThread()) return this.ownEnv;
    const m = this.lookup.find(this.pid);
    return m ? m.ownEnv : this.ownEnv;
  }

  set env(v: string[]) {
    this.ownEnv = v;
  }

  get fds(): Map<number, Fd> {
    if ((this.flags & CL.CLONE_FILES) === 0 || this.isMainThread()) return this.ownFds;
    const m = this.lookup.find(this.pid);
    return m ? m.ownFds : this.ownFds;
  }
}
