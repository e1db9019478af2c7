// Contract between core/state (which replays a capture into libsinsp-like thread and fd tables)
// and its readers (core/format, core/fields, core/filter, engine). Numbers, not bigints, for ids:
// tids, pids and fds fit in 2^53 and number compares are what the hot loops need.
import type { FdKind } from '../capture.js';
import type { SyslogMessage } from './syslog.js';

export interface FdInfo {
  fd: number;
  kind: FdKind;
  /** sysdig's one-character fd type: f file, d directory, 4 ipv4, 6 ipv6, u unix, p pipe/fifo,
   *  e eventfd, s signalfd, l eventpoll, i inotify, t timerfd, n netlink, b bpf, o unknown... */
  typeChar: string;
  /** sysdig's fd.name: a path, `sip:sport->dip:dport` for connected sockets, `ip:port` for servers. */
  name: string;
  /** PPM_O_* open flags (files). */
  openFlags: number;
  /** Sockets: raw network-order addresses (4 or 16 bytes) and host-order ports. Unset elsewhere. */
  sip?: Uint8Array;
  dip?: Uint8Array;
  sport?: number;
  dport?: number;
  /** scap l4proto: 0 unknown, 1 n/a, 2 tcp, 3 udp, 4 icmp, 5 raw. */
  l4proto: number;
  /** Socket role as libsinsp infers it: true when this side is the server (accept / listening). */
  isServer?: boolean;
  isClient?: boolean;
  /** Inode (from fd lists) and device, when known. */
  ino?: bigint;
  dev?: number;
}

export interface ThreadInfo {
  /** The index build's thread entity for this object (engine/index/entities.ts; 0 or absent:
   *  none yet). Not thread state: the tracker never reads it. */
  indexEntity?: number;
  tid: number;
  pid: number;
  ptid: number;
  sid: number;
  vpgid: number;
  /** proc.name: the comm (truncated to 15 chars by the kernel). */
  comm: string;
  /** argv[0]. */
  exe: string;
  exepath: string;
  /** argv[1..]. */
  args: string[];
  env: string[];
  cwd: string;
  cgroups: string[];
  root: string;
  uid: number;
  gid: number;
  loginuid: number;
  vtid: number;
  vpid: number;
  fdlimit: number;
  flags: number;
  vmsizeKb: number;
  vmrssKb: number;
  vmswapKb: number;
  pfmajor: number;
  pfminor: number;
  /** Container id ('' = host). */
  containerId: string;
  /** Clone time (ns since epoch; 0n when seeded from the process list). */
  cloneTs: bigint;
  /** The fd table. Threads of one process share the main thread's table (CLONE_FILES). */
  fds: Map<number, FdInfo>;
  /** libsinsp's m_nchilds: threads (not processes) whose main thread this is. */
  nchilds?: number;
  /** The controlling tty (execve's tty parameter; 0 unknown). */
  tty?: number;
  /** m_exe_writable (proc.is_exe_writable). */
  exeWritable?: boolean;
  /** See Thread.exeWritableRaw. */
  exeWritableRaw?: number | undefined;
}

/** What the state knows about the event it just processed. */
export interface EventState {
  /** The thread of the event, or undefined when sysdig would print <NA>. */
  thread: ThreadInfo | undefined;
  /** The fd number the event refers to (-1 when none), and its table entry at this point. */
  fdNum: number;
  fd: FdInfo | undefined;
  /** For exit events: the matching enter event's timestamp (0n when none), for evt.latency. */
  enterTs: bigint;
  /** True when sysdig's fd.* fields apply: the event type creates/uses/destroys an fd and there
   *  is a thread (libsinsp's extract_fd). fd.num is then `fdNum`, even when `fd` is undefined. */
  fdValid?: boolean;
  /** evt.latency exactly as libsinsp keeps it (the thread's m_latency; 0n without a thread). */
  latency?: bigint;
  /** fd.name_changed: parsing this event changed its fd's name (always false while filtering:
   *  libsinsp computes it after the filter ran). */
  nameChanged?: boolean;
  /** libsinsp filters the event out after parsing it (a container event whose lookup failed, a
   *  state-only event): it updates state but sysdig never shows it. */
  hidden?: boolean;
  /** The syslog message this event's write decoded, if any (core/state/syslog.ts). */
  syslog?: SyslogMessage | null;
}

/** A container as libsinsp's container manager holds it (from container events in the capture). */
export interface ContainerInfo {
  id: string;
  name: string;
  /** docker, lxc, libvirt-lxc, mesos, rkt, cri, containerd, cri-o, bpm... */
  type: string;
  image: string;
  imageId: string;
  imageRepo: string;
  imageTag: string;
  imageDigest: string;
  privileged: boolean | undefined;
  /** `source:dest:mode:rdwr:propagation` items. */
  mounts: readonly { source: string; dest: string; mode: string; rdwr: boolean; propagation: string }[];
  /** libsinsp's lookup state: 0 started, 1 successful, 2 failed. */
  lookupState: number;
  /** The container's IPv4 address as the event gave it (`ip`), '' when absent. */
  ip: string;
}
