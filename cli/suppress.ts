// -U COMM (libscap's suppressed comms, scap_check_suppressed): events of threads whose command is
// COMM, and of all their descendants, are dropped before libsinsp sees them: no state, no evt.num,
// not counted by -n. Reading a file, threads join the set only through the clone/fork/vfork/
// execve/execveat/clone3 exit events (the proc table at the start of a capture is not checked).
import type { EventBatch } from '../core/capture.js';
import { cstr, u64big } from '../core/bytes.js';
import { PPME } from '../core/schema/index.js';

/** The exit events whose comm (parameter 13) and ptid (parameter 5) update the set. */
const SPAWNS = new Set<number>([
  PPME.SYSCALL_CLONE_20_X,
  PPME.SYSCALL_FORK_20_X,
  PPME.SYSCALL_VFORK_20_X,
  PPME.SYSCALL_EXECVE_19_X,
  PPME.SYSCALL_EXECVEAT_X,
  PPME.SYSCALL_CLONE3_X,
]);
const PTID = 5;
const COMM = 13;

export class CommSuppressor {
  private readonly tids = new Set<bigint>();

  constructor(private readonly comms: ReadonlySet<string>) {}

  /** Whether event i is dropped (updating the set as libscap does), or libscap's read error that
   *  ends the capture there: a spawn event too short to hold its comm. */
  check(b: EventBatch, i: number): boolean | string {
    const type = b.type[i]!;
    const tid = b.tid[i]!;
    if (SPAWNS.has(type)) {
      const base = b.paramBase[i]!;
      if (b.paramBase[i + 1]! - base <= COMM) {
        return 'Could not find process comm in event argument list';
      }
      const ps = base + PTID;
      // A short ptid parameter reads as no parent in the set (libscap would read past it).
      const ptid = b.paramLen[ps]! >= 8 ? u64big(b.arena, b.paramOff[ps]!) : -1n;
      const cs = base + COMM;
      const comm = cstr(b.arena, b.paramOff[cs]!, b.paramOff[cs]! + b.paramLen[cs]!);
      const hit = this.tids.has(BigInt.asIntN(64, ptid)) || this.comms.has(comm);
      if (hit) this.tids.add(tid);
      else this.tids.delete(tid);
      return hit;
    }
    if (!this.tids.has(tid)) return false;
    // A thread that exits leaves the set (its procexit is still dropped).
    if (type === PPME.PROCEXIT_1_E) this.tids.delete(tid);
    return true;
  }
}
