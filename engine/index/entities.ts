// Entity tables of the index: every process, thread, fd name (files and connections), directory,
// server port, user, container, syscall, error code and fd type the capture mentions, with the
// attributes the views show. Entity id 0 is "none" in every table, so per-event columns can hold
// 0 for "no thread" / "no fd".
import { FdKind } from '../../core/capture.js';
import type { FdInfo, ThreadInfo } from '../../core/state/types.js';
import { ipToString } from '../../core/net/addr.js';
import type { EntityKind } from '../../core/views/types.js';
import { IoClass, ioClassOf } from '../../core/views/classify.js';
import { isLogFile } from '../../core/overview/tiles.js';

export interface ProcessRec {
  id: number;
  pid: number;
  ppid: number;
  vpid: number;
  name: string;
  exeline: string;
  user: number;
  container: number;
  /** Thread entities (each thread and name) of the process. */
  nthreads: number;
  vmsize: number;
  vmrss: number;
  pfmajor: number;
  pfminor: number;
  pname: string;
}

export interface ThreadRec {
  id: number;
  tid: number;
  vtid: number;
  proc: number;
  /** A snapshot of the thread (names, ids, cwd; no fd table, no environment) for re-rendering
   *  events. Not the tracker's live object: keeping those would keep every exited thread and its
   *  fd table alive. */
  info: ThreadInfo;
  name: string;
  exeline: string;
}

export interface FdRec {
  id: number;
  name: string;
  kind: FdKind;
  typeChar: string;
  ioClass: IoClass;
  info: FdInfo;
  l4proto: string;
  client: string;
  server: string;
  lip: string;
  lport: number | undefined;
  rip: string;
  rport: number | undefined;
  /** Server port entity (net fds), directory entity (files), fd type entity. */
  sport: number;
  dir: number;
  fdtype: number;
  /** First process seen using it (the flow's attribution), and how many used it. */
  proc: number;
  procs: Set<number>;
  first: number;
  last: number;
  /** The fd number it last had. */
  num: number;
  lastProc: number;
  /** What the overview marks ask of the name (FdName bits), decided once per entity. */
  nameFlags: number;
}

/** FdRec.nameFlags. */
export const enum FdName {
  /** A log file (isLogFile). */
  LOG_FILE = 1,
  /** Contains /dev/log. */
  DEV_LOG = 2,
  /** Contains /dev/. */
  DEV = 4,
}

function fdNameFlags(name: string): number {
  let n = 0;
  if (isLogFile(name)) n |= FdName.LOG_FILE;
  if (name.includes('/dev/log')) n |= FdName.DEV_LOG;
  if (name.includes('/dev/')) n |= FdName.DEV;
  return n;
}

export interface NamedRec {
  id: number;
  name: string;
  /** syscall: event code key; error: errno; sport: port; user: uid. */
  num: number;
  /** container: its processes, and how many thread entities. */
  procs?: Set<number>;
  nthreads?: number;
}

const CACHE_SIZE = 4096;
const CACHE_MASK = CACHE_SIZE - 1;

const L4_NAMES = ['<NA>', '<NA>', 'tcp', 'udp', 'icmp', 'raw'];

// Threads of one program share their command line: one string kept per distinct text.
const exelines = new Map<string, string>();
// The same thread's line is asked for again right away (new entity, then its process refresh).
let lastArgs: readonly string[] | undefined;
let lastExe = '';
let lastLine = '';
function exeline(t: ThreadInfo): string {
  if (!t.args.length) return t.exe;
  if (t.args === lastArgs && t.exe === lastExe) return lastLine;
  const s = t.exe + ' ' + t.args.join(' ');
  lastArgs = t.args;
  lastExe = t.exe;
  const k = exelines.get(s);
  if (k !== undefined) return (lastLine = k);
  if (exelines.size > 100_000) exelines.clear();
  exelines.set(s, s);
  return (lastLine = s);
}

// Snapshots carry no fd table, environment or cgroups: one shared empty instance of each (readers
// only look things up in them).
const NO_FDS: ThreadInfo['fds'] = new Map();
const NO_STRINGS: string[] = [];

/** fd.directory: the name up to its last slash (files); a directory fd is its own directory. */
export function directoryOf(name: string, kind: FdKind): string {
  if (kind === FdKind.DIRECTORY) return name;
  const pos = name.lastIndexOf('/');
  if (pos > 0) return pos < name.length - 1 ? name.slice(0, pos) : name;
  return '/';
}

/** A ThreadInfo copy without the fd table and environment (see ThreadRec.info). */
function snapshot(t: ThreadInfo): ThreadInfo {
  return {
    tid: t.tid,
    pid: t.pid,
    ptid: t.ptid,
    sid: t.sid,
    vpgid: t.vpgid,
    comm: t.comm,
    exe: t.exe,
    exepath: t.exepath,
    args: t.args,
    env: NO_STRINGS,
    cwd: t.cwd,
    cgroups: NO_STRINGS,
    root: t.root,
    uid: t.uid,
    gid: t.gid,
    loginuid: t.loginuid,
    vtid: t.vtid,
    vpid: t.vpid,
    fdlimit: t.fdlimit,
    flags: t.flags,
    vmsizeKb: t.vmsizeKb,
    vmrssKb: t.vmrssKb,
    vmswapKb: t.vmswapKb,
    pfmajor: t.pfmajor,
    pfminor: t.pfminor,
    containerId: t.containerId,
    cloneTs: t.cloneTs,
    fds: NO_FDS,
  };
}

/** Every row with all fields (one object shape: the container rows get procs and nthreads later,
 *  and rows of two shapes would make the per-event code that reads them polymorphic). */
function namedRec(id: number, name: string, num: number): NamedRec {
  return { id, name, num, procs: undefined, nthreads: undefined };
}

export class Named {
  readonly rows: NamedRec[] = [namedRec(0, '', 0)];
  private byKey = new Map<string | number, number>();

  /** A table from another thread's parts(). */
  static of(p: { rows: NamedRec[]; keys: Map<string | number, number> }): Named {
    const t = new Named();
    t.rows.length = 0;
    for (const r of p.rows) t.rows.push(r);
    t.byKey = p.keys;
    return t;
  }

  /** The rows and keys (structured-cloneable). */
  parts(): { rows: NamedRec[]; keys: Map<string | number, number> } {
    return { rows: this.rows, keys: this.byKey };
  }

  get(key: string | number, name: string, num = 0): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.rows.length;
      this.rows.push(namedRec(id, name, num));
      this.byKey.set(key, id);
    }
    return id;
  }
  find(key: string | number): number | undefined {
    return this.byKey.get(key);
  }
}

export class Entities {
  readonly processes: ProcessRec[] = [];
  readonly threadsTable: ThreadRec[] = [];
  readonly fds: FdRec[] = [];
  readonly directories = new Named();
  readonly sports = new Named();
  readonly users = new Named();
  readonly containers = new Named();
  /** container.name per container row (rows are keyed and named by container id). */
  containerNames: string[] = [];
  /** Filled by the index side (index-side.ts) and set at the end of the build. */
  syscalls = new Named();
  errors = new Named();
  readonly fdtypes = new Named();

  private readonly procByPid = new Map<number, number>();
  private readonly fdByKey = new Map<string, number>();
  private fdByName = new Map<string, number>();

  constructor(private readonly userName: (uid: number) => string | undefined) {
    // Id 0 of the object tables: "none".
    const noThread = { tid: -1, pid: -1 } as ThreadInfo;
    this.processes.push(this.newProcess(0, noThread));
    this.threadsTable.push({ id: 0, tid: -1, vtid: -1, proc: 0, info: noThread, name: '', exeline: '' });
    this.fds.push(
      this.newFd(0, { name: '', kind: FdKind.UNKNOWN, typeChar: 'o', l4proto: 0, openFlags: 0, fd: -1 }),
    );
  }

  private newProcess(id: number, t: ThreadInfo): ProcessRec {
    return {
      id,
      pid: t.pid,
      ppid: 0,
      vpid: 0,
      name: '',
      exeline: '',
      user: 0,
      container: 0,
      nthreads: 0,
      vmsize: 0,
      vmrss: 0,
      pfmajor: 0,
      pfminor: 0,
      pname: '',
    };
  }

  private newFd(id: number, f: FdInfo): FdRec {
    const ioClass = ioClassOf(f.kind);
    return {
      id,
      name: f.name,
      kind: f.kind,
      typeChar: f.typeChar,
      ioClass,
      // A copy: the tracker's Fd object changes later (a socket gets its name on connect).
      info: cloneFd(f),
      l4proto: '',
      client: '',
      server: '',
      lip: '',
      lport: undefined,
      rip: '',
      rport: undefined,
      sport: 0,
      dir: 0,
      fdtype: 0,
      proc: 0,
      procs: new Set(),
      first: 0,
      last: 0,
      num: f.fd,
      lastProc: -1,
      nameFlags: fdNameFlags(f.name),
    };
  }

  /** The thread entity of the tracker's thread object (one per thread lifetime). */
  thread(t: ThreadInfo): number {
    // One entity per thread and name: after an execve (or a rename) the thread's events belong to
    // its new name, as proc.name shows them at the time. The object's current entity is kept on
    // it (ThreadInfo.indexEntity): the tracker's objects belong to this build alone.
    const cached = t.indexEntity ?? 0;
    if (cached !== 0 && this.threadsTable[cached]!.name === t.comm) return cached;
    const id = this.threadsTable.length;
    const proc = this.process(t);
    this.threadsTable.push({
      id,
      tid: t.tid,
      vtid: t.vtid,
      proc,
      info: snapshot(t),
      name: t.comm,
      exeline: exeline(t),
    });
    t.indexEntity = id;
    const p = this.processes[proc]!;
    p.nthreads++;
    const c = this.containers.rows[p.container];
    if (c) {
      c.nthreads = (c.nthreads ?? 0) + 1;
      (c.procs ??= new Set()).add(proc);
    }
    return id;
  }

  private process(t: ThreadInfo): number {
    let id = this.procByPid.get(t.pid);
    if (id === undefined) {
      id = this.processes.length;
      const p = this.newProcess(id, t);
      this.processes.push(p);
      this.procByPid.set(t.pid, id);
    }
    return id;
  }

  /** Refreshes a process's attributes from one of its threads (names change on execve). `fresh`:
   *  thread() just made the entity, whose snapshot is still current. */
  refreshProcess(
    threadId: number,
    t: ThreadInfo,
    parentName: (ptid: number) => string | undefined,
    fresh = false,
  ): void {
    const tr = this.threadsTable[threadId]!;
    if (!fresh) tr.info = snapshot(t);
    const p = this.processes[tr.proc]!;
    if (t.tid === t.pid || p.name === '') {
      p.ppid = t.ptid;
      p.vpid = t.vpid;
      p.name = t.comm;
      p.exeline = exeline(t);
      p.pname = parentName(t.ptid) ?? '';
      p.user = this.users.get(t.uid, this.userName(t.uid) ?? String(t.uid), t.uid);
      const cid = t.containerId;
      p.container = this.containers.get(cid, cid === '' ? 'host' : cid);
    }
    tr.exeline = exeline(t);
    p.vmsize = Math.max(p.vmsize, t.vmsizeKb * 1024);
    p.vmrss = Math.max(p.vmrss, t.vmrssKb * 1024);
    p.pfmajor = Math.max(p.pfmajor, t.pfmajor);
    p.pfminor = Math.max(p.pfminor, t.pfminor);
  }

  /** The fd entity (by type and name) of an fd table entry; 0 for unnamed ones. */
  fd(f: FdInfo): number {
    // Consecutive events often use the same fd: skip the WeakMap then.
    if (f === this.lastFdObj && f.name === this.lastFdName && f.kind === this.lastFdKind)
      return this.lastFdId;
    const slot = (f.fd * 31 + f.name.length) & CACHE_MASK;
    let id: number;
    if (this.fCacheObj[slot] === f && this.fCacheName[slot] === f.name && this.fCacheKind[slot] === f.kind)
      id = this.fCacheId[slot]!;
    else {
      id = this.fdLookup(f);
      this.fCacheObj[slot] = f;
      this.fCacheName[slot] = f.name;
      this.fCacheKind[slot] = f.kind;
      this.fCacheId[slot] = id;
    }
    this.lastFdObj = f;
    this.lastFdName = f.name;
    this.lastFdKind = f.kind;
    this.lastFdId = id;
    return id;
  }

  // A direct-mapped cache of the tracker's fd objects (build time only).
  private fCacheObj: (FdInfo | undefined)[] = new Array<FdInfo | undefined>(CACHE_SIZE).fill(undefined);
  private readonly fCacheName: string[] = new Array<string>(CACHE_SIZE).fill('');
  private readonly fCacheKind = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly fCacheId = new Uint32Array(CACHE_SIZE);
  private lastFdObj: FdInfo | undefined;
  private lastFdName = '';
  private lastFdKind = FdKind.UNKNOWN;
  private lastFdId = 0;

  private fdLookup(f: FdInfo): number {
    // By name first (no key string to build, and a string's hash is computed once); the rare
    // name shared by fds of different types goes through the (type, name) map.
    const byName = this.fdByName.get(f.name);
    if (byName !== undefined && this.fds[byName]!.typeChar === f.typeChar) return byName;
    // Unnamed fds (a socket before connect, a pipe) get an entity too, so events keep their fd's
    // type; the views' fd.name!='' filters leave them out.
    const key = f.typeChar + '\u0000' + f.name;
    let id = this.fdByKey.get(key);
    if (id === undefined) {
      id = this.fds.length;
      const r = this.newFd(id, f);
      this.describeFd(r, f);
      this.fds.push(r);
      this.fdByKey.set(key, id);
      if (byName === undefined) this.fdByName.set(f.name, id);
    }
    return id;
  }

  private describeFd(r: FdRec, f: FdInfo): void {
    r.fdtype = this.fdtypes.get(f.typeChar, fdTypeName(f.kind));
    if (r.ioClass === IoClass.FILE || f.kind === FdKind.DIRECTORY) {
      const d = directoryOf(f.name, f.kind);
      r.dir = this.directories.get(d, d);
      return;
    }
    const sock = f.kind === FdKind.IPV4_SOCK || f.kind === FdKind.IPV6_SOCK;
    const serv = f.kind === FdKind.IPV4_SERVSOCK || f.kind === FdKind.IPV6_SERVSOCK;
    if (!sock && !serv) return;
    r.l4proto = L4_NAMES[f.l4proto] ?? '<NA>';
    const ip = (b: Uint8Array | undefined): string => (b === undefined ? '' : ipToString(b));
    let sport: number | undefined;
    if (sock) {
      r.client = `${ip(f.sip)}:${f.sport ?? ''}`;
      r.server = `${ip(f.dip)}:${f.dport ?? ''}`;
      sport = f.dport;
      // libsinsp asks the interface list which end is local; the socket's role says the same for
      // connected sockets: a server-side fd's local end is the server.
      const localIsServer = f.isServer === true;
      r.lip = localIsServer ? ip(f.dip) : ip(f.sip);
      r.lport = localIsServer ? f.dport : f.sport;
      r.rip = localIsServer ? ip(f.sip) : ip(f.dip);
      r.rport = localIsServer ? f.sport : f.dport;
    } else {
      r.server = `${ip(f.sip)}:${f.sport ?? ''}`;
      sport = f.sport;
      r.lip = ip(f.sip);
      r.lport = f.sport;
    }
    if (sport !== undefined) r.sport = this.sports.get(sport, String(sport), sport);
  }

  /** Drops the references to the tracker's objects kept for the fast paths (a Thread reaches the
   *  whole tracker: keeping one would keep every thread and fd table alive after indexing). */
  endBuild(containerName: (id: string) => string | undefined): void {
    // Names come from container events, which may follow the container's first process.
    this.containerNames = this.containers.rows.map((r) =>
      r.name === 'host' || r.name === '' ? r.name : (containerName(r.name) ?? r.name),
    );
    // The build-time caches go too (measured: they kept ~3 KB per thread alive after indexing).
    this.fdByName = new Map();
    this.lastFdObj = undefined;
    this.fCacheObj = [];
    this.fCacheName.fill('');
  }

  /** Records that `thread` used fd entity `fd` at `ts` (flow attribution, first/last seen). */
  touchFd(fd: number, thread: number, ts: number, num: number): void {
    const r = this.fds[fd]!;
    r.num = num;
    const proc = this.threadsTable[thread]!.proc;
    if (r.proc === 0) {
      r.proc = proc;
      r.first = ts;
    }
    if (ts < r.first) r.first = ts;
    if (ts > r.last) r.last = ts;
    if (proc !== r.lastProc) {
      r.procs.add(proc);
      r.lastProc = proc;
    }
  }

  count(kind: EntityKind): number {
    switch (kind) {
      case 'process':
        return this.processes.length;
      case 'thread':
        return this.threadsTable.length;
      case 'fd':
        return this.fds.length;
      default:
        return this.named(kind).rows.length;
    }
  }

  named(kind: Exclude<EntityKind, 'process' | 'thread' | 'fd'>): Named {
    return {
      directory: this.directories,
      sport: this.sports,
      user: this.users,
      container: this.containers,
      syscall: this.syscalls,
      error: this.errors,
      fdtype: this.fdtypes,
    }[kind];
  }
}

const FD_TYPE_NAMES: Record<number, string> = {
  [FdKind.FILE]: 'file',
  [FdKind.FILE_V2]: 'file',
  [FdKind.DIRECTORY]: 'directory',
  [FdKind.IPV4_SOCK]: 'ipv4',
  [FdKind.IPV6_SOCK]: 'ipv6',
  [FdKind.IPV4_SERVSOCK]: 'ipv4',
  [FdKind.IPV6_SERVSOCK]: 'ipv6',
  [FdKind.FIFO]: 'pipe',
  [FdKind.UNIX_SOCK]: 'unix',
  [FdKind.EVENT]: 'event',
  [FdKind.SIGNALFD]: 'signalfd',
  [FdKind.EVENTPOLL]: 'eventpoll',
  [FdKind.INOTIFY]: 'inotify',
  [FdKind.TIMERFD]: 'timerfd',
  [FdKind.NETLINK]: 'netlink',
  [FdKind.BPF]: 'bpf',
  [FdKind.USERFAULTFD]: 'userfaultfd',
  [FdKind.IOURING]: 'io_uring',
  [FdKind.MEMFD]: 'memfd',
  [FdKind.PIDFD]: 'pidfd',
};

export function fdTypeName(k: FdKind): string {
  return FD_TYPE_NAMES[k] ?? '<NA>';
}

/** The tracker's Fd objects can clone themselves (getters included); plain FdInfo is copied. */
function cloneFd(f: FdInfo): FdInfo {
  const c = (f as unknown as { clone?: () => FdInfo }).clone;
  return typeof c === 'function' ? c.call(f) : { ...f };
}
