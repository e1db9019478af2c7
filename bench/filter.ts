// bench/filter: filter scans against sysdig on the same file in the same run (both printing to
// /dev/null), from cheap (event type) to expensive (buffer search).
//   npm run bench:filter [-- SIZE_MB]
import { statSync } from 'node:fs';
import { benchCapture } from './bigfile.js';
import { capsightArgv, hasSysdig, printTable, timeCommand } from './measure.js';

const FILTERS: readonly [cost: string, filter: string][] = [
  ['cheap', 'evt.type=connect'],
  ['medium', 'proc.name=httpd and fd.type=ipv4'],
  ['expensive', 'evt.buffer contains form'],
];

const sizeMb = Number(process.argv[2] ?? process.env.BENCH_SIZE_MB ?? 1024);
const sysdig = hasSysdig();
if (!sysdig)
  console.log('sysdig is not installed: printing Capsight figures only (apt-get install -y sysdig)');
const big = benchCapture(sizeMb);
const mb = statSync(big).size / 1e6;
console.log(`file: ${big} (${mb.toFixed(1)} MB); target: capsight time <= 0.7x sysdig's`);
const rows: string[][] = [['filter', 'sysdig ms', 'capsight ms', 'capsight MB/s', 'ratio', 'same output']];
for (const [cost, f] of FILTERS) {
  const c = timeCommand(capsightArgv(['-r', big, f]), 2);
  let sd = NaN;
  let same = '-';
  if (sysdig) {
    const s = timeCommand(['sysdig', '-r', big, f], 2);
    sd = s.ms;
    same = s.stdoutBytes === c.stdoutBytes ? 'yes (bytes)' : `no (${s.stdoutBytes} vs ${c.stdoutBytes})`;
  }
  rows.push([
    `${cost}: ${f}`,
    Number.isNaN(sd) ? '-' : sd.toFixed(0),
    c.ms.toFixed(0),
    (mb / (c.ms / 1000)).toFixed(0),
    Number.isNaN(sd) ? '-' : (c.ms / sd).toFixed(2),
    same,
  ]);
}
printTable(rows);
