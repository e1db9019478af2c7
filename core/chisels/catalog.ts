// The chisels sysdig 0.29.3 installs (userspace/sysdig/chisels/*.lua, minus the `v_*` views and
// flame, which the Debian package does not ship), as data: name, category, short description,
// whether `-cl` hides it, and the declared arguments. The command line uses the arguments to decide
// how many words after `-c NAME` belong to the chisel (see args.ts); `-cl` prints the rest.

/** One declared chisel argument: name, argtype as the Lua file states it, optional flag. */
export type ChiselArgRow = readonly [name: string, type: string, optional: boolean];

/** [name, category, short description, hidden, args]. */
export type ChiselRow = readonly [
  name: string,
  category: string,
  shortDesc: string,
  hidden: boolean,
  args: readonly ChiselArgRow[],
];

// prettier-ignore
export const CHISEL_ROWS: readonly ChiselRow[] = [
  ['around', 'Misc', 'Export to file the events around the time range where the given filter matches.', false, [['dump_file_name', 'string', false],['dump_range_ms', 'int', true]]],
  ['bottlenecks', 'Performance', 'Slowest system calls', false, []],
  ['echo_fds', 'I/O', 'Print the data read and written by processes.', false, [['disable_color', 'string', true]]],
  ['fdbytes_by', 'I/O', 'I/O bytes, aggregated by an arbitrary filter field', false, [['key', 'string', false]]],
  ['fdcount_by', 'I/O', 'FD count, aggregated by an arbitrary filter field', false, [['key', 'string', false]]],
  ['fdtime_by', 'I/O', 'FD time group by', false, [['key', 'string', false]]],
  ['fileslower', 'Performance', 'Trace slow file I/O', false, [['min_ms', 'int', false],['disable_color', 'string', true]]],
  ['httplog', 'Application', 'HTTP requests log', false, []],
  ['httptop', 'Application', 'Top HTTP requests', false, [['by', 'string', true]]],
  ['iobytes', 'I/O', 'Sum of I/O bytes on any type of FD', false, []],
  ['iobytes_file', 'I/O', 'Sum of file I/O bytes', false, []],
  ['iobytes_net', 'Net', 'Show total network I/O bytes', false, []],
  ['list_login_shells', 'Security', 'List the login shell IDs', false, [['command', 'string', true],['arguments', 'string', true]]],
  ['lscontainers', 'System State', 'List the running containers', false, [['desc', 'string', true]]],
  ['lsof', 'System State', 'List (and optionally filter) the open file descriptors.', false, [['filter', 'filter', true]]],
  ['memcachelog', 'Application', 'memcached requests log', false, [['method', '', true],['size', '', true]]],
  ['netlower', 'Performance', 'Trace slow network I/0', false, [['min_ms', 'int', false],['disable_color', 'string', true]]],
  ['netstat', 'System State', 'List (and optionally filter) network connections.', false, [['filter', 'filter', true]]],
  ['proc_exec_time', 'Performance', 'Show process execution time', false, [['disable_color', 'string', true]]],
  ['ps', 'System State', 'List (and optionally filter) the machine processes.', false, [['filter', 'filter', true]]],
  ['scallslower', 'Performance', 'Trace slow syscalls', false, [['min_ms', 'int', false],['disable_color', 'string', true]]],
  ['shellshock_detect', 'Security', 'print shellshock attacks', false, []],
  ['spectrogram', 'CPU Usage', 'Visualize OS latency in real time.', false, [['refresh_time', 'int', true]]],
  ['spy_file', 'I/O', 'Echo any read/write made by any process to all files. Optionally, you can provide the name of one file to only intercept reads/writes to that file.', false, [['read_or_write', 'string', true],['spy_on_file_name', 'string', true]]],
  ['spy_ip', 'Net', 'Show the data exchanged with the given IP address', false, [['host_ip', 'ipv4', false],['disable_color', 'string', true]]],
  ['spy_logs', 'Logs', 'Echo any write made by any process to a log file. Optionally, export the events around each log message to file.', false, [['dump_file_name', 'string', true],['dump_range_ms', 'int', true],['disable_color', 'string', true]]],
  ['spy_port', 'Net', 'Show the data exchanged using the given IP port number', false, [['host_port', 'int', false],['disable_color', 'string', true]]],
  ['spy_syslog', 'Logs', 'Print every message written to syslog. Optionally, export the events around each syslog message to file.', false, [['dump_file_name', 'string', true],['dump_range_ms', 'int', true],['disable_color', 'string', true]]],
  ['spy_users', 'Security', 'Display interactive user activity', false, [['max_depth', 'int', true],['disable_color', 'string', true]]],
  ['stderr', 'I/O', 'Print stderr of processes', false, [['disable_color', 'string', true]]],
  ['stdin', 'I/O', 'Print stdin of processes', false, []],
  ['stdout', 'I/O', 'Print stdout of processes', false, []],
  ['subsecoffset', 'CPU Usage', 'Visualize subsecond offset execution time.', false, [['refresh_time', 'int', true]]],
  ['table_generator', 'Filter', 'Filter on a key and value', true, [['keys', 'string', false],['keydescs', 'string', false],['value', 'string', false],['valuedesc', 'string', false],['filter', 'string', false],['top_number', 'string', false],['value_units', 'string', false]]],
  ['topconns', 'Net', 'Top network connections by total bytes', false, []],
  ['topcontainers_cpu', 'CPU Usage', 'Top containers by CPU usage', false, []],
  ['topcontainers_error', 'Errors', 'Top containers by number of errors', false, []],
  ['topcontainers_file', 'I/O', 'Top containers by R+W disk bytes', false, []],
  ['topcontainers_net', 'Net', 'Top containers by network I/O', false, []],
  ['topfiles_bytes', 'I/O', 'Top files by R+W bytes', false, []],
  ['topfiles_errors', 'Errors', 'Top files by number of errors', false, []],
  ['topfiles_time', 'I/O', 'Top files by time', false, []],
  ['topports_server', 'Net', 'Top TCP/UDP server ports by R+W bytes', false, []],
  ['topprocs_cpu', 'CPU Usage', 'Top processes by CPU usage', false, []],
  ['topprocs_errors', 'Errors', 'top processes by number of errors', false, []],
  ['topprocs_file', 'I/O', 'Top processes by R+W disk bytes', false, []],
  ['topprocs_net', 'Net', 'Top processes by network I/O', false, []],
  ['topscalls', 'Performance', 'Top system calls by number of calls', false, []],
  ['topscalls_time', 'Performance', 'Top system calls by time', false, []],
  ['tracers_2_statsd', 'Tracers', 'Export spans duration as statds metrics.', false, [['server_addr', 'string', true],['server_port', 'string', true]]],
  ['udp_extract', 'I/O', 'extract data from UDP streams to files.', false, []],
  ['wsysdig_summary', 'NA', 'wsysdig summary generator', true, [['composite_args', 'int', true]]],
];

export interface ChiselInfo {
  readonly name: string;
  readonly category: string;
  readonly shortDesc: string;
  readonly hidden: boolean;
  readonly args: readonly { readonly name: string; readonly type: string; readonly optional: boolean }[];
}

const BY_NAME = new Map<string, ChiselInfo>(
  CHISEL_ROWS.map(([name, category, shortDesc, hidden, args]) => [
    name,
    { name, category, shortDesc, hidden, args: args.map(([n, t, o]) => ({ name: n, type: t, optional: o })) },
  ]),
);

/** The catalog entry of a chisel, or undefined when sysdig has no chisel of that name. */
export function chiselInfo(name: string): ChiselInfo | undefined {
  return BY_NAME.get(name);
}

export function allChisels(): ChiselInfo[] {
  return [...BY_NAME.values()];
}
