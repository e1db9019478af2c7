// Encoders for each block the libscap dumper writes (scap_savefile.c, scap_setup_dump/scap_dump;
// SCAP_FORMAT.md §2 and §6). Each appends one whole block — header, body, zero padding, trailer —
// to a ByteWriter. Block and entry lengths are measured from the bytes written.

import type {
  CaptureHeader,
  FdEntry,
  FdList,
  GroupEntry,
  InterfaceEntry,
  MachineInfo,
  ProcEntry,
  UserEntry,
} from '../capture.js';
import { FdKind } from '../capture.js';
import { ByteWriter, byteStringBytes } from './bytes.js';
import { BLOCK, MAX_ARGS, MAX_CREDENTIALS, MAX_PATH, SHB_MAGIC } from './blocktypes.js';

/** Writes type + length placeholder, runs `body`, pads to 4, writes the trailer, patches the length. */
export function writeBlock(w: ByteWriter, type: number, body: (w: ByteWriter) => void): void {
  const start = w.length;
  w.u32(type).u32(0);
  body(w);
  w.padTo4(start);
  const total = w.length - start + 4;
  w.u32(total);
  w.patchU32(start + 4, total);
}

/** Patch-later u32 entry length: `inclusive` counts the 4 length bytes themselves. */
function writeEntry(w: ByteWriter, inclusive: boolean, body: (w: ByteWriter) => void): void {
  const start = w.length;
  w.u32(0);
  body(w);
  const len = w.length - start - (inclusive ? 0 : 4);
  w.patchU32(start, len);
}

/** Strings (byte strings, as the header holds them) are stored without NUL and capped where
 *  libscap's reader would reject them. */
function capped(s: string, max: number): Uint8Array {
  const b = byteStringBytes(s);
  return b.length > max ? b.subarray(0, max) : b;
}

/** NUL-terminated list (args, env, cgroups), each item terminated, capped like libscap's buffers. */
function nulList(items: readonly string[], max: number): Uint8Array {
  const parts = items.map(byteStringBytes);
  const total = parts.reduce((n, p) => n + p.length + 1, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length + 1;
  }
  return out.length > max ? out.subarray(0, max) : out;
}

export function writeSectionHeader(w: ByteWriter, major = 1, minor = 2): void {
  writeBlock(w, BLOCK.SHB, (b) => {
    b.u32(SHB_MAGIC).u16(major).u16(minor).u64(-1n);
  });
}

export function writeMachineInfo(w: ByteWriter, mi: MachineInfo): void {
  writeBlock(w, BLOCK.MI, (b) => {
    const host = new Uint8Array(128);
    host.set(capped(mi.hostname, 127));
    b.u32(mi.numCpus).u64(mi.memorySizeBytes).u64(mi.maxPid).bytes(host);
    b.u64(mi.bootTsEpoch).u64(mi.flags).u64(0).u64(0);
  });
}

const isV4 = (e: InterfaceEntry): boolean => e.type === 1 || e.type === 3;

/** IL_V2: IPv4 entries first, then IPv6; entry_len excludes itself. Linkspeed is always written. */
export function writeInterfaceList(w: ByteWriter, list: readonly InterfaceEntry[]): void {
  const ordered = [...list.filter(isV4), ...list.filter((e) => !isV4(e))];
  writeBlock(w, BLOCK.IL_V2, (b) => {
    for (const e of ordered) {
      const v4 = isV4(e);
      const size = v4 ? 4 : 16;
      const name = capped(e.name, MAX_PATH - 1);
      writeEntry(b, false, (x) => {
        // Types 3/4 (no link speed) are V1-only; V2 entries always carry the field.
        x.u16(v4 ? 1 : 2).u16(name.length);
        for (const a of [e.addr, e.netmask, e.bcast]) {
          const fixed = new Uint8Array(size);
          fixed.set(a.subarray(0, size));
          x.bytes(fixed);
        }
        x.u64(e.linkspeed).bytes(name);
      });
    }
  });
}

/** UL_V2: users, then groups; entry_len includes itself. */
export function writeUserList(
  w: ByteWriter,
  users: readonly UserEntry[],
  groups: readonly GroupEntry[],
): void {
  writeBlock(w, BLOCK.UL_V2, (b) => {
    for (const u of users) {
      writeEntry(b, true, (x) => {
        x.u8(0).u32(u.uid).u32(u.gid);
        x.u16str(capped(u.name, MAX_CREDENTIALS - 1));
        x.u16str(capped(u.homedir, MAX_PATH));
        x.u16str(capped(u.shell, MAX_PATH));
      });
    }
    for (const g of groups) {
      writeEntry(b, true, (x) => {
        x.u8(1)
          .u32(g.gid)
          .u16str(capped(g.name, MAX_CREDENTIALS - 1));
      });
    }
  });
}

/** One PL_V9 entry. The tail after `root` is loginuid plus `p.tail` when given (a lossless
 *  rewrite), else loginuid + exe_writable = 0, the 5 bytes sysdig 0.29.3 writes. */
export function writeProcEntry(w: ByteWriter, p: ProcEntry): void {
  writeEntry(w, true, (x) => {
    x.u64(p.tid).u64(p.pid).u64(p.ptid).u64(p.sid).u64(p.vpgid);
    x.u16str(capped(p.comm, MAX_PATH));
    x.u16str(capped(p.exe, MAX_PATH));
    x.u16str(capped(p.exepath, MAX_PATH));
    x.u16str(nulList(p.args, MAX_ARGS));
    x.u16str(capped(p.cwd, MAX_PATH));
    x.u64(p.fdlimit).u32(p.flags).u32(p.uid).u32(p.gid);
    x.u32(p.vmsizeKb).u32(p.vmrssKb).u32(p.vmswapKb);
    x.u64(p.pfmajor).u64(p.pfminor);
    x.u16str(nulList(p.env, MAX_ARGS));
    x.u64(p.vtid).u64(p.vpid);
    x.u16str(nulList(p.cgroups, MAX_ARGS));
    x.u16str(capped(p.root, MAX_PATH));
    x.u32(p.loginuid);
    if (p.tail !== undefined) x.bytes(p.tail);
    else x.u8(0);
  });
}

export function writeProcList(w: ByteWriter, procs: readonly ProcEntry[]): void {
  writeBlock(w, BLOCK.PL_V9, (b) => {
    for (const p of procs) writeProcEntry(b, p);
  });
}

/** fd kinds whose data is just a u16 name. */
const NAMED_KINDS = new Set<FdKind>([
  FdKind.FILE,
  FdKind.DIRECTORY,
  FdKind.FIFO,
  FdKind.EVENT,
  FdKind.UNSUPPORTED,
  FdKind.SIGNALFD,
  FdKind.EVENTPOLL,
  FdKind.INOTIFY,
  FdKind.TIMERFD,
  FdKind.NETLINK,
  FdKind.BPF,
  FdKind.USERFAULTFD,
  FdKind.IOURING,
  FdKind.MEMFD,
  FdKind.PIDFD,
]);

function ipField(b: Uint8Array | undefined, size: number): Uint8Array {
  const out = new Uint8Array(size);
  if (b) out.set(b.subarray(0, size));
  return out;
}

function writeFdEntry(x: ByteWriter, f: FdEntry): void {
  x.u64(f.fd).u64(f.ino).u8(f.kind);
  switch (f.kind) {
    case FdKind.IPV4_SOCK:
    case FdKind.IPV6_SOCK: {
      const size = f.kind === FdKind.IPV4_SOCK ? 4 : 16;
      x.bytes(ipField(f.sip, size)).bytes(ipField(f.dip, size));
      x.u16(f.sport ?? 0)
        .u16(f.dport ?? 0)
        .u8(f.l4proto ?? 0);
      break;
    }
    case FdKind.IPV4_SERVSOCK:
    case FdKind.IPV6_SERVSOCK: {
      const size = f.kind === FdKind.IPV4_SERVSOCK ? 4 : 16;
      x.bytes(ipField(f.sip, size))
        .u16(f.sport ?? 0)
        .u8(f.l4proto ?? 0);
      break;
    }
    case FdKind.UNIX_SOCK:
      x.u64(f.source ?? 0n)
        .u64(f.dest ?? 0n)
        .u16str(capped(f.name, MAX_PATH));
      break;
    case FdKind.FILE_V2:
      x.u32(f.openFlags).u16str(capped(f.name, MAX_PATH)).u32(f.dev);
      break;
    default:
      if (!NAMED_KINDS.has(f.kind)) throw new RangeError(`cannot write fd kind ${f.kind}`);
      x.u16str(capped(f.name, MAX_PATH));
  }
}

/** FDL_V2 for one thread: tid, then its fds. UNKNOWN fds are left out, as libscap does. */
export function writeFdList(w: ByteWriter, list: FdList): void {
  writeBlock(w, BLOCK.FDL_V2, (b) => {
    b.u64(list.tid);
    for (const f of list.fds) {
      if (f.kind === FdKind.UNKNOWN) continue;
      writeEntry(b, true, (x) => writeFdEntry(x, f));
    }
  });
}

/** Which optional list blocks a header should get: present in the source or non-empty. */
export function headerHas(header: CaptureHeader, types: readonly number[], nonEmpty: boolean): boolean {
  return nonEmpty || header.blocks.some((b) => types.includes(b.type));
}
