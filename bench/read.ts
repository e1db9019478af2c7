// bench/read: decode + state speed against sysdig on the same file in the same run.
//   npm run bench:read [-- SIZE_MB]
// Files: the largest real sample, and a ~1 GB capture generated from it (bench/data, not in git).
// Capsight runs `capsight -r FILE proc.name=no_such_process` (needs state, matches nothing), as sysdig
// does; the in-process rows show the reader alone and reader + state replay.
import { statSync } from 'node:fs';
import { openForReading } from '../engine/open.js';
import { StateTracker } from '../core/state/tracker.js';
import { benchCapture, largestSample } from './bigfile.js';
import { capsightArgv, hasSysdig, printTable, timeCommand } from './measure.js';

const FILTER = 'proc.name=no_such_process';

function inProcess(path: string, withState: boolean): { ms: number; events: number } {
  const t0 = process.hrtime.bigint();
  const reader = openForReading(path, { sysdigCompat: true, reuseBatches: true });
  const tracker = withState ? new StateTracker(reader.header) : undefined;
  let events = 0;
  for (let b = reader.next(); b !== null; b = reader.next()) {
    events += b.count;
    if (tracker) for (let i = 0; i < b.count; i++) tracker.process(b, i);
  }
  reader.close();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, events };
}

function benchFile(path: string, label: string, repeats: number, sysdig: boolean): void {
  const size = statSync(path).size;
  const mb = size / 1e6;
  console.log(`\n== ${label}: ${path} (${mb.toFixed(1)} MB)`);
  const decode = inProcess(path, false);
  const state = inProcess(path, true);
  const cli = timeCommand(capsightArgv(['-r', path, FILTER]), repeats);
  const rows: string[][] = [['run', 'ms', 'MB/s', 'Mevents/s', 'peak RSS MB', 'RSS/file', 'vs sysdig']];
  let sd: number | undefined;
  if (sysdig) sd = timeCommand(['sysdig', '-r', path, FILTER], repeats).ms;
  const row = (name: string, ms: number, rssKb = NaN): string[] => [
    name,
    ms.toFixed(0),
    (mb / (ms / 1000)).toFixed(0),
    (decode.events / 1e6 / (ms / 1000)).toFixed(2),
    Number.isNaN(rssKb) ? '-' : (rssKb / 1024).toFixed(0),
    Number.isNaN(rssKb) ? '-' : ((rssKb * 1024) / size).toFixed(2),
    sd ? (ms / sd).toFixed(2) : '-',
  ];
  if (sd !== undefined) rows.push(row('sysdig -r FILE ' + FILTER, sd));
  rows.push(row('capsight -r FILE ' + FILTER, cli.ms, cli.maxRssKb));
  rows.push(row('in-process: decode only', decode.ms));
  rows.push(row('in-process: decode + state', state.ms));
  printTable(rows);
  console.log(
    `events: ${decode.events}; ratio column = time / sysdig's time (target <= 1.0); RSS target <= 0.5x file`,
  );
}

const sizeMb = Number(process.argv[2] ?? process.env.BENCH_SIZE_MB ?? 1024);
const sysdig = hasSysdig();
if (!sysdig)
  console.log('sysdig is not installed: printing Capsight figures only (apt-get install -y sysdig)');
const sample = largestSample();
benchFile(sample, 'largest real sample', 5, sysdig);
const big = benchCapture(sizeMb, sample);
benchFile(big, `generated ~${sizeMb} MB capture`, 2, sysdig);
