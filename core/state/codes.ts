// Driver and libsinsp constants the state parser needs (event codes come from core/schema's PPME).
// Values as in falcosecurity/libs driver/ppm_events_public.h and libsinsp (libs e5c53d64, the
// libs of sysdig 0.29.3).

/** PPM_EVENT_MAX of libs e5c53d64: sysdig 0.29.3 never sees codes at or past this. */
export const EVENT_MAX_0_29 = 336;

/** ppm_event_flags bits the parser reads. */
export const EF_CREATES_FD = 1 << 0;
export const EF_DESTROYS_FD = 1 << 1;
export const EF_USES_FD = 1 << 2;
export const EF_READS_FROM_FD = 1 << 3;
export const EF_WRITES_TO_FD = 1 << 4;
export const EF_MODIFIES_STATE = 1 << 5;
export const EF_SKIPPARSERESET = 1 << 8;

/** PPM_CL_* thread flags (clone flags plus libsinsp's own bits). */
export const CL = {
  CLONE_FILES: 1 << 0,
  CLONE_THREAD: 1 << 13,
  CLONE_INVERTED: 1 << 16,
  NAME_CHANGED: 1 << 17,
  CLOSED: 1 << 18,
  ACTIVE: 1 << 19,
  PIPE_SRC: 1 << 21,
  PIPE_DST: 1 << 22,
  CHILD_IN_PIDNS: 1 << 29,
  IS_MAIN_THREAD: 1 << 30,
} as const;

export const PPM_O_DIRECTORY = 1 << 10;
export const PPM_AT_FDCWD = -100;
export const PPM_FCNTL_F_DUPFD = 1;
export const PPM_FCNTL_F_DUPFD_CLOEXEC = 26;
export const PPM_RLIMIT_NOFILE = 7;
export const PPM_EXVAT_AT_EMPTY_PATH = 1;

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;

export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_RAW = 255;

/** scap_l4_proto. */
export const L4 = { UNKNOWN: 0, NA: 1, TCP: 2, UDP: 3, ICMP: 4, RAW: 5 } as const;

/** sinsp_fdinfo flags (FLAGS_*). */
export const FDF = {
  FROM_PROC: 1 << 0,
  ROLE_CLIENT: 1 << 2,
  ROLE_SERVER: 1 << 3,
  CLOSE_IN_PROGRESS: 1 << 4,
  CLOSE_CANCELED: 1 << 5,
  IS_TRACER_FILE: 1 << 7,
  IS_TRACER_FD: 1 << 8,
  IS_NOT_TRACER_FD: 1 << 9,
  SOCKET_CONNECTED: 1 << 13,
  IS_CLONED: 1 << 14,
  CONNECTION_PENDING: 1 << 15,
  CONNECTION_FAILED: 1 << 16,
  /** Not a libsinsp flag: stands for the syslog decoder's write callback on the fd (m_callbacks),
   *  which copies with the fd as the flags do (see core/state/syslog.ts). */
  SYSLOG: 1 << 24,
} as const;

/** libsinsp limits (settings.h, threadinfo.h). */
export const MAX_FD_TABLE_SIZE = 4096;
export const MAX_THREAD_TABLE_SIZE = 131072;
export const CLONE_STALE_TIME_NS = 2000000000n;
export const SCAP_MAX_PATH_SIZE = 1024;
/** libsinsp keeps a canceled close under fd INT64_MAX; any number no real fd can take will do. */
export const CANCELED_FD = 2 ** 63;
/** The device libsinsp treats as a tracer sink (USER_EVT_DEVICE_NAME). */
export const USER_EVT_DEVICE_NAME = '/dev/null';
