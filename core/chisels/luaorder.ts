// Iteration orders the state chisels inherit. sysdig.get_thread_table walks libsinsp's thread and fd
// tables (libstdc++ std::unordered_map<int64_t, ...>) and stores each entry in a Lua table with
// lua_rawseti; netstat and lsof then print with Lua's pairs(), whose order is LuaJIT 2.1's table
// layout (array part 0..asize-1, then hash nodes in slot order). Both are modelled here for integer
// keys, from the libstdc++ 12 and LuaJIT v2.1 (2022-03) sources' algorithms.

// ---- libstdc++ unordered_map (unique keys, std::hash<int64_t> = identity, max load factor 1) ----

/** Bucket counts a default-constructed unordered_map passes through as it grows one insert at a
 *  time (libstdc++'s prime rehash policy), measured with g++ 12. */
const BUCKET_STEPS = [
  13, 29, 59, 127, 257, 541, 1109, 2357, 5087, 10273, 20753, 42043, 85229, 172933, 351061,
];

function nextBucketCount(bc: number): number {
  for (const s of BUCKET_STEPS) if (s > bc) return s;
  return bc * 2 + 1;
}

function bucketOf(key: number, bc: number): number {
  if (key >= 0 && Number.isSafeInteger(key)) return key % bc;
  return Number(BigInt.asUintN(64, BigInt(Math.trunc(key))) % BigInt(bc));
}

/**
 * The iteration order of an unordered_map after inserting `keys` in this order (no erasures):
 * a node entering an empty bucket goes to the front of the node list, one entering a non-empty
 * bucket goes to the front of that bucket's run, and a rehash relinks the list front to back.
 */
export function unorderedMapOrder(keys: Iterable<number>): number[] {
  return hashedMapOrder([...keys], bucketOf);
}

/** unorderedMapOrder for std::unordered_map<std::string, ...> (hash codes cached on the nodes). */
export function stringMapOrder(keys: Iterable<string>): string[] {
  const list = [...keys];
  const hashes = new Map(list.map((k) => [k, stringHash(k)]));
  return hashedMapOrder(list, (k, bc) => Number(hashes.get(k)! % BigInt(bc)));
}

function hashedMapOrder<K>(keys: readonly K[], bucketOf: (key: K, bc: number) => number): K[] {
  const BEFORE = -1;
  const key: K[] = [];
  const next: number[] = [];
  let head = -1;
  let bc = 1;
  let count = 0;
  let nextResize = 0;
  let buckets = new Map<number, number>(); // bucket -> node before its first node (BEFORE = list head)

  const rehash = (n: number): void => {
    const nb = new Map<number, number>();
    let p = head;
    head = -1;
    let bbeginBkt = 0;
    while (p !== -1) {
      const nx = next[p]!;
      const b = bucketOf(key[p]!, n);
      const before = nb.get(b);
      if (before === undefined) {
        next[p] = head;
        head = p;
        nb.set(b, BEFORE);
        if (next[p] !== -1) nb.set(bbeginBkt, p);
        bbeginBkt = b;
      } else {
        const after = before === BEFORE ? head : next[before]!;
        next[p] = after;
        if (before === BEFORE) head = p;
        else next[before] = p;
      }
      p = nx;
    }
    buckets = nb;
    bc = n;
  };

  for (const k of keys) {
    if (count + 1 > nextResize) {
      const n = nextBucketCount(bc);
      if (count + 1 > bc || bc === 1) rehash(n);
      nextResize = bc;
    }
    const id = key.length;
    key.push(k);
    next.push(-1);
    const b = bucketOf(k, bc);
    const before = buckets.get(b);
    if (before !== undefined) {
      if (before === BEFORE) {
        next[id] = head;
        head = id;
      } else {
        next[id] = next[before]!;
        next[before] = id;
      }
    } else {
      next[id] = head;
      head = id;
      if (next[id] !== -1) buckets.set(bucketOf(key[next[id]!]!, bc), id);
      buckets.set(b, BEFORE);
    }
    count++;
  }
  const out: K[] = [];
  for (let p = head; p !== -1; p = next[p]!) out.push(key[p]!);
  return out;
}

const M64 = (1n << 64n) - 1n;
const MUL = 0xc6a4a7935bd1e995n;
const shiftMix = (v: bigint): bigint => v ^ (v >> 47n);

/** std::hash<std::string> of libstdc++ on 64-bit: _Hash_bytes with seed 0xc70f6907 over the
 *  string's bytes (latin1 strings: one char per byte). */
export function stringHash(s: string): bigint {
  let h = (0xc70f6907n ^ ((BigInt(s.length) * MUL) & M64)) & M64;
  const aligned = s.length & ~7;
  const byte = (k: number): bigint => BigInt(s.charCodeAt(k) & 0xff);
  for (let p = 0; p < aligned; p += 8) {
    let d = 0n;
    for (let k = 7; k >= 0; k--) d = (d << 8n) | byte(p + k);
    d = (shiftMix((d * MUL) & M64) * MUL) & M64;
    h = ((h ^ d) * MUL) & M64;
  }
  const rest = s.length & 7;
  if (rest !== 0) {
    let d = 0n;
    for (let k = rest - 1; k >= 0; k--) d = (d << 8n) | byte(aligned + k);
    h = ((h ^ d) * MUL) & M64;
  }
  h = (shiftMix(h) * MUL) & M64;
  return shiftMix(h);
}

// ---- LuaJIT 2.1 table with integer keys ----

const MAX_ABITS = 28;
const MAX_ASIZE = 0x8000000;

function fls(x: number): number {
  return 31 - Math.clz32(x);
}

function rol(x: number, n: number): number {
  return ((x << n) | (x >>> (32 - n))) >>> 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** hashnum of a number key: hashrot(lo, hi << 1) of its IEEE-754 bits (x86-64 variant). */
function hashNum(k: number): number {
  f64[0] = k === 0 ? 0 : k;
  let lo = u32[0]!;
  let hi = (u32[1]! << 1) >>> 0;
  lo = (lo ^ hi) >>> 0;
  hi = rol(hi, 14);
  lo = (lo - hi) >>> 0;
  hi = rol(hi, 5);
  hi = (hi ^ lo) >>> 0;
  hi = (hi - rol(lo, 13)) >>> 0;
  return hi;
}

const hsize2hbits = (s: number): number => (s === 0 ? 0 : s === 1 ? 1 : 1 + fls(s - 1));

/** The key layout of a LuaJIT table filled by lua_rawseti with integer keys (values elided). */
export class LuaIntTable {
  private asize = 0;
  private array: boolean[] = [];
  /** Hash nodes; empty = the shared nil node (hmask 0). */
  private nkey: (number | null)[] = [];
  private nnext: number[] = [];
  private freetop = 0;

  private get hmask(): number {
    return this.nkey.length === 0 ? 0 : this.nkey.length - 1;
  }

  private mainPos(k: number): number {
    return hashNum(k) & this.hmask;
  }

  /** lua_rawseti(t, k) / lj_tab_set for an integer key. */
  set(k: number): void {
    if (k >= 0 && k < this.asize) {
      this.array[k] = true;
      return;
    }
    if (this.nkey.length !== 0) {
      let n = this.mainPos(k);
      do {
        if (this.nkey[n] === k) return;
        n = this.nnext[n]!;
      } while (n !== -1);
    }
    this.newKey(k);
  }

  private newKey(k: number): void {
    let n = this.mainPos(k);
    if (this.nkey.length === 0 || this.nkey[n] !== null) {
      let free = this.nkey.length === 0 ? 0 : this.freetop;
      do {
        if (free === 0) {
          this.rehash(k);
          this.set(k);
          return;
        }
      } while (this.nkey[--free] !== null);
      this.freetop = free;
      const collide0 = this.mainPos(this.nkey[n]!);
      if (collide0 !== n) {
        let collide = collide0;
        while (this.nnext[collide] !== n) collide = this.nnext[collide]!;
        this.nnext[collide] = free;
        this.nkey[free] = this.nkey[n]!;
        this.nnext[free] = this.nnext[n]!;
        this.nnext[n] = -1;
        this.nkey[n] = null;
        // Rechain keys whose main position is the freed node (LuaJIT's resurrection fix-up).
        let fn = free;
        while (this.nnext[fn] !== -1) {
          const nn = this.nnext[fn]!;
          if (this.nkey[nn] !== null && this.mainPos(this.nkey[nn]!) === n) {
            this.nnext[fn] = this.nnext[nn]!;
            this.nnext[nn] = this.nnext[n]!;
            this.nnext[n] = nn;
            let m = fn;
            while (this.nnext[m] !== -1) {
              const x = this.nnext[m]!;
              const mp = this.mainPos(this.nkey[x]!);
              if (mp !== m && mp !== x) {
                this.nnext[m] = this.nnext[x]!;
                this.nnext[x] = this.nnext[mp]!;
                this.nnext[mp] = x;
              } else m = x;
            }
            break;
          }
          fn = nn;
        }
      } else {
        this.nnext[free] = this.nnext[n]!;
        this.nnext[n] = free;
        n = free;
      }
    }
    this.nkey[n] = k;
  }

  private rehash(ek: number): void {
    const bins = new Array<number>(MAX_ABITS).fill(0);
    const countInt = (k: number): number => {
      if (Number.isInteger(k) && k >= 0 && k < MAX_ASIZE) {
        bins[k > 2 ? fls(k - 1) : 0]!++;
        return 1;
      }
      return 0;
    };
    // countarray
    let na = 0;
    if (this.asize !== 0) {
      let i = 0;
      for (let b = 0; b < MAX_ABITS; b++) {
        let top = 2 ** (b + 1);
        if (top >= this.asize) {
          top = this.asize - 1;
          if (i > top) break;
        }
        let n = 0;
        for (; i <= top; i++) if (this.array[i]) n++;
        bins[b]! += n;
        na += n;
      }
    }
    let asize = na;
    let total = 1 + asize;
    // counthash
    let hashTotal = 0;
    for (const k of this.nkey) {
      if (k !== null) {
        asize += countInt(k);
        hashTotal++;
      }
    }
    total += hashTotal;
    asize += countInt(ek);
    // bestasize
    let sum = 0;
    let best = 0;
    let sz = 0;
    for (let b = 0; 2 * asize > 2 ** b && sum !== asize; b++) {
      if (bins[b]! > 0 && 2 * (sum += bins[b]!) > 2 ** b) {
        sz = 2 ** (b + 1) + 1;
        best = sum;
      }
    }
    total -= best;
    this.resize(sz, hsize2hbits(total));
  }

  private resize(asize: number, hbits: number): void {
    const oldKeys = this.nkey;
    const oldAsize = this.asize;
    const oldArray = this.array;
    if (asize > oldAsize) {
      for (let i = oldAsize; i < asize; i++) this.array[i] = false;
      this.asize = asize;
    }
    if (hbits) {
      const size = 2 ** hbits;
      this.nkey = new Array<number | null>(size).fill(null);
      this.nnext = new Array<number>(size).fill(-1);
      this.freetop = size;
    } else {
      this.nkey = [];
      this.nnext = [];
      this.freetop = 0;
    }
    if (asize < oldAsize) {
      this.asize = asize;
      const moved = oldArray.slice(asize, oldAsize);
      this.array = oldArray.slice(0, asize);
      moved.forEach((present, j) => {
        if (present) this.setHash(asize + j);
      });
    }
    for (const k of oldKeys) if (k !== null) this.set(k);
  }

  /** lj_tab_setinth: straight to the hash part. */
  private setHash(k: number): void {
    if (this.nkey.length !== 0) {
      let n = this.mainPos(k);
      do {
        if (this.nkey[n] === k) return;
        n = this.nnext[n]!;
      } while (n !== -1);
    }
    this.newKey(k);
  }

  /** pairs() order: the array part by index, then the hash part by slot. */
  keys(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.asize; i++) if (this.array[i]) out.push(i);
    for (const k of this.nkey) if (k !== null) out.push(k);
    return out;
  }
}

/** Keys in the order pairs() yields them after lua_rawseti of each key of `keys`, in order. */
export function luaPairsOrder(keys: Iterable<number>): number[] {
  const t = new LuaIntTable();
  for (const k of keys) t.set(k);
  return t.keys();
}
