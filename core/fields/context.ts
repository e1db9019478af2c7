// What a field extractor sees: one event (a row of a columnar batch), its table entry, and the
// thread/fd state libsinsp would have after parsing it. Callers keep one EventContext per scan and
// overwrite its members per event (setEvent), so evaluating a filter allocates nothing per event.
import type { EventBatch, GroupEntry, UserEntry } from '../capture.js';
import type { EventInfo } from '../schema/types.js';
import type { EventState, ThreadInfo } from '../state/types.js';

/** Container metadata as the container metaevents / header describe it. */
export interface ContainerInfo {
  id: string;
  name: string;
  /** docker, rkt, cri... as libsinsp names the type. */
  type: string;
  image: string;
  imageId: string;
  imageRepo: string;
  imageTag: string;
  imageDigest: string;
  privileged: boolean | undefined;
  /** `source:dest:mode:rdwr:propagation` items. */
  mounts: readonly { source: string; dest: string; mode: string; rdwr: boolean; propagation: string }[];
}

/** Lookups beyond the event's own thread: parents (proc.pname, proc.aname), users, containers. */
export interface StateLookup {
  thread(tid: number): ThreadInfo | undefined;
  user(uid: number): UserEntry | undefined;
  group(gid: number): GroupEntry | undefined;
  container(id: string): ContainerInfo | undefined;
}

export interface EventContext {
  /** The event is row `i` of `batch`. */
  batch: EventBatch;
  i: number;
  /** evt.num (batch.firstNum + i). */
  num: number;
  /** The event's table entry (eventInfo(type)). */
  info: EventInfo;
  /** Thread/fd after libsinsp's parse step for this event. */
  state: EventState;
  lookup: StateLookup;
  /** Timestamp of the first event of the capture (evt.reltime). */
  firstTs: bigint;
  /** Timestamp of the previous event the caller evaluated fields on (evt.deltatime); 0n for none. */
  prevTs: bigint;
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
  return { batch, i: 0, num: batch.firstNum, info, state: NO_STATE, lookup, firstTs: 0n, prevTs: 0n };
}

/** Points `ctx` at row i of its batch (no allocation). */
export function setEvent(ctx: EventContext, i: number, info: EventInfo, state: EventState): void {
  ctx.i = i;
  ctx.num = ctx.batch.firstNum + i;
  ctx.info = info;
  ctx.state = state;
}

export { NO_STATE, NO_LOOKUP };
