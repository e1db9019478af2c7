// fdcount_by.lua: the number of distinct fds (fd number + name) used per value of a key field, every
// key (its TOP_NUMBER is 0: no cut), printed with Lua's print(k, n): key, a tab, the count.
import type { EventContext } from '../fields/context.js';
import { fdName, boundField } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';
import type { TopKey } from './topn.js';
import type { ChiselEnv } from './fields.js';

const FD_NUM = boundField('fd.num');

export class FdCountBy implements Chisel {
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    private readonly key: TopKey,
  ) {}

  onEvent(c: EventContext): void {
    const k = this.key.get(c, this.env);
    const num = FD_NUM.extract(c);
    const name = fdName(c);
    if (k === undefined || typeof num !== 'number' || !(num > 0) || name === undefined || name === '') return;
    const key = typeof k === 'number' ? luaNum(k) : k;
    let fds = this.seen.get(key);
    if (fds === undefined) this.seen.set(key, (fds = new Set()));
    fds.add(luaNum(num) + name);
  }

  onCaptureEnd(): void {
    const rows = [...this.seen.entries()].map(([k, v]): [string, number] => [k, v.size]);
    rows.sort((a, b) => b[1] - a[1]);
    let out = '';
    for (const [k, n] of rows) out += `${k}\t${n}\n`;
    this.write(out);
  }
}
