// sysdig's command line, parsed the way its getopt_long does: short options may be clustered
// (`-qS`), take their argument attached or as the next word (`-n5`, `-n 5`), long options take
// `--opt=value` or `--opt value`, and non-option words anywhere form the filter (GNU permutation).

export interface CliOptions {
  readFiles: string[];
  numEvents: number | undefined;
  /** -M: stop when an event is this many ns past the first one. */
  durationNs: bigint | undefined;
  printFormat: string | undefined;
  bufFormat: 'normal' | 'ascii' | 'hex' | 'hexascii' | 'base64';
  json: boolean;
  verbose: boolean;
  timeType: 'h' | 'a' | 'r' | 'd' | 'D';
  snaplen: number | undefined;
  listFields: number;
  listMarkdown: boolean;
  listEvents: boolean;
  summary: boolean;
  quiet: boolean;
  displayFilter: boolean;
  chisel: string | undefined;
  listChisels: boolean;
  chiselInfo: string | undefined;
  writeFile: string | undefined;
  compress: boolean;
  excludeUsers: boolean;
  /** --filter-proclist: the filter also selects the process table -w writes. */
  filterProclist: boolean;
  /** -U: commands whose threads' events are dropped (libscap's suppressed comms). */
  suppressComms: string[];
  /** -D: internal events (procinfo, sysdigevent...) are printed too (inspector debug mode). */
  debug: boolean;
  resolvePorts: boolean;
  fatfile: boolean;
  help: boolean;
  version: boolean;
  libsVersion: boolean;
  unbuffered: boolean;
  /** Words after the options: chisel arguments first (when -c), then the filter. */
  rest: string[];
}

export class UsageError extends Error {
  /** The exit status sysdig gives for this error (1 unless stated). */
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

interface OptSpec {
  short?: string;
  long?: string;
  arg: 'none' | 'required' | 'optional';
  apply(o: CliOptions, v: string | undefined): void;
}

/** A buffer format option. A second one is refused, and sysdig exits with 0 when that second one is
 *  -A or -b, with 1 when it is -x or -X. */
function setBufFormat(o: CliOptions, f: CliOptions['bufFormat'], conflictStatus: number): void {
  if (o.bufFormat !== 'normal')
    throw new UsageError('you cannot specify more than one output format', conflictStatus);
  o.bufFormat = f;
}

/**
 * libsinsp's sinsp_numparser::parseu64: sscanf("%lu%c") must convert the number and nothing after
 * it. Blanks and a sign may lead; a negative number wraps modulo 2^64 and one too large reads as
 * 2^64-1 (strtoull). The result is a number: past 2^53 it is only ever compared with counts.
 */
function parseU64(v: string | undefined, what: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(v ?? '');
  if (m === null) throw new UsageError(`can't parse the ${what} argument, make sure it's a number`);
  const max = (1n << 64n) - 1n;
  let n = BigInt(m[2]!);
  if (n > max) n = max;
  else if (m[1] === '-') n = BigInt.asUintN(64, -n);
  return Number(n);
}

/** C's atoi: blanks, a sign, then digits as far as they go (0 for none). */
function atoi(v: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(v);
  return m === null ? 0 : Number.parseInt(m[1]!, 10) | 0;
}

/** strtoul(s, NULL, 0): leading blanks, sign, 0x/0 prefixes; the number its longest prefix reads. */
function strtoul(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (m === null) return 0;
  const t = m[2]!;
  const n = /^0[xX]/.test(t)
    ? parseInt(t.slice(2), 16)
    : t.length > 1 && t[0] === '0'
      ? parseInt(t, 8)
      : Number(t);
  return m[1] === '-' && n !== 0 ? 2 ** 64 - n : n;
}

const SPECS: OptSpec[] = [
  { short: 'A', long: 'print-ascii', arg: 'none', apply: (o) => setBufFormat(o, 'ascii', 0) },
  { short: 'b', long: 'print-base64', arg: 'none', apply: (o) => setBufFormat(o, 'base64', 0) },
  { short: 'x', long: 'print-hex', arg: 'none', apply: (o) => setBufFormat(o, 'hex', 1) },
  { short: 'X', long: 'print-hex-ascii', arg: 'none', apply: (o) => setBufFormat(o, 'hexascii', 1) },
  {
    short: 'c',
    long: 'chisel',
    arg: 'required',
    apply: (o, v) => {
      if (v === 'l') o.listChisels = true;
      else o.chisel = v;
    },
  },
  { long: 'list-chisels', arg: 'none', apply: (o) => void (o.listChisels = true) },
  { short: 'i', long: 'chisel-info', arg: 'required', apply: (o, v) => void (o.chiselInfo = v) },
  { short: 'd', long: 'displayflt', arg: 'none', apply: (o) => void (o.displayFilter = true) },
  { short: 'h', long: 'help', arg: 'none', apply: (o) => void (o.help = true) },
  { short: 'j', long: 'json', arg: 'none', apply: (o) => void (o.json = true) },
  { short: 'l', long: 'list', arg: 'none', apply: (o) => void o.listFields++ },
  { short: 'L', long: 'list-events', arg: 'none', apply: (o) => void (o.listEvents = true) },
  { long: 'list-markdown', arg: 'none', apply: (o) => void (o.listMarkdown = true) },
  {
    short: 'n',
    long: 'numevents',
    arg: 'required',
    apply: (o, v) => {
      o.numEvents = parseU64(v, '-n');
      if (o.numEvents === 0) throw new UsageError(`invalid event count ${v}`);
    },
  },
  {
    // Limits the events -w writes; accepted and checked as sysdig does (strtoul, base from prefix).
    short: 'e',
    long: 'event-limit',
    arg: 'required',
    apply: (_o, v) => {
      if (!(strtoul(v ?? '') > 0)) throw new UsageError(`invalid parameter 'number of events' ${v}`);
    },
  },
  { short: 'p', long: 'print', arg: 'required', apply: (o, v) => void (o.printFormat = v) },
  {
    short: 'M',
    arg: 'required',
    apply: (o, v) => {
      const s = atoi(v ?? '');
      if (s <= 0) throw new UsageError(`invalid duration${v ?? ''}`);
      o.durationNs = BigInt(s) * 1_000_000_000n;
    },
  },
  { short: 'q', long: 'quiet', arg: 'none', apply: (o) => void (o.quiet = true) },
  { short: 'r', long: 'read', arg: 'required', apply: (o, v) => void o.readFiles.push(v!) },
  { short: 'S', long: 'summary', arg: 'none', apply: (o) => void (o.summary = true) },
  // atoi, as sysdig reads it: any text is accepted (reading a file never uses the value).
  { short: 's', long: 'snaplen', arg: 'required', apply: (o, v) => void (o.snaplen = atoi(v ?? '')) },
  {
    short: 't',
    long: 'timetype',
    arg: 'required',
    apply: (o, v) => {
      if (v !== 'h' && v !== 'a' && v !== 'r' && v !== 'd' && v !== 'D')
        throw new UsageError('invalid modifier for flag -t');
      o.timeType = v;
    },
  },
  { short: 'v', long: 'verbose', arg: 'none', apply: (o) => void (o.verbose = true) },
  { short: 'w', long: 'write', arg: 'required', apply: (o, v) => void (o.writeFile = v) },
  { short: 'z', long: 'compress', arg: 'none', apply: (o) => void (o.compress = true) },
  { short: 'F', long: 'fatfile', arg: 'none', apply: (o) => void (o.fatfile = true) },
  { short: 'E', long: 'exclude-users', arg: 'none', apply: (o) => void (o.excludeUsers = true) },
  { long: 'filter-proclist', arg: 'none', apply: (o) => void (o.filterProclist = true) },
  { short: 'U', long: 'suppress-comm', arg: 'required', apply: (o, v) => void o.suppressComms.push(v!) },
  { short: 'D', long: 'debug', arg: 'none', apply: (o) => void (o.debug = true) },
  // Forces tracer capture in the driver: nothing changes when reading a file.
  { short: 'T', long: 'force-tracers-capture', arg: 'none', apply: () => undefined },
  { short: 'R', arg: 'none', apply: (o) => void (o.resolvePorts = true) },
  // Progress on stderr while reading: accepted, nothing is printed (stdout is the same either way).
  { short: 'P', long: 'progress', arg: 'none', apply: () => undefined },
  { long: 'version', arg: 'none', apply: (o) => void (o.version = true) },
  { long: 'libs-version', arg: 'none', apply: (o) => void (o.libsVersion = true) },
  { long: 'unbuffered', arg: 'none', apply: (o) => void (o.unbuffered = true) },
];

const BY_SHORT = new Map(SPECS.filter((s) => s.short).map((s) => [s.short!, s]));
const BY_LONG = new Map(SPECS.filter((s) => s.long).map((s) => [s.long!, s]));

export function parseArgs(argv: readonly string[]): CliOptions {
  const o: CliOptions = {
    readFiles: [],
    numEvents: undefined,
    durationNs: undefined,
    printFormat: undefined,
    bufFormat: 'normal',
    json: false,
    verbose: false,
    timeType: 'h',
    snaplen: undefined,
    listFields: 0,
    listMarkdown: false,
    listEvents: false,
    summary: false,
    quiet: false,
    displayFilter: false,
    chisel: undefined,
    listChisels: false,
    chiselInfo: undefined,
    writeFile: undefined,
    compress: false,
    excludeUsers: false,
    debug: false,
    suppressComms: [],
    filterProclist: false,
    resolvePorts: false,
    fatfile: false,
    help: false,
    version: false,
    libsVersion: false,
    unbuffered: false,
    rest: [],
  };
  for (let k = 0; k < argv.length; k++) {
    const w = argv[k]!;
    if (w === '--') {
      o.rest.push(...argv.slice(k + 1));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const spec = BY_LONG.get(name);
      if (!spec) throw new UsageError(`unrecognized option '${w}'`);
      let v: string | undefined = eq < 0 ? undefined : w.slice(eq + 1);
      if (spec.arg === 'required' && v === undefined) {
        if (k + 1 >= argv.length) throw new UsageError(`option '--${name}' requires an argument`);
        v = argv[++k];
      }
      spec.apply(o, v);
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      for (let c = 1; c < w.length; c++) {
        const spec = BY_SHORT.get(w[c]!);
        if (!spec) throw new UsageError(`invalid option -- '${w[c]}'`);
        if (spec.arg === 'none') {
          spec.apply(o, undefined);
          continue;
        }
        let v: string | undefined = w.slice(c + 1);
        if (v === '') {
          if (spec.arg === 'required') {
            if (k + 1 >= argv.length) throw new UsageError(`option requires an argument -- '${w[c]}'`);
            v = argv[++k];
          } else v = undefined;
        }
        spec.apply(o, v);
        break;
      }
      continue;
    }
    o.rest.push(w);
  }
  return o;
}

/** --filter-proclist's checks, made before the filter compiles. Without -w it changes nothing. */
export function filterProclistError(o: CliOptions, filterText: string): Error | undefined {
  if (!o.filterProclist) return undefined;
  if (filterText === '') return new Error('you must specify a filter if you use --filter-proclist.');
  // sysdig writes only the processes the filter accepts: not done here, so refused.
  if (o.writeFile !== undefined) return new Error('capsight cannot filter the process table -w writes');
  return undefined;
}
