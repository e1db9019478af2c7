// -S: the event summary sysdig prints after a capture (top 100 rows by count). Rows are sorted
// with libstdc++'s std::sort over the same initial table sysdig builds (every event code, then two
// rows per syscall for generic events), so equal counts come out in sysdig's order.
import { cxxSort } from '../core/cxxsort.js';
import { EVENTS, COMPAT_EVENT_MAX, SYSCALL_NAMES } from '../core/schema/index.js';

export class Summary {
  private readonly counts: Float64Array;
  constructor() {
    this.counts = new Float64Array(COMPAT_EVENT_MAX + SYSCALL_NAMES.length * 2);
  }

  /** Count one event; `syscallId` is the ID parameter of generic events (code 0/1). */
  add(code: number, syscallId: number): void {
    if (code === 0 || code === 1) this.counts[COMPAT_EVENT_MAX + syscallId * 2 + code]!++;
    else if (code < COMPAT_EVENT_MAX) this.counts[code]!++;
  }

  render(): string {
    const rows = Array.from(this.counts, (n, k) => ({ n, k }));
    cxxSort(rows, (a, b) => a.n > b.n);
    let s = '----------------------\nEvent           #Calls\n----------------------\n';
    for (let j = 0; j < 100 && j < rows.length; j++) {
      const { n, k } = rows[j]!;
      if (n === 0) break;
      const generic = k >= COMPAT_EVENT_MAX;
      const id = generic ? k - COMPAT_EVENT_MAX : k;
      const name = generic ? (SYSCALL_NAMES[id >> 1] ?? '') : EVENTS[k]!.name;
      s += (id % 2 === 0 ? '> ' : '< ') + name.padEnd(16, ' ').slice(0, 16) + n + '\n';
    }
    return s;
  }
}
