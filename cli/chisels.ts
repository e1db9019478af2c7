// `capsight -r FILE -c NAME [args] [filter]` and `-cl`: the CLI side of the chisels in core/chisels.
// sysdig's event loop around a chisel (sysdig.cpp do_inspect + libsinsp next()): every event is
// parsed into the state; events the command-line filter drops only reach the chisel's interval
// check; the rest go to the chisel; -n counts those; the capture ends at EOF, at -n, or when the
// chisel asks, and then on_capture_end runs with the first and last timestamps read.
import type { ChiselHost } from '../core/chisels/dump.js';
import { SectionFollower } from '../engine/sections.js';
import { debugPasses, FilterHook } from './filterhook.js';
import { CommSuppressor } from './suppress.js';
import { DurationLimit } from './duration.js';
import { filterProclistError, type CliOptions } from './args.js';
import type { Out } from './out.js';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import type { CaptureReader } from '../native/index.js';
import type { StateTracker } from '../core/state/tracker.js';
import { newContext, setEvent, type StateLookup } from '../core/fields/context.js';
import { EVENTS, eventInfo, PPME } from '../core/schema/index.js';
import { BufFmt, type ParamEnv } from '../core/format/params.js';
import type { CaptureHeader, EventBatch } from '../core/capture.js';
import { cstr } from '../core/bytes.js';
import type { FdInfo, ThreadInfo } from '../core/state/types.js';
import { renderChiselList } from '../core/chisels/list.js';
import { chiselInfo } from '../core/chisels/catalog.js';
import { ChiselArgError, chiselWordCount, splitChiselArgs } from '../core/chisels/args.js';
import {
  ChiselError,
  ChiselExit,
  ChiselRunner,
  GLOBAL_FILTERS,
  hasChisel,
  makeChisel,
} from '../core/chisels/index.js';
import { IntervalError } from '../core/chisels/runner.js';
import type { ChiselEnv } from '../core/chisels/fields.js';
import type { FdFilter } from '../core/chisels/systemstate.js';
import type { ChiselFiles } from '../core/chisels/udpextract.js';
import { Summary } from './summary.js';

// [plain, with -j]: sysdig's buffer formats for -A/-X/-x/-b (JSON flavours under -j).
const BUF_FORMATS: Record<CliOptions['bufFormat'], [number, number]> = {
  normal: [BufFmt.NORMAL, BufFmt.JSON],
  ascii: [BufFmt.EOLS, BufFmt.JSONEOLS],
  hex: [BufFmt.HEX, BufFmt.JSONHEX],
  hexascii: [BufFmt.HEXASCII, BufFmt.JSONHEXASCII],
  base64: [BufFmt.BASE64, BufFmt.JSONBASE64],
};

/** The -p values sysdig expands to a named format (which leave the plugin format as it was). */
const NAMED_FORMATS = new Set(['c', 'container', 'k', 'kubernetes', 'm', 'mesos']);

/**
 * Whether sysdig writes "\e[00m" when the capture ends, before the chisels' on_capture_end
 * (handle_end_of_file's reset_colors): when one of its output formats holds an escape. On a
 * terminal the default formats do, the plugin one included, which only a free-form -p replaces.
 */
/** The -p shorthands after which sysdig.is_print_container_data() is true (sysdig.cpp). */
const PRINT_CONTAINER = new Set(['c', 'container', 'k', 'kubernetes', 'm', 'mesos']);

function resetsColors(printFormat: string | undefined, isTty: boolean): boolean {
  if (printFormat === undefined || NAMED_FORMATS.has(printFormat)) return isTty;
  return printFormat.includes('\\e') || printFormat.includes('\x1b');
}

/** The working directory's files, for the chisels that write some (udp_extract). Paths are byte
 *  strings (one char per byte, like every argument), handed to the file system as those bytes. */
const NODE_FILES: ChiselFiles = {
  makeDir(path) {
    try {
      mkdirSync(Buffer.from(path, 'latin1'));
    } catch {
      // `mkdir DIR 2> /dev/null`: an existing directory, or any failure, goes unreported.
    }
  },
  create(path) {
    let fd: number;
    try {
      fd = openSync(Buffer.from(path, 'latin1'), 'w');
    } catch {
      return undefined;
    }
    return {
      write(bytes) {
        for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      },
      close: () => closeSync(fd),
    };
  },
};

/** `sysdig -cl`. */
export function listChisels(): string {
  return renderChiselList();
}

/** The filter compiler, loaded only when the command line has words after the chisel's name
 *  (arguments or a filter): start-up time is most of a chisel that stops at the first event. */
type FilterModule = typeof import('./filter.js');

/**
 * A thread-table filter: the compiled filter run on a stand-in read exit of the thread, with the
 * fd as its fd (what get_thread_table builds), stamped with the last event's time.
 */
function fdFilterCompiler(
  compileCliFilter: FilterModule['compileCliFilter'],
  lookup: StateLookup,
  env: ParamEnv,
  lastTs: () => bigint,
): (text: string) => FdFilter | Error {
  return (text) => {
    const p = compileCliFilter(text);
    if (p instanceof Error) return p;
    const batch: EventBatch = {
      count: 1,
      firstNum: 0,
      ts: new BigInt64Array(1),
      tid: new BigInt64Array(1),
      type: Uint16Array.of(PPME.SYSCALL_READ_X),
      cpu: new Uint16Array(1),
      flags: new Uint32Array(1),
      offset: new Float64Array(1),
      paramBase: new Uint32Array(2),
      paramOff: new Uint32Array(0),
      paramLen: new Uint32Array(0),
      arena: new Uint8Array(0),
    };
    const info = eventInfo(PPME.SYSCALL_READ_X);
    const ctx = newContext(batch, info, lookup);
    ctx.env = env;
    return (t: ThreadInfo, fdNum: number, fd: FdInfo) => {
      batch.ts[0] = lastTs();
      batch.tid[0] = BigInt(t.tid);
      setEvent(ctx, 0, info, { thread: t, fdNum, fd, enterTs: 0n });
      ctx.num = 0;
      return p(ctx);
    };
  };
}

/** Stands in for the first batch of a capture without events. */
const EMPTY_BATCH: EventBatch = {
  count: 0,
  firstNum: 0,
  ts: new BigInt64Array(0),
  tid: new BigInt64Array(0),
  type: new Uint16Array(0),
  cpu: new Uint16Array(0),
  flags: new Uint32Array(0),
  offset: new Float64Array(0),
  paramBase: new Uint32Array(1),
  paramOff: new Uint32Array(0),
  paramLen: new Uint32Array(0),
  arena: new Uint8Array(0),
};

/** Parameter j of event i as a NUL-terminated string. */
function paramText(b: EventBatch, i: number, j: number): string | undefined {
  const slot = b.paramBase[i]! + j;
  if (slot >= b.paramBase[i + 1]!) return undefined;
  const o = b.paramOff[slot]!;
  return cstr(b.arena, o, o + b.paramLen[slot]!);
}

/** What a chisel run is given by the command line. */
export interface ChiselRun {
  o: CliOptions;
  reader: CaptureReader;
  /** The capture could not be opened (`reader` has no events and its error says why). */
  openFailed: boolean;
  /** The capture's header as the command line uses it (-E drops its user tables). */
  header: CaptureHeader;
  tracker: StateTracker;
  lookup: StateLookup;
  out: Out;
  app: Pick<ChiselHost, 'source' | 'runApp'>;
}

export async function runChiselCli(run: ChiselRun): Promise<number> {
  const r = await runChisel(run);
  // -S with a chisel: sysdig counts no event (the chisel gets them) but still prints the table
  // when the run ends, even on an error; only a chisel refusing its arguments skips it.
  const status = typeof r === 'number' ? r : r.refused;
  if (run.o.summary && typeof r === 'number') {
    run.out.write(new Summary().render());
    run.out.flush();
  }
  return status;
}

/** The exit status, or `refused` when the chisel refused its arguments (on_set_arg answered false:
 *  sysdig stops before anything else, exit status 0). */
async function runChisel(run: ChiselRun): Promise<number | { refused: number }> {
  const { o, reader, openFailed, header, tracker, lookup, out, app } = run;
  const name = o.chisel!;
  const info = chiselInfo(name);
  if (info === undefined) {
    process.stderr.write(`can't open file ${name}\n`);
    return 1;
  }
  if (!hasChisel(name)) {
    process.stderr.write(`chisel ${name} is not implemented by capsight\n`);
    return 1;
  }
  const fm: FilterModule | undefined =
    o.rest.length > 0 || GLOBAL_FILTERS[name] !== undefined ? await import('./filter.js') : undefined;
  const compiles = (text: string): boolean => !(fm!.compileCliFilter(text) instanceof Error);
  let args: string[];
  let filterWords: string[];
  try {
    const n = chiselWordCount(info, o.rest, compiles);
    args = n === 1 ? splitChiselArgs(info, o.rest[0]!) : [];
    filterWords = o.rest.slice(n);
  } catch (e) {
    if (e instanceof ChiselArgError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const filterText = filterWords.join(' ');

  const paramEnv: ParamEnv = {
    thread: undefined,
    threadOf: (tid) => lookup.thread(tid),
    userName: (uid) => lookup.user(uid)?.name,
    groupName: (gid) => lookup.group(gid)?.name,
    bufFormat: BUF_FORMATS[o.bufFormat][o.json ? 1 : 0],
    maxBufLen: 0,
    strStorage: 1024,
  };
  const env: ChiselEnv = {
    paramEnv,
    latency: (c) => tracker.latencyOf(c.state),
    userName: (uid) => lookup.user(uid)?.name,
    threads: () => tracker.threads(),
    json: o.json,
    isTty: process.stdout.isTTY === true,
    terminal: process.stdout.isTTY
      ? { width: process.stdout.columns ?? -1, height: process.stdout.rows ?? -1 }
      : undefined,
    containers: () => [...containerIds].flatMap((id) => lookup.container(id) ?? []),
    printContainer: PRINT_CONTAINER.has(o.printFormat ?? ''),
  };
  // Container ids in the order container events described them (the container manager's inserts).
  const containerIds = new Set<string>();
  let batch = reader.next();
  const ctx = newContext(batch ?? EMPTY_BATCH, eventInfo(batch?.type[0] ?? 0), lookup);
  ctx.env = paramEnv;
  // The row being processed (of ctx.batch): the filter hook and the chisels' thread-table filters
  // read the event from it. The batch may be lent by the reader (valid until the next next()), so
  // the time of the last event read is taken from it before it goes.
  // Replaced by the filter's hook once the filter compiled (only events, after that, read it).
  let step = new FilterHook(ctx, undefined);
  let endTs = 0n;
  // sysdig initializes the chisel (its arguments checked, on_init run) before it compiles the
  // command-line filter: a bad argument ends the run before any filter error.
  // What the chisel prints while it starts (its on_init/on_capture_start) waits for the filter:
  // sysdig runs on_init only once the filter compiled.
  let held: string[] | undefined = [];
  const chisel = await makeChisel(name, {
    env,
    write: (s) => (held !== undefined ? held.push(s) : out.write(s)),
    args,
    compileFdFilter: (text) =>
      fm === undefined
        ? new Error('no filter compiler')
        : fdFilterCompiler(
            fm.compileCliFilter,
            lookup,
            paramEnv,
            () => ctx.batch.ts[step.row] ?? endTs,
          )(text),
    files: NODE_FILES,
    host: { ...app, filter: filterText },
  });
  const release = (): void => {
    for (const s of held ?? []) out.write(s);
    held = undefined;
  };
  if (chisel instanceof ChiselExit) {
    release();
    out.write(chisel.stdout);
    out.flush();
    if (chisel.stderr) process.stderr.write(chisel.stderr);
    return chisel.status === 0 && !chisel.goesOn ? { refused: 0 } : chisel.status;
  }
  const runner = new ChiselRunner(chisel);
  const proclist = filterProclistError(o, filterText);
  if (proclist !== undefined) {
    // sysdig stops before on_init (what the chisel printed is dropped) and on_capture_end.
    process.stderr.write(`${proclist.message}\n`);
    held = undefined;
    out.flush();
    return 1;
  }
  const filter = filterText ? fm!.compileCliFilterParts(filterText) : undefined;
  if (filter instanceof Error) {
    process.stderr.write(`${filter.message}\n`);
    // The error ends the capture before on_init: sysdig still calls on_capture_end.
    held = undefined;
    if (chisel.endsUnstarted === true) runner.end(0n, 0n);
    out.flush();
    return 1;
  }
  // A chisel that sets the inspector's filter in on_init (GLOBAL_FILTERS) fails after a
  // command-line one (libsinsp takes one filter), else its filter is the one.
  const globalFilter = GLOBAL_FILTERS[name];
  // -d makes it a display filter, which only sysdig's own event printing runs: beside a chisel it
  // is compiled (its errors reported) and then unused.
  const cmdFilter = o.displayFilter ? undefined : filter;
  if (globalFilter !== undefined && cmdFilter !== undefined) {
    process.stderr.write(
      `invalid filter in chisel ${name}: filter can only be set once\n${name}: error in init(): C++ exception\n`,
    );
    held = undefined;
    out.flush();
    return 1;
  }
  const used = globalFilter === undefined ? cmdFilter : fm!.compileCliFilterParts(globalFilter);
  // A chisel's own filter text always compiles: anything else is a mistake in GLOBAL_FILTERS.
  if (used instanceof Error) throw used;
  step = new FilterHook(ctx, used, o.debug);
  release();
  // -w beside a chisel: the events that pass the command line's filter are also written out.
  const capOut =
    o.writeFile === undefined || openFailed
      ? undefined
      : (await import('./write.js')).captureOutputFor(o, header);
  if (capOut instanceof Error) {
    process.stderr.write(`${capOut.message}\n`);
    return 1;
  }

  if (!openFailed) chisel.onCaptureStart?.();

  const limit = o.numEvents ?? Infinity;
  const duration = new DurationLimit(o.durationNs);
  let nevts = 0;
  // libsinsp parses the container events a capture starts with while opening it (sinsp::open's
  // pre-parse): they build state but never reach the chisel, not even its interval check.
  let leading = true;
  // sinsp::next stamps every event it reads: the first (container descriptions aside) and the
  // last. Until a non-zero first time is known, ctx.firstTs is pinned to it before each event.
  let firstTs: bigint | undefined;
  let pinFirst = true;
  const sections = new SectionFollower(reader, tracker, ctx);
  const suppress = o.suppressComms.length > 0 ? new CommSuppressor(new Set(o.suppressComms)) : undefined;
  // A read error the reader did not see (-U: a spawn event without its comm).
  let damage: string | undefined;
  outer: for (; batch !== null; batch = reader.next()) {
    ctx.batch = batch;
    sections.batch(batch);
    const types = batch.type;
    const n = batch.count;
    for (let i = 0; i < n; i++) {
      if (nevts === limit) {
        // Row i is never read: the last event read is the one before it.
        step.row = i - 1;
        if (i > 0) endTs = batch.ts[i - 1]!;
        break outer;
      }
      const code = types[i]!;
      if (suppress !== undefined) {
        const drop = suppress.check(batch, i);
        if (typeof drop === 'string') {
          damage = drop;
          break outer;
        }
        // libscap drops it before libsinsp numbers it.
        if (drop) {
          ctx.numShift++;
          continue;
        }
      }
      sections.event(code);
      const json = code === PPME.CONTAINER_JSON_E || code === PPME.CONTAINER_JSON_2_E;
      step.row = i;
      if (pinFirst) {
        if (firstTs === undefined && !json) firstTs = batch.ts[i]!;
        ctx.firstTs = firstTs ?? 0n;
        pinFirst = ctx.firstTs === 0n;
      }
      step.rejected = false;
      const st = tracker.process(batch, i, step.hook, step.typeMask);
      if (json || code === PPME.CONTAINER_E) {
        const id = json ? st.thread?.containerId : paramText(batch, i, 0);
        if (id) containerIds.add(id);
        if (leading) continue;
      }
      leading = false;
      // -D (internal events mode): sinsp::next returns an internal event the filter rejected.
      if (st.hidden && step.rejected && o.debug && debugPasses(batch, i, code, true)) st.hidden = false;
      setEvent(ctx, i, EVENTS[code] ?? eventInfo(code), st);
      if (st.hidden) {
        // Filtered out (by the filter, or state-only): the chisels only get their interval check.
        capOut?.addRejected(batch, i, ctx.info);
        try {
          runner.timeout(ctx);
        } catch (e) {
          if (!(e instanceof IntervalError)) throw e;
          // The exception leaves do_inspect: sysdig's handler ends the capture once (colour reset,
          // on_capture_end) and the run fails.
          process.stderr.write(
            `${e.message}\n${name} chisel error: calling on_interval() failed:C++ exception\n`,
          );
          if (resetsColors(o.printFormat, process.stdout.isTTY === true)) out.write('\x1b[00m');
          runner.end(firstTs ?? 0n, batch.ts[i]!);
          capOut?.close();
          out.flush();
          return 1;
        }
        continue;
      }
      // Reading a BigInt64Array element allocates: only -M needs the time here.
      if (o.durationNs !== undefined && duration.past(batch.ts[i]!)) {
        endTs = batch.ts[i]!;
        break outer;
      }
      nevts++;
      capOut?.add(batch, i);
      let more: boolean;
      try {
        more = runner.run(ctx);
      } catch (e) {
        if (!(e instanceof ChiselError)) throw e;
        // A Lua runtime error: sysdig reports it and stops without on_capture_end.
        capOut?.close();
        out.flush();
        process.stderr.write(`${e.message}\n`);
        return 1;
      }
      // evt.deltatime in the filter needs the previous event's time.
      if (cmdFilter) ctx.prevTs = batch.ts[i]!;
      if (!more) {
        endTs = batch.ts[i]!;
        break outer;
      }
    }
    if (n > 0) endTs = batch.ts[n - 1]!;
  }
  const resets = resetsColors(o.printFormat, process.stdout.isTTY === true);
  if (resets) out.write('\x1b[00m');
  // A stop at -n leaves endTs at the last event read before it.
  runner.end(firstTs ?? 0n, endTs);
  capOut?.close();
  // Damage met while reading ends the capture twice in sysdig: do_inspect's handle_end_of_file,
  // then the one of the handler of the exception it throws, so on_capture_end runs again (a failed
  // open only has the latter).
  const error = damage ?? reader.error?.message;
  if (error !== undefined && !openFailed) {
    if (resets) out.write('\x1b[00m');
    runner.end(firstTs ?? 0n, endTs);
  }
  out.flush();
  if (error !== undefined) {
    const where = openFailed ? '' : `${o.readFiles[0]}: `;
    process.stderr.write(`${where}${error}\n`);
    return 1;
  }
  return 0;
}
