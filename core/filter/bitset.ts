// The result of a filter scan, kept for reuse: one bit per event, indexed by the event's position
// in the capture (evt.num - 1). Views intersect these instead of re-running filters.

export class EventBitset {
  private words: Uint32Array;
  /** One past the highest index ever set or declared (the number of events covered). */
  size = 0;

  constructor(capacity = 1024) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(capacity / 32)));
  }

  private grow(index: number): void {
    let n = this.words.length;
    while (n * 32 <= index) n *= 2;
    const w = new Uint32Array(n);
    w.set(this.words);
    this.words = w;
  }

  set(index: number): void {
    if (index >>> 5 >= this.words.length) this.grow(index);
    this.words[index >>> 5]! |= 1 << (index & 31);
    if (index >= this.size) this.size = index + 1;
  }

  /** Declare that events up to `n` were scanned (so `size` covers trailing non-matches). */
  cover(n: number): void {
    if (n > this.size) this.size = n;
  }

  has(index: number): boolean {
    const w = index >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (index & 31))) !== 0;
  }

  /** Number of set bits. */
  count(): number {
    let c = 0;
    for (let k = 0; k < this.words.length; k++) {
      let v = this.words[k]!;
      v = v - ((v >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      c += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return c;
  }

  /** Set indexes in ascending order. */
  *indexes(): IterableIterator<number> {
    for (let k = 0; k < this.words.length; k++) {
      let v = this.words[k]!;
      while (v !== 0) {
        const low = v & -v;
        yield k * 32 + (31 - Math.clz32(low));
        v ^= low;
      }
    }
  }

  /** A new bitset with the bits set in both. */
  and(o: EventBitset): EventBitset {
    const r = new EventBitset(Math.min(this.size, o.size));
    const n = Math.min(this.words.length, o.words.length, r.words.length);
    for (let k = 0; k < n; k++) r.words[k] = this.words[k]! & o.words[k]!;
    r.size = Math.min(this.size, o.size);
    return r;
  }

  /** A new bitset with the bits set in either. */
  or(o: EventBitset): EventBitset {
    const big = this.words.length >= o.words.length ? this : o;
    const small = big === this ? o : this;
    const r = new EventBitset(big.words.length * 32);
    r.words.set(big.words);
    for (let k = 0; k < small.words.length; k++) r.words[k]! |= small.words[k]!;
    r.size = Math.max(this.size, o.size);
    return r;
  }
}
