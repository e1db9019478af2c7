// The top-N chisels that sysdig builds on table_generator, as definitions (keys, value, filter,
// N, units) taken from their Lua files (sysdig 0.29.3), with the keys they use under -pc.
import type { EventContext } from '../fields/context.js';
import { eventTypeValue } from '../format/event.js';
import {
  fdName,
  isFile,
  isIo,
  l4protoName,
  procName,
  procPid,
  rawArgRes,
  serverPort,
  failed,
  type ChiselEnv,
} from './fields.js';
import type { TopDefinition, TopKey } from './topn.js';
import { bindField } from '../fields/registry.js';
import { EC } from '../schema/types.js';
import { IoClass, ioClassOf, ioDirOf, isIoType } from '../views/classify.js';
import { bytesMetric, columnMetrics } from '../views/metrics.js';

const key = (field: string, desc: string, get: TopKey['get']): TopKey => ({ field, desc, get });

export const KEY_PROC_NAME = key('proc.name', 'Process', procName);
const KEY_PID = key('proc.pid', 'PID', procPid);
const KEY_L4 = key('fd.l4proto', 'Proto', (c) => (c.state.fd ? l4protoName(c.state.fd) : undefined));
const KEY_CONN = key('fd.name', 'Conn', fdName);
const KEY_SPORT = key('fd.sport', 'Srv Port', (c) => serverPort(c.state.fd));
const KEY_FILE = key('fd.name', 'Filename', fdName);
// evt.type has no value (nil: the event is skipped) for a generic event past the syscall table.
const KEY_SYSCALL = key('evt.type', 'Syscall', eventTypeValue);
// The -pc variants' columns.
const KEY_HOST_PID = key('proc.pid', 'Host_pid', procPid);
const KEY_CONTAINER_PID = fieldKeyAs('thread.vtid', 'Container_pid');
const KEY_CONTAINER = fieldKeyAs('container.name', 'container.name');
const PROC_PC = [KEY_PROC_NAME, KEY_HOST_PID, KEY_CONTAINER_PID, KEY_CONTAINER];

// The chisels' I/O filters (their set_filter strings), on the fd classes the engine's views use
// (core/views/classify.ts). What they sum is the view column they overlap (viewBytes below).
/** "(fd.type=ipv4 or fd.type=ipv6) and evt.is_io=true" */
export const netIo = (c: EventContext): boolean =>
  isIoType(c.info) && ioClassOf(c.state.fd?.kind) === IoClass.NET;
/** "fd.type=file and evt.is_io=true" */
export const fileIo = (c: EventContext): boolean =>
  isIoType(c.info) && ioClassOf(c.state.fd?.kind) === IoClass.FILE;

const bytes = (c: EventContext): number | undefined => rawArgRes(c);

/** The view byte metric (core/views/metrics.ts) the event's result adds to; -1: none. */
export const eventBytesMetric = (c: EventContext): number =>
  bytesMetric(ioDirOf(c.info), ioClassOf(c.state.fd?.kind));

/**
 * The value of a chisel that computes view columns (a mask from `columnMetrics`): the event's
 * evt.rawarg.res when its bytes go to one of the columns' metrics, as the index sums them.
 */
export function viewBytes(mask: number): TopDefinition['value'] {
  return (c) => {
    const m = eventBytesMetric(c);
    return m >= 0 && (mask & (1 << m)) !== 0 ? rawArgRes(c) : undefined;
  };
}

// The view columns the I/O chisels compute (their filters stay the chisels' own set_filter).
export const PROC_NET = columnMetrics('procs', 'net');
export const PROC_FILE = columnMetrics('procs', 'file');
export const CONN_BYTES = columnMetrics('connections', 'bytes_in', 'bytes_out');
export const SPORT_BYTES = columnMetrics('sports', 'bps_in', 'bps_out');
export const FILE_BYTES = columnMetrics('files', 'bytes_in', 'bytes_out');
/** evt.latency: the thread's last syscall latency (libsinsp keeps it on the thread, so enter
 *  events and switches carry it too); nil for internal events such as procinfo. */
export const latency = (c: EventContext, env: ChiselEnv): number | undefined =>
  c.info.category & EC.INTERNAL ? undefined : Number(env.latency(c));

function def(
  keys: TopKey[],
  valueField: string,
  valueDesc: string,
  value: TopDefinition['value'],
  filter: TopDefinition['filter'],
  top: number,
  units: TopDefinition['units'],
  pcKeys?: TopKey[],
): TopDefinition {
  return { keys, valueField, valueDesc, value, filter, top, units, pcKeys };
}

/** fieldKey(name) under another header text. */
export function fieldKeyAs(name: string, desc: string): TopKey {
  const k = fieldKey(name);
  if (typeof k === 'string') throw new Error(k);
  return { ...k, desc };
}

/** Chisel name -> definition. */
export const TOP_DEFINITIONS: Readonly<Record<string, TopDefinition>> = {
  topprocs_net: def(
    [KEY_PROC_NAME, KEY_PID],
    'evt.rawarg.res',
    'Bytes',
    viewBytes(PROC_NET),
    netIo,
    100,
    'bytes',
    PROC_PC,
  ),
  topconns: def([KEY_L4, KEY_CONN], 'evt.rawarg.res', 'Bytes', viewBytes(CONN_BYTES), netIo, 30, 'bytes', [
    KEY_CONTAINER,
    KEY_L4,
    KEY_CONN,
  ]),
  topports_server: def([KEY_SPORT], 'evt.rawarg.res', 'Bytes', viewBytes(SPORT_BYTES), netIo, 100, 'bytes', [
    KEY_SPORT,
    KEY_CONTAINER,
  ]),
  topprocs_file: def(
    [KEY_PROC_NAME, KEY_PID],
    'evt.rawarg.res',
    'Bytes',
    viewBytes(PROC_FILE),
    fileIo,
    10,
    'bytes',
    PROC_PC,
  ),
  topfiles_bytes: def([KEY_FILE], 'evt.rawarg.res', 'Bytes', viewBytes(FILE_BYTES), fileIo, 10, 'bytes', [
    KEY_CONTAINER,
    KEY_FILE,
  ]),
  topfiles_time: def([KEY_FILE], 'evt.latency', 'Time', latency, fileIo, 10, 'time', [
    KEY_FILE,
    KEY_CONTAINER,
  ]),
  topscalls: def(
    [KEY_SYSCALL],
    'evt.count',
    '# Calls',
    () => 1,
    // evt.type!=switch: a field without a value fails any comparison.
    (c) => {
      const t = eventTypeValue(c);
      return t !== undefined && t !== 'switch';
    },
    30,
    'none',
    [KEY_SYSCALL, KEY_CONTAINER],
  ),
  topscalls_time: def([KEY_SYSCALL], 'evt.latency', 'Time', latency, () => true, 30, 'time', [
    KEY_SYSCALL,
    KEY_CONTAINER,
  ]),
  topprocs_errors: def(
    [KEY_PROC_NAME, KEY_PID],
    'evt.count',
    '#Errors',
    () => 1,
    failed,
    100,
    'none',
    PROC_PC,
  ),
  topfiles_errors: def(
    [KEY_FILE],
    'evt.count',
    '#Errors',
    () => 1,
    (c) => isFile(c.state.fd) && failed(c),
    100,
    'none',
    [KEY_FILE, KEY_CONTAINER],
  ),
};

/** A key column on any field (fdbytes_by, fdtime_by): its value as Lua would concatenate it. */
export function fieldKey(name: string): TopKey | string {
  const f = bindField(name);
  if (typeof f === 'string') return f;
  return key(name, name, (c) => {
    const v = f.extract(c);
    if (v === undefined) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    // Strings as evt.field hands them to Lua: the field's own text (libsinsp sanitizes the fd
    // name fields and leaves the others, proc.name included, as they are).
    return f.text(c);
  });
}

/** fdbytes_by KEY: I/O bytes of successful calls per key, top 30. */
export const fdBytesBy = (k: TopKey): TopDefinition =>
  def([k], 'evt.rawarg.res', 'Bytes', bytes, (c) => isIo(c) && !failed(c), 30, 'bytes');
/** fdtime_by KEY: I/O time per key, top 10. */
export const fdTimeBy = (k: TopKey): TopDefinition =>
  def([k], 'evt.latency', 'Time', latency, isIo, 10, 'time');
