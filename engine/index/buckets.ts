// Time buckets per entity with prefix sums. While indexing, each entity accumulates its metric
// vector for the bucket it is in and flushes it to a log when its bucket changes; the bucket
// width doubles whenever the capture outgrows the bucket count, so the duration need not be known
// in advance (entries keep their start time; every earlier width divides the final one). At the
// end the log is grouped per entity, merged to the final width and turned into inclusive prefix
// sums: a window's sum over whole buckets is cum[hi] - cum[lo].
import { METRIC_COUNT } from '../../core/views/types.js';

const M = METRIC_COUNT;
const LOG_CHUNK = 1 << 14;

/** The build-time side of one entity kind. */
export class BucketLog {
  private acc = new Float64Array(64 * M);
  private accStart = new Float64Array(64).fill(-1);
  private accTouched = new Uint8Array(64);
  /** Flushed entries: entity, start time (ns rel), M metrics. */
  readonly entEnt: Uint32Array[] = [];
  readonly entStart: Float64Array[] = [];
  readonly entVals: Float64Array[] = [];
  entries = 0;

  private grow(e: number): void {
    let n = this.accStart.length;
    while (n <= e) n *= 2;
    const a = new Float64Array(n * M);
    a.set(this.acc);
    this.acc = a;
    const s = new Float64Array(n).fill(-1);
    s.set(this.accStart);
    this.accStart = s;
    const t = new Uint8Array(n);
    t.set(this.accTouched);
    this.accTouched = t;
  }

  /** The accumulator offset of entity `e` for the bucket starting at `start` (flushing the old one). */
  slot(e: number, start: number): number {
    if (e >= this.accStart.length) this.grow(e);
    const cur = this.accStart[e]!;
    if (cur !== start) {
      if (cur >= 0) this.flush(e);
      this.accStart[e] = start;
    }
    this.accTouched[e] = 1;
    return e * M;
  }

  get values(): Float64Array {
    return this.acc;
  }

  private flush(e: number): void {
    const k = this.entries & (LOG_CHUNK - 1);
    if (k === 0) {
      this.entEnt.push(new Uint32Array(LOG_CHUNK));
      this.entStart.push(new Float64Array(LOG_CHUNK));
      this.entVals.push(new Float64Array(LOG_CHUNK * M));
    }
    const c = this.entEnt.length - 1;
    this.entEnt[c]![k] = e;
    this.entStart[c]![k] = this.accStart[e]!;
    const v = this.entVals[c]!;
    const o = e * M;
    for (let m = 0; m < M; m++) {
      v[k * M + m] = this.acc[o + m]!;
      this.acc[o + m] = 0;
    }
    this.entries++;
  }

  /** Flushes every open accumulator (end of indexing). */
  flushAll(): void {
    for (let e = 0; e < this.accStart.length; e++) {
      if (this.accStart[e]! >= 0) this.flush(e);
      this.accStart[e] = -1;
    }
  }

  /** Visits every flushed entry. */
  forEach(f: (entity: number, start: number, vals: Float64Array, off: number) => void): void {
    for (let i = 0; i < this.entries; i++) {
      const c = i >>> 14;
      const k = i & (LOG_CHUNK - 1);
      f(this.entEnt[c]![k]!, this.entStart[c]![k]!, this.entVals[c]!, k * M);
    }
  }
}

/** The query side: per entity, sorted buckets and inclusive prefix sums of the metric vector. */
export class EntityBuckets {
  /** Entity e's rows are [start[e], start[e+1]). */
  readonly start: Uint32Array;
  readonly bucket: Int32Array;
  readonly cum: Float64Array;

  /**
   * @param n entity count; @param entries (entity, bucket, values) triples at the final width,
   * any order, possibly repeating an (entity, bucket) pair.
   */
  constructor(
    n: number,
    count: number,
    each: (f: (e: number, b: number, vals: Float64Array, off: number) => void) => void,
  ) {
    // Counting sort by entity; rows of one entity arrive in time order except around
    // out-of-order timestamps, so a sort is only needed where a bucket goes backwards.
    const per = new Uint32Array(n + 1);
    each((e) => void per[e + 1]!++);
    for (let e = 0; e < n; e++) per[e + 1]! += per[e]!;
    const fill = per.slice(0, n);
    const rb = new Int32Array(count);
    const rv = new Float64Array(count * M);
    each((e, b, vals, off) => {
      const r = fill[e]!++;
      rb[r] = b;
      rv.set(vals.subarray(off, off + M), r * M);
    });
    // Merged rows and their prefix sums are written back into rb/rv in place: an entity's output
    // row never lies past the input row being read (rows are only merged, never split).
    const start = new Uint32Array(n + 1);
    let out = 0;
    for (let e = 0; e < n; e++) {
      start[e] = out;
      const lo = per[e]!;
      const hi = per[e + 1]!;
      let sorted = true;
      for (let r = lo + 1; r < hi && sorted; r++) if (rb[r]! < rb[r - 1]!) sorted = false;
      // Unsorted rows are read from a sorted copy (in-place writes would clobber unread rows).
      let srcB: Int32Array = rb;
      let srcV: Float64Array = rv;
      let base0 = lo;
      if (!sorted) {
        const o = Array.from({ length: hi - lo }, (_, k) => lo + k).sort((x, y) => rb[x]! - rb[y]!);
        srcB = Int32Array.from(o, (r) => rb[r]!);
        srcV = new Float64Array((hi - lo) * M);
        o.forEach((r, k) => srcV.set(rv.subarray(r * M, r * M + M), k * M));
        base0 = 0;
      }
      for (let q = 0; q < hi - lo; q++) {
        const r = base0 + q;
        const b = srcB[r]!;
        if (out > start[e]! && rb[out - 1] === b) {
          // Same bucket again: its values join the (cumulative) row, which stays cumulative.
          const base = (out - 1) * M;
          for (let m = 0; m < M; m++) rv[base + m]! += srcV[r * M + m]!;
        } else {
          const base = out * M;
          rb[out] = b;
          if (out > start[e]!)
            for (let m = 0; m < M; m++) rv[base + m] = srcV[r * M + m]! + rv[base - M + m]!;
          else for (let m = 0; m < M; m++) rv[base + m] = srcV[r * M + m]!;
          out++;
        }
      }
    }
    start[n] = out;
    this.start = start;
    this.bucket = out === count ? rb : rb.slice(0, out);
    this.cum = out === count ? rv : rv.slice(0, out * M);
  }

  /** Adds entity e's sums over buckets [b0, b1) into out (length M). Returns false if none. */
  addRange(e: number, b0: number, b1: number, out: Float64Array, outOff = 0): boolean {
    const s = this.start[e]!;
    const t = this.start[e + 1]!;
    if (s === t) return false;
    const lo = lowerBound(this.bucket, s, t, b0);
    const hi = lowerBound(this.bucket, lo, t, b1);
    if (hi === lo) return false;
    const cum = this.cum;
    const h = (hi - 1) * M;
    if (lo === s) for (let m = 0; m < M; m++) out[outOff + m]! += cum[h + m]!;
    else {
      const l = (lo - 1) * M;
      for (let m = 0; m < M; m++) out[outOff + m]! += cum[h + m]! - cum[l + m]!;
    }
    return true;
  }

  /** Number of entities with at least one row in buckets [b0, b1) (gauge tiles). */
  activeIn(b: number): number {
    let n = 0;
    for (let e = 1; e + 1 < this.start.length; e++) {
      const s = this.start[e]!;
      const t = this.start[e + 1]!;
      const k = lowerBound(this.bucket, s, t, b);
      if (k < t && this.bucket[k] === b) n++;
    }
    return n;
  }

  bytes(): number {
    return this.start.byteLength + this.bucket.byteLength + this.cum.byteLength;
  }
}

export function lowerBound(a: ArrayLike<number>, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
