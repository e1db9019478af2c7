// BlobCache: a value is reused only for identical bytes, whatever the hash samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlobCache } from './listcache.js';

function counting(): { cache: BlobCache<string>; parses: () => number } {
  let n = 0;
  const cache = new BlobCache<string>((a, o, l) => {
    n++;
    return String.fromCharCode(...a.subarray(o, o + l));
  }, 4);
  return { cache, parses: () => n };
}

test('identical bytes at any offset return the value parsed first', () => {
  const { cache, parses } = counting();
  const a = new TextEncoder().encode('xxcpu=/a\0mem=/b\0');
  const b = new TextEncoder().encode('cpu=/a\0mem=/b\0yy');
  const v1 = cache.get(a, 2, 14);
  const v2 = cache.get(b, 0, 14);
  assert.equal(v1, v2);
  assert.equal(parses(), 1);
});

test('long blobs that differ only between the sampled bytes still get their own value', () => {
  const { cache, parses } = counting();
  const len = 2000;
  const a = new Uint8Array(len).fill(0x61);
  const b = a.slice();
  // Every byte position in the middle: some are between the hash samples, the compare catches them.
  for (let k = 40; k < len - 40; k += 97) {
    b.fill(0x61);
    b[k] = 0x62;
    const va = cache.get(a, 0, len);
    const vb = cache.get(b, 0, len);
    assert.notEqual(va, vb, `difference at ${k}`);
    assert.equal(vb.charCodeAt(k), 0x62);
    assert.equal(cache.get(a, 0, len).charCodeAt(k), 0x61);
  }
  assert.ok(parses() > 2);
});

test('blobs past the length cap and past the array end are parsed each time', () => {
  const { cache, parses } = counting();
  const big = new Uint8Array(10000).fill(0x41);
  cache.get(big, 0, big.length);
  cache.get(big, 0, big.length);
  assert.equal(parses(), 2);
  const small = new Uint8Array(4).fill(0x42);
  assert.equal(cache.get(small, 2, 8), 'BB');
});
