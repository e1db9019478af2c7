// bench/index: open + index and the interactive queries on the ~1 GB capture, against sysdig in the
// same run.   npm run bench:index [-- SIZE_MB]
//  - open + index (worker, progress on) vs `sysdig -r FILE proc.name=no_such_process`   target <= 1.0
//  - view queries: every view, whole capture and a 60 s window, sorted by each metric column,
//    first page (100 rows)                                                     target p95 <= 100 ms
//  - drill-down chain process -> its connections -> the connection's I/O stream  target <= 100 ms/step
//  - peak RSS of this process (engine worker included) / file size              target <= 0.5
// BENCH_REPS=N (default 1): open + index and sysdig N times each, alternating, medians compared
// (the machine is shared: single timings vary by tens of %).
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine } from '../engine/engine.js';
import { VIEWS } from '../core/views/defs.js';
import { isMetricColumn } from '../core/views/types.js';
import type { OpenResult, Request, Response, Scope, ViewResult } from '../core/protocol/messages.js';
import { benchCapture, largestSample } from './bigfile.js';
import { hasSysdig, printTable, timeCommand } from './measure.js';

const childMode =
  process.argv[2] === '--child' || process.argv[2] === '--open-only' ? process.argv[2] : undefined;
const childFile = childMode !== undefined ? process.argv[3] : undefined;
const sizeMb = Number((childFile ? undefined : process.argv[2]) ?? process.env.BENCH_SIZE_MB ?? 1024);
const reps = Math.max(1, Number(process.env.BENCH_REPS ?? 1) || 1);
const PAGE = { offset: 0, limit: 100 };

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] ?? NaN;
}

async function timed(
  engine: Engine,
  r: Exclude<Request, { kind: 'open' }>,
): Promise<{ ms: number; res: Response }> {
  const t0 = performance.now();
  const res = await engine.request(r);
  const ms = performance.now() - t0;
  if (res.kind === 'error')
    throw new Error(
      `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}: ${res.message}`,
    );
  return { ms, res };
}

interface ChildResult {
  openMs: number;
  events: number;
  indexMs: number;
  lastPct: number;
  perView: string[][];
  viewTimes: number[];
  steps: number[][];
  rssKb: number;
}

/** The Capsight side, in its own process so its peak RSS is the engine's alone. */
async function child(file: string): Promise<ChildResult> {
  const engine = new Engine();
  let lastPct = 0;
  const t0 = performance.now();
  const opened = await engine.open(file, (p) => (lastPct = p.percent));
  const openMs = performance.now() - t0;
  if (opened.kind !== 'open') throw new Error(`open failed: ${JSON.stringify(opened)}`);
  const o = opened as OpenResult;
  const capture = o.capture;

  // Views: whole capture and a 60 s window in the middle.
  const mid = o.firstTs + (o.lastTs - o.firstTs) / 2n;
  const scopes: [string, Scope | undefined][] = [
    ['whole', undefined],
    ['60s', { window: { t0: mid - 30_000_000_000n, t1: mid + 30_000_000_000n } }],
  ];
  const viewTimes: number[] = [];
  const perView: string[][] = [['view', 'scope', 'sorts', 'rows', 'max ms']];
  for (const v of VIEWS) {
    for (const [label, scope] of scopes) {
      const sorts = v.kind === 'table' ? v.columns.filter(isMetricColumn).map((c) => c.id) : [v.defaultSort];
      if (sorts.length === 0) sorts.push(v.defaultSort);
      let max = 0;
      let rows = 0;
      for (const column of sorts) {
        const { ms, res } = await timed(engine, {
          kind: 'view',
          capture,
          view: v.id,
          page: PAGE,
          sort: { column, desc: true },
          ...(scope ? { scope } : {}),
        });
        viewTimes.push(ms);
        max = Math.max(max, ms);
        rows = (res as ViewResult).total;
      }
      perView.push([v.id, label, String(sorts.length), String(rows), max.toFixed(1)]);
      if (process.env.BENCH_DEBUG)
        process.stderr.write(
          `${v.id} ${label} maxrss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
        );
    }
  }

  // Drill-down chain from the top processes by network bytes.
  const procs = (
    await timed(engine, {
      kind: 'view',
      capture,
      view: 'procs',
      page: { offset: 0, limit: 5 },
      sort: { column: 'net', desc: true },
    })
  ).res as ViewResult;
  const steps: number[][] = [[], [], []];
  for (const pid of procs.keys) {
    const a = await timed(engine, {
      kind: 'view',
      capture,
      view: 'procs',
      page: PAGE,
      sort: { column: 'net', desc: true },
    });
    const drill = [{ field: 'proc.pid', value: pid }];
    const b = await timed(engine, {
      kind: 'view',
      capture,
      view: 'connections',
      page: PAGE,
      scope: { drill },
    });
    const conn = (b.res as ViewResult).keys[0];
    steps[0]!.push(a.ms);
    steps[1]!.push(b.ms);
    if (conn === undefined) continue;
    const c = await timed(engine, {
      kind: 'io',
      capture,
      page: PAGE,
      scope: { drill: [...drill, { field: 'fd.name', value: conn }] },
    });
    steps[2]!.push(c.ms);
  }
  await engine.closeAll();
  return {
    openMs,
    events: o.events,
    indexMs: o.indexMs,
    lastPct,
    perView,
    viewTimes,
    steps,
    rssKb: process.resourceUsage().maxRSS,
  };
}

/** Open + index alone, in a fresh process (BENCH_REPS). */
async function openOnly(file: string): Promise<number> {
  const engine = new Engine();
  const t0 = performance.now();
  const opened = await engine.open(file, () => undefined);
  const ms = performance.now() - t0;
  if (opened.kind !== 'open') throw new Error(`open failed: ${JSON.stringify(opened)}`);
  await engine.closeAll();
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function main(): Promise<void> {
  const sample = largestSample();
  const file = benchCapture(sizeMb, sample);
  const size = statSync(file).size;
  console.log(`capture: ${file} (${(size / 1e6).toFixed(0)} MB, made from ${sample})`);
  const sysdig = hasSysdig();
  const sdRun = (): number =>
    sysdig ? timeCommand(['sysdig', '-r', file, 'proc.name=no_such_process'], 1).ms : NaN;
  const sds: number[] = [];
  const opens: number[] = [];
  for (let k = 1; k < reps; k++) {
    sds.push(sdRun());
    const o = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--open-only', file], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (o.status !== 0) throw new Error(`bench child failed (${o.status})`);
    opens.push(Number(o.stdout));
  }
  sds.push(sdRun());
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench child failed (${r.status})`);
  const c = JSON.parse(r.stdout) as ChildResult;
  const { viewTimes, steps, rssKb } = c;
  opens.push(c.openMs);
  const openMs = median(opens);
  const sd = median(sds);
  if (reps > 1)
    console.log(
      `open + index ${opens.map((x) => x.toFixed(0)).join(' ')} ms; sysdig ${sds.map((x) => x.toFixed(0)).join(' ')} ms (medians compared)`,
    );
  console.log(
    `indexed ${c.events} events in ${c.openMs.toFixed(0)} ms (worker ${c.indexMs.toFixed(0)} ms), last progress ${c.lastPct.toFixed(0)}%`,
  );
  printTable(c.perView);

  const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
  const rows: string[][] = [['measure', 'capsight', 'sysdig / target', 'ratio', 'target']];
  rows.push(['open + index (ms)', fmt(openMs), fmt(sd), fmt(openMs / sd, 2), '<= 1.0 x sysdig']);
  rows.push([
    'view query p95 (ms)',
    fmt(p95(viewTimes), 1),
    '100',
    fmt(p95(viewTimes) / 100, 2),
    `<= 100 ms (${viewTimes.length} queries, max ${fmt(Math.max(...viewTimes), 1)})`,
  ]);
  const names = ['processes', 'process -> connections', 'connection -> I/O stream'];
  steps.forEach((s, k) =>
    rows.push([
      `drill ${names[k]} (ms, max)`,
      fmt(Math.max(...s), 1),
      '100',
      fmt(Math.max(...s) / 100, 2),
      '<= 100 ms',
    ]),
  );
  rows.push([
    'peak RSS (MB)',
    fmt(rssKb / 1024),
    fmt(size / 1e6 / 2),
    fmt((rssKb * 1024) / size, 2),
    '<= 0.5 x file',
  ]);
  console.log('');
  printTable(rows);
  if (!sysdig) console.log('sysdig is not installed: no sysdig ratio');
}

if (childMode === '--child' && childFile) process.stdout.write(JSON.stringify(await child(childFile)));
else if (childMode === '--open-only' && childFile) process.stdout.write(String(await openOnly(childFile)));
else await main();
