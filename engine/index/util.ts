// Small build-time containers shared by the two sides of the indexer.

/** A growable u32 list. */
export class U32List {
  private a = new Uint32Array(16);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  done(): Uint32Array {
    return this.a.slice(0, this.n);
  }
}

export const GLOBAL_BUCKETS = 1024;
export const START_WIDTH = 1_000_000; // 1 ms

/**
 * Dense global series (one array per metric or mark tile) whose bucket width doubles whenever a
 * time falls past 2 * GLOBAL_BUCKETS buckets. The metric and the mark series are kept by
 * different sides of the indexer and brought to one width at the end (foldTo): the widths are
 * START_WIDTH times powers of two, and folding sums pairs of integer-valued buckets, so the result
 * is the one a single series fed with both would hold.
 */
export class GlobalSeries {
  // A typed array, not a field: see Builder.num in state-side.ts.
  private readonly w: Float64Array;
  readonly arrays: Float64Array[];
  /** `count` empty series, or the arrays of one at `width` (handed over by the other side). */
  constructor(count: number, width = START_WIDTH, arrays?: Float64Array[]) {
    this.w = Float64Array.of(width);
    this.arrays = arrays ?? Array.from({ length: count }, () => new Float64Array(2 * GLOBAL_BUCKETS));
  }
  get width(): number {
    return this.w[0]!;
  }
  /** The bucket of time rel (ns, an integer below 2^53: then floor(rel / width) is exact, and
   *  so is the cached range [lo, hi) of the last bucket). */
  bucket(rel: number): number {
    const c = this.last;
    if (rel >= c[0]! && rel < c[1]!) return c[2]!;
    let b = Math.floor(rel / this.w[0]!);
    while (b >= 2 * GLOBAL_BUCKETS) {
      this.double();
      b = Math.floor(rel / this.w[0]!);
    }
    if (b < 0) return 0;
    c[0] = b * this.w[0]!;
    c[1] = (b + 1) * this.w[0]!;
    c[2] = b;
    return b;
  }
  // The last bucket: lo, hi, index (none after a doubling).
  private readonly last = Float64Array.of(Infinity, -Infinity, 0);
  /** Doubles the width until it is `width` (a larger power-of-two multiple of the current one). */
  foldTo(width: number): void {
    while (this.w[0]! < width) this.double();
  }
  private double(): void {
    this.w[0]! *= 2;
    this.last[0] = Infinity;
    for (const a of this.arrays) {
      for (let k = 0; k < GLOBAL_BUCKETS; k++) a[k] = a[2 * k]! + a[2 * k + 1]!;
      a.fill(0, GLOBAL_BUCKETS);
    }
  }
}

/** Compressed rows: the ids of owner e are ids[start[e]..start[e+1]). */
export interface Csr {
  start: Uint32Array;
  ids: Uint32Array;
}

/** Groups pair ids 1.. by owner (owner[p] < n). */
export function csr(owner: Uint32Array, n: number): Csr {
  const start = new Uint32Array(n + 1);
  for (let p = 1; p < owner.length; p++) start[owner[p]! + 1]!++;
  for (let e = 0; e < n; e++) start[e + 1]! += start[e]!;
  const fill = start.slice(0, n);
  const ids = new Uint32Array(Math.max(0, owner.length - 1));
  for (let p = 1; p < owner.length; p++) ids[fill[owner[p]!]!++] = p;
  return { start, ids };
}
