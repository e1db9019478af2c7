// `capsight`: the sysdig-compatible command line. Reads a capture with the native reader, replays
// thread/fd state, filters, and prints what `sysdig -r` prints.
import { filterProclistError, parseArgs, UsageError, type CliOptions } from './args.js';
import { Out } from './out.js';
import { Summary } from './summary.js';
import { SectionFollower } from '../engine/sections.js';
import { debugPasses, FilterHook } from './filterhook.js';
import { CommSuppressor } from './suppress.js';
import { DurationLimit } from './duration.js';
import { l4ProtoName, servicesResolver, setPortResolver } from '../core/net/ports.js';
import { readFileSync } from 'node:fs';
import { openForReading } from '../engine/open.js';
import { StateTracker } from '../core/state/tracker.js';
import type { CaptureReader } from '../native/index.js';
import { EVENTS, eventInfo, EC } from '../core/schema/index.js';
import { BufFmt } from '../core/format/params.js';
import { defaultJson, defaultLine, OutputTime } from '../core/format/event.js';
import {
  defaultEnv,
  newContext,
  setEvent,
  type EventContext,
  type StateLookup,
} from '../core/fields/context.js';
import { u16 } from '../core/bytes.js';
import type { CaptureHeader, EventBatch } from '../core/capture.js';
import type { LineFormatter } from './printformat.js';
import type { CaptureOutput } from './write.js';
import { FieldRenderError } from '../core/fields/values.js';
import { makeLookup } from '../core/fields/lookup.js';
import { utf8Bytes } from '../core/bytes.js';

const VERSION = '0.1.0';
const CONTAINER_JSON_E = 272;
/** `-p` shorthands sysdig expands to a whole format (`-pc` shows the container columns). */
const CONTAINER_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu %container.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info';
const NAMED_FORMATS: Record<string, string> = {
  c: CONTAINER_FORMAT,
  container: CONTAINER_FORMAT,
  k: '*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info',
  kubernetes:
    '*%evt.num %evt.outputtime %evt.cpu %k8s.pod.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info',
  m: '*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info',
  mesos:
    '*%evt.num %evt.outputtime %evt.cpu %mesos.task.name (%container.id) %proc.name (%thread.tid:%thread.vtid) %evt.dir %evt.type %evt.info',
};
/** sysdig's default format (what the fast path in core/format/event.ts renders). */
const DEFAULT_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.info';
/** sysdig's default format when stdout is a terminal. */
const TTY_FORMAT =
  '*%evt.num %evt.outputtime %evt.cpu \\e[01;32m%proc.name\\e[00m (\\e[01;36m%proc.pid\\e[00m.%thread.tid) %evt.dir \\e[01;34m%evt.type\\e[00m %evt.info';
const CONTAINER_JSON_2_E = 324;
const PLUGINEVENT_E = 322;
/** sysdig's format for plugin events (on a terminal: with colours). */
const PLUGIN_FORMAT = '*%evt.num %evt.datetime.s [%evt.pluginname] %evt.plugininfo';
const TTY_PLUGIN_FORMAT = '*%evt.num %evt.datetime.s [\\e[01;32m%evt.pluginname\\e[00m] %evt.plugininfo';

const BUF_FORMATS: Record<CliOptions['bufFormat'], [normal: number, json: number]> = {
  normal: [BufFmt.NORMAL, BufFmt.JSON],
  ascii: [BufFmt.EOLS, BufFmt.JSONEOLS],
  hex: [BufFmt.HEX, BufFmt.JSONHEX],
  hexascii: [BufFmt.HEXASCII, BufFmt.JSONHEXASCII],
  base64: [BufFmt.BASE64, BufFmt.JSONBASE64],
};

function lookupFor(header: CaptureHeader, tracker: StateTracker): StateLookup {
  // Users and groups as makeLookup keeps them (the last of each id; names as bytes).
  const base = makeLookup(header, tracker);
  return {
    thread: (tid) => tracker.thread(tid),
    user: base.user,
    group: base.group,
    container: (id) => tracker.container(id),
    isLocalAddress: (ip, t) => tracker.isLocalAddress(ip, t),
  };
}

/** Runs `capsight -r FILE ...` and returns the exit status. Modules only some options need are
 *  imported on demand: start-up time is part of every short query. */
/** Several -r files, read in turn as sysdig does: each from a fresh state with its own numbering
 *  and -n count, one -S table for all of them at the end. A chisel or -w reads the first only. */
async function readCaptures(o: CliOptions, out: Out): Promise<number> {
  // -R: port numbers in socket texts become service names from this machine's services database.
  if (o.resolvePorts) setPortResolver(servicesResolver(readServices()));
  if (o.readFiles.length === 1 || o.chisel !== undefined || o.writeFile !== undefined)
    return readCapture(o, out, o.readFiles[0]!, o.summary ? new Summary() : undefined, true);
  const summary = o.summary ? new Summary() : undefined;
  for (let k = 0; k < o.readFiles.length; k++) {
    const last = k === o.readFiles.length - 1;
    // A file that ends in an error ends the run (its -S table printed).
    const status = await readCapture(o, out, o.readFiles[k]!, summary, last);
    if (status !== 0) return status;
  }
  return 0;
}

/** One capture (`last`: the run ends with it, so -S prints the table shared by all of them). */
async function readCapture(
  o: CliOptions,
  out: Out,
  path: string,
  summary: Summary | undefined,
  last: boolean,
): Promise<number> {
  let reader: CaptureReader;
  try {
    // Each event is printed (or given to the chisel, which keeps nothing of a batch past its
    // event) before the next batch is read: the loop can borrow the decoder's batch memory.
    reader = openForReading(path, { sysdigCompat: true, reuseBatches: true });
  } catch (e) {
    // sysdig loads the chisels, compiles the filter and formats before it opens the file, and a
    // failed open ends the capture like any other (colour reset, on_capture_end, -S table): the
    // run goes on with a capture that has no events and reports the error at its end.
    reader = unopened(e as Error);
  }
  // -E: libsinsp imports no user or group table (user.name and group.name are <NA>, and -w
  // writes none).
  const header = o.excludeUsers ? { ...reader.header, users: [], groups: [] } : reader.header;
  // sysdig 0.29.3 quirks of its own reader, for byte-exact output.
  const tracker = new StateTracker(header, EVENTS, { procTail0293: true });
  const lookup = lookupFor(header, tracker);
  const bufFormat = BUF_FORMATS[o.bufFormat][o.json ? 1 : 0];
  const env = defaultEnv(lookup, bufFormat, o.verbose || o.chisel ? 0 : 80);
  const time = new OutputTime(o.timeType);

  if (o.chisel) {
    // sysdig.run_app (around, spy_logs' dump): sysdig execs itself with the new arguments when
    // the chisel is done, so that run's status is the command's.
    let app: string | undefined;
    const host = { source: path, runApp: (args: string) => void (app ??= args) };
    const { runChiselCli } = await import('./chisels.js');
    const status = await runChiselCli({
      o,
      reader,
      openFailed: UNOPENED.has(reader),
      header,
      tracker,
      lookup,
      out,
      app: host,
    });
    if (app === undefined) return status;
    reader.close();
    return main(app.split(' '));
  }

  // An error before the capture runs still ends it: with -S sysdig prints the (empty) table.
  const failed = (e: Error): number => {
    process.stderr.write(`${e.message}\n`);
    if (summary) out.write(summary.render());
    out.flush();
    return 1;
  };
  const filterText = o.rest.join(' ');
  const proclist = filterProclistError(o, filterText);
  if (proclist !== undefined) return failed(proclist);
  const filter = filterText ? (await import('./filter.js')).compileCliFilterParts(filterText) : undefined;
  if (filter instanceof Error) return failed(filter);
  let format: LineFormatter | undefined;
  // On a terminal sysdig colours its default line; any format with \e gets a colour reset at the end.
  const printFormat =
    (o.printFormat !== undefined ? (NAMED_FORMATS[o.printFormat] ?? o.printFormat) : undefined) ??
    (!o.json && process.stdout.isTTY ? TTY_FORMAT : undefined);
  // Plugin events have a formatter of their own: a custom -p format, else sysdig's plugin format
  // (also with the -pc/-pk/-pm shorthands, which only change the syscall format).
  const customFormat =
    o.printFormat !== undefined && NAMED_FORMATS[o.printFormat] === undefined ? o.printFormat : undefined;
  const pluginFormat = customFormat ?? (process.stdout.isTTY ? TTY_PLUGIN_FORMAT : PLUGIN_FORMAT);
  const hasEscape = (f: string | undefined): boolean =>
    f !== undefined && (f.includes('\\e') || f.includes('\x1b'));
  const trailer = hasEscape(printFormat) || hasEscape(pluginFormat) ? '\x1b[00m' : '';
  const compile = async (text: string): Promise<LineFormatter | Error> =>
    (await import('./printformat.js')).compileOutputFormat(text, { json: o.json, env, time });
  if (printFormat !== undefined) {
    const f = await compile(printFormat);
    if (f instanceof Error) return failed(f);
    format = f;
  }
  // Compiled when the first plugin event shows up.
  let pluginFormatter: LineFormatter | undefined;
  const pluginLine = async (c: EventContext): Promise<string | undefined> => {
    if (pluginFormatter === undefined) {
      const f = await compile(pluginFormat);
      if (f instanceof Error) throw f;
      pluginFormatter = f;
    }
    return pluginFormatter(c);
  };
  // -w: the events that pass go to a new capture instead of the screen.
  // The writer is loaded only for -w.
  // sysdig opens the -w file after the capture: none when that failed.
  const capOut =
    o.writeFile === undefined || UNOPENED.has(reader)
      ? undefined
      : (await import('./write.js')).captureOutputFor(o, header);
  if (capOut instanceof Error) {
    process.stderr.write(`${capOut.message}\n`);
    return 1;
  }
  const limit = o.numEvents ?? Infinity;
  const duration = new DurationLimit(o.durationNs);
  let nevts = 0;
  let batch: EventBatch | null = reader.next();
  if (batch === null) return finish(out, reader, path, summary, last, trailer, capOut);
  const ctx: EventContext = newContext(batch, eventInfo(batch.type[0]!), lookup);
  ctx.env = env;
  // -d: the filter is a display filter. sysdig does not give it to the inspector (state, -n, -S
  // and -w see every event) and runs it on each line about to print.
  const display = o.displayFilter ? filter : undefined;
  const step = new FilterHook(ctx, display ? undefined : filter, o.debug);
  // sinsp's m_firstevent_ts (evt.reltime, -t r): the first event that is not a container description
  // and has a non-zero time; a flag spares a bigint compare per event.
  let haveFirstTs = false;

  const sections = new SectionFollower(reader, tracker, ctx);
  const suppress = o.suppressComms.length > 0 ? new CommSuppressor(new Set(o.suppressComms)) : undefined;
  // A read error the reader did not see (-U: a spawn event without its comm).
  let damage: string | undefined;
  try {
    outer: for (; batch !== null; batch = reader.next()) {
      ctx.batch = batch;
      sections.batch(batch);
      for (let i = 0; i < batch.count; i++) {
        if (nevts === limit) break outer;
        const code = batch.type[i]!;
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
        if (!haveFirstTs && code !== CONTAINER_JSON_E && code !== CONTAINER_JSON_2_E) {
          ctx.firstTs = batch.ts[i]!;
          haveFirstTs = ctx.firstTs !== 0n;
        }
        step.row = i;
        step.rejected = false;
        const st = tracker.process(batch, i, step.hook, step.typeMask);
        // -D (internal events mode): sinsp::next returns an internal event the filter rejected.
        if (st.hidden && step.rejected && o.debug && debugPasses(batch, i, code, haveFirstTs)) {
          st.hidden = false;
        }
        if (st.hidden) {
          capOut?.addRejected(batch, i, EVENTS[code] ?? eventInfo(code));
          continue;
        }
        // Reading a BigInt64Array element allocates: only -M needs the time here.
        if (o.durationNs !== undefined && duration.past(batch.ts[i]!)) break outer;
        const info = EVENTS[code] ?? eventInfo(code);
        setEvent(ctx, i, info, st);
        nevts++;
        if (summary) {
          const generic = code === 0 || code === 1;
          const slot = batch.paramBase[i]!;
          summary.add(
            code,
            generic && batch.paramBase[i + 1]! > slot ? u16(batch.arena, batch.paramOff[slot]!) : 0,
          );
        }
        if (capOut) {
          capOut.add(batch, i);
          continue;
        }
        // Internal events count (-n, -S) but print only in debug mode (-D).
        if (o.quiet || (info.category & EC.INTERNAL && !o.debug)) continue;
        env.thread = st.thread;
        if (o.resolvePorts) env.portProto = l4ProtoName(st.evtFd?.l4proto);
        let line: string | undefined;
        if (code === PLUGINEVENT_E) line = await pluginLine(ctx);
        else if (format) line = format(ctx);
        else if (o.json) line = defaultJson(ctx, env);
        else line = defaultLine(ctx, env, time, st.latency);
        if (line !== undefined && (display === undefined || display.predicate(ctx))) out.write(line + '\n');
        ctx.prevTs = batch.ts[i]!;
      }
    }
  } catch (e) {
    // A value libsinsp cannot print raises a sinsp_exception: sysdig reports it and stops, ending
    // the capture as usual (colour reset, summary) with status 1.
    if (!(e instanceof FieldRenderError)) throw e;
    process.stderr.write(`${e.message}\n`);
    finish(out, reader, path, summary, last, trailer, capOut);
    return 1;
  }
  return finish(out, reader, path, summary, last, trailer, capOut, damage);
}

/** Readers made by unopened(): their end differs from that of damage found while reading. */
const UNOPENED = new WeakSet<CaptureReader>();

/** A reader for a capture that could not be opened: no header content, no events, `error` set. */
function unopened(e: Error): CaptureReader {
  const header: CaptureHeader = {
    major: 0,
    minor: 0,
    machine: null,
    procs: [],
    fdlists: [],
    interfaces: [],
    users: [],
    groups: [],
    blocks: [],
  };
  const reader: CaptureReader = {
    header,
    sections: [{ header, firstNum: 1 }],
    compressed: false,
    fileSize: 0,
    next: () => null,
    error: { message: e.message, blockType: 0, offset: 0 },
    bytesConsumed: () => 0,
    skippedEvents: () => 0,
    gzipIndex: () => null,
    close: () => undefined,
  };
  UNOPENED.add(reader);
  return reader;
}

function finish(
  out: Out,
  reader: CaptureReader,
  path: string,
  summary: Summary | undefined,
  last: boolean,
  trailer: string,
  capOut: CaptureOutput | undefined,
  damage?: string,
): number {
  const error = damage ?? reader.error?.message;
  capOut?.close();
  out.write(trailer);
  // Damage met while reading ends the capture twice in sysdig: do_inspect's end of capture, then
  // the handler of the exception it throws (colours reset again). A failed open only has the latter.
  const unopened = UNOPENED.has(reader);
  if (error !== undefined && !unopened) out.write(trailer);
  // The -S table ends the run: after the last file, or after one that ends in an error.
  if (summary && (last || error !== undefined)) out.write(summary.render());
  out.flush();
  if (error !== undefined) {
    process.stderr.write(unopened ? `${error}\n` : `${path}: ${error}\n`);
    return 1;
  }
  return 0;
}

const USAGE = `capsight version ${VERSION}: a fast, sysdig-compatible reader for .scap captures.
Usage: capsight -r <file.scap[.gz]> [options] [filter]
Options (as in sysdig):
  -r, --read <file>       read a capture file (plain or gzip)
  -n, --numevents <N>     stop after N events         -M <seconds>  stop that far into the capture
  -p, --print <format>    output format (%field tokens; a leading * prints <NA> for missing values)
  -A, --print-ascii       buffers as text only        -X, --print-hex-ascii  hex + ASCII dump
  -x, --print-hex         buffers as hex              -b, --print-base64     base64
  -s, --snaplen <len>     accepted; reading a file keeps the stored buffer length
  -j, --json              one JSON object per event
  -v, --verbose           do not cut buffers at 80 characters
  -R                      port names (/etc/services) in fd names and socket parameters
  -E                      no user/group tables (names show <NA>)
  -d, --displayflt        the filter only selects the lines printed (state, -n and -S see every event)
  -D, --debug             print internal events too (procinfo...)
  -U, --suppress-comm <c> drop the events of threads spawned as command c and their descendants
  -t, --timetype <h|a|r|d|D>  time column: human, absolute, relative, latency, delta
  -S, --summary           event counts at the end      -q, --quiet  print no events
  -w, --write <file>      write the events that pass the filter to a new capture instead of printing
  -z, --compress          with -w: gzip the new capture
  -F, --fatfile           with -w: also write the rejected events that change state, hidden
  -c, --chisel <name> [args]  run a chisel             -cl, --list-chisels
  -i, --chisel-info <name>    describe a chisel and its arguments
  -l, --list              list the fields (--list-markdown: as markdown)
  -L, --list-events       list the events
  --version               print the version
`;

export async function main(argv: readonly string[]): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return e.status;
    }
    throw e;
  }
  // Capture text is bytes (one char per byte); arguments arrive decoded from UTF-8: filters,
  // formats and chisel arguments are compared with and printed as bytes too.
  o.rest = o.rest.map(utf8Bytes);
  o.suppressComms = o.suppressComms.map(utf8Bytes);
  if (o.printFormat !== undefined) o.printFormat = utf8Bytes(o.printFormat);
  const out = new Out(1, o.unbuffered);
  if (o.help) {
    out.write(USAGE);
  } else if (o.version) {
    out.write(`capsight version ${VERSION}\n`);
  } else if (o.printFormat === 'p') {
    // -pp prints the default format (the terminal one on a terminal), to start a custom one from.
    out.write((process.stdout.isTTY ? TTY_FORMAT : DEFAULT_FORMAT) + '\n');
  } else if (o.listEvents) {
    out.write((await import('../core/format/eventlist.js')).renderEventList());
  } else if (o.listMarkdown) {
    out.write((await import('../core/format/fieldlist.js')).renderFieldListMarkdown());
  } else if (o.listFields) {
    // -lv (-l with -v): each description starts with the field's type.
    const { renderFieldList } = await import('../core/format/fieldlist.js');
    out.write(renderFieldList(undefined, o.verbose));
  } else if (o.listChisels) {
    out.write((await import('./chisels.js')).listChisels());
  } else if (o.chiselInfo !== undefined) {
    const text = (await import('../core/chisels/list.js')).renderChiselInfo(o.chiselInfo);
    if (text === undefined) {
      out.flush();
      process.stderr.write(`chisel ${o.chiselInfo} not found - use -cl to list them.\n`);
      return 1;
    }
    out.write(text);
  } else if (o.readFiles.length > 0) {
    out.flush();
    return readCaptures(o, out);
  } else {
    process.stderr.write('capsight reads capture files: give one with -r FILE (see --help)\n');
    return 1;
  }
  out.flush();
  return 0;
}

/** /etc/services, or nothing (no names) where the system has none. */
function readServices(): string {
  try {
    return readFileSync('/etc/services', 'latin1');
  } catch {
    return '';
  }
}
