// What a field extractor sees: one event (a row of a columnar batch), its table entry, and the
// thread/fd state libsinsp would have after parsing it. Callers keep one EventContext per scan and
// overwrite its members per event (setEvent), so evaluating a filter allocates nothing per event.
import type { EventBatch, GroupEntry, UserEntry } from '../capture.js';
import { PPME, type EventInfo } from '../schema/index.js';
import type { ContainerInfo, EventState, ThreadInfo } from '../state/types.js';
import type { ParamEnv } from '../format/params.js';

export type { ContainerInfo };

/** Lookups beyond the event's own thread: parents (proc.pname, proc.aname), users, containers. */
export interface StateLookup {
  thread(tid: number): ThreadInfo | undefined;
  user(uid: number): UserEntry | undefined;
  group(gid: number): GroupEntry | undefined;
  container(id: string): ContainerInfo | undefined;
  /** Whether `ip` (4 or 16 bytes) belongs to this machine: an interface address, or the IP of the
   *  thread's container (libsinsp's is_ipv4addr_in_local_machine). fd.lip/rip/is_server use it. */
  isLocalAddress?(ip: Uint8Array, thread: ThreadInfo): boolean;
}

export interface EventContext {
  /** The event is row `i` of `batch`. */
  batch: EventBatch;
  i: number;
  /** evt.num (batch.firstNum + i - numShift). */
  num: number;
  /** Event numbers the reader assigned that libsinsp does not count (0 for most captures; see
   *  the CLI's handling of concatenated captures). */
  numShift: number;
  /** The event's table entry (eventInfo(type)). */
  info: EventInfo;
  /** Thread/fd after libsinsp's parse step for this event. */
  state: EventState;
  lookup: StateLookup;
  /** Timestamp of the capture's first event other than container JSON events (evt.reltime);
   *  setEvent fills it while it is 0n. */
  firstTs: bigint;
  /** Timestamp of the previous event the caller showed; 0n for none. (evt.deltatime keeps its own
   *  previous timestamp, per bound field, as libsinsp does; this is for callers.) */
  prevTs: bigint;
  /** How parameters render as text (evt.arg, evt.args, evt.info, evt.buffer in output): buffer
   *  format and length cut. Its `thread` is set by the extractors before each use. */
  env: ParamEnv;
}

const NO_STATE: EventState = { thread: undefined, fdNum: -1, fd: undefined, enterTs: 0n };

const NO_LOOKUP: StateLookup = {
  thread: () => undefined,
  user: () => undefined,
  group: () => undefined,
  container: () => undefined,
};

/** A context with no event yet; fill it with setEvent. */
export function newContext(
  batch: EventBatch,
  info: EventInfo,
  lookup: StateLookup = NO_LOOKUP,
): EventContext {
  return {
    batch,
    i: 0,
    num: batch.firstNum,
    numShift: 0,
    info,
    state: NO_STATE,
    lookup,
    firstTs: 0n,
    prevTs: 0n,
    env: defaultEnv(lookup),
  };
}

/** Parameter rendering over `lookup`; by default sysdig's: normal buffer format (non-printables as
 *  '.'), buffers cut at 80 bytes. */
export function defaultEnv(lookup: StateLookup, bufFormat = 1, maxBufLen = 80): ParamEnv {
  return {
    thread: undefined,
    threadOf: (tid) => lookup.thread(tid),
    userName: (uid) => lookup.user(uid)?.name,
    groupName: (gid) => lookup.group(gid)?.name,
    bufFormat,
    maxBufLen,
    strStorage: 1024,
  };
}

/**
 * Points `ctx` at row i of its batch (no allocation). Also keeps `firstTs` as libsinsp's
 * m_firstevent_ts: the timestamp of the first event that is not a container JSON event (those
 * are dumped at the start of a capture), so callers only reset it to 0n for a new capture.
 */
export function setEvent(ctx: EventContext, i: number, info: EventInfo, state: EventState): void {
  if (ctx.firstTs === 0n) {
    const t = ctx.batch.type[i]!;
    if (t !== PPME.CONTAINER_JSON_E && t !== PPME.CONTAINER_JSON_2_E) ctx.firstTs = ctx.batch.ts[i]!;
  }
  ctx.i = i;
  ctx.num = ctx.batch.firstNum + i - ctx.numShift;
  ctx.info = info;
  ctx.state = state;
}

export { NO_STATE, NO_LOOKUP };
