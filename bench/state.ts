// bench/state: StateTracker.process() alone, over batches decoded beforehand, as the CLI calls it
// without a filter and with one (a hook plus the type prefilter of `evt.type=connect`).
//   npx tsc -p . && node dist/bench/state.js [FILE] [ROUNDS] [OTHER_DIST]
// OTHER_DIST (a second build's output folder inside the repository, e.g. distA) is measured in the
// same process, rounds interleaved with this build's, so that both see the same machine load.
// Times are CPU milliseconds of the process per full replay (decoding is done before timing);
// the first round includes JIT warm-up, so min and median are printed.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openForReading } from '../engine/open.js';
import { StateTracker } from '../core/state/tracker.js';
import type { CaptureHeader, EventBatch } from '../core/capture.js';
import { PPME } from '../core/schema/index.js';
import { repoRoot } from './bigfile.js';
import { printTable } from './measure.js';

type Tracker = Pick<StateTracker, 'process'>;
type Make = (header: CaptureHeader) => Tracker;

const file = process.argv[2] ?? resolve(repoRoot, 'bench', 'data', 'big-300mb.scap');
const rounds = Number(process.argv[3] ?? 6);
const other = process.argv[4];

const reader = openForReading(file, { sysdigCompat: true, reuseBatches: false });
const batches: EventBatch[] = [];
let events = 0;
for (let b = reader.next(); b !== null; b = reader.next()) {
  batches.push(b);
  events += b.count;
}
const header = reader.header;

const mask = new Uint8Array(1024);
mask[PPME.SOCKET_CONNECT_E] = 1;
mask[PPME.SOCKET_CONNECT_X] = 1;
const hook = (st: { fdNum: number }): boolean => st.fdNum === 3;

function round(make: Make, filtered: boolean): number {
  const t = make(header);
  const c0 = process.cpuUsage();
  let hidden = 0;
  for (const b of batches) {
    for (let i = 0; i < b.count; i++) {
      const st = filtered ? t.process(b, i, hook, mask) : t.process(b, i);
      if (st.hidden) hidden++;
    }
  }
  const c = process.cpuUsage(c0);
  if (hidden < 0) console.log(hidden); // keeps the loop's result alive
  return (c.user + c.system) / 1000;
}

const builds: [string, Make][] = [['this build', (h) => new StateTracker(h)]];
if (other !== undefined) {
  const url = pathToFileURL(resolve(repoRoot, other, 'core', 'state', 'tracker.js')).href;
  const mod = (await import(url)) as { StateTracker: new (h: CaptureHeader) => Tracker };
  builds.unshift([other, (h) => new mod.StateTracker(h)]);
}

const stats = (xs: number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[s.length >> 1]!];
};
console.log(`file: ${file} (${events} events), ${rounds} rounds per build and mode`);
const rows: string[][] = [['build', 'mode', 'min ms', 'median ms', 'ns/event (min)']];
for (const filtered of [false, true]) {
  const times = builds.map((): number[] => []);
  for (let r = 0; r < rounds; r++) builds.forEach(([, make], k) => times[k]!.push(round(make, filtered)));
  builds.forEach(([name], k) => {
    const [min, med] = stats(times[k]!);
    const mode = filtered ? 'hook + type mask' : 'no filter';
    rows.push([name, mode, min.toFixed(0), med.toFixed(0), ((min * 1e6) / events).toFixed(0)]);
  });
}
printTable(rows);
