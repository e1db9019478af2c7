// Re-reading event blocks: every block of a real capture decodes to the event the native reader
// delivered, and damaged blocks (hostile lengths, truncation, random bytes) never throw or point
// outside the block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scanBlocks } from '../native/index.js';
import { openForReading } from './open.js';
import { decodeEventBlock, Rereader } from './reread.js';
import { repoRoot } from '../scripts/repo-root.js';

const samples = resolve(repoRoot(), '..', 'shared', 'samples');
const file = join(samples, 'nginx_example0.scap');
const skip = existsSync(file) ? false : 'no ../shared/samples';

const EVENT_BLOCKS = new Set([0x204, 0x8010abcd, 0x208, 0x216, 0x221, 0x217, 0x222]);

const lamp = join(repoRoot(), 'scap-samples', 'lamp-audit.scap.gz');

for (const [path, gz] of [
  [file, false],
  [lamp, true],
] as const) {
  test(
    `every event block of ${path.split('/').pop()} re-reads as the native reader delivered it`,
    { skip: existsSync(path) ? false : 'absent' },
    () => {
      const file = path;
      const reader = openForReading(file, { sysdigCompat: false });
      const batches = [];
      for (let b = reader.next(); b !== null; b = reader.next()) batches.push(b);
      reader.close();
      const rr = new Rereader(file, gz);
      let n = 0;
      for (const b of batches) {
        for (let i = 0; i < b.count; i++, n++) {
          const [e] = rr.events(b.offset[i]!, 0, 1);
          assert.ok(e, `event ${n + 1}`);
          assert.equal(e.ts[0], b.ts[i]);
          assert.equal(e.tid[0], b.tid[i]);
          assert.equal(e.type[0], b.type[i]);
          const np = b.paramBase[i + 1]! - b.paramBase[i]!;
          assert.equal(e.paramBase[1], np);
          for (let j = 0; j < np; j++) {
            const s = b.paramBase[i]! + j;
            assert.deepEqual(
              e.arena.subarray(e.paramOff[j]!, e.paramOff[j]! + e.paramLen[j]!),
              b.arena.subarray(b.paramOff[s]!, b.paramOff[s]! + b.paramLen[s]!),
            );
          }
        }
      }
      rr.close();
      assert.ok(n > 0);
    },
  );
}

test('damaged event blocks decode to undefined or stay inside the block', { skip }, () => {
  const bytes = readFileSync(file);
  const { blocks } = scanBlocks(file);
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  let tried = 0;
  for (const blk of blocks) {
    if (!EVENT_BLOCKS.has(blk.type)) continue;
    const orig = new Uint8Array(bytes.subarray(blk.offset, blk.offset + blk.length));
    for (let k = 0; k < 20; k++) {
      const b = orig.slice(0, k % 5 === 0 ? rnd(orig.length) : orig.length);
      for (let m = 0; m < 1 + rnd(4); m++) if (b.length > 0) b[rnd(b.length)] = rnd(256);
      const e = decodeEventBlock(b, blk.type, blk.offset);
      tried++;
      if (e === undefined) continue;
      const np = e.paramBase[1]!;
      for (let j = 0; j < np; j++) assert.ok(e.paramOff[j]! + e.paramLen[j]! <= b.length);
    }
  }
  assert.ok(tried > 1000);
});
