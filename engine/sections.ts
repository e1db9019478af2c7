// Concatenated captures (`cat a.scap b.scap`): at each new section sysdig restarts
// (sinsp::restart_capture): it reloads its state from that section's process and fd lists, and
// its init() consumes the section's leading container events with the event counter reset, then
// restores the counter, so those events take no numbers. The native reader never puts two
// sections in one batch.
import type { CaptureReader } from '../native/index.js';
import type { EventBatch } from '../core/capture.js';
import type { EventContext } from '../core/fields/context.js';
import type { StateTracker } from '../core/state/tracker.js';
import { isContainerEvent } from '../core/schema/index.js';

export class SectionFollower {
  private section = 0;
  private leadingRun = false;

  constructor(
    private readonly reader: CaptureReader,
    private readonly tracker: StateTracker,
    /** Where numbering is kept (the CLI); the indexer numbers events by position and has none. */
    private readonly ctx?: EventContext,
  ) {}

  /** Call before the events of each batch: restarts the state where a new section begins. */
  batch(b: EventBatch): void {
    const sections = this.reader.sections;
    while (this.section + 1 < sections.length && b.firstNum >= sections[this.section + 1]!.firstNum) {
      this.tracker.restart(sections[++this.section]!.header);
      this.leadingRun = true;
    }
  }

  /** Call for each event before it is processed: keeps ctx.numShift (see EventContext). */
  event(code: number): void {
    if (!this.leadingRun || this.ctx === undefined) return;
    if (isContainerEvent(code)) this.ctx.numShift++;
    else this.leadingRun = false;
  }
}
