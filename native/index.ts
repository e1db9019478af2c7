// Typed face of the native capture reader (native/src, built by node-gyp into native/build).
// Everything above native/ reads captures through openCapture().
//
// Behaviour worth knowing (see SCAP_FORMAT.md for the layouts):
// - Plain and gzip files (any number of gzip members) are streamed. One helper thread reads and
//   inflates ahead, another decodes a few batches ahead (started by the first next()), so the
//   calling thread only copies finished batches. skippedEvents() and bytesConsumed() describe
//   the batches delivered so far.
// - Every block type and version libscap has written is read; unknown metadata blocks are
//   skipped by their length and still listed in header.blocks. A later IL/UL/MI block replaces
//   an earlier one (as in libscap); PL and FDL blocks accumulate. Fd lists are returned as
//   written, including those of threads missing from the process list (libscap drops those).
// - PL V9 entries: ProcEntry.tail holds the bytes after loginuid in the pre-libs-0.10 layout
//   (so loginuid + tail rewrites the entry); entries in the libs >= 0.10 layout (pidns and tty
//   before loginuid) get no tail.
// - IL_V2 blocks written by sysdig <= 0.29.3 from IL V1 input (header length 4 bytes per entry
//   short) are recovered by walking the entries to the misplaced trailer.
// - A file whose header has no event after it is not an error: next() just returns null.
// - Damage after the first event: every event before the damaged block is delivered, next()
//   returns null and `error` names the block type (hex) and its offset in the decompressed
//   stream. Damage before it: openCapture throws a CaptureOpenError with the same facts.
// - Batch lifetime. By default each EventBatch owns its memory: its columns are views into one
//   ArrayBuffer (transfer `batch.ts.buffer` to move the whole batch to another thread; keeping any
//   column keeps the batch's memory), valid for as long as it is referenced. With
//   `reuseBatches: true` the columns are views straight into the decoder's own batch memory (one
//   external ArrayBuffer per column, nothing copied): such a batch is valid only until the next
//   next() or close() call on its reader, which detaches its buffers (a kept column then reads as
//   empty, never as another batch's data). Copy what must outlive that; do not transfer them.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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
  /** Lend the decoder's batch memory instead of copying each batch (see "Batch lifetime" above):
   *  for loops that finish with a batch before asking for the next one. Default false. */
  reuseBatches?: boolean;
}

/**
 * One capture section: a section header block and the metadata blocks after it. A plain capture
 * has one. Concatenated captures (a second SHB after events) have more; the reader parses each
 * new section's metadata when it meets it and ends the current batch there, so a batch never
 * spans two sections. Events numbered >= firstNum (up to the next section's firstNum) belong
 * to it.
 */
export interface CaptureSection {
  readonly header: CaptureHeader;
  /** evt.num of the section's first event. */
  readonly firstNum: number;
}

export interface CaptureReader {
  readonly header: CaptureHeader;
  /** Every section met so far (sections[0].header === header). Grows while reading. */
  readonly sections: readonly CaptureSection[];
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
  /**
   * Gzip files: the access points recorded while reading (opaque bytes for readGzipRange), one
   * every few MB of inflated data; complete once the whole file has been read. Null for plain
   * files. Still available after close().
   */
  gzipIndex(): Uint8Array | null;
  close(): void;
}

/** A block as scanBlocks() sees it: no decoding, just the framing. */
export interface BlockInfo {
  type: number;
  offset: number;
  length: number;
}

/** An Error thrown by openCapture() for a file damaged before its first event. */
export interface CaptureOpenError extends Error {
  blockType: number;
  offset: number;
}

interface RawBatch {
  /** All columns back to back (a Node Buffer: uninitialised allocation, filled by the addon). */
  buffer: Uint8Array;
  count: number;
  slots: number;
  arenaLength: number;
  firstNum: number;
}

/** A lent batch (reuseBatches): one external ArrayBuffer per column, detached on the next call. */
interface LentBatch {
  buffer?: undefined;
  ts: ArrayBuffer;
  tid: ArrayBuffer;
  offset: ArrayBuffer;
  flags: ArrayBuffer;
  paramBase: ArrayBuffer;
  paramOff: ArrayBuffer;
  paramLen: ArrayBuffer;
  type: ArrayBuffer;
  cpu: ArrayBuffer;
  arena: ArrayBuffer;
  count: number;
  slots: number;
  arenaLength: number;
  firstNum: number;
}

interface NativeReader {
  next(): RawBatch | LentBatch | null;
  sectionCount(): number;
  section(i: number): { header: CaptureHeader; firstNum: number } | null;
  error(): CaptureError | null;
  compressed(): boolean;
  fileSize(): number;
  bytesConsumed(): number;
  skippedEvents(): number;
  gzipIndex(): Uint8Array | null;
  close(): void;
}

interface NativeModule {
  NativeReader: new (
    path: string,
    paramCounts: Uint8Array,
    largePayload: Uint8Array,
    skipTypesFrom: number,
    batchSize: number,
    reuseBatches: boolean,
  ) => NativeReader;
  scanBlocks(path: string): { blocks: BlockInfo[]; error: CaptureError | null };
  gzipReadRange(path: string, index: Uint8Array, offset: number, length: number): Uint8Array;
  gzipBuildIndex(path: string, span: number): Uint8Array;
}

let nativeModule: NativeModule | undefined;

/** Loads the addon lazily, resolved from the compiled file (dist/native/index.js). */
function native(): NativeModule {
  if (nativeModule === undefined) {
    const path = fileURLToPath(new URL('../../native/build/Release/scap_reader.node', import.meta.url));
    try {
      nativeModule = createRequire(import.meta.url)(path) as NativeModule;
    } catch (e) {
      throw new Error(
        `cannot load the native capture reader (${path}); run \`npm run build:native\`: ${String(e)}`,
        { cause: e },
      );
    }
  }
  return nativeModule;
}

/** EF_LARGE_PAYLOAD: the event's parameter lengths are u32. */
const EF_LARGE_PAYLOAD = 1 << 11;

/** Builds ReaderOptions from an event table indexed by code (core/schema EVENTS). */
export function readerOptionsFor(
  events: readonly { params: readonly unknown[]; flags: number }[],
  skipTypesFrom?: number,
): ReaderOptions {
  const paramCounts = new Uint8Array(events.length);
  const largePayload = new Uint8Array(events.length);
  events.forEach((e, code) => {
    paramCounts[code] = Math.min(e.params.length, 255);
    largePayload[code] = e.flags & EF_LARGE_PAYLOAD ? 1 : 0;
  });
  const o: ReaderOptions = { paramCounts, largePayload };
  if (skipTypesFrom !== undefined) o.skipTypesFrom = skipTypesFrom;
  return o;
}

// Unpacks the single ArrayBuffer the addon fills (layout in native/src/addon.cc, widest
// columns first so every view is aligned).
function toBatch(r: RawBatch): EventBatch {
  const n = r.count;
  const s = r.slots;
  const b = r.buffer.buffer;
  let o = r.buffer.byteOffset;
  const ts = new BigInt64Array(b, o, n);
  o += 8 * n;
  const tid = new BigInt64Array(b, o, n);
  o += 8 * n;
  const offset = new Float64Array(b, o, n);
  o += 8 * n;
  const flags = new Uint32Array(b, o, n);
  o += 4 * n;
  const paramBase = new Uint32Array(b, o, n + 1);
  o += 4 * (n + 1);
  const paramOff = new Uint32Array(b, o, s);
  o += 4 * s;
  const paramLen = new Uint32Array(b, o, s);
  o += 4 * s;
  const type = new Uint16Array(b, o, n);
  o += 2 * n;
  const cpu = new Uint16Array(b, o, n);
  o += 2 * n;
  const arena = new Uint8Array(b, o, r.arenaLength);
  return {
    count: n,
    firstNum: r.firstNum,
    ts,
    tid,
    type,
    cpu,
    flags,
    offset,
    paramBase,
    paramOff,
    paramLen,
    arena,
  };
}

function lentBatch(r: LentBatch): EventBatch {
  const n = r.count;
  const s = r.slots;
  return {
    count: n,
    firstNum: r.firstNum,
    ts: new BigInt64Array(r.ts, 0, n),
    tid: new BigInt64Array(r.tid, 0, n),
    type: new Uint16Array(r.type, 0, n),
    cpu: new Uint16Array(r.cpu, 0, n),
    flags: new Uint32Array(r.flags, 0, n),
    offset: new Float64Array(r.offset, 0, n),
    paramBase: new Uint32Array(r.paramBase, 0, n + 1),
    paramOff: new Uint32Array(r.paramOff, 0, s),
    paramLen: new Uint32Array(r.paramLen, 0, s),
    arena: new Uint8Array(r.arena, 0, r.arenaLength),
  };
}

/**
 * Opens a capture (plain or gzip) and reads its header. Throws a CaptureOpenError naming the
 * block type and offset when the file is damaged before its first event.
 */
export function openCapture(path: string, options: ReaderOptions): CaptureReader {
  const skip = options.skipTypesFrom ?? options.paramCounts.length;
  const r = new (native().NativeReader)(
    path,
    options.paramCounts,
    options.largePayload,
    skip,
    options.batchSize ?? 65536,
    options.reuseBatches === true,
  );
  const sections: CaptureSection[] = [];
  const syncSections = (): void => {
    const n = r.sectionCount();
    for (let i = sections.length; i < n; i++) {
      const s = r.section(i);
      if (s !== null) sections.push(s);
    }
  };
  syncSections();
  const first = sections[0];
  if (first === undefined) throw new Error(`no section header read from ${path}`);
  const compressed = r.compressed();
  const fileSize = r.fileSize();
  return {
    header: first.header,
    sections,
    compressed,
    fileSize,
    next(): EventBatch | null {
      const raw = r.next();
      syncSections();
      if (raw === null) return null;
      return raw.buffer === undefined ? lentBatch(raw) : toBatch(raw);
    },
    get error(): CaptureError | null {
      return r.error();
    },
    bytesConsumed: () => r.bytesConsumed(),
    skippedEvents: () => r.skippedEvents(),
    gzipIndex: () => r.gzipIndex(),
    close: () => r.close(),
  };
}

/** Lists every block's framing (type, offset, length), stopping at the first bad one. */
export function scanBlocks(path: string): { blocks: BlockInfo[]; error: CaptureError | null } {
  return native().scanBlocks(path);
}

/**
 * Inflated bytes [offset, offset + length) of a gzip file, starting from the nearest access point
 * of `index` (CaptureReader.gzipIndex or buildGzipIndex; an empty index inflates from the start).
 * Shorter when the stream ends first. Throws on a damaged index or an unreadable file.
 */
export function readGzipRange(path: string, index: Uint8Array, offset: number, length: number): Uint8Array {
  return native().gzipReadRange(path, index, offset, length);
}

/** One inflating pass over a gzip file, recording an access point every `span` inflated bytes. */
export function buildGzipIndex(path: string, span = 4 << 20): Uint8Array {
  return native().gzipBuildIndex(path, span);
}
