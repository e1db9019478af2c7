// The two-thread build: the state side (reader, tracker, entities, marks) runs in the calling
// thread and hands record slots through a shared ring to the index side in its own worker
// (index-worker.ts), which does the columns, bucket logs and lists and posts its tables at the
// end. The calling thread stays synchronous: it blocks with Atomics.wait only when the ring is
// full and at the end, and takes the result with receiveMessageOnPort.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { IndexSide, type IndexParts } from './index-side.js';
import { CTL, RING_SLOTS, Records, SLOT_END, ringBytes } from './records.js';

/** No sign of life from the index worker for this long: it is gone (killed, out of memory). */
const STALL_MS = 60_000;
/** A worker not started after this long (a missing file, a starved machine) is not waited for:
 *  this thread consumes the slots itself. */
const START_MS = 3_000;

/** The ArrayBuffers under the typed arrays of a value (each once), to transfer rather than copy. */
export function transferables(v: unknown, out = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(v)) {
    if (v.buffer instanceof ArrayBuffer && v.buffer.byteLength > 0) out.add(v.buffer);
  } else if (Array.isArray(v)) for (const x of v) transferables(x, out);
  else if (v !== null && typeof v === 'object' && !(v instanceof Map) && !(v instanceof Set))
    for (const x of Object.values(v)) transferables(x, out);
  return [...out];
}

export class IndexPipe {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.SIZE + RING_SLOTS)));
  private readonly recs: Records[];
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private published = 0;
  private closed = false;
  /** Set when this thread took the index side over (the worker never started). */
  private local: IndexSide | undefined;
  private hasCpuInfo = false;

  constructor() {
    const ring = new SharedArrayBuffer(ringBytes(RING_SLOTS));
    this.recs = Array.from({ length: RING_SLOTS }, (_, s) => new Records(ring, s));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./index-worker.js', import.meta.url), {
      workerData: { ring, ctl: this.ctl, port: port2 },
      transferList: [port2],
    });
    // The calling thread blocks while the worker runs: it must not keep the process alive later.
    this.worker.unref();
    // Failures reach this thread through the control cells (DONE, STARTED); the event would only
    // arrive after the build, with nobody to handle it.
    this.worker.on('error', () => undefined);
  }

  /** The slot to fill first. */
  first(): Records {
    return this.recs[0]!;
  }

  /** Hands over the current slot's n records; returns the next slot once it is free. */
  publish(n: number): Records {
    if (this.local !== undefined) {
      const r = this.recs[0]!;
      this.local.consume(r, n);
      return r;
    }
    this.post(n);
    const ctl = this.ctl;
    this.waitWhile(CTL.CONSUMED, () => this.published - Atomics.load(ctl, CTL.CONSUMED) >= RING_SLOTS);
    // Taken over while waiting: the slots are consumed, continue in the first.
    return this.recs[this.local !== undefined ? 0 : this.published % RING_SLOTS]!;
  }

  /** Marks the end of the events (a slot is always free here: publish waited for one). */
  end(hasCpuInfo: boolean): void {
    this.hasCpuInfo = hasCpuInfo;
    if (this.local !== undefined) return;
    Atomics.store(this.ctl, CTL.HAS_CPU, hasCpuInfo ? 1 : 0);
    this.post(SLOT_END);
  }

  /** Waits for the index side's parts. */
  result(): IndexParts {
    if (this.local === undefined) this.waitWhile(CTL.DONE, () => Atomics.load(this.ctl, CTL.DONE) === 0);
    if (this.local !== undefined) return this.local.finish(this.hasCpuInfo);
    const m = receiveMessageOnPort(this.port)?.message as { parts?: IndexParts } | undefined;
    this.close();
    if (m?.parts === undefined) throw new Error('index worker sent no result');
    return m.parts;
  }

  /** Stops the worker (cancelled, failed, or done). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, CTL.ABORT, 1);
    Atomics.notify(this.ctl, CTL.PUBLISHED);
    this.port.close();
    void this.worker.terminate();
  }

  /** When the worker has not started: consumes the published slots here (from now on, all). */
  private takeOver(): boolean {
    if (Atomics.compareExchange(this.ctl, CTL.STARTED, 0, -1) !== 0) return false;
    const local = (this.local = new IndexSide());
    // Nothing was consumed: every published slot is still in the ring (at most RING_SLOTS).
    for (let s = 0; s < this.published; s++) {
      const n = Atomics.load(this.ctl, CTL.SIZE + (s % RING_SLOTS));
      if (n !== SLOT_END) local.consume(this.recs[s % RING_SLOTS]!, n);
    }
    this.close();
    return true;
  }

  private post(n: number): void {
    const ctl = this.ctl;
    Atomics.store(ctl, CTL.SIZE + (this.published % RING_SLOTS), n);
    Atomics.store(ctl, CTL.PUBLISHED, ++this.published);
    Atomics.notify(ctl, CTL.PUBLISHED);
  }

  /** Blocks while `busy()`, waking on changes of ctl[cell]; throws when the worker failed or stalled. */
  private waitWhile(cell: CTL, busy: () => boolean): void {
    const ctl = this.ctl;
    let seen = Atomics.load(ctl, cell);
    let since = performance.now();
    while (busy()) {
      if (Atomics.load(ctl, CTL.DONE) === 2) {
        const m = receiveMessageOnPort(this.port)?.message as { error?: string } | undefined;
        this.close();
        throw new Error(`index worker failed: ${m?.error ?? 'unknown error'}`);
      }
      Atomics.wait(ctl, cell, seen, 100);
      if (performance.now() - since > START_MS && this.takeOver()) return;
      const now = Atomics.load(ctl, cell);
      if (now !== seen) {
        seen = now;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) {
        this.close();
        throw new Error('index worker stopped responding');
      }
    }
  }
}
