// lscontainers.lua: the container table (libsinsp's container manager, a std::unordered_map keyed by
// id) as it stands after the first event, in that map's iteration order.
import type { EventContext } from '../fields/context.js';
import type { ChiselEnv } from './fields.js';
import { extendString } from './luafmt.js';
import { stringMapOrder } from './luaorder.js';
import type { Chisel } from './runner.js';

export class LsContainers implements Chisel {
  endCapture = false;
  // The Lua `capturing` flag: a capture that failed to open ends without a table.
  private capturing = false;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
  ) {}

  onCaptureStart(): void {
    this.capturing = true;
  }

  onEvent(_c: EventContext): void {
    this.endCapture = true;
  }

  onCaptureEnd(): void {
    if (!this.capturing) return;
    const byId = new Map((this.env.containers?.() ?? []).map((c) => [c.id, c]));
    let out =
      extendString('container.type', 15) +
      extendString('container.image', 16) +
      extendString('container.name', 20) +
      extendString('container.id', 13) +
      '\n' +
      extendString('-'.repeat(15), 15) +
      extendString('-'.repeat(16), 16) +
      extendString('-'.repeat(20), 20) +
      extendString('-'.repeat(13), 13) +
      '\n';
    for (const id of stringMapOrder(byId.keys())) {
      const c = byId.get(id)!;
      out +=
        extendString(c.type, 15) +
        extendString(c.image, 16) +
        extendString(c.name, 20) +
        extendString(c.id, 13) +
        '\n';
    }
    this.write(out);
  }
}
