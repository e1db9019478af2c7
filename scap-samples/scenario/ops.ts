// Syscall-level building blocks shared by scenarios: each helper emits the enter/exit events a
// real program would produce and keeps the simulated fd tables in step.

import { FdKind } from '../../core/capture.js';
import { ipv4Bytes, type SockTuple } from '../../core/scapwrite/index.js';
import type { Proc, ProcSpec, Thread } from './sim.js';

/** Bytes of data the capture keeps per I/O event (as if recorded with `sysdig -s 512`). */
export const SNAPLEN = 512;
/** openat's AT_FDCWD as the driver reports it. */
export const AT_FDCWD = -100;

const enc = new TextEncoder();

export function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? enc.encode(data) : data;
}

export function snap(data: Uint8Array): Uint8Array {
  return data.length > SNAPLEN ? data.subarray(0, SNAPLEN) : data;
}

export interface Conn {
  /** Source (the side that connected) and destination of the TCP connection. */
  sip: string;
  sport: number;
  dip: string;
  dport: number;
}

export const tuple = (c: Conn): SockTuple => ({
  family: 'inet',
  sip: c.sip,
  sport: c.sport,
  dip: c.dip,
  dport: c.dport,
});

export function sockFd(p: Proc, fd: number, c: Conn): void {
  p.setFd(fd, {
    kind: FdKind.IPV4_SOCK,
    name: '',
    sip: ipv4Bytes(c.sip),
    dip: ipv4Bytes(c.dip),
    sport: c.sport,
    dport: c.dport,
    l4proto: 2,
  });
}

export function read(th: Thread, fd: number, size: number, data: string | Uint8Array, dur?: number): number {
  const b = bytesOf(data);
  th.call('read', { fd, size }, { res: b.length, data: snap(b) }, dur);
  return b.length;
}

export function readErr(th: Thread, fd: number, size: number, errno: number, dur?: number): void {
  th.call('read', { fd, size }, { res: -errno, data: null }, dur);
}

export function write(th: Thread, fd: number, data: string | Uint8Array, dur?: number): number {
  const b = bytesOf(data);
  th.call('write', { fd, size: b.length }, { res: b.length, data: snap(b) }, dur);
  return b.length;
}

export function writev(th: Thread, fd: number, data: string | Uint8Array): number {
  const b = bytesOf(data);
  th.call('writev', { fd, size: b.length }, { res: b.length, data: snap(b) });
  return b.length;
}

export function sendto(th: Thread, fd: number, data: Uint8Array): void {
  th.call('sendto', { fd, size: data.length, tuple: null }, { res: data.length, data: snap(data) });
}

export function recvfrom(th: Thread, fd: number, size: number, data: Uint8Array, dur?: number): void {
  th.call('recvfrom', { fd, size }, { res: data.length, data: snap(data), tuple: null }, dur);
}

export function close(th: Thread, fd: number, res = 0): void {
  th.call('close', { fd }, { res });
  th.proc.release(fd, th.t);
}

/** openat(AT_FDCWD, path, flags, mode) → the new fd (or -errno, no fd). */
export function openat(th: Thread, path: string, flagNames: string[], mode = 0, errno = 0): number {
  const sim = th.sim;
  const flags = sim.flags('openat', '<', 'flags', flagNames);
  const fd = errno ? -errno : th.proc.allocFd(th.t);
  th.call(
    'openat',
    { dirfd: AT_FDCWD, name: path, flags, mode },
    { fd, dirfd: AT_FDCWD, name: path, flags, mode, dev: errno ? 0 : 0xfd00 },
  );
  if (!errno) th.proc.setFd(fd, { kind: FdKind.FILE_V2, name: path, openFlags: flags, dev: 0xfd00 });
  return fd;
}

/** The older open(2) event (used by programs calling open directly). */
export function open(th: Thread, path: string, flagNames: string[], mode = 0): number {
  const flags = th.sim.flags('open', '<', 'flags', flagNames);
  const fd = th.proc.allocFd(th.t);
  th.call('open', { name: path, flags, mode }, { fd, name: path, flags, mode, dev: 0xfd00 });
  th.proc.setFd(fd, { kind: FdKind.FILE_V2, name: path, openFlags: flags, dev: 0xfd00 });
  return fd;
}

export function fstat(th: Thread, fd: number): void {
  th.call('fstat', { fd }, { res: 0 });
}

export function stat(th: Thread, path: string, errno = 0): void {
  th.call('stat', {}, { res: -errno, path });
}

/** Reads a whole small file: open, fstat, read, read → 0, close. */
export function slurp(th: Thread, path: string, content: string, via: 'open' | 'openat' = 'openat'): void {
  const fd = via === 'open' ? open(th, path, ['O_RDONLY']) : openat(th, path, ['O_RDONLY', 'O_CLOEXEC']);
  fstat(th, fd);
  read(th, fd, 4096, content);
  read(th, fd, 4096, '');
  close(th, fd);
}

export function futexWait(th: Thread, addr: bigint, sleep: bigint | number, res = 0): void {
  const op = th.sim.flags('futex', '>', 'op', ['FUTEX_WAIT', 'FUTEX_PRIVATE_FLAG']);
  th.call('futex', { addr, op, val: 0 }, { res }, sleep);
}

export function futexWake(th: Thread, addr: bigint, woken = 1): void {
  const op = th.sim.flags('futex', '>', 'op', ['FUTEX_WAKE', 'FUTEX_PRIVATE_FLAG']);
  th.call('futex', { addr, op, val: 1 }, { res: woken });
}

export function nanosleep(th: Thread, ns: bigint): void {
  th.call('nanosleep', { interval: ns }, { res: 0 }, ns);
}

/** The dynamic loader's work after execve: ld.so.cache and each library mapped. */
export function ldStartup(th: Thread, libs: readonly string[]): void {
  const prot = th.sim.flags('mmap', '>', 'prot', ['PROT_READ']);
  const priv = th.sim.flags('mmap', '>', 'flags', ['MAP_PRIVATE']);
  const p = th.proc.spec;
  th.call('brk', { addr: 0 }, { res: 0x55d0c3a1e000n, vm_size: p.vmsizeKb, vm_rss: p.vmrssKb, vm_swap: 0 });
  th.call(
    'access',
    { mode: th.sim.flags('access', '>', 'mode', ['R_OK']) },
    { res: -2, name: '/etc/ld.so.preload' },
  );
  const c = openat(th, '/etc/ld.so.cache', ['O_RDONLY', 'O_CLOEXEC']);
  fstat(th, c);
  th.call(
    'mmap',
    { addr: 0, length: 27002, prot, flags: priv, fd: c, offset: 0 },
    { res: 0x7f3b1c9e4000n, vm_size: p.vmsizeKb, vm_rss: p.vmrssKb, vm_swap: 0 },
  );
  close(th, c);
  const elf = Uint8Array.from([
    0x7f,
    0x45,
    0x4c,
    0x46,
    2,
    1,
    1,
    3,
    ...new Array<number>(8).fill(0),
    3,
    0,
    0x3e,
    0,
  ]);
  let base = 0x7f3b1c600000n;
  for (const lib of libs) {
    const fd = openat(th, lib, ['O_RDONLY', 'O_CLOEXEC']);
    read(th, fd, 832, new Uint8Array([...elf, ...new Array<number>(832 - elf.length).fill(0)]));
    fstat(th, fd);
    th.call(
      'mmap',
      { addr: 0, length: 2128864, prot, flags: priv, fd, offset: 0 },
      { res: base, vm_size: p.vmsizeKb, vm_rss: p.vmrssKb, vm_swap: 0 },
    );
    base += 0x400000n;
    close(th, fd);
  }
}

/** Common clone/execve exit fields for `p` seen from thread `tid`. */
function procFields(p: Proc, tid: number, ptid: number) {
  const s = p.spec;
  return {
    exe: s.exe,
    args: enc.encode(s.args.map((a) => a + '\0').join('')),
    tid,
    pid: s.pid,
    ptid,
    cwd: s.cwd,
    fdlimit: s.fdlimit ?? 1024,
    pgft_maj: p.pgftMaj,
    pgft_min: p.pgftMin,
    vm_size: s.vmsizeKb,
    vm_rss: s.vmrssKb,
    vm_swap: 0,
    comm: s.comm,
    cgroups: enc.encode((s.cgroups ?? []).map((c) => c + '\0').join('')),
  };
}

const CHILD_FLAGS = ['CLONE_CHILD_CLEARTID', 'CLONE_CHILD_SETTID'];

/**
 * fork: the parent's `clone` pair returning the child's pid, then the child's own `clone` exit
 * (res=0) on `childCpu`. The child copies the parent's fd table. Returns the child's thread.
 */
export function fork(parent: Thread, childPid: number, childCpu: number, vfork = false): Thread {
  const sim = parent.sim;
  const pp = parent.proc;
  const spec: ProcSpec = { ...pp.spec, pid: childPid, ppid: parent.tid, args: [...pp.spec.args] };
  const child = sim.addProc(spec);
  for (const [fd, e] of pp.fds) child.fds.set(fd, { ...e });
  for (const fd of pp.cloexec) child.cloexec.add(fd);
  const flags = sim.flags('clone', '<', 'flags', vfork ? ['CLONE_VM', 'CLONE_VFORK'] : CHILD_FLAGS);
  const ids = { uid: pp.spec.uid, gid: pp.spec.gid };
  parent.enter('clone');
  parent.wait(sim.rng.ns(40000, 90000));
  const ct = sim.addThread(child, childPid, childCpu, parent.t + sim.rng.ns(3000, 20000));
  ct.exit('clone', {
    res: 0,
    ...procFields(child, childPid, parent.tid),
    flags,
    ...ids,
    vtid: childPid,
    vpid: childPid,
  });
  ct.wait(sim.rng.ns(5000, 20000));
  parent.exit('clone', {
    res: childPid,
    ...procFields(pp, parent.tid, pp.spec.ppid),
    flags,
    ...ids,
    vtid: parent.tid,
    vpid: pp.pid,
  });
  parent.wait(sim.rng.ns(3000, 12000));
  return ct;
}

/** execve: the process becomes `spec` (same pid); close-on-exec fds are dropped. */
export function execve(
  th: Thread,
  spec: Pick<ProcSpec, 'comm' | 'exe' | 'exepath' | 'args' | 'vmsizeKb' | 'vmrssKb'> & { env?: string[] },
): void {
  const sim = th.sim;
  const p = th.proc;
  th.enter('execve', { filename: spec.exepath });
  th.wait(sim.rng.ns(150000, 400000));
  p.spec = { ...p.spec, ...spec };
  p.pgftMin = sim.rng.int(80, 200);
  for (const [fd, e] of [...p.fds]) {
    const fileCloexec = e.kind === FdKind.FILE_V2 && (e.openFlags & 0x1000) !== 0;
    if (fileCloexec || p.cloexec.has(fd)) p.release(fd, th.t);
  }
  th.exit('execve', {
    res: 0,
    ...procFields(p, th.tid, p.spec.ppid),
    env: enc.encode((spec.env ?? p.spec.env ?? []).map((e) => e + '\0').join('')),
    tty: 0,
    pgid: p.spec.vpgid ?? p.pid,
    loginuid: p.spec.loginuid === undefined ? -1 : p.spec.loginuid | 0,
    flags: 0,
  });
  th.wait(sim.rng.ns(20000, 60000));
}

export function procexit(th: Thread, status = 0): void {
  th.enter('procexit', { status: status << 8, ret: status, sig: 0, core: 0 });
  th.proc.exited = true;
}

/** dup2-style redirection as the 0.29.3-era driver reports it (`dup` with the new fd as res). */
export function dupTo(th: Thread, from: number, to: number): void {
  th.call('dup', { fd: from }, { res: to });
  const e = th.proc.fds.get(from);
  if (e) th.proc.fds.set(to, { ...e, fd: to });
}

export function pipe(th: Thread, ino: number): [number, number] {
  const r = th.proc.allocFd(th.t);
  th.proc.setFd(r, { kind: FdKind.FIFO, name: '' });
  const w = th.proc.allocFd(th.t);
  th.proc.setFd(w, { kind: FdKind.FIFO, name: '' });
  th.call('pipe', {}, { res: 0, fd1: r, fd2: w, ino });
  return [r, w];
}
