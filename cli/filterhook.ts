// The command-line filter as the state step's hook (kept apart from cli/filter.ts so that runs
// without a filter do not load the filter compiler).
import { setEvent, type EventContext } from '../core/fields/context.js';
import { EC, EVENTS, eventInfo, isContainerEvent } from '../core/schema/index.js';
import type { EventBatch } from '../core/capture.js';
import type { TrackedEventState } from '../core/state/tracker.js';
import type { CliFilter } from './filter.js';

/**
 * The filter as StateTracker.process()'s hook: libsinsp runs its filter inside the state step (an
 * event it drops changes the state differently). The hook evaluates row `row` of ctx.batch, which
 * the caller sets before each process() call; the tracker applies `typeMask` itself, so nothing
 * is filled or looked up beyond the type for an event of a type that cannot match.
 */
export class FilterHook {
  row = 0;
  /** Set when the filter rejected the last event it ran on (the caller clears it before process()). */
  rejected = false;
  readonly hook: ((st: TrackedEventState) => boolean) | undefined;
  readonly typeMask: Uint8Array | null;

  /** `fillAll` (sysdig -D): no type prefilter, so a rejected event's state is still filled (sysdig
   *  lets rejected internal events through in internal events mode). */
  constructor(ctx: EventContext, filter: CliFilter | undefined, fillAll = false) {
    this.typeMask = fillAll ? null : (filter?.typeMask ?? null);
    const predicate = filter?.predicate;
    this.hook = predicate
      ? (st) => {
          const c = ctx.batch.type[this.row]!;
          setEvent(ctx, this.row, EVENTS[c] ?? eventInfo(c), st);
          const pass = predicate(ctx);
          this.rejected = !pass;
          return pass;
        }
      : undefined;
  }
}

/** Whether a filter-rejected event still goes on in internal events mode (-D): an internal one,
 *  unless it is state-only or a container description of the capture's leading run (those never
 *  leave sinsp::next / sinsp::open). */
export function debugPasses(batch: EventBatch, i: number, code: number, started: boolean): boolean {
  const info = EVENTS[code] ?? eventInfo(code);
  if ((info.category & EC.INTERNAL) === 0 || (batch.flags[i]! & 1) !== 0) return false;
  return started || !isContainerEvent(code);
}
