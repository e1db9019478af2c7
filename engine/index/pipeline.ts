// Where the index side runs. LocalRun: in the calling thread, slot by slot. IndexPipe (the
// two-thread build): the state side runs in the calling thread and hands record slots through a
// shared ring to the index side in a worker of its own (index-worker.ts). At the end the worker
// posts the tables from the bucket logs first (transferred, not copied), so that this thread
// builds the coarser tables while the worker packs the rest. The calling thread stays synchronous:
// it blocks with Atomics.wait only when the ring is full and at the end, and takes the results with
// receiveMessageOnPort. Each side wakes the other only when it waits (a flag cell), and the index
// side only for several slots at once (WAKE_SLOTS).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { IndexSide, type PairParts, type RestParts } from './index-side.js';
import { CTL, DONE, RING_SLOTS, Records, SLOT_END, WAKE_SLOTS, ringBytes } from './records.js';

/** The index side as the state side and the finalizing see it. */
export interface IndexRun {
  /** The slot to fill first. */
  first(): Records;
  /** Hands over the current slot's n records; returns the slot to fill next. */
  publish(n: number): Records;
  /** The events are done (after the last publish). */
  end(hasCpuInfo: boolean): void;
  pairs(): PairParts;
  /** After pairs(). */
  rest(): RestParts;
  /** Stops the index side (done, cancelled or failed). */
  close(): void;
}

export class LocalRun implements IndexRun {
  private readonly side = new IndexSide();
  private readonly rec = new Records(new ArrayBuffer(ringBytes(1)), 0);
  private hasCpuInfo = false;
  first(): Records {
    return this.rec;
  }
  publish(n: number): Records {
    this.side.consume(this.rec, n);
    return this.rec;
  }
  /** Consumes n records of another slot (a pipe's, taken over). */
  consumeFrom(r: Records, n: number): void {
    this.side.consume(r, n);
  }
  end(hasCpuInfo: boolean): void {
    this.hasCpuInfo = hasCpuInfo;
  }
  pairs(): PairParts {
    return this.side.finishPairs(this.hasCpuInfo);
  }
  rest(): RestParts {
    return this.side.finishRest();
  }
  close(): void {}
}

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

export class IndexPipe implements IndexRun {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(4 * (CTL.SIZE + RING_SLOTS)));
  private readonly recs: Records[];
  private readonly port: MessagePort;
  private readonly worker: Worker;
  private published = 0;
  private closed = false;
  /** Set when this thread took the index side over (the worker never started). */
  private local: LocalRun | undefined;

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

  first(): Records {
    return this.recs[0]!;
  }

  publish(n: number): Records {
    if (this.local !== undefined) return this.local.publish(n);
    this.post(n);
    const ctl = this.ctl;
    const full = (): boolean => this.published - Atomics.load(ctl, CTL.CONSUMED) >= RING_SLOTS;
    if (full()) {
      // The index side wakes this thread only while the flag is up (set before full() is read
      // again in waitWhile: one of the two threads sees the other's store).
      Atomics.store(ctl, CTL.STATE_WAITING, 1);
      this.waitWhile(CTL.CONSUMED, full);
      Atomics.store(ctl, CTL.STATE_WAITING, 0);
    }
    // Taken over while waiting: the published slots are consumed, continue in the local slot.
    const local = this.local as LocalRun | undefined; // set by waitWhile when it took over
    return local !== undefined ? local.first() : this.recs[this.published % RING_SLOTS]!;
  }

  /** A slot is always free here: publish waited for one. */
  end(hasCpuInfo: boolean): void {
    this.hasCpuInfo = hasCpuInfo;
    if (this.local !== undefined) return this.local.end(hasCpuInfo);
    this.ended = true;
    Atomics.store(this.ctl, CTL.HAS_CPU, hasCpuInfo ? 1 : 0);
    this.post(SLOT_END);
  }
  private ended = false;
  private hasCpuInfo = false;

  pairs(): PairParts {
    return this.local?.pairs() ?? this.receive<PairParts>(DONE.PAIRS, 'pairs');
  }

  rest(): RestParts {
    const r = this.local?.rest() ?? this.receive<RestParts>(DONE.REST, 'rest');
    this.close();
    return r;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, CTL.ABORT, 1);
    Atomics.notify(this.ctl, CTL.PUBLISHED);
    this.port.close();
    void this.worker.terminate();
  }

  /** Waits for the worker's message `key` (posted before DONE reached `level`). */
  private receive<T>(level: DONE, key: 'pairs' | 'rest'): T {
    this.waitWhile(CTL.DONE, () => Atomics.load(this.ctl, CTL.DONE) < level);
    if (this.local !== undefined) return (key === 'pairs' ? this.local.pairs() : this.local.rest()) as T;
    const m = receiveMessageOnPort(this.port)?.message as Record<string, T> | undefined;
    const v = m?.[key];
    if (v === undefined) {
      this.close();
      throw new Error(`index worker sent no ${key}`);
    }
    return v;
  }

  /** When the worker has not started: consumes the published slots here (from now on, all). */
  private takeOver(): boolean {
    if (Atomics.compareExchange(this.ctl, CTL.STARTED, 0, -1) !== 0) return false;
    const local = (this.local = new LocalRun());
    // Nothing was consumed: every published slot is still in the ring (at most RING_SLOTS).
    for (let s = 0; s < this.published; s++) {
      const n = Atomics.load(this.ctl, CTL.SIZE + (s % RING_SLOTS));
      if (n !== SLOT_END) local.consumeFrom(this.recs[s % RING_SLOTS]!, n);
    }
    if (this.ended) local.end(this.hasCpuInfo);
    this.close();
    return true;
  }

  private post(n: number): void {
    const ctl = this.ctl;
    Atomics.store(ctl, CTL.SIZE + (this.published % RING_SLOTS), n);
    Atomics.store(ctl, CTL.PUBLISHED, ++this.published);
    // A waiting index side is woken for WAKE_SLOTS slots at once, or for the end (it only waits
    // with none left, so it is always woken before this thread could fill the ring).
    if (
      Atomics.load(ctl, CTL.INDEX_WAITING) !== 0 &&
      (n === SLOT_END || this.published - Atomics.load(ctl, CTL.CONSUMED) >= WAKE_SLOTS)
    )
      Atomics.notify(ctl, CTL.PUBLISHED);
  }

  /** Blocks while `busy()`, waking on changes of ctl[cell]; throws when the worker failed or
   *  stalled; returns early when this thread took the index side over. */
  private waitWhile(cell: CTL, busy: () => boolean): void {
    const ctl = this.ctl;
    let seen = Atomics.load(ctl, cell);
    let since = performance.now();
    while (busy()) {
      if (Atomics.load(ctl, CTL.DONE) === DONE.FAILED) {
        let error = 'unknown error';
        for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
          const e = (m.message as { error?: string }).error;
          if (e !== undefined) error = e;
        }
        this.close();
        throw new Error(`index worker failed: ${error}`);
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
