// The overview tiles over a selection: totals and a sparkline of `samples` intervals. Without a
// filter or drill-down they come from the index (global prefix-summed series, entity buckets);
// with one, from a scan of the selected events' columns and the overview marks.
import { METRIC_COUNT, type MetricId } from '../../core/views/types.js';
import { TILES, MARK_BIT, isSystemPath, type TileDef } from '../../core/overview/tiles.js';
import { IoClass } from '../../core/views/classify.js';
import type { OverviewResult, OverviewTileResult } from '../../core/protocol/messages.js';
import type { CaptureIndex } from '../index/build.js';
import {
  addEventMetrics,
  aggregate,
  entityOf,
  forEachSelected,
  indexRange,
  isUnrestricted,
  type Selection,
} from './select.js';

const MC = METRIC_COUNT;

export function overview(ix: CaptureIndex, s: Selection, samples: number): OverviewResult {
  const t0 = performance.now();
  const n = Math.max(1, Math.min(4000, Math.floor(samples)));
  const r0 = s.r0;
  const r1 = Math.min(s.r1, ix.tEnd + 1);
  const span = Math.max(1, r1 - r0);
  const sw = span / n;
  const sampleOf = (t: number): number => Math.min(n - 1, Math.max(0, Math.floor((t - r0) / sw)));
  const unrestricted = isUnrestricted(s);

  // Per sample: metric vectors, mark counts, distinct/gauge entity sets.
  const metrics = new Float64Array(n * MC);
  const markCounts = Array.from({ length: 32 }, () => new Float64Array(n));
  const gaugeKinds = ['process', 'container', 'sport'] as const;
  const gauge = new Map<string, Set<number>[]>(
    gaugeKinds.map((k) => [k, Array.from({ length: n }, () => new Set<number>())]),
  );
  const fdActive = Array.from({ length: n }, () => new Map<number, Float64Array>());

  if (unrestricted) {
    const gw = ix.gWidth;
    const gb = (t: number): number => Math.max(0, Math.min(ix.gMetrics[0]!.length - 1, Math.round(t / gw)));
    for (let j = 0; j < n; j++) {
      const a = gb(r0 + j * sw);
      const b = gb(r0 + (j + 1) * sw);
      for (let m = 0; m < MC; m++) metrics[j * MC + m] = ix.gMetrics[m]![b]! - ix.gMetrics[m]![a]!;
      for (let k = 0; k < 32; k++) markCounts[k]![j] = ix.gMarks[k]![b]! - ix.gMarks[k]![a]!;
    }
    // Gauges and distinct fds from the entity buckets: a row counts in every sample it overlaps.
    const w = ix.width;
    const visit = (
      kind: 'process' | 'container' | 'sport' | 'fd',
      f: (e: number, j: number, row: number) => void,
    ): void => {
      const t = ix.buckets[kind];
      for (let e = 1; e + 1 < t.start.length; e++) {
        for (let r = t.start[e]!; r < t.start[e + 1]!; r++) {
          const bs = t.bucket[r]! * w;
          if (bs + w <= r0 || bs >= r1) continue;
          for (let j = sampleOf(bs); j <= sampleOf(Math.min(r1 - 1, bs + w - 1)); j++) f(e, j, r);
        }
      }
    };
    for (const k of gaugeKinds) visit(k, (e, j) => gauge.get(k)![j]!.add(e));
    const fb = ix.buckets.fd;
    visit('fd', (e, j, r) => {
      let v = fdActive[j]!.get(e);
      if (!v) fdActive[j]!.set(e, (v = new Float64Array(MC)));
      for (let m = 0; m < MC; m++)
        v[m]! += fb.cum[r * MC + m]! - (r > fb.start[e]! ? fb.cum[(r - 1) * MC + m]! : 0);
    });
  } else {
    const [lo, hi] = indexRange(ix, s.r0, s.r1);
    const cols = ix.cols;
    const procOf = entityOf(ix, 'process');
    const contOf = entityOf(ix, 'container');
    const sportOf = entityOf(ix, 'sport');
    const selected = new Uint8Array(hi - lo);
    const one = new Float64Array(MC);
    forEachSelected(ix, s, lo, hi, (i) => {
      selected[i - lo] = 1;
      const j = sampleOf(cols.ts(i));
      addEventMetrics(ix, i, metrics, j * MC);
      gauge.get('process')![j]!.add(procOf(i));
      gauge.get('container')![j]!.add(contOf(i));
      const sp = sportOf(i);
      if (sp) gauge.get('sport')![j]!.add(sp);
      const fd = cols.fd(i);
      if (fd) {
        one.fill(0);
        addEventMetrics(ix, i, one, 0);
        let v = fdActive[j]!.get(fd);
        if (!v) fdActive[j]!.set(fd, (v = new Float64Array(MC)));
        for (let m = 0; m < MC; m++) v[m]! += one[m]!;
      }
    });
    const mk = ix.marks;
    for (let q = 0; q < mk.n; q++) {
      const i = mk.idx[q]!;
      if (i < lo || i >= hi || !selected[i - lo]) continue;
      const j = sampleOf(cols.ts(i));
      for (let m = mk.mask[q]!, bit = 0; m !== 0; m >>>= 1, bit++) {
        if (!(m & 1)) continue;
        const id = MARK_TILE_IDS[bit];
        markCounts[bit]![j]! +=
          id === 'log_lines'
            ? mk.lines[q]!
            : id === 'log_warn'
              ? mk.warn[q]!
              : id === 'log_err'
                ? mk.err[q]!
                : 1;
      }
    }
  }
  for (const set of gauge.values()) for (const x of set) x.delete(0);
  // The host is not a running container.
  const host = ix.ents.containers.find('');
  if (host !== undefined) for (const x of gauge.get('container')!) x.delete(host);

  // Distinct-file/connection totals are exact over the window (an fd active in two samples counts once).
  const fdTotals = aggregate(ix, 'fd', s);
  const tiles: OverviewTileResult[] = TILES.map((t) => {
    const series = new Float64Array(n);
    let total = 0;
    const src = t.source;
    switch (src.kind) {
      case 'metric':
        for (let j = 0; j < n; j++) series[j] = sum(metrics, j * MC, src.metrics);
        total = series.reduce((a, b) => a + b, 0);
        break;
      case 'mark': {
        const bit = MARK_BIT.get(t.id)!;
        series.set(markCounts[bit]!);
        total = series.reduce((a, b) => a + b, 0);
        break;
      }
      case 'gauge': {
        const sets = gauge.get(src.entity)!;
        for (let j = 0; j < n; j++) series[j] = sets[j]!.size;
        total = series.reduce((a, b) => a + b, 0) / n;
        break;
      }
      case 'distinct': {
        const keep = (e: number, v: Float64Array, off: number): boolean => {
          const f = ix.ents.fds[e]!;
          const cls = src.fdClass === 'net' ? f.ioClass === IoClass.NET : f.ioClass === IoClass.FILE;
          return e !== 0 && cls && sum(v, off, src.metrics) > 0 && (!src.systemDirs || isSystemPath(f.name));
        };
        for (let j = 0; j < n; j++) for (const [e, v] of fdActive[j]!) if (keep(e, v, 0)) series[j]!++;
        for (let e = 1; e < ix.ents.fds.length; e++) if (keep(e, fdTotals, e * MC)) total++;
        break;
      }
    }
    let max = 0;
    for (const v of series) if (v > max) max = v;
    return tileResult(t, total, max, series);
  });
  return {
    kind: 'overview',
    t0: ix.t0 + BigInt(Math.round(r0)),
    t1: ix.t0 + BigInt(Math.round(r1)),
    sampleNs: sw,
    tiles,
    elapsedMs: performance.now() - t0,
  };
}

const MARK_TILE_IDS: string[] = [];
for (const [id, bit] of MARK_BIT) MARK_TILE_IDS[bit] = id;

function sum(v: Float64Array, off: number, ms: readonly MetricId[]): number {
  let s = 0;
  for (const m of ms) s += v[off + m]!;
  return s;
}

function tileResult(t: TileDef, total: number, max: number, series: Float64Array): OverviewTileResult {
  return {
    id: t.id,
    name: t.name,
    category: t.category,
    total,
    max,
    series,
    targetView: t.targetView,
    targetFilter: t.targetFilter,
    excludable: t.excludable,
  };
}
