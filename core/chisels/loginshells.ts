// list_login_shells.lua: the login shell id (proc.loginshellid: the pid of the outermost ancestor,
// main thread included, whose exe ends in 'h') of the last execve exit, optionally only for commands
// matching a string. At the end the Lua prints the id once per non-nil member of its result record
// (id, container name, container id), so a match prints the same id up to three times.
import type { EventContext } from '../fields/context.js';
import { paramIndex } from '../fields/params.js';
import { renderArgText } from '../format/params.js';
import type { ThreadInfo } from '../state/types.js';
import { containerId, containerName, type ChiselEnv } from './fields.js';
import { luaNum } from './luafmt.js';
import type { Chisel } from './runner.js';

const EXE = paramIndex('exe');
const ARGS = paramIndex('args');

/** proc.loginshellid of a thread. */
export function loginShellId(
  t: ThreadInfo,
  lookup: (tid: number) => ThreadInfo | undefined,
): number | undefined {
  const main = t.tid === t.pid ? t : lookup(t.pid);
  if (main === undefined) return undefined;
  let res: number | undefined;
  const check = (p: ThreadInfo): void => {
    if (p.exe.length > 0 && p.exe.endsWith('h')) res = p.pid;
  };
  check(main);
  // traverse_parent_state: parents by ptid until an unknown one, a tid of -1, or a loop.
  const seen = new Set<ThreadInfo>([main]);
  for (let p = lookup(main.ptid); p !== undefined && p.tid !== -1 && !seen.has(p); p = lookup(p.ptid)) {
    seen.add(p);
    check(p);
    if (p.tid === p.ptid) break;
  }
  return res;
}

export class ListLoginShells implements Chisel {
  readonly endsUnstarted = true;
  private readonly comm: string | undefined;
  private readonly argMatch: string | undefined;
  private sid: number | undefined;
  private cname: string | undefined;
  private cid: string | undefined;

  constructor(
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
    args: readonly string[],
  ) {
    this.comm = args[0] !== undefined && args[0] !== '*' ? args[0] : undefined;
    this.argMatch = args[1];
  }

  filter(c: EventContext): boolean {
    return c.info.name === 'execve';
  }

  private arg(c: EventContext, j: number): string | undefined {
    if (j < 0 || c.batch.paramBase[c.i]! + j >= c.batch.paramBase[c.i + 1]!) return undefined;
    this.env.paramEnv.thread = c.state.thread;
    return renderArgText(c.info, c.batch, c.i, j, this.env.paramEnv);
  }

  onEvent(c: EventContext): void {
    const t = c.state.thread;
    const sid = t ? loginShellId(t, (tid) => c.lookup.thread(tid)) : undefined;
    const code = c.info.code;
    const exe = this.arg(c, EXE.of(code));
    const args = this.arg(c, ARGS.of(code));
    if (sid === undefined || exe === undefined) return;
    // The Lua uses string.find with a pattern; plain substrings are what its users pass.
    if (this.comm !== undefined && !exe.includes(this.comm)) return;
    if (this.argMatch !== undefined && args !== undefined && !args.includes(this.argMatch)) return;
    this.sid = sid;
    this.cname = containerName(c);
    this.cid = containerId(c);
  }

  onCaptureEnd(): void {
    let out = this.comm !== undefined ? `Shells containing ${this.comm}:\n` : 'All shells:\n';
    const members = [this.sid, this.cname, this.cid].filter((v) => v !== undefined).length;
    // Under -pc the Lua prints the id with the container's name and id (a nil one would raise).
    const line =
      this.env.printContainer === true
        ? `${luaNum(this.sid!)} ${this.cname ?? ''} ${this.cid ?? ''}`
        : luaNum(this.sid!);
    for (let k = 0; k < members; k++) out += line + '\n';
    this.write(out);
  }
}
