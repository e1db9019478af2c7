// proc_exec_time.lua: one line per process exit with the process's lifetime (proc.duration),
// coloured red over 10 s, yellow over 3 s, else blue in containers and green on the host.
import type { EventContext } from '../fields/context.js';
import { containerCells, containerCellsOf, containerName, procName, boundField } from './fields.js';
import { colors, formatTimeInterval, leftCut, type Colors } from './luafmt.js';
import type { Chisel } from './runner.js';

const DURATION = boundField('proc.duration');
const ARGS = boundField('proc.args');
const YELLOW_NS = 3e9;
const RED_NS = 10e9;

export class ProcExecTime implements Chisel {
  readonly endsUnstarted = true;
  private readonly col: Colors;

  constructor(
    private readonly write: (s: string) => void,
    disableArg: string | undefined,
    /** sysdig.is_print_container_data(): container id and name columns after the duration. */
    private readonly printContainer = false,
  ) {
    this.col = colors(disableArg !== 'disable_colors');
    const pc = (id: string, name: string): string => (printContainer ? containerCells(id, name) : '');
    const row = (a: string, id: string, name: string, b: string, c: string): string =>
      `${leftCut(a, 13, 13)} ${pc(id, name)}${leftCut(b, 12, 12)} ${c}\n`;
    write(row('proc.duration', 'container.id', 'container.name', 'proc.name', 'proc.args'));
    write(row('-'.repeat(13), '-'.repeat(20), '-'.repeat(20), '-'.repeat(12), '-'.repeat(20)));
  }

  filter(c: EventContext): boolean {
    return c.info.name === 'procexit';
  }

  onEvent(c: EventContext): void {
    const d = DURATION.extract(c);
    if (d === undefined) return;
    const duration = Number(d);
    let color = this.col.green;
    if (duration > RED_NS) color = this.col.red;
    else if (duration > YELLOW_NS) color = this.col.yellow;
    else if (containerName(c) !== 'host') color = this.col.blue;
    const args = ARGS.extract(c);
    const pc = this.printContainer ? containerCellsOf(c) : '';
    this.write(
      `${color}${leftCut(formatTimeInterval(duration), 13, 13)} ${pc}${leftCut(procName(c) ?? 'nil', 12, 12)} ${typeof args === 'string' ? args : 'nil'}\n`,
    );
  }

  onCaptureEnd(): void {
    this.write(this.col.reset + '\n');
  }
}
