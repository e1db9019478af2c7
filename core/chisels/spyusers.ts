// spy_users.lua: the commands (execve) and directory changes (chdir in shells) of interactive
// sessions, indented by their depth below the session's shell. The Lua keeps a process tree keyed
// by pid: a parent is placed under the nearest ancestor whose name ends in "sh" (depth 0 when that
// ancestor is new, one more than the ancestor's depth otherwise).
//
// Its chdir branch runs table.insert(fanames, 0, 0) on the arrays of ancestor fields, which shifts
// them for the rest of the capture: after k chdirs, the field at position j is proc.aname[j - k]
// and positions below k hold the number 0, which evt.field() rejects (sysdig then stops with a
// chisel error). Both are kept.
import type { EventContext } from '../fields/context.js';
import type { BoundField } from '../fields/types.js';
import { containerName, failed, isExit, procName, procPid, timeS, boundField } from './fields.js';
import { colors, extendString, luaNum, type Colors } from './luafmt.js';
import type { Chisel } from './runner.js';

const MAX_ANCESTORS = 16;

const USER = boundField('user.name');
const PPID = boundField('proc.ppid');
const EXE = boundField('proc.exe');
const ARGS = boundField('proc.args');
const PATH = boundField('evt.arg.path');
const ANAME = Array.from({ length: MAX_ANCESTORS + 1 }, (_, j) => boundField(`proc.aname[${j}]`));
const APID = Array.from({ length: MAX_ANCESTORS + 1 }, (_, j) => boundField(`proc.apid[${j}]`));

/** Thrown when the Lua would call evt.field() on a non-field. */
export class ChiselError extends Error {}

const text = (f: BoundField | undefined, c: EventContext): string | undefined => {
  if (f === undefined) return undefined;
  const v = f.extract(c);
  return v === undefined ? undefined : typeof v === 'string' ? v : f.text(c);
};
const num = (f: BoundField | undefined, c: EventContext): number | undefined => {
  if (f === undefined) return undefined;
  const v = f.extract(c);
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined;
};

export class SpyUsers implements Chisel {
  private readonly col: Colors;
  /** pid -> [depth, session shell pid]; depth -1 = not under a shell. */
  private readonly tree = new Map<number, [number, number | undefined]>();
  /** How far table.insert has shifted the ancestor field arrays. */
  private shift = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly maxDepth: number,
    disableArg: string | undefined,
    /** sysdig.is_print_container_data(): lines get user@container and a host/container colour. */
    private readonly printContainer = false,
  ) {
    this.col = colors(disableArg !== 'disable_color');
  }

  filter(c: EventContext): boolean {
    if (!isExit(c) || failed(c)) return false;
    const type = c.info.name;
    if (type === 'execve') return true;
    if (type !== 'chdir') return false;
    const name = procName(c);
    return name !== undefined && name.includes('sh') && !name.includes('sshd');
  }

  /** evt.field(fanames[j]) / evt.field(fapids[j]) after the shifts: the slots table.insert filled
   *  hold the number 0, not a field handle, and evt.field() of that is nil (lua_topointer gives
   *  NULL, which libsinsp's evt.field answers with nil). */
  private ancestor(fields: BoundField[], j: number): BoundField | undefined {
    return j < this.shift ? undefined : fields[j - this.shift];
  }

  onEvent(c: EventContext): void {
    const user = text(USER, c) ?? '<NA>';
    const dtime = timeS(c);
    const pid = procPid(c);
    let ppid = num(PPID, c);
    const ischdir = c.info.name === 'chdir';
    let icorr = 1;
    if (ischdir) {
      ppid = pid;
      this.shift++;
      icorr = 0;
    }
    if (ppid === undefined || pid === undefined) return;
    if (!this.tree.has(ppid)) {
      this.tree.set(ppid, [-1, undefined]);
      for (let j = 1; j <= MAX_ANCESTORS; j++) {
        if (j - this.shift > MAX_ANCESTORS) break;
        const aname = text(this.ancestor(ANAME, j), c);
        if (aname === undefined) {
          if (num(this.ancestor(APID, j), c) === undefined) break;
        } else if (aname.length >= 2 && aname.endsWith('sh')) {
          const apid = num(this.ancestor(APID, j), c);
          const known = apid !== undefined ? this.tree.get(apid) : undefined;
          this.tree.set(ppid, known !== undefined ? [j - 1, apid] : [0, apid]);
        }
      }
    }
    const parent = this.tree.get(ppid)!;
    if (parent[0] === -1) return;
    if (!this.tree.has(pid)) this.tree.set(pid, [1 + parent[0], parent[1]]);
    const [depth, shell] = this.tree.get(pid)!;
    const shellText = shell === undefined ? 'nil' : luaNum(shell);
    // -pc: green (blue in a container) and user@container; exec lines indent by 4, not 3.
    let color = '';
    let who = user;
    if (this.printContainer) {
      const cname = containerName(c);
      color = cname !== 'host' ? this.col.blue : this.col.green;
      who = `${user}@${cname ?? 'nil'}`;
    }
    if (ischdir) {
      if (this.maxDepth !== -1 && depth - icorr > this.maxDepth) return;
      const path = text(PATH, c) ?? 'nil';
      this.write(
        `${color}${extendString('', 4 * (depth - icorr))}${shellText} ${dtime} ${who}) cd ${path}\n`,
      );
    } else {
      if (this.maxDepth !== -1 && depth - 1 > this.maxDepth) return;
      const exe = text(EXE, c) ?? 'nil';
      const args = text(ARGS, c) ?? 'nil';
      const indent = (this.printContainer ? 4 : 3) * (depth - 1);
      this.write(`${color}${extendString('', indent)}${shellText} ${dtime} ${who}) ${exe} ${args}\n`);
    }
  }

  onCaptureEnd(): void {
    this.write(this.col.reset + '\n');
  }
}
