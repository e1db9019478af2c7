// `-w FILE` (and `-z`): the events that pass the filter, written as a new capture instead of being
// printed, as `sysdig -r in.scap -w out.scap FILTER` does. The header (machine, process, fd,
// interface and user lists) is the source's, so the new file replays the same state.
// With -z the file is gzip: one member per 4 MiB of capture, compressed synchronously as the events
// come, so memory stays bounded; gzip readers (zlib's gzread in sysdig, ours) read members in turn.
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ScapWriter } from '../core/scapwrite/writer.js';
import type { CaptureHeader, EventBatch } from '../core/capture.js';
import { EC, EF, type EventInfo } from '../core/schema/types.js';
import { isContainerEvent } from '../core/schema/index.js';

const MEMBER_BYTES = 4 << 20;
/** SCAP_DF_STATE_ONLY: replayed for state, never shown. */
const STATE_ONLY = 1;

export class CaptureOutput {
  private readonly fd: number;
  private readonly writer: ScapWriter;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Still in the capture's leading run of container events. */
  private leading = true;
  events = 0;

  constructor(
    readonly path: string,
    header: CaptureHeader,
    private readonly compress: boolean,
    private readonly fatfile: boolean,
  ) {
    this.fd = openSync(path, 'w');
    this.writer = new ScapWriter({ sink: (c) => this.sink(c) });
    this.writer.writeHeader(header);
  }

  /** Event i of the batch, which passed the filter (the batch may be reused after this returns:
   *  it is encoded at once). */
  add(b: EventBatch, i: number): void {
    if (this.leading && !isContainerEvent(b.type[i]!)) this.leading = false;
    this.writer.writeBatch(b, i, i + 1);
    this.events++;
  }

  /**
   * Event i, which the filter rejected: libsinsp's dumper still writes internal events (procinfo,
   * container descriptions), and in fatfile mode (-F) the events that change state, flagged
   * SCAP_DF_STATE_ONLY so that readers replay them without showing them.
   */
  addRejected(b: EventBatch, i: number, info: EventInfo): void {
    const code = b.type[i]!;
    if (this.leading && !isContainerEvent(code)) this.leading = false;
    // The dumper starts with the container table libsinsp built while opening the capture (from
    // its leading container events): those are written whatever the filter says.
    if (this.leading || info.category & EC.INTERNAL) this.writer.writeBatch(b, i, i + 1);
    else if (this.fatfile && info.flags & EF.MODIFIES_STATE)
      this.writer.writeBatch(b, i, i + 1, 0n, STATE_ONLY);
    else return;
    this.events++;
  }

  close(): void {
    try {
      this.writer.close();
      this.flushMember();
    } finally {
      closeSync(this.fd);
    }
  }

  private sink(chunk: Uint8Array): void {
    if (!this.compress) {
      writeSync(this.fd, chunk);
      return;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MEMBER_BYTES) this.flushMember();
  }

  private flushMember(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.fd, gzipSync(Buffer.concat(this.pending, this.pendingBytes)));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** The -w output of the command line, if any; an Error (printed by the caller) if it cannot open. */
export function captureOutputFor(
  o: { writeFile: string | undefined; compress: boolean; fatfile: boolean },
  header: CaptureHeader,
): CaptureOutput | Error | undefined {
  if (o.writeFile === undefined) return undefined;
  try {
    return new CaptureOutput(o.writeFile, header, o.compress, o.fatfile);
  } catch (e) {
    return new Error(`error opening the output file ${o.writeFile}: ${(e as Error).message}`);
  }
}
