// `-w FILE` (and `-z`): the events that pass the filter, written as a new capture instead of being
// printed, as `sysdig -r in.scap -w out.scap FILTER` does. The header (machine, process, fd,
// interface and user lists) is the source's, so the new file replays the same state.
// With -z the file is gzip: one member per 4 MiB of capture, compressed synchronously as the events
// come, so memory stays bounded; gzip readers (zlib's gzread in sysdig, ours) read members in turn.
import { closeSync, openSync, writeSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ScapWriter } from '../core/scapwrite/writer.js';
import type { CaptureHeader, EventBatch } from '../core/capture.js';

const MEMBER_BYTES = 4 << 20;

export class CaptureOutput {
  private readonly fd: number;
  private readonly writer: ScapWriter;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  events = 0;

  constructor(
    readonly path: string,
    header: CaptureHeader,
    private readonly compress: boolean,
  ) {
    this.fd = openSync(path, 'w');
    this.writer = new ScapWriter({ sink: (c) => this.sink(c) });
    this.writer.writeHeader(header);
  }

  /** Event i of the batch (the batch may be reused after this returns: it is encoded at once). */
  add(b: EventBatch, i: number): void {
    this.writer.writeBatch(b, i, i + 1);
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
  o: { writeFile: string | undefined; compress: boolean },
  header: CaptureHeader,
): CaptureOutput | Error | undefined {
  if (o.writeFile === undefined) return undefined;
  try {
    return new CaptureOutput(o.writeFile, header, o.compress);
  } catch (e) {
    return new Error(`error opening the output file ${o.writeFile}: ${(e as Error).message}`);
  }
}
