// The index worker of the two-thread build (pipeline.ts): consumes the state side's record slots
// from the shared ring; at the end marker it posts the tables from the bucket logs, then the rest.
import { workerData, type MessagePort } from 'node:worker_threads';
import { IndexSide } from './index-side.js';
import { CTL, DONE, RING_SLOTS, Records, SLOT_END } from './records.js';
import { transferables } from './pipeline.js';

const { ring, ctl, port } = workerData as { ring: SharedArrayBuffer; ctl: Int32Array; port: MessagePort };

function done(level: DONE): void {
  Atomics.store(ctl, CTL.DONE, level);
  Atomics.notify(ctl, CTL.DONE);
}

function run(): void {
  if (Atomics.compareExchange(ctl, CTL.STARTED, 0, 1) !== 0) return;
  const recs = Array.from({ length: RING_SLOTS }, (_, s) => new Records(ring, s));
  const side = new IndexSide();
  for (let con = 0; ;) {
    while (Atomics.load(ctl, CTL.PUBLISHED) === con) {
      if (Atomics.load(ctl, CTL.ABORT) !== 0) return;
      // The state side wakes this thread only while the flag is up; raised before PUBLISHED is
      // read again, so one of the two threads sees the other's store.
      Atomics.store(ctl, CTL.INDEX_WAITING, 1);
      if (Atomics.load(ctl, CTL.PUBLISHED) === con) Atomics.wait(ctl, CTL.PUBLISHED, con, 1000);
      Atomics.store(ctl, CTL.INDEX_WAITING, 0);
    }
    if (Atomics.load(ctl, CTL.ABORT) !== 0) return;
    const slot = con % RING_SLOTS;
    const n = Atomics.load(ctl, CTL.SIZE + slot);
    if (n === SLOT_END) break;
    side.consume(recs[slot]!, n);
    Atomics.store(ctl, CTL.CONSUMED, ++con);
    if (Atomics.load(ctl, CTL.STATE_WAITING) !== 0) Atomics.notify(ctl, CTL.CONSUMED);
  }
  const pairs = side.finishPairs(Atomics.load(ctl, CTL.HAS_CPU) !== 0);
  port.postMessage({ pairs }, transferables(pairs));
  done(DONE.PAIRS);
  const rest = side.finishRest();
  port.postMessage({ rest }, transferables(rest));
  done(DONE.REST);
}

try {
  run();
} catch (e) {
  port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  done(DONE.FAILED);
  Atomics.notify(ctl, CTL.CONSUMED);
}
port.close();
