// How one event counts towards the I/O, error and file metrics every table view, overview tile and
// sysdig chisel sums (evt.buflen.{file,net}.{in,out}, evt.count.error.{file,net,memory,other},
// evt.is_io*). One definition, so the Connections view, the Processes view and the topconns /
// topprocs_net / topfiles_bytes chisels cannot disagree about what a "net byte" is.
import { EC, EF, type EventInfo } from '../schema/types.js';
import { FdKind } from '../capture.js';

/** Which side of an fd the bytes went: in (read family), out (write family). */
export const enum IoDir {
  NONE = 0,
  IN = 1,
  OUT = 2,
}

/** The fd class the byte counters split on (evt.buflen.file / evt.buflen.net / the rest). */
export const enum IoClass {
  NONE = 0,
  FILE = 1,
  NET = 2,
  OTHER = 3,
}

/** evt.buflen.file counts FILE fds only (sysdig: fd type 'f'); directories are not file bytes. */
export function ioClassOf(kind: FdKind | undefined): IoClass {
  if (kind === undefined) return IoClass.NONE;
  if (kind === FdKind.FILE || kind === FdKind.FILE_V2) return IoClass.FILE;
  if (kind >= FdKind.IPV4_SOCK && kind <= FdKind.IPV6_SERVSOCK) return IoClass.NET;
  return IoClass.OTHER;
}

/**
 * Direction of an exit event's bytes, from the event table's flags alone (evt.is_io_read /
 * evt.is_io_write), which is what sysdig's I/O chisels select on before summing evt.rawarg.res:
 * sendfile (EC_IO_WRITE without EF_WRITES_TO_FD in sysdig 0.29.3's table) counts nowhere, and
 * copy_file_range (both flags, its event fd being the source) counts as read from that fd.
 */
export function ioDirOf(info: EventInfo): IoDir {
  if ((info.code & 1) === 0) return IoDir.NONE;
  if (info.flags & EF.READS_FROM_FD) return IoDir.IN;
  if (info.flags & EF.WRITES_TO_FD) return IoDir.OUT;
  return IoDir.NONE;
}

/** evt.is_io: the event type reads from or writes to an fd (either direction of the pair). */
export function isIoType(info: EventInfo): boolean {
  return (info.flags & (EF.READS_FROM_FD | EF.WRITES_TO_FD)) !== 0;
}

/** The error class evt.count.error.{file,net,memory,other} puts a failed exit event in. */
export const enum ErrClass {
  FILE = 0,
  NET = 1,
  MEMORY = 2,
  OTHER = 3,
}

/**
 * libsinsp's evt.count.error.* split: memory syscalls by category, then by the fd the event used
 * (file / network), everything else "other".
 */
export function errClassOf(info: EventInfo, kind: FdKind | undefined): ErrClass {
  if (info.category === EC.MEMORY) return ErrClass.MEMORY;
  const c = ioClassOf(kind);
  if (c === IoClass.FILE || kind === FdKind.DIRECTORY) return ErrClass.FILE;
  if (c === IoClass.NET || kind === FdKind.UNIX_SOCK) return ErrClass.NET;
  if (info.category === EC.FILE) return ErrClass.FILE;
  if (info.category === EC.NET) return ErrClass.NET;
  return ErrClass.OTHER;
}
