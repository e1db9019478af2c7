// What a capture reader hands the layers above: file metadata (from the blocks before the first
// event) and columnar event batches. The native reader (native/) produces these; the writer
// (core/scapwrite) consumes the same shapes. Columnar because the indexer and the filter compiler
// scan columns, and typed arrays cross worker boundaries without per-event objects.
//
// Every string taken from the capture (names, paths, args, env, cgroups) is a byte string: one
// char per byte (latin1), never decoded, as libsinsp keeps them. Output writes them back byte for
// byte, and a -w export rewrites them unchanged. Text meant for display is decoded at the edge;
// code that builds a header from its own text converts it with utf8Bytes (core/bytes.ts).

/** Machine info block (MI). */
export interface MachineInfo {
  numCpus: number;
  memorySizeBytes: bigint;
  maxPid: bigint;
  hostname: string;
  bootTsEpoch: bigint;
  flags: bigint;
}

/** One process-list entry (one thread), any PL version; absent fields keep their defaults. */
export interface ProcEntry {
  tid: number;
  pid: number;
  ptid: number;
  sid: number;
  vpgid: number;
  comm: string;
  exe: string;
  exepath: string;
  /** argv[1..] (argv[0] is `exe`). */
  args: string[];
  cwd: string;
  fdlimit: number;
  flags: number;
  uid: number;
  gid: number;
  vmsizeKb: number;
  vmrssKb: number;
  vmswapKb: number;
  pfmajor: number;
  pfminor: number;
  env: string[];
  vtid: number;
  vpid: number;
  cgroups: string[];
  root: string;
  loginuid: number;
  /** Anything after the known fields, kept so a rewrite is lossless. */
  tail?: Uint8Array;
  /** Every byte after `root` to the entry's end, in any layout (absent when there are none):
   *  where sysdig 0.29.3 reads loginuid and exe_writable from (see StateTracker's options). */
  rawTail?: Uint8Array;
}

/** fd types as scap_fd_type numbers them. */
export const enum FdKind {
  UNKNOWN = 0,
  FILE = 1,
  DIRECTORY = 2,
  IPV4_SOCK = 3,
  IPV6_SOCK = 4,
  IPV4_SERVSOCK = 5,
  IPV6_SERVSOCK = 6,
  FIFO = 7,
  UNIX_SOCK = 8,
  EVENT = 9,
  UNSUPPORTED = 10,
  SIGNALFD = 11,
  EVENTPOLL = 12,
  INOTIFY = 13,
  TIMERFD = 14,
  NETLINK = 15,
  FILE_V2 = 16,
  BPF = 17,
  USERFAULTFD = 18,
  IOURING = 19,
  MEMFD = 20,
  PIDFD = 21,
}

/** One fd-list entry. Addresses are raw network-order bytes; ports host order. */
export interface FdEntry {
  fd: number;
  ino: bigint;
  kind: FdKind;
  name: string;
  openFlags: number;
  dev: number;
  /** sockets: source/dest (or server ip/port for *_SERVSOCK: sip/sport). */
  sip?: Uint8Array;
  dip?: Uint8Array;
  sport?: number;
  dport?: number;
  l4proto?: number;
  /** unix sockets: kernel pointers. */
  source?: bigint;
  dest?: bigint;
}

export interface FdList {
  tid: number;
  fds: FdEntry[];
}

export interface InterfaceEntry {
  /** 1 IPV4, 2 IPV6, 3/4 without link speed. */
  type: number;
  name: string;
  addr: Uint8Array;
  netmask: Uint8Array;
  bcast: Uint8Array;
  linkspeed: bigint;
}

export interface UserEntry {
  uid: number;
  gid: number;
  name: string;
  homedir: string;
  shell: string;
}

export interface GroupEntry {
  gid: number;
  name: string;
}

/** Everything before the first event block. */
export interface CaptureHeader {
  /** SHB version, e.g. "1.2". */
  major: number;
  minor: number;
  machine: MachineInfo | null;
  procs: ProcEntry[];
  fdlists: FdList[];
  interfaces: InterfaceEntry[];
  users: UserEntry[];
  groups: GroupEntry[];
  /** Block types seen, in order, with their versions (for diagnostics and the writer). */
  blocks: { type: number; offset: number; length: number }[];
}

/**
 * A run of consecutive events. Event i has header fields ts[i]..., and its parameters are
 * param slots paramBase[i] .. paramBase[i+1]-1; slot j's bytes are arena[paramOff[j], +paramLen[j]).
 * nparams is what the event carries (possibly fewer than the table lists, for old captures).
 */
export interface EventBatch {
  count: number;
  /** evt.num of event 0 (1-based, counting every event read, hidden ones included). */
  firstNum: number;
  ts: BigInt64Array;
  tid: BigInt64Array;
  type: Uint16Array;
  cpu: Uint16Array;
  /** Event block flags (EVF*: bit 0 = state only); 0 for plain event blocks. */
  flags: Uint32Array;
  /** Byte offset of each event's block in the (decompressed) stream. */
  offset: Float64Array;
  paramBase: Uint32Array;
  paramOff: Uint32Array;
  paramLen: Uint32Array;
  arena: Uint8Array;
}

/** A decode failure: what went wrong, on which block type, at which (decompressed) byte offset. */
export interface CaptureError {
  message: string;
  blockType: number;
  offset: number;
}
