// The chisels Capsight implements: name -> constructor from the chisel's arguments. Each module
// reproduces one sysdig 0.29.3 Lua chisel's output; the catalog (catalog.ts) lists all of sysdig's.
import { ioBytesAll, ioBytesFile, ioBytesNet } from './iobytes.js';
import { EchoFds, SpyFile, spyEndpoint, SpyLogs } from './spy.js';
import { Lsof, Netstat, netstatFilter, Ps, type FdFilter } from './systemstate.js';
import { TableGenerator } from './topn.js';
import { PROC_CPU_PC_KEYS, TopProcsCpu } from './topprocs_cpu.js';
import { fdBytesBy, fdTimeBy, fieldKey, latency, TOP_DEFINITIONS } from './tops.js';
import type { TopDefinition, TopKey } from './topn.js';
import { filesLower, netLower, ScallSlower } from './slowcalls.js';
import { StdStream } from './stdio.js';
import { ProcExecTime } from './procexec.js';
import { FdCountBy } from './fdcount.js';
import { Bottlenecks } from './bottlenecks.js';
import { SpyUsers } from './spyusers.js';
import { LsContainers } from './lscontainers.js';
export { ChiselError } from './spyusers.js';
import { topContainersCpu, TOP_CONTAINERS } from './containers.js';
import { ListLoginShells } from './loginshells.js';
import { HttpLog, HttpTop } from './httplog.js';
import type { ChiselEnv } from './fields.js';
import type { Chisel } from './runner.js';
import { ChiselExit } from './exit.js';
import { heatMapChisel } from './terminal.js';
import type { ChiselFiles } from './udpextract.js';
import { EventDump, type ChiselHost } from './dump.js';
import { Around } from './around.js';
import { SpySyslog } from './spysyslog.js';
import { MemcacheLog } from './memcachelog.js';

export type { Chisel } from './runner.js';
export { ChiselRunner } from './runner.js';

/** What a chisel is made from. */
export interface ChiselSetup {
  readonly env: ChiselEnv;
  /** Writes text to stdout as is (the chisels add their own newlines). */
  readonly write: (s: string) => void;
  /** The chisel's arguments, split as sysdig splits them. */
  readonly args: readonly string[];
  /** Compiles a thread-table filter (lsof/ps/netstat arguments). */
  compileFdFilter(text: string): FdFilter | Error;
  /** Files for the chisels that write them (udp_extract); without it they refuse to run. */
  readonly files?: ChiselFiles;
  /** The command line running the chisel (around, spy_logs' dump); without it they refuse to run. */
  readonly host?: ChiselHost;
}

export { ChiselExit };

/** The export of spy_logs / spy_syslog (arguments dump_file_name, dump_range_ms), if asked for. */
function logDump(s: ChiselSetup, name: string): EventDump | ChiselExit | undefined {
  const file = s.args[0];
  if (file === undefined) return undefined;
  if (s.host === undefined)
    return new ChiselExit(1, '', `${name}: writing an event dump needs a capture file to read again\n`);
  return new EventDump(file, s.args[1] ?? '1000', s.host);
}

/** A chisel's maker; the ones with heavy modules of their own (udp_extract compiles its filter)
 *  load them on demand, as start-up time is most of a short chisel run. */
type Factory = (s: ChiselSetup) => Chisel | ChiselExit | Promise<Chisel | ChiselExit>;

function tableFilter(s: ChiselSetup, name: string): FdFilter | ChiselExit | undefined {
  const text = s.args[0];
  if (text === undefined || text === '') return undefined;
  const f = s.compileFdFilter(text);
  if (f instanceof Error)
    return new ChiselExit(
      0,
      '',
      `invalid filter argument for get_thread_table in chisel ${name}: ${f.message}\n`,
      true,
    );
  return f;
}

function stateChisel(name: string, make: (s: ChiselSetup, f: FdFilter | undefined) => Chisel): Factory {
  return (s) => {
    const f = tableFilter(s, name);
    return f instanceof ChiselExit ? f : make(s, f);
  };
}

function top(name: string): Factory {
  const def = TOP_DEFINITIONS[name]!;
  const pc = def.pcKeys === undefined ? def : { ...def, keys: def.pcKeys };
  return (s) => new TableGenerator(s.env.printContainer === true ? pc : def, s.env, s.write);
}

/** The *slower chisels: min_ms through Lua's tonumber, else a message and os.exit() (status 0). */
function slower(make: (s: ChiselSetup, minMs: number) => Chisel): Factory {
  return (s) => {
    const t = s.args[0]!.trim();
    const n = t === '' ? NaN : Number(t);
    if (!Number.isFinite(n)) return new ChiselExit(0, 'Input min_ms must be a number.\n');
    return make(s, n);
  };
}

/** The *_by chisels: a table over the field named by the argument. */
function byKey(make: (k: TopKey) => TopDefinition): Factory {
  return (s) => {
    const k = fieldKey(s.args[0]!);
    if (typeof k === 'string') return new ChiselExit(1, '', `${k}\n`);
    return new TableGenerator(make(k), s.env, s.write);
  };
}

const FACTORIES: Readonly<Record<string, Factory>> = {
  topprocs_net: top('topprocs_net'),
  topconns: top('topconns'),
  topports_server: top('topports_server'),
  topprocs_file: top('topprocs_file'),
  topfiles_bytes: top('topfiles_bytes'),
  topfiles_time: top('topfiles_time'),
  topscalls: top('topscalls'),
  topscalls_time: top('topscalls_time'),
  topprocs_errors: top('topprocs_errors'),
  topfiles_errors: top('topfiles_errors'),
  fdbytes_by: byKey(fdBytesBy),
  fdtime_by: byKey(fdTimeBy),
  iobytes: (s) => ioBytesAll(s.write),
  topprocs_cpu: (s) =>
    new TopProcsCpu(s.env, s.write, s.env.printContainer === true ? PROC_CPU_PC_KEYS : undefined),
  iobytes_net: (s) => ioBytesNet(s.write),
  iobytes_file: (s) => ioBytesFile(s.write),
  echo_fds: (s) => new EchoFds(s.env, s.write, s.args),
  spy_ip: (s) => spyEndpoint('spy_ip', s.env, s.write, s.args[0]!, s.args[1]),
  spy_port: (s) => spyEndpoint('spy_port', s.env, s.write, s.args[0]!, s.args[1]),
  spy_file: (s) => new SpyFile(s.env, s.write, s.args),
  spy_logs: (s) => {
    const dump = logDump(s, 'spy_logs');
    if (dump instanceof ChiselExit) return dump;
    return new SpyLogs(s.env, s.write, s.args[2], s.env.isTty ?? false, dump);
  },
  spy_syslog: (s) => {
    const dump = logDump(s, 'spy_syslog');
    if (dump instanceof ChiselExit) return dump;
    return new SpySyslog(s.write, s.args[2], s.env.isTty ?? false, s.env.printContainer === true, dump);
  },
  memcachelog: (s) => new MemcacheLog(s.write, s.args[0], s.args[1]),
  around: (s) => {
    if (s.host === undefined) return new ChiselExit(1, '', 'around: needs a capture file to read again\n');
    // on_init: without a filter there is nothing to be around.
    if (s.host.filter === '')
      return new ChiselExit(1, 'no filter specified\n', 'init() for chisel around failed.\n');
    return new Around(s.host, s.write, s.args[0]!, s.args[1], s.env.isTty ?? false);
  },
  netstat: stateChisel('netstat', (s, f) => new Netstat(s.env, s.write, netstatFilter(f))),
  lsof: stateChisel('lsof', (s, f) => new Lsof(s.env, s.write, f)),
  ps: stateChisel('ps', (s, f) => new Ps(s.env, s.write, f)),
  list_login_shells: (s) => new ListLoginShells(s.env, s.write, s.args),
  fileslower: slower((s, ms) => filesLower(s.env, s.write, ms, s.args[1])),
  netlower: slower((s, ms) => netLower(s.env, s.write, ms, s.args[1])),
  scallslower: slower((s, ms) => new ScallSlower(s.env, s.write, ms, s.args[1])),
  bottlenecks: (s) => new Bottlenecks(s.env, s.write),
  // Its filter, "proc.name=bash or proc.name=sh and evt.type=execve", mixes and/or without
  // brackets, which sysdig 0.29.3's compiler rejects: the chisel never runs.
  shellshock_detect: () =>
    new ChiselExit(
      1,
      '',
      "invalid filter in chisel shellshock_detect: filter error at position 51: expression mixes 'and' and 'or' in an ambiguous way. Please use brackets.\nshellshock_detect: error in init(): C++ exception\n",
    ),
  lscontainers: (s) => {
    // `desc` prints the Lua table itself, in an order that changes from run to run.
    if (s.args[0] === 'desc')
      return new ChiselExit(1, '', 'lscontainers: the desc form is not supported by capsight\n');
    return new LsContainers(s.env, s.write);
  },
  spy_users: (s) => {
    const t = s.args[0];
    let depth = -1;
    if (t !== undefined) {
      depth = t.trim() === '' ? NaN : Number(t);
      if (!Number.isFinite(depth)) return new ChiselExit(0, 'Input max_depth must be a number.\n');
    }
    return new SpyUsers(s.write, depth, s.args[1], s.env.printContainer === true);
  },
  proc_exec_time: (s) => new ProcExecTime(s.write, s.args[0], s.env.printContainer === true),
  fdcount_by: (s) => {
    const k = fieldKey(s.args[0]!);
    return typeof k === 'string' ? new ChiselExit(1, '', `${k}\n`) : new FdCountBy(s.env, s.write, k);
  },
  stdin: (s) => new StdStream(0, s.write),
  stdout: (s) => new StdStream(1, s.write),
  stderr: (s) => new StdStream(2, s.write, s.env.printContainer === true),
  topcontainers_net: (s) => new TableGenerator(TOP_CONTAINERS.topcontainers_net!, s.env, s.write),
  topcontainers_file: (s) => new TableGenerator(TOP_CONTAINERS.topcontainers_file!, s.env, s.write),
  topcontainers_error: (s) => new TableGenerator(TOP_CONTAINERS.topcontainers_error!, s.env, s.write),
  topcontainers_cpu: (s) => topContainersCpu(s.env, s.write),
  httplog: (s) => new HttpLog(s.env, s.write),
  udp_extract: (s) =>
    s.files === undefined
      ? new ChiselExit(1, '', 'udp_extract: no file system to write to\n')
      : import('./udpextract.js').then(({ UdpExtract }) => new UdpExtract(s.files!)),
  subsecoffset: (s) =>
    heatMapChisel('subsecoffset', s.args, s.write, s.env.terminal, (c) => latency(c, s.env)),
  spectrogram: (s) => heatMapChisel('spectrogram', s.args, s.write, s.env.terminal, (c) => latency(c, s.env)),
  httptop: (s) => {
    const by = s.args[0] ?? 'ncalls';
    if (by !== 'ncalls' && by !== 'bytes' && by !== 'time') {
      return new ChiselExit(
        1,
        'Invalid argument! Valid options: ncalls, bytes, time\n',
        'set_arg() for chisel httptop failed.\n',
      );
    }
    return new HttpTop(s.env, s.write, by);
  },
};

/**
 * Chisels that set the inspector's filter in on_init (sysdig.set_filter): it takes the place of a
 * command-line filter, and a command line that has one fails (libsinsp sets a filter only once).
 */
export const GLOBAL_FILTERS: Readonly<Record<string, string>> = {
  memcachelog: '(fd.sport=11211 or proc.name=memcached) and evt.is_io=true',
};

/** Whether Capsight implements chisel `name`. */
export function hasChisel(name: string): boolean {
  return Object.hasOwn(FACTORIES, name);
}

/** Makes chisel `name` (hasChisel(name) must hold). */
export async function makeChisel(name: string, s: ChiselSetup): Promise<Chisel | ChiselExit> {
  return FACTORIES[name]!(s);
}
