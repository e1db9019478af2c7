// One fd-table entry, shaped like libsinsp's sinsp_fdinfo: a type, a name, open flags, sinsp flags
// (role, close-in-progress...) and the raw socket union (see sockinfo.ts). The contract fields of
// FdInfo that derive from the union are getters, so they always agree with it.

import { FdKind } from '../capture.js';
import type { FdInfo } from './types.js';
import { FDF, L4 } from './codes.js';
import {
  S4_IP,
  S4_L4,
  S4_PORT,
  S6_IP,
  S6_L4,
  S6_PORT,
  SOCK_SIZE,
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
  u16,
  u64,
} from './sockinfo.js';

/** libsinsp's "not set yet" fd type (SCAP_FD_UNINITIALIZED). */
export const FD_UNINITIALIZED = -1 as FdKind;

// Indexed by FdKind: get_typechar() and get_typestring().
const TYPE_CHARS = 'ofd4646pueXslitn';
const TYPE_STRINGS = [
  '<NA>',
  'file',
  'directory',
  'ipv4',
  'ipv6',
  'ipv4',
  'ipv6',
  'pipe',
  'unix',
  'event',
  '<NA>',
  'signalfd',
  'eventpoll',
  'inotify',
  'timerfd',
  'netlink',
  'file',
];

export class Fd implements FdInfo {
  fd = -1;
  kind: FdKind = FD_UNINITIALIZED;
  name = '';
  /** m_oldname: the name at the last get_fd() (see fd.name_changed). */
  oldName = '';
  openFlags = 0;
  /** sinsp_fdinfo FLAGS_* bits (FDF). */
  flags = 0;
  ino?: bigint;
  dev?: number;
  /** The socket union (null: all zero, not allocated: most fds are files and never need it). */
  private union: Uint8Array | null = null;

  /** The socket union, zero until a socket parser writes it. */
  get sock(): Uint8Array {
    return (this.union ??= new Uint8Array(SOCK_SIZE));
  }

  /** Copy everything from `o` (sinsp_fdinfo::copy). */
  copyFrom(o: Fd): void {
    this.kind = o.kind;
    this.name = o.name;
    this.oldName = o.oldName;
    this.openFlags = o.openFlags;
    this.flags = o.flags;
    this.ino = o.ino;
    this.dev = o.dev;
    if (o.union !== null) this.sock.set(o.union);
    else if (this.union !== null) this.union.fill(0);
  }

  clone(): Fd {
    const c = new Fd();
    c.fd = this.fd;
    c.copyFrom(this);
    return c;
  }

  get typeChar(): string {
    const k = this.kind;
    if (k === FdKind.FILE_V2) return 'f';
    return k >= 0 && k < TYPE_CHARS.length ? TYPE_CHARS[k]! : '?';
  }

  /** fd.type as sysdig prints it. */
  get typeString(): string {
    const k = this.kind;
    return k >= 0 && k < TYPE_STRINGS.length ? TYPE_STRINGS[k]! : '<NA>';
  }

  get isServer(): boolean {
    return (this.flags & FDF.ROLE_SERVER) !== 0;
  }

  get isClient(): boolean {
    return (this.flags & FDF.ROLE_CLIENT) !== 0;
  }

  get isRoleNone(): boolean {
    return (this.flags & (FDF.ROLE_CLIENT | FDF.ROLE_SERVER)) === 0;
  }

  /** sinsp_fdinfo::get_l4proto(): what fd.l4proto shows. */
  get l4proto(): number {
    const s = this.sock;
    switch (this.kind) {
      case FdKind.IPV4_SOCK:
        if (s[V4_L4] === L4.RAW) return L4.RAW;
        if (this.isRoleNone) return L4.NA;
        return s[V4_L4]!;
      case FdKind.IPV4_SERVSOCK:
        return s[S4_L4]!;
      case FdKind.IPV6_SOCK:
        if (s[V6_L4] === L4.RAW) return L4.RAW;
        if (this.isRoleNone) return L4.NA;
        return s[V6_L4]!;
      case FdKind.IPV6_SERVSOCK:
        return s[S6_L4]!;
      default:
        return L4.NA;
    }
  }

  get sip(): Uint8Array | undefined {
    switch (this.kind) {
      case FdKind.IPV4_SOCK:
        return this.sock.slice(V4_SIP, V4_SIP + 4);
      case FdKind.IPV6_SOCK:
        return this.sock.slice(V6_SIP, V6_SIP + 16);
      case FdKind.IPV4_SERVSOCK:
        return this.sock.slice(S4_IP, S4_IP + 4);
      case FdKind.IPV6_SERVSOCK:
        return this.sock.slice(S6_IP, S6_IP + 16);
      default:
        return undefined;
    }
  }

  get dip(): Uint8Array | undefined {
    switch (this.kind) {
      case FdKind.IPV4_SOCK:
        return this.sock.slice(V4_DIP, V4_DIP + 4);
      case FdKind.IPV6_SOCK:
        return this.sock.slice(V6_DIP, V6_DIP + 16);
      default:
        return undefined;
    }
  }

  get sport(): number | undefined {
    switch (this.kind) {
      case FdKind.IPV4_SOCK:
        return u16(this.sock, V4_SPORT);
      case FdKind.IPV6_SOCK:
        return u16(this.sock, V6_SPORT);
      case FdKind.IPV4_SERVSOCK:
        return u16(this.sock, S4_PORT);
      case FdKind.IPV6_SERVSOCK:
        return u16(this.sock, S6_PORT);
      default:
        return undefined;
    }
  }

  get dport(): number | undefined {
    switch (this.kind) {
      case FdKind.IPV4_SOCK:
        return u16(this.sock, V4_DPORT);
      case FdKind.IPV6_SOCK:
        return u16(this.sock, V6_DPORT);
      default:
        return undefined;
    }
  }

  /** Unix sockets: the kernel pointers of both ends. */
  get source(): bigint | undefined {
    return this.kind === FdKind.UNIX_SOCK ? u64(this.sock, UX_SOURCE) : undefined;
  }

  get dest(): bigint | undefined {
    return this.kind === FdKind.UNIX_SOCK ? u64(this.sock, UX_DEST) : undefined;
  }
}
