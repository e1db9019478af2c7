// The engine host: opens captures, each in its own worker_thread (several can be open at once),
// forwards protocol requests, relays progress and cancels. Used by the Electron engine process,
// the browser-mode server and the benchmarks.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type {
  CaptureId,
  OpenResult,
  Progress,
  Request,
  Response,
  WorkerMessage,
} from '../core/protocol/messages.js';

interface Pending {
  resolve: (r: Response) => void;
  onProgress: ((p: Progress) => void) | undefined;
}

class CaptureWorker {
  readonly cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(readonly id: CaptureId) {
    this.worker = new Worker(fileURLToPath(new URL('./worker.js', import.meta.url)), {
      workerData: { capture: id, cancel: this.cancelFlag },
    });
    this.worker.on('message', (m: WorkerMessage) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if ('progress' in m) p.onProgress?.(m.progress);
      else {
        this.pending.delete(m.id);
        p.resolve(m.response);
      }
    });
    const fail = (message: string): void => {
      for (const p of this.pending.values()) p.resolve({ kind: 'error', message });
      this.pending.clear();
    };
    this.worker.on('error', (e) => fail(`engine worker failed: ${e.message}`));
    this.worker.on('exit', (code) =>
      fail(code === 0 ? 'engine worker exited' : `engine worker exited with ${code}`),
    );
  }

  send(request: Request, onProgress?: (p: Progress) => void): Promise<Response> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, onProgress });
      this.worker.postMessage({ id, request });
    });
  }
}

export class Engine {
  private readonly captures = new Map<CaptureId, CaptureWorker>();
  private seq = 0;

  /** Opens and indexes a capture; resolves with the open result (or an error/cancelled response). */
  async open(path: string, onProgress?: (p: Progress) => void): Promise<OpenResult | Response> {
    const id = `c${++this.seq}`;
    const w = new CaptureWorker(id);
    this.captures.set(id, w);
    const r = await w.send({ kind: 'open', path }, onProgress);
    if (r.kind !== 'open') await this.close(id);
    return r;
  }

  /** Sends a request to the capture's worker. */
  request(r: Exclude<Request, { kind: 'open' }>, onProgress?: (p: Progress) => void): Promise<Response> {
    const w = this.captures.get(r.capture);
    if (!w) return Promise.resolve({ kind: 'error', message: `no open capture ${r.capture}` });
    return w.send(r, onProgress);
  }

  /** Cancels what the capture's worker is doing (indexing or a filter scan). */
  cancel(capture: CaptureId): void {
    const w = this.captures.get(capture);
    if (w) Atomics.store(w.cancelFlag, 0, 1);
  }

  async close(capture: CaptureId): Promise<void> {
    const w = this.captures.get(capture);
    if (!w) return;
    this.captures.delete(capture);
    await w.worker.terminate();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.captures.keys()].map((c) => this.close(c)));
  }

  get open_(): number {
    return this.captures.size;
  }
}
