// Opening a capture for the layers that read it (CLI, indexer): the native reader configured from
// the event table.
import { openCapture, readerOptionsFor, type CaptureReader } from '../native/index.js';
import { COMPAT_EVENT_MAX, EVENTS } from '../core/schema/index.js';

export interface OpenOptions {
  /** Drop event codes sysdig 0.29.3 does not know (what its reader does), for byte-exact CLI output.
   *  The UI keeps them (shown with their newer names, or as 'unknown'). */
  sysdigCompat: boolean;
  /** Lend the decoder's batch memory (each batch valid until the next next()/close(): see
   *  ReaderOptions.reuseBatches in native/index.ts). For loops that are done with a batch before
   *  asking for the next one. */
  reuseBatches?: boolean;
}

let compatOptions: ReturnType<typeof readerOptionsFor> | undefined;
let fullOptions: ReturnType<typeof readerOptionsFor> | undefined;

export function openForReading(path: string, o: OpenOptions): CaptureReader {
  if (o.sysdigCompat) {
    compatOptions ??= readerOptionsFor(EVENTS, COMPAT_EVENT_MAX);
    return openCapture(
      path,
      o.reuseBatches === true ? { ...compatOptions, reuseBatches: true } : compatOptions,
    );
  }
  // Unknown codes past the table are still delivered: skipTypesFrom beyond any u16 code.
  fullOptions ??= { ...readerOptionsFor(EVENTS), skipTypesFrom: 0x10000 };
  return openCapture(path, o.reuseBatches === true ? { ...fullOptions, reuseBatches: true } : fullOptions);
}
