// Time buckets per entity with prefix sums. While indexing, each entity accumulates its metric
// vector for the bucket it is in and flushes it to a log when its bucket changes; the bucket
// width doubles whenever the capture outgrows the bucket count, so the duration need not be known
// in advance (entries keep their start time; every earlier width divides the final one). At the
// end the log is grouped per entity, merged to the final width and turned into inclusive prefix
// sums: a window's sum over whole buckets is cum[hi] - cum[lo].
import { METRIC_COUNT } from '../../core/views/types.js';

const M = METRIC_COUNT;
const LOG_BITS = 14;
const LOG_CHUNK = 1 << LOG_BITS;
const VAL_BITS = 16;
const VAL_CHUNK = 1 << VAL_BITS;

/** An empty array already in V8's object-elements kind. The first typed array pushed into a plain
 *  [] changes the array's map, and code optimised on another log's arrays then deopts. */
function chunkList<T extends object>(): T[] {
  const a = [{}] as T[];
  a.length = 0;
  return a;
}

/** The build-time side of one entity kind. */
export class BucketLog {
  // Open accumulators live in a compact pool of slots (entity -> slot), not one per entity: most
  // entities (a (thread, fd) pair, a thread) are active for a short while, and sweep() closes
  // those left behind by the current bucket, so the pool stays as small as the active set.
  // They start tiny so that the first events take the growth paths: met only once the per-event
  // code is optimised, a path without type feedback throws that code away.
  private slotOf = new Int32Array(1).fill(-1);
  private slotEnt = new Int32Array(1);
  private slotStart = new Float64Array(1);
  private acc = new Float64Array(M);
  private nSlots = 0;
  /** Flushed entries: entity, start time (ns rel), and the metrics as a bit mask of the non-zero
   *  ones plus their values at entOff in the value stream (most entries have a few of M). */
  readonly entEnt = chunkList<Uint32Array>();
  readonly entStart = chunkList<Float64Array>();
  readonly entMask = chunkList<Uint32Array>();
  readonly entOff = chunkList<Uint32Array>();
  readonly vals = chunkList<Float64Array>();
  private vpos = VAL_CHUNK;
  entries = 0;

  /** The accumulator offset of entity `e` for the bucket starting at `start` (flushing the old one). */
  slot(e: number, start: number): number {
    if (e >= this.slotOf.length) this.growEntities(e);
    let s = this.slotOf[e]!;
    if (s >= 0) {
      if (this.slotStart[s] !== start) {
        this.append(e, this.slotStart[s]!, this.acc, s * M);
        this.acc.fill(0, s * M, s * M + M);
        this.slotStart[s] = start;
      }
      return s * M;
    }
    if (this.nSlots === this.slotEnt.length) this.growSlots();
    s = this.nSlots++;
    this.slotOf[e] = s;
    this.slotEnt[s] = e;
    this.slotStart[s] = start;
    return s * M;
  }

  get values(): Float64Array {
    return this.acc;
  }

  /** Flushes and closes every open accumulator of a bucket starting before `before`. */
  sweep(before: number): void {
    const acc = this.acc;
    for (let s = 0; s < this.nSlots;) {
      if (this.slotStart[s]! >= before) {
        s++;
        continue;
      }
      const e = this.slotEnt[s]!;
      this.append(e, this.slotStart[s]!, acc, s * M);
      this.slotOf[e] = -1;
      // The last slot moves into this one.
      const last = --this.nSlots;
      if (last !== s) {
        const le = this.slotEnt[last]!;
        this.slotEnt[s] = le;
        this.slotStart[s] = this.slotStart[last]!;
        this.slotOf[le] = s;
        acc.copyWithin(s * M, last * M, last * M + M);
      }
      acc.fill(0, last * M, last * M + M);
    }
  }

  private growEntities(e: number): void {
    let n = this.slotOf.length;
    while (n <= e) n *= 2;
    const a = new Int32Array(n).fill(-1);
    a.set(this.slotOf);
    this.slotOf = a;
  }

  private growSlots(): void {
    const n = this.slotEnt.length * 2;
    const ent = new Int32Array(n);
    ent.set(this.slotEnt);
    this.slotEnt = ent;
    const st = new Float64Array(n);
    st.set(this.slotStart);
    this.slotStart = st;
    const acc = new Float64Array(n * M);
    acc.set(this.acc);
    this.acc = acc;
  }

  /** Adds an entry: entity e, bucket start time, values src[off..off+M). */
  append(e: number, start: number, src: Float64Array, off: number): void {
    const k = this.entries & (LOG_CHUNK - 1);
    if (k === 0) {
      this.entEnt.push(new Uint32Array(LOG_CHUNK));
      this.entStart.push(new Float64Array(LOG_CHUNK));
      this.entMask.push(new Uint32Array(LOG_CHUNK));
      this.entOff.push(new Uint32Array(LOG_CHUNK));
    }
    const c = this.entEnt.length - 1;
    this.entEnt[c]![k] = e;
    this.entStart[c]![k] = start;
    if (this.vpos + M > VAL_CHUNK) {
      this.vals.push(new Float64Array(VAL_CHUNK));
      this.vpos = 0;
    }
    const v = this.vals[this.vals.length - 1]!;
    let p = this.vpos;
    this.entOff[c]![k] = (this.vals.length - 1) * VAL_CHUNK + p;
    let mask = 0;
    for (let m = 0; m < M; m++) {
      const x = src[off + m]!;
      if (x !== 0) {
        mask |= 1 << m;
        v[p++] = x;
      }
    }
    this.entMask[c]![k] = mask;
    this.vpos = p;
    this.entries++;
  }

  /** Flushes every open accumulator (end of indexing). */
  flushAll(): void {
    this.sweep(Infinity);
  }

  /** Drops the entries (after the tables are built from them). */
  release(): void {
    for (const a of [this.entEnt, this.entStart, this.entMask, this.entOff, this.vals]) a.length = 0;
    this.vpos = VAL_CHUNK;
    this.entries = 0;
  }

  /** Entity of flushed entry i. */
  entity(i: number): number {
    return this.entEnt[i >>> LOG_BITS]![i & (LOG_CHUNK - 1)]!;
  }

  /** Start time of flushed entry i. */
  start(i: number): number {
    return this.entStart[i >>> LOG_BITS]![i & (LOG_CHUNK - 1)]!;
  }

  addAll(rowOf: Uint32Array, out: Float64Array): void {
    for (let i = 0; i < rowOf.length; i++) this.addTo(i, out, rowOf[i]! * M);
  }

  /** Adds entry i's values to acc[ao..ao+M). */
  addTo(i: number, acc: Float64Array, ao: number): void {
    const k = i & (LOG_CHUNK - 1);
    let mask = this.entMask[i >>> LOG_BITS]![k]!;
    let o = this.entOff[i >>> LOG_BITS]![k]!;
    const v = this.vals[o >>> VAL_BITS]!;
    o &= VAL_CHUNK - 1;
    while (mask !== 0) {
      const m = 31 - Math.clz32(mask & -mask);
      acc[ao + m]! += v[o++]!;
      mask &= mask - 1;
    }
  }

  /** Sums of the entries' values per bucket of `width` (nb buckets), and which buckets have any. */
  bucketSums(width: number, nb: number): { sums: Float64Array; any: Uint8Array } {
    const sums = new Float64Array(nb * M);
    const any = new Uint8Array(nb);
    for (let i = 0; i < this.entries; i++) {
      const b = Math.floor(this.start(i) / width);
      any[b] = 1;
      this.addTo(i, sums, b * M);
    }
    return { sums, any };
  }
}

/** Source rows' values: a log's entries, or a table's rows (see EntityBuckets.source). */
export interface RowValues {
  /** Adds row i's values to acc[ao..ao+M). */
  addTo(i: number, acc: Float64Array, ao: number): void;
  /** Adds every row i's values to out's row rowOf[i] (each source has its own loop: monomorphic). */
  addAll(rowOf: Uint32Array, out: Float64Array): void;
}

/** A table's rows: prefix sums per entity, so a row's values are its difference to the previous
 *  row of the same entity (first[i] = 1 where an entity's rows start). */
class TableRows implements RowValues {
  constructor(
    private readonly cum: Float64Array,
    private readonly first: Uint8Array,
  ) {}
  addAll(rowOf: Uint32Array, out: Float64Array): void {
    for (let i = 0; i < rowOf.length; i++) this.addTo(i, out, rowOf[i]! * M);
  }

  addTo(i: number, acc: Float64Array, ao: number): void {
    const v = this.cum;
    const vo = i * M;
    if (this.first[i] === 0) for (let m = 0; m < M; m++) acc[ao + m]! += v[vo + m]! - v[vo - M + m]!;
    else for (let m = 0; m < M; m++) acc[ao + m]! += v[vo + m]!;
  }
}

/** Number of distinct (entity, bucket) pairs of the rows (entity order in ord, ranges in per). */
function countDistinct(
  n: number,
  per: Uint32Array,
  ord: Uint32Array,
  bucket: Int32Array,
  nb: number,
): number {
  const seen = new Int32Array(nb).fill(-1);
  let rows = 0;
  for (let e = 0; e < n; e++)
    for (let r = per[e]!; r < per[e + 1]!; r++) {
      const b = bucket[ord[r]!]!;
      if (seen[b] !== e) {
        seen[b] = e;
        rows++;
      }
    }
  return rows;
}

/**
 * Fills out's rows: per entity its distinct buckets in order (pass 1, over bucket ids only), then
 * every source row added into its output row in source order (pass 2: sequential reads of the
 * large source), then prefix sums per entity (pass 3).
 */
function mergeRows(
  out: { start: Uint32Array; bucket: Int32Array; cum: Float64Array },
  n: number,
  per: Uint32Array,
  ord: Uint32Array,
  src: RowValues,
  bucket: Int32Array,
  nb: number,
): void {
  // One function per pass: each is optimised once and stays so across the tables.
  const rowOf = assignRows(out.start, out.bucket, n, per, ord, bucket, nb);
  src.addAll(rowOf, out.cum);
  prefixSums(out.start, out.cum, n);
}

/** Pass 1: per entity its distinct buckets in order (start, outB); the output row of each source row. */
function assignRows(
  start: Uint32Array,
  outB: Int32Array,
  n: number,
  per: Uint32Array,
  ord: Uint32Array,
  bucket: Int32Array,
  nb: number,
): Uint32Array {
  const rowOf = new Uint32Array(ord.length);
  const rowOfBucket = new Int32Array(nb);
  const touched = new Int32Array(nb);
  const seen = new Int32Array(nb).fill(-1);
  let o = 0;
  for (let e = 0; e < n; e++) {
    start[e] = o;
    let nt = 0;
    for (let r = per[e]!; r < per[e + 1]!; r++) {
      const b = bucket[ord[r]!]!;
      if (seen[b] !== e) {
        seen[b] = e;
        touched[nt++] = b;
      }
    }
    // Usually already in order (rows arrive by time).
    let sorted = true;
    for (let q = 1; q < nt && sorted; q++) if (touched[q]! < touched[q - 1]!) sorted = false;
    if (!sorted) touched.subarray(0, nt).sort();
    for (let q = 0; q < nt; q++) {
      rowOfBucket[touched[q]!] = o + q;
      outB[o + q] = touched[q]!;
    }
    for (let r = per[e]!; r < per[e + 1]!; r++) {
      const i = ord[r]!;
      rowOf[i] = rowOfBucket[bucket[i]!]!;
    }
    o += nt;
  }
  start[n] = o;
  return rowOf;
}

/** Pass 3: each entity's rows become inclusive prefix sums. */
function prefixSums(start: Uint32Array, cum: Float64Array, n: number): void {
  for (let e = 0; e < n; e++)
    for (let r = start[e]! + 1; r < start[e + 1]!; r++) {
      const co = r * M;
      for (let m = 0; m < M; m++) cum[co + m]! += cum[co - M + m]!;
    }
}

/** The query side: per entity, sorted buckets and inclusive prefix sums of the metric vector. */
export class EntityBuckets {
  /** Entity e's rows are [start[e], start[e+1]). */
  readonly start: Uint32Array;
  readonly bucket: Int32Array;
  readonly cum: Float64Array;

  constructor(start: Uint32Array, bucket: Int32Array, cum: Float64Array) {
    this.start = start;
    this.bucket = bucket;
    this.cum = cum;
  }

  /**
   * From source rows: row i has entity `ent[i]` (< n), final-width bucket `bucket[i]` (< nb) and
   * values from `src`; an (entity, bucket) pair may repeat, in any order. Per entity, its rows
   * are summed into a dense per-bucket accumulator and written out in bucket order as prefix sums.
   */
  static build(n: number, src: RowValues, ent: Uint32Array, bucket: Int32Array, nb: number): EntityBuckets {
    const count = ent.length;
    // Counting sort of the rows by entity (indices only).
    const per = new Uint32Array(n + 1);
    for (let i = 0; i < count; i++) per[ent[i]! + 1]!++;
    for (let e = 0; e < n; e++) per[e + 1]! += per[e]!;
    const fill = per.slice(0, n);
    const ord = new Uint32Array(count);
    for (let i = 0; i < count; i++) ord[fill[ent[i]!]!++] = i;
    const rows = countDistinct(n, per, ord, bucket, nb);
    const out = new EntityBuckets(new Uint32Array(n + 1), new Int32Array(rows), new Float64Array(rows * M));
    mergeRows(out, n, per, ord, src, bucket, nb);
    return out;
  }

  /** A table handed over from another thread (its arrays() there). */
  static of(a: { start: Uint32Array; bucket: Int32Array; cum: Float64Array }): EntityBuckets {
    return new EntityBuckets(a.start, a.bucket, a.cum);
  }

  /** The table's arrays (structured-cloneable). */
  arrays(): { start: Uint32Array; bucket: Int32Array; cum: Float64Array } {
    return { start: this.start, bucket: this.bucket, cum: this.cum };
  }

  /** Sets metric `to` to metric `from` in every row. */
  copyMetric(from: number, to: number): void {
    for (let o = 0; o < this.cum.length; o += M) this.cum[o + to] = this.cum[o + from]!;
  }

  /** This table's rows as a source for a coarser kind (values un-accumulated on the fly). */
  source(): { src: RowValues; ent: Uint32Array } {
    const n = this.start.length - 1;
    const ent = new Uint32Array(this.bucket.length);
    const first = new Uint8Array(this.bucket.length);
    for (let e = 0; e < n; e++) {
      if (this.start[e]! < this.start[e + 1]!) first[this.start[e]!] = 1;
      ent.fill(e, this.start[e]!, this.start[e + 1]!);
    }
    return { src: new TableRows(this.cum, first), ent };
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

/** A coarser kind's table from a finer one's: its rows re-keyed by `map` (entity → coarser
 *  entity, < n); nb: the bucket count. */
export function coarser(
  n: number,
  from: EntityBuckets,
  map: (e: number) => number,
  nb: number,
): EntityBuckets {
  const { src, ent } = from.source();
  const memo = new Int32Array(from.start.length - 1).fill(-1);
  for (let r = 0; r < ent.length; r++) {
    const e = ent[r]!;
    if (memo[e] === -1) memo[e] = map(e);
    ent[r] = memo[e]!;
  }
  return EntityBuckets.build(n, src, ent, from.bucket, nb);
}
