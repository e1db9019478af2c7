// Sysdig Inspect's overview tiles (wsysdig_summary; shared/reference/INSPECT.md §1) as data: what
// each counts, how its sparkline aggregates, which view it drills into and with which filter.
// The engine counts the `mark` tiles while indexing (they look at parameters) and derives the rest
// from the index (metrics, entity activity).
import { M, type MetricId } from '../views/types.js';

export type TileCategory =
  'General' | 'File' | 'Network' | 'Network Apps' | 'Security' | 'Performance' | 'Logs' | 'Infrastructure';

export const TILE_CATEGORIES: readonly TileCategory[] = [
  'General',
  'File',
  'Network',
  'Network Apps',
  'Security',
  'Performance',
  'Logs',
  'Infrastructure',
];

/**
 * How a tile is computed:
 * - metric: the sum of index metrics over the events (bytes, event counts);
 * - mark: events the indexer marked with this tile (a per-event test that reads parameters);
 * - distinct: how many fd entities of a class had the metrics (accessed files, connections);
 * - gauge: entities active per interval, averaged (running processes / containers).
 */
export type TileSource =
  | { kind: 'metric'; metrics: readonly MetricId[] }
  | { kind: 'mark' }
  | { kind: 'distinct'; fdClass: 'file' | 'net'; metrics: readonly MetricId[]; systemDirs?: boolean }
  | { kind: 'gauge'; entity: 'process' | 'container' | 'sport' };

export interface TileDef {
  id: string;
  name: string;
  category: TileCategory;
  description: string;
  source: TileSource;
  targetView: string;
  /** Filter the drill-down applies in the target view ('' = none). */
  targetFilter: string;
  /** Hidden when its total is 0 (Inspect's `excludable`). */
  excludable: boolean;
}

const t = (
  id: string,
  name: string,
  category: TileCategory,
  description: string,
  source: TileSource,
  targetView: string,
  targetFilter = '',
  excludable = true,
): TileDef => ({ id, name, category, description, source, targetView, targetFilter, excludable });

const NET = '(fd.type=ipv4 or fd.type=ipv6)';
const mark: TileSource = { kind: 'mark' };

export const TILES: readonly TileDef[] = [
  t(
    'procs',
    'Running Processes',
    'General',
    'Processes active per interval (average).',
    { kind: 'gauge', entity: 'process' },
    'procs',
    '',
    false,
  ),
  t(
    'containers',
    'Running Containers',
    'General',
    'Containers active per interval (average).',
    { kind: 'gauge', entity: 'container' },
    'containers',
    '',
    false,
  ),
  t(
    'syscalls',
    'System Calls',
    'General',
    'Every event.',
    { kind: 'metric', metrics: [M.EVENTS] },
    'syscalls',
    '',
    false,
  ),
  t(
    'file_bytes',
    'File Bytes In+Out',
    'File',
    'Bytes read from and written to files.',
    { kind: 'metric', metrics: [M.FILE_IN, M.FILE_OUT] },
    'files',
    '',
    false,
  ),
  t(
    'file_in',
    'File Bytes In',
    'File',
    'Bytes read from files.',
    { kind: 'metric', metrics: [M.FILE_IN] },
    'files',
    '',
    false,
  ),
  t(
    'file_out',
    'File Bytes Out',
    'File',
    'Bytes written to files.',
    { kind: 'metric', metrics: [M.FILE_OUT] },
    'files',
    '',
    false,
  ),
  t(
    'accessed_files',
    'Accessed Files',
    'File',
    'Distinct files read or written.',
    { kind: 'distinct', fdClass: 'file', metrics: [M.FILE_IN, M.FILE_OUT] },
    'files',
    'evt.is_io=true',
  ),
  t(
    'modified_files',
    'Modified Files',
    'File',
    'Distinct files written.',
    { kind: 'distinct', fdClass: 'file', metrics: [M.FILE_OUT] },
    'files',
    'evt.is_io_write=true',
  ),
  t(
    'net_bytes',
    'Net Bytes In+Out',
    'Network',
    'Bytes received and sent on IPv4/IPv6 sockets.',
    { kind: 'metric', metrics: [M.NET_IN, M.NET_OUT] },
    'sports',
    '',
    false,
  ),
  t(
    'net_in',
    'Net Bytes In',
    'Network',
    'Bytes received.',
    { kind: 'metric', metrics: [M.NET_IN] },
    'sports',
    '',
    false,
  ),
  t(
    'net_out',
    'Net Bytes Out',
    'Network',
    'Bytes sent.',
    { kind: 'metric', metrics: [M.NET_OUT] },
    'sports',
    '',
    false,
  ),
  t(
    'active_conns',
    'Active Network Connections',
    'Network',
    'Distinct connections with I/O.',
    { kind: 'distinct', fdClass: 'net', metrics: [M.IO_CALLS] },
    'connections',
    'evt.is_io=true',
  ),
  t(
    'listening_ports',
    'Listening Ports',
    'Network',
    'Server ports with traffic per interval (average).',
    { kind: 'gauge', entity: 'sport' },
    'sports',
  ),
  t('new_listen', 'New Listening Ports', 'Network', 'bind() on a network socket.', mark, 'port_bindings'),
  t(
    'new_out',
    'New Outbound Connections',
    'Network',
    'connect() calls with a server port.',
    mark,
    'dig',
    'evt.type=connect and evt.dir=< and fd.sport exists',
  ),
  t(
    'new_in',
    'New Inbound Connections',
    'Network',
    'accept() calls with a server port.',
    mark,
    'dig',
    'evt.type in (accept, accept4) and evt.dir=< and fd.sport exists',
  ),
  t('exec', 'Executed Commands', 'Security', 'Successful execve.', mark, 'spy_users'),
  t(
    'exec_interactive',
    'Executed Interactive Commands',
    'Security',
    'execve whose parent is a shell (bash).',
    mark,
    'spy_users',
    'proc.pname contains bash',
  ),
  t(
    'symlinks',
    'New Symlinks',
    'Security',
    'symlink / symlinkat.',
    mark,
    'dig',
    '(evt.type=symlink or evt.type=symlinkat) and evt.dir=< and evt.failed=false',
  ),
  t(
    'sys_files',
    'Modified System Files',
    'Security',
    'Distinct files written under /bin /sbin /boot /etc /lib* /usr.',
    { kind: 'distinct', fdClass: 'file', metrics: [M.FILE_OUT], systemDirs: true },
    'files',
    'evt.is_io_write=true',
  ),
  t(
    'sudo',
    'Sudo Invocations',
    'Security',
    'execve of sudo.',
    mark,
    'dig',
    'evt.type=execve and evt.dir=< and proc.name=sudo',
  ),
  t('setns', 'Setns Invocations', 'Security', 'setns calls.', mark, 'dig', 'evt.type=setns'),
  t(
    'ssh',
    'New SSH Connections',
    'Security',
    'connect/accept on port 22.',
    mark,
    'dig',
    '(evt.type=accept or evt.type=accept4 or evt.type=connect) and evt.dir=< and fd.sport=22',
  ),
  t(
    'deleted',
    'Deleted Files',
    'Security',
    'unlink / unlinkat.',
    mark,
    'dig',
    '(evt.type=unlink or evt.type=unlinkat) and evt.dir=<',
  ),
  t(
    'http_resp',
    'HTTP Responses',
    'Performance',
    'Network reads/writes starting with HTTP/ (Inspect calls them requests).',
    mark,
    'echo',
    `${NET} and evt.buffer startswith "HTTP/"`,
  ),
  t(
    'http_err',
    'HTTP Errors',
    'Performance',
    'HTTP responses whose status is not 2xx.',
    mark,
    'echo',
    `${NET} and evt.buffer startswith "HTTP/" and not evt.buffer startswith "HTTP/1.1 2"`,
  ),
  t(
    'open_errors',
    'File Open Errors',
    'Performance',
    'Failed open/openat.',
    mark,
    'dig',
    'evt.type in (open, openat, openat2) and evt.dir=< and evt.failed=true',
  ),
  t(
    'forks',
    'Fork Count',
    'Performance',
    'clone/fork/vfork returning in the parent.',
    mark,
    'dig',
    'evt.type in (clone, clone3, fork, vfork) and evt.dir=< and evt.rawres>0',
  ),
  t(
    'failed_conns',
    'Failed Connection Attempts',
    'Performance',
    'connect() failures other than EINPROGRESS.',
    mark,
    'dig',
    `evt.type=connect and evt.dir=< and ${NET} and evt.rawres<0 and evt.res!=EINPROGRESS`,
  ),
  t(
    'signals',
    'Received Signals',
    'Performance',
    'Signals delivered.',
    mark,
    'dig',
    'evt.type=signaldeliver',
  ),
  t(
    'segfaults',
    'Segmentation Faults',
    'Performance',
    'SIGSEGV delivered (Inspect’s filter has a SIGSEV typo; this one works).',
    mark,
    'dig',
    'evt.type=signaldeliver and evt.arg.sig=SIGSEGV',
  ),
  t(
    'slow_1ms',
    'Slow File I/O calls (1ms+)',
    'Performance',
    'File I/O slower than 1 ms, /dev excluded.',
    mark,
    'slow_io',
  ),
  t(
    'slow_10ms',
    'Slow File I/O calls (10ms+)',
    'Performance',
    'File I/O slower than 10 ms.',
    mark,
    'slow_io',
    'evt.latency>10000000',
  ),
  t(
    'slow_100ms',
    'Slow File I/O calls (100ms+)',
    'Performance',
    'File I/O slower than 100 ms.',
    mark,
    'slow_io',
    'evt.latency>100000000',
  ),
  t(
    'log_lines',
    'App Log Messages',
    'Logs',
    'Non-empty lines written to *.log files or under /var/log.',
    mark,
    'echo',
    '(fd.name contains .log or fd.name contains _log or fd.name startswith /var/log) and evt.is_io_write=true',
  ),
  t(
    'log_warn',
    'App Log Warning Messages',
    'Logs',
    'Log lines containing "warn".',
    mark,
    'echo',
    '(fd.name contains .log or fd.name contains _log or fd.name startswith /var/log) and evt.is_io_write=true and evt.arg.data icontains warn',
  ),
  t(
    'log_err',
    'App Log Error Messages',
    'Logs',
    'Log lines containing error, critic, emerg or alert.',
    mark,
    'echo',
    '(fd.name contains .log or fd.name contains _log or fd.name startswith /var/log) and evt.is_io_write=true and (evt.arg.data icontains error or evt.arg.data icontains critic or evt.arg.data icontains emerg or evt.arg.data icontains alert)',
  ),
  t(
    'syslog',
    'Syslog Messages',
    'Logs',
    'Writes to /dev/log.',
    mark,
    'echo',
    'fd.name contains /dev/log and evt.is_io_write=true',
  ),
  t(
    'notifications',
    'Sysdig Secure Notifications',
    'Infrastructure',
    'notification events.',
    mark,
    'dig',
    'evt.type=notification',
  ),
  t(
    'infra',
    'Infrastructure Events',
    'Infrastructure',
    'infra (container engine) events.',
    mark,
    'dig',
    'evt.type=infra',
  ),
];

export const MARK_TILES: readonly TileDef[] = TILES.filter((x) => x.source.kind === 'mark');

/** Bit of a mark tile in the per-event mark mask. */
export const MARK_BIT: ReadonlyMap<string, number> = new Map(MARK_TILES.map((x, k) => [x.id, k]));

/** /bin /sbin /boot /etc /lib* /usr/{bin,sbin,share,lib*}: Inspect's system directories. */
export function isSystemPath(name: string): boolean {
  return /^\/(bin|sbin|boot|etc|lib[^/]*|usr\/(bin|sbin|share|lib[^/]*))\//.test(name);
}

/** App log file names as wsysdig_summary recognises them (not compressed archives). */
export function isLogFile(name: string): boolean {
  if (/\.(gz|tgz)$/.test(name)) return false;
  return name.includes('.log') || name.includes('_log') || name.startsWith('/var/log');
}

const WARN = /warn/i;
const ERR = /error|critic|emerg|alert/i;

/** Lines of a log write, and how many warn / error lines (non-empty lines only). */
export function logLineCounts(text: string): { lines: number; warn: number; error: number } {
  let lines = 0;
  let warn = 0;
  let error = 0;
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    lines++;
    if (WARN.test(l)) warn++;
    if (ERR.test(l)) error++;
  }
  return { lines, warn, error };
}

/** An HTTP response line's status code, or undefined when the buffer does not start with HTTP/. */
export function httpStatus(text: string): number | undefined {
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
  return m ? Number(m[1]) : text.startsWith('HTTP/') ? 0 : undefined;
}
