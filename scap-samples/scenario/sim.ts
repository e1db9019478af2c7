// A small host simulator for scenario scripts: processes, threads, fd tables and per-thread
// clocks. Scripts say what each thread does ("read fd 9, got these bytes"); the simulator encodes
// every parameter by the event table's layout, keeps fd numbers consistent, and at the end adds
// the scheduler's `switch` events and periodic `procinfo` events per CPU, in time order.

import { FdKind, type CaptureHeader, type FdEntry, type ProcEntry } from '../../core/capture.js';
import { COMPAT_EVENT_MAX, EVENTS, PPME } from '../../core/schema/index.js';
import { encodeParam, ipv4Bytes, type ParamValue, type RawEvent } from '../../core/scapwrite/index.js';
import { Rng } from './rng.js';

export type Vals = Record<string, ParamValue>;

/** PPM_CL_* bits libscap sets on threads found in /proc that share their process's fd table. */
const PPM_CL_CLONE_FILES = 1 << 0;
const PPM_CL_CLONE_THREAD = 1 << 13;

export interface ProcSpec {
  pid: number;
  ppid: number;
  comm: string;
  exe: string;
  exepath: string;
  args: string[];
  cwd: string;
  uid: number;
  gid: number;
  env?: string[];
  vmsizeKb: number;
  vmrssKb: number;
  loginuid?: number;
  sid?: number;
  vpgid?: number;
  fdlimit?: number;
  cgroups?: string[];
}

export class Proc {
  readonly fds = new Map<number, FdEntry>();
  /** fds with FD_CLOEXEC that are not files (files carry O_CLOEXEC in their open flags). */
  readonly cloexec = new Set<number>();
  readonly threads: Thread[] = [];
  pgftMaj = 0;
  pgftMin = 0;
  exited = false;

  constructor(public spec: ProcSpec) {}

  get pid(): number {
    return this.spec.pid;
  }

  /** Latest close time per fd number. Scripts are written activity by activity, not in time
   *  order, so an fd closed "later in the script" may still be open at an earlier time. */
  private readonly freedAt = new Map<number, bigint>();

  /** Lowest fd number free at time `t` and not reused by any later-timed close. */
  allocFd(t: bigint): number {
    let fd = 0;
    while (this.fds.has(fd) || (this.freedAt.get(fd) ?? -1n) > t) fd++;
    return fd;
  }

  /** The fd is closed at time `t`. */
  release(fd: number, t: bigint): void {
    this.fds.delete(fd);
    this.cloexec.delete(fd);
    const prev = this.freedAt.get(fd);
    if (prev === undefined || t > prev) this.freedAt.set(fd, t);
  }

  setFd(fd: number, e: Omit<FdEntry, 'fd' | 'ino' | 'openFlags' | 'dev'> & Partial<FdEntry>): FdEntry {
    const entry: FdEntry = { ino: 0n, openFlags: 0, dev: 0, ...e, fd };
    this.fds.set(fd, entry);
    return entry;
  }
}

export class Thread {
  /** Nanoseconds since the epoch: this thread's own clock. */
  t: bigint;
  cpuUsr = 0;
  cpuSys = 0;

  constructor(
    readonly sim: Sim,
    readonly tid: number,
    public proc: Proc,
    public cpu: number,
    start: bigint,
  ) {
    this.t = start;
  }

  /** Let time pass on this thread (sleeping, or computing in user space). */
  wait(ns: bigint | number): this {
    this.t += BigInt(ns);
    return this;
  }

  /** Moves the clock forward to `t` if it is behind (a wake-up by another thread). */
  until(t: bigint): this {
    if (this.t < t) this.t = t;
    return this;
  }

  enter(name: string, vals: Vals = {}): this {
    this.sim.emit(this, this.sim.code(name, '>'), vals);
    return this;
  }

  /** An exit event, then the few hundred ns user space needs before the next call. */
  exit(name: string, vals: Vals = {}): this {
    this.sim.emit(this, this.sim.code(name, '<'), vals);
    this.t += this.sim.rng.ns(400, 2500);
    return this;
  }

  /** An enter/exit pair `dur` ns apart, then a short user-space gap. */
  call(name: string, enterVals: Vals, exitVals: Vals, dur?: bigint | number): this {
    const rng = this.sim.rng;
    this.enter(name, enterVals);
    this.t += dur === undefined ? rng.ns(900, 9000) : BigInt(dur);
    this.exit(name, exitVals);
    this.t += rng.ns(1500, 14000);
    return this;
  }
}

interface Pending extends RawEvent {
  seq: number;
}

/** Event names → the code pair used for them (the 0.29.3-era versions). */
const CODES: Record<string, number> = {
  open: PPME.SYSCALL_OPEN_E,
  close: PPME.SYSCALL_CLOSE_E,
  read: PPME.SYSCALL_READ_E,
  write: PPME.SYSCALL_WRITE_E,
  socket: PPME.SOCKET_SOCKET_E,
  bind: PPME.SOCKET_BIND_E,
  connect: PPME.SOCKET_CONNECT_E,
  listen: PPME.SOCKET_LISTEN_E,
  sendto: PPME.SOCKET_SENDTO_E,
  recvfrom: PPME.SOCKET_RECVFROM_E,
  shutdown: PPME.SOCKET_SHUTDOWN_E,
  setsockopt: PPME.SOCKET_SETSOCKOPT_E,
  accept: PPME.SOCKET_ACCEPT_5_E,
  accept4: PPME.SOCKET_ACCEPT4_5_E,
  pipe: PPME.SYSCALL_PIPE_E,
  futex: PPME.SYSCALL_FUTEX_E,
  stat: PPME.SYSCALL_STAT_E,
  lstat: PPME.SYSCALL_LSTAT_E,
  fstat: PPME.SYSCALL_FSTAT_E,
  epoll_wait: PPME.SYSCALL_EPOLLWAIT_E,
  poll: PPME.SYSCALL_POLL_E,
  lseek: PPME.SYSCALL_LSEEK_E,
  openat: PPME.SYSCALL_OPENAT_2_E,
  writev: PPME.SYSCALL_WRITEV_E,
  readv: PPME.SYSCALL_READV_E,
  pread: PPME.SYSCALL_PREAD_E,
  pwrite: PPME.SYSCALL_PWRITE_E,
  dup: PPME.SYSCALL_DUP_E,
  fcntl: PPME.SYSCALL_FCNTL_E,
  mmap: PPME.SYSCALL_MMAP_E,
  munmap: PPME.SYSCALL_MUNMAP_E,
  mprotect: PPME.SYSCALL_MPROTECT_E,
  brk: PPME.SYSCALL_BRK_4_E,
  clone: PPME.SYSCALL_CLONE_20_E,
  execve: PPME.SYSCALL_EXECVE_19_E,
  nanosleep: PPME.SYSCALL_NANOSLEEP_E,
  getdents64: PPME.SYSCALL_GETDENTS64_E,
  access: PPME.SYSCALL_ACCESS_E,
  getuid: PPME.SYSCALL_GETUID_E,
  geteuid: PPME.SYSCALL_GETEUID_E,
  kill: PPME.SYSCALL_KILL_E,
  chdir: PPME.SYSCALL_CHDIR_E,
  rename: PPME.SYSCALL_RENAME_E,
  unlink: PPME.SYSCALL_UNLINK_2_E,
  chmod: PPME.SYSCALL_CHMOD_E,
  sendfile: PPME.SYSCALL_SENDFILE_E,
  prlimit: PPME.SYSCALL_PRLIMIT_E,
  syscall: PPME.GENERIC_E,
  procexit: PPME.PROCEXIT_1_E,
  switch: PPME.SCHEDSWITCH_6_E,
  procinfo: PPME.PROCINFO_E,
  signaldeliver: PPME.SIGNALDELIVER_E,
};

export interface SimOptions {
  seed: number;
  start: bigint;
  numCpus: number;
  /** procinfo period per CPU (ns). */
  procinfoEvery: bigint;
}

export class Sim {
  readonly rng: Rng;
  readonly procs = new Map<number, Proc>();
  readonly threads = new Map<number, Thread>();
  private pending: Pending[] = [];
  private seq = 0;
  private header: CaptureHeader | null = null;

  constructor(readonly opts: SimOptions) {
    this.rng = new Rng(opts.seed);
  }

  code(name: string, dir: '>' | '<'): number {
    const e = CODES[name];
    if (e === undefined) throw new Error(`no event code for ${name}`);
    return dir === '>' ? e : e + 1;
  }

  /** OR of flag names from the flag table of `name`'s parameter `param`. */
  flags(name: string, dir: '>' | '<', param: string, names: readonly string[]): number {
    const info = EVENTS[this.code(name, dir)]?.params.find((p) => p.name === param);
    if (!info?.flags) throw new Error(`${name}.${param} has no flag table`);
    let v = 0;
    for (const n of names) {
      const f = info.flags.find((x) => x.name === n);
      if (!f) throw new Error(`${name}.${param}: unknown flag ${n}`);
      v |= f.value;
    }
    return v >>> 0;
  }

  addProc(spec: ProcSpec): Proc {
    const p = new Proc(spec);
    this.procs.set(spec.pid, p);
    return p;
  }

  addThread(proc: Proc, tid: number, cpu: number, start = this.opts.start): Thread {
    const th = new Thread(this, tid, proc, cpu, start);
    proc.threads.push(th);
    this.threads.set(tid, th);
    return th;
  }

  /** Encodes `vals` in the table's parameter order; every table parameter must be given. */
  emit(th: Thread, code: number, vals: Vals): void {
    if (code >= COMPAT_EVENT_MAX) throw new Error(`event ${code} is newer than sysdig 0.29.3`);
    const info = EVENTS[code];
    if (!info) throw new Error(`unknown event code ${code}`);
    const names = new Set(Object.keys(vals));
    const params = info.params.map((p) => {
      if (!(p.name in vals)) throw new Error(`${info.name} ${info.dir}: missing parameter ${p.name}`);
      names.delete(p.name);
      return encodeParam(p, vals[p.name] ?? null);
    });
    if (names.size > 0)
      throw new Error(`${info.name} ${info.dir}: unknown parameters ${[...names].join(', ')}`);
    if (th.t < this.opts.start) throw new Error('event before the capture start');
    this.pending.push({ type: code, ts: th.t, tid: BigInt(th.tid), cpu: th.cpu, params, seq: this.seq++ });
  }

  /** The metadata blocks as they are now (call once the pre-existing host is set up). */
  snapshotHeader(hostname: string, extra: Pick<CaptureHeader, 'interfaces' | 'users' | 'groups'>): void {
    const procs: ProcEntry[] = [];
    const fdlists: CaptureHeader['fdlists'] = [];
    for (const p of this.procs.values()) {
      for (const th of p.threads) {
        const s = p.spec;
        const main = th.tid === s.pid;
        procs.push({
          tid: th.tid,
          pid: s.pid,
          ptid: main ? s.ppid : s.pid,
          sid: s.sid ?? s.pid,
          vpgid: s.vpgid ?? s.pid,
          comm: s.comm,
          exe: s.exe,
          exepath: s.exepath,
          args: s.args,
          cwd: s.cwd,
          fdlimit: s.fdlimit ?? 1024,
          flags: main ? 0 : PPM_CL_CLONE_THREAD | PPM_CL_CLONE_FILES,
          uid: s.uid,
          gid: s.gid,
          vmsizeKb: s.vmsizeKb,
          vmrssKb: s.vmrssKb,
          vmswapKb: 0,
          pfmajor: p.pgftMaj,
          pfminor: p.pgftMin,
          env: s.env ?? [],
          vtid: th.tid,
          vpid: s.pid,
          cgroups: s.cgroups ?? [],
          root: '/',
          loginuid: s.loginuid ?? 0xffffffff,
        });
        // /proc scans read fds once per process; the other threads share the table.
        fdlists.push({ tid: th.tid, fds: main ? [...p.fds.values()].map((f) => ({ ...f })) : [] });
      }
    }
    this.header = {
      major: 1,
      minor: 2,
      machine: {
        numCpus: this.opts.numCpus,
        memorySizeBytes: 8n * 1024n * 1024n * 1024n,
        maxPid: 0n,
        hostname,
        bootTsEpoch: 0n,
        flags: 0n,
      },
      procs,
      fdlists,
      ...extra,
      blocks: [],
    };
  }

  /**
   * All events in time order with the scheduler's view added: a `switch` on a CPU whenever the
   * next event there belongs to another thread, and a `procinfo` for the running thread every
   * `procinfoEvery` ns.
   */
  finish(): { header: CaptureHeader; events: RawEvent[] } {
    if (!this.header) throw new Error('snapshotHeader was not called');
    const evs = [...this.pending].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
    const out: RawEvent[] = [];
    const running = new Map<number, number>();
    const lastTs = new Map<number, bigint>();
    const nextTick = new Map<number, bigint>();
    const sw = this.code('switch', '>');
    const pi = this.code('procinfo', '>');
    const pexit = this.code('procexit', '>');
    const rng = new Rng(this.opts.seed ^ 0x5eed);
    const synth = (ts: bigint, tid: number, cpu: number, type: number, vals: Vals): RawEvent => {
      const info = EVENTS[type];
      if (!info) throw new Error(`unknown event ${type}`);
      return {
        ts,
        tid: BigInt(tid),
        cpu,
        type,
        params: info.params.map((p) => encodeParam(p, vals[p.name] ?? 0)),
      };
    };
    for (const ev of evs) {
      const cpu = ev.cpu;
      const tid = Number(ev.tid);
      const prev = running.get(cpu);
      let tick = nextTick.get(cpu) ?? this.opts.start + this.opts.procinfoEvery;
      while (prev !== undefined && tick <= ev.ts) {
        const th = this.threads.get(prev);
        if (th) {
          th.cpuUsr += rng.int(1, 6);
          th.cpuSys += rng.int(0, 3);
          out.push(synth(tick, prev, cpu, pi, { cpu_usr: th.cpuUsr, cpu_sys: th.cpuSys }));
          lastTs.set(cpu, tick);
        }
        tick += this.opts.procinfoEvery;
      }
      nextTick.set(cpu, tick);
      if (prev !== undefined && prev !== tid) {
        const th = this.threads.get(prev);
        const p = th?.proc;
        const floor = (lastTs.get(cpu) ?? 0n) + 1n;
        let ts = ev.ts - rng.ns(400, 2500);
        if (ts < floor) ts = floor;
        if (ts > ev.ts) ts = ev.ts;
        if (p) p.pgftMin += rng.int(0, 3);
        out.push(
          synth(ts, prev, cpu, sw, {
            next: tid,
            pgft_maj: p?.pgftMaj ?? 0,
            pgft_min: p?.pgftMin ?? 0,
            vm_size: p?.spec.vmsizeKb ?? 0,
            vm_rss: p?.spec.vmrssKb ?? 0,
            vm_swap: 0,
          }),
        );
      }
      lastTs.set(cpu, ev.ts);
      out.push(ev);
      // A thread that exits leaves its CPU idle: no switch or procinfo is charged to it later.
      if (ev.type === pexit) running.delete(cpu);
      else running.set(cpu, tid);
    }
    // Stable order by time; per CPU this is the order the CPU produced them.
    const withIdx = out.map((e, i) => ({ e, i }));
    withIdx.sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : a.i - b.i));
    return { header: this.header, events: withIdx.map((x) => x.e) };
  }
}

/** FdEntry helpers for the pre-existing fd tables. */
export const fdFile = (name: string, openFlags = 1, ino = 0n): Omit<FdEntry, 'fd'> => ({
  kind: FdKind.FILE_V2,
  name,
  openFlags,
  ino,
  dev: 0xfd00,
});

export const fdServ = (ip: string, port: number): Omit<FdEntry, 'fd'> => ({
  kind: FdKind.IPV4_SERVSOCK,
  name: '',
  openFlags: 0,
  ino: 0n,
  dev: 0,
  sip: ipv4Bytes(ip),
  sport: port,
  l4proto: 2,
});

export const fdNamed = (kind: FdKind, name: string): Omit<FdEntry, 'fd'> => ({
  kind,
  name,
  openFlags: 0,
  ino: 0n,
  dev: 0,
});
