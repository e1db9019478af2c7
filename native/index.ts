// Typed face of the native capture reader (native/src, built by node-gyp into native/build).
// Everything above native/ reads captures through openCapture().
import type { CaptureError, CaptureHeader, EventBatch } from '../core/capture.js';

export interface ReaderOptions {
  /** Per event code: the number of parameters the event table lists (V1 blocks infer nparams from it). */
  paramCounts: Uint8Array;
  /** Per event code: 1 when the type has EF_LARGE_PAYLOAD (u32 parameter lengths). */
  largePayload: Uint8Array;
  /** Events whose code is >= this are skipped (not delivered, not numbered), like libscap does
   *  for codes past its PPM_EVENT_MAX. Default: paramCounts.length. */
  skipTypesFrom?: number;
  /** Events per batch (default 65536). */
  batchSize?: number;
}

export interface CaptureReader {
  readonly header: CaptureHeader;
  /** True when the file is gzip-compressed. */
  readonly compressed: boolean;
  /** Size of the file on disk, bytes. */
  readonly fileSize: number;
  /** Next batch of events, or null at the end (clean end or damage: see `error`). */
  next(): EventBatch | null;
  /** Set once reading stopped at damage; every event before it was delivered. */
  readonly error: CaptureError | null;
  /** File bytes consumed so far (compressed bytes for gzip), for progress. */
  bytesConsumed(): number;
  /** Events skipped because their type is past skipTypesFrom. */
  skippedEvents(): number;
  close(): void;
}
