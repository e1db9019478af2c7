// Shapes of the event table. The table itself is generated (see scripts/gen-schema) from
// falcosecurity/libs' driver/event_table.c and flags_table.c; these types are hand-written so
// every layer can depend on them without depending on the generated data.

/** ppm_param_type (driver/ppm_events_public.h). Values are the on-disk/enum numbers. */
export const enum PT {
  NONE = 0,
  INT8 = 1,
  INT16 = 2,
  INT32 = 3,
  INT64 = 4,
  UINT8 = 5,
  UINT16 = 6,
  UINT32 = 7,
  UINT64 = 8,
  CHARBUF = 9,
  BYTEBUF = 10,
  ERRNO = 11,
  SOCKADDR = 12,
  SOCKTUPLE = 13,
  FD = 14,
  PID = 15,
  FDLIST = 16,
  FSPATH = 17,
  SYSCALLID = 18,
  SIGTYPE = 19,
  RELTIME = 20,
  ABSTIME = 21,
  PORT = 22,
  L4PROTO = 23,
  SOCKFAMILY = 24,
  BOOL = 25,
  IPV4ADDR = 26,
  DYN = 27,
  FLAGS8 = 28,
  FLAGS16 = 29,
  FLAGS32 = 30,
  UID = 31,
  GID = 32,
  DOUBLE = 33,
  SIGSET = 34,
  CHARBUFARRAY = 35,
  CHARBUF_PAIR_ARRAY = 36,
  IPV4NET = 37,
  IPV6ADDR = 38,
  IPV6NET = 39,
  IPADDR = 40,
  IPNET = 41,
  MODE = 42,
  FSRELPATH = 43,
  ENUMFLAGS8 = 44,
  ENUMFLAGS16 = 45,
  ENUMFLAGS32 = 46,
  FD32 = 47,
  PID32 = 48,
}

/** ppm_print_format. */
export const enum PF {
  NA = 0,
  DEC = 1,
  HEX = 2,
  PADDED_DEC = 3,
  ID = 4,
  DIR = 5,
  OCT = 6,
}

/** ppm_event_category bits (EC_*). */
export const enum EC {
  UNKNOWN = 0,
  OTHER = 1,
  FILE = 2,
  NET = 3,
  IPC = 4,
  MEMORY = 5,
  PROCESS = 6,
  SLEEP = 7,
  SYSTEM = 8,
  SIGNAL = 9,
  USER = 10,
  TIME = 11,
  PROCESSING = 12,
  IO_BASE = 32,
  // eslint-disable-next-line @typescript-eslint/no-duplicate-enum-values -- IO_BASE is the mask of the IO_* values
  IO_READ = 32,
  IO_WRITE = 33,
  IO_OTHER = 34,
  WAIT = 64,
  SCHEDULER = 128,
  INTERNAL = 256,
  SYSCALL = 512,
  TRACEPOINT = 1024,
  PLUGIN = 2048,
  METAEVENT = 4096,
}

/** ppm_event_flags bits (EF_*). */
export const enum EF {
  NONE = 0,
  CREATES_FD = 1 << 0,
  DESTROYS_FD = 1 << 1,
  USES_FD = 1 << 2,
  READS_FROM_FD = 1 << 3,
  WRITES_TO_FD = 1 << 4,
  MODIFIES_STATE = 1 << 5,
  UNUSED = 1 << 6,
  WAITS = 1 << 7,
  SKIPPARSERESET = 1 << 8,
  OLD_VERSION = 1 << 9,
  DROP_SIMPLE_CONS = 1 << 10,
  LARGE_PAYLOAD = 1 << 11,
}

/** One name/value pair of a flags table (ppm_name_value). */
export interface FlagName {
  readonly name: string;
  readonly value: number;
}

/** A sub-parameter choice of a PT_DYN parameter. */
export interface DynParam {
  readonly name: string;
  readonly type: PT;
  readonly fmt: PF;
}

export interface ParamInfo {
  readonly name: string;
  readonly type: PT;
  readonly fmt: PF;
  /** FLAGS8/16/32, ENUMFLAGS8/16/32 and MODE: the flag table's values and names, in table order. */
  readonly flags?: readonly FlagName[];
  /** FSRELPATH: index of the dirfd parameter the path is relative to. */
  readonly dirfdParam?: number;
  /** DYN: the sub-types selected by the leading index byte. */
  readonly dyn?: readonly DynParam[];
}

export interface EventInfo {
  /** ppm_event_code. Even = enter, odd = exit. */
  readonly code: number;
  readonly name: string;
  readonly dir: '>' | '<';
  /** EC_* bits. */
  readonly category: number;
  /** EF_* bits. */
  readonly flags: number;
  readonly params: readonly ParamInfo[];
  /**
   * Parameters newer libs appended to this (0.29.3) event code, following `params`; absent when
   * none. sysdig 0.29.3 does not know them; Capsight can use them to name extra values in newer
   * captures.
   */
  readonly newerParams?: readonly ParamInfo[];
}
