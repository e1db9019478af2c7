// The packed columns read back exactly what was pushed: ts offsets and their exceptions (times
// far below their block's latest, and idle gaps), palettes past 256 entries, sparse lat and bytes,
// in random and in ascending order, across chunk boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK, ColumnWriter, OFFSET_STRIDE, chunkTs } from './columns.js';

interface Ev {
  ts: number;
  key: number;
  errno: number;
  flags: number;
  thr: number;
  fd: number;
  fdNum: number;
  lat: number;
  bytes: number;
  offset: number;
}

function events(n: number): Ev[] {
  let seed = 12345;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  const out: Ev[] = [];
  let t = 1_000_000;
  for (let i = 0; i < n; i++) {
    // Mostly small steps, some backwards (CPUs), some metadata events at time 0, some idle gaps
    // longer than 2^32 ns.
    const r = rnd(1000);
    if (r === 0) t += 10_000_000_000 + rnd(1000);
    else t += rnd(50_000);
    const ts = r === 1 ? 0 : r === 2 ? Math.max(0, t - 30_000) : t;
    out.push({
      ts,
      key: rnd(400),
      errno: rnd(20) === 0 ? 1 + rnd(300) : 0,
      flags: rnd(4),
      // Many distinct (thread, fd, fd number) combinations: more than 256 per chunk.
      thr: rnd(50) === 0 ? 100_000 + rnd(5000) : rnd(300),
      fd: rnd(3) === 0 ? 0 : rnd(2000),
      fdNum: rnd(5) === 0 ? -1 : rnd(70_000),
      lat: rnd(3) === 0 ? Math.fround(rnd(1 << 30) * 3) : 0,
      bytes: rnd(10) === 0 ? 1 + rnd(0xffffffff) : 0,
      offset: i * 100,
    });
  }
  return out;
}

test('packed columns read back every pushed value', () => {
  const n = 2 * CHUNK + 12_345;
  const evs = events(n);
  const w = new ColumnWriter();
  for (const e of evs) w.push(e.ts, e.key, e.errno, e.flags, e.thr, e.fd, e.fdNum, e.lat, e.bytes, e.offset);
  const cols = w.finish();
  assert.equal(cols.length, n);
  assert.equal(cols.chunks.length, 3);
  assert.ok(
    cols.chunks.some((c) => c.tsExcPos.length > 0),
    'the events include ts exceptions',
  );
  assert.ok(
    cols.chunks.some((c) => c.thrOf.length > 256 && c.cx instanceof Uint16Array),
    'a chunk needs u16 codes',
  );
  const check = (i: number): void => {
    const e = evs[i]!;
    const got = [
      cols.ts(i),
      cols.type(i),
      cols.err(i),
      cols.flags(i),
      cols.thread(i),
      cols.fd(i),
      cols.fdNum(i),
      cols.lat(i),
      cols.bytes(i),
    ];
    assert.deepEqual(
      got,
      [e.ts, e.key, e.errno, e.flags, e.thr, e.fd, e.fdNum, e.lat, e.bytes],
      `event ${i}`,
    );
    if (i % OFFSET_STRIDE === 0) assert.equal(cols.offset(i), e.offset);
    assert.equal(chunkTs(cols.chunkOf(i), i % CHUNK), e.ts);
  };
  // Ascending (scans), then random order (the sparse readers' cursors must not mislead).
  for (let i = 0; i < n; i++) check(i);
  let seed = 99;
  for (let q = 0; q < 20_000; q++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    check(seed % n);
  }
});
