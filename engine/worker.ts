// The engine worker: one per open capture. It builds the index (posting progress), then answers
// protocol requests for that capture. Cancellation is a shared Int32 flag the host sets and the
// worker polls between batches (its loops are synchronous, so messages could not reach it).
import { parentPort, workerData } from 'node:worker_threads';
import type { Progress, Request, WorkerMessage, WorkerRequest } from '../core/protocol/messages.js';
import { buildIndex, Cancelled } from './index/build.js';
import { openForReading } from './open.js';
import { Session, type Hooks } from './session.js';

interface Data {
  capture: string;
  cancel: Int32Array;
}

const { capture, cancel } = workerData as Data;
// CAPSIGHT_INDEX_THREADS=1|2 forces the one- or two-thread index build (benchmarks); by default
// the build decides from the capture's size and the machine's load (engine/index/build.ts).
const envThreads = process.env.CAPSIGHT_INDEX_THREADS;
const threads = envThreads === '1' ? 1 : envThreads === '2' ? 2 : undefined;
const port = parentPort!;
let session: Session | undefined;

function post(m: WorkerMessage): void {
  port.postMessage(m);
}

function hooksFor(id: number, phase: Progress['phase']): Hooks {
  const started = performance.now();
  return {
    cancelled: () => Atomics.load(cancel, 0) !== 0,
    progress(bytes, total, events) {
      const pct = total > 0 ? Math.min(100, (bytes / total) * 100) : 0;
      const el = performance.now() - started;
      const eta = pct > 0 && pct < 100 ? (el / pct) * (100 - pct) : pct >= 100 ? 0 : NaN;
      post({
        id,
        progress: {
          kind: 'progress',
          capture,
          bytes,
          totalBytes: total,
          events,
          percent: pct,
          etaMs: eta,
          phase,
        },
      });
    },
  };
}

function open(id: number, path: string): void {
  const hooks = hooksFor(id, 'index');
  try {
    const reader = openForReading(path, { sysdigCompat: false, reuseBatches: true });
    try {
      const ix = buildIndex({
        path,
        reader,
        progress: (p) => hooks.progress(p.bytes, p.totalBytes, p.events),
        cancelled: hooks.cancelled,
        ...(threads !== undefined ? { threads } : {}),
      });
      session = new Session(ix);
      post({
        id,
        response: {
          kind: 'open',
          capture,
          path,
          fileSize: ix.fileSize,
          events: ix.cols.length,
          firstTs: ix.t0,
          lastTs: ix.t0 + BigInt(Math.round(ix.tEnd)),
          ...(ix.error !== undefined ? { error: ix.error } : {}),
          indexMs: ix.buildMs,
        },
      });
    } finally {
      reader.close();
    }
  } catch (e) {
    if (e instanceof Cancelled) post({ id, response: { kind: 'cancelled' } });
    else post({ id, response: { kind: 'error', message: (e as Error).message } });
  }
}

port.on('message', (m: WorkerRequest) => {
  const r: Request = m.request;
  Atomics.store(cancel, 0, 0);
  if (r.kind === 'open') return open(m.id, r.path);
  if (r.kind === 'close') {
    session?.close();
    session = undefined;
    post({ id: m.id, response: { kind: 'closed' } });
    return;
  }
  if (!session) return post({ id: m.id, response: { kind: 'error', message: 'capture is not open' } });
  post({ id: m.id, response: session.handle(r, hooksFor(m.id, 'filter')) });
});
