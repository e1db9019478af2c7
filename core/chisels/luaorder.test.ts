// The iteration-order models against orders printed by the real implementations: LuaJIT v2.1
// (2022-03-20, the Debian 12 build sysdig 0.29.3 links) running `rawset(t, k, true)` for each key
// then pairs(), and g++ 12's std::unordered_map<int64_t, int> / <std::string, int> filled in the
// same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luaPairsOrder, stringHash, stringMapOrder, unorderedMapOrder } from './luaorder.js';

// [keys in insertion order, LuaJIT pairs() order, libstdc++ iteration order]
const VECTORS: [number[], number[], number[]][] = [
  [
    [11, 1, 2, 65535, 255, 10, 4096],
    [1, 2, 65535, 11, 4096, 10, 255],
    [10, 255, 65535, 2, 4096, 1, 11],
  ],
  [
    [27, 26, 4, 15],
    [4, 26, 15, 27],
    [15, 4, 26, 27],
  ],
  [
    [20362, 34571, 5213, 8395, 15978, 7866, 6509, 18404],
    [18404, 6509, 8395, 7866, 34571, 20362, 5213, 15978],
    [18404, 6509, 7866, 15978, 8395, 5213, 34571, 20362],
  ],
  [
    [11, 17, 8, 27, 16],
    [8, 11, 27, 16, 17],
    [16, 27, 8, 17, 11],
  ],
  [
    [32, 36, 31, 20, 5, 17, 3, 11, 27, 28, 2, 8, 0],
    [0, 32, 5, 11, 27, 2, 8, 20, 3, 17, 28, 31, 36],
    [0, 8, 2, 28, 27, 11, 3, 17, 20, 5, 31, 36, 32],
  ],
  [
    [18251, 24864, 22556, 36853, 22203],
    [22556, 36853, 24864, 22203, 18251],
    [36853, 22556, 24864, 22203, 18251],
  ],
  [
    // prettier-ignore
    [9590, 4991, 24185, 31026, 39230, 34866, 28566, 33876, 9569, 35853, 10950, 35308, 34459, 2225, 29844, 13000, 1257, 10817, 12294, 10277, 32030, 8886, 37469, 5047, 22363, 34970, 35781, 37401, 32620, 7953, 37719, 4723, 17285, 13537, 19148, 3765, 7405, 34273, 30633, 37813, 2826, 5152, 30048, 22339, 34131, 34565, 14068, 19165, 30644, 34302],
    // prettier-ignore
    [39230, 22363, 4723, 31026, 10950, 33876, 9569, 7405, 28566, 30048, 13537, 4991, 10277, 13000, 35781, 37813, 12294, 2225, 37719, 5047, 22339, 35308, 34302, 37401, 32030, 30644, 34459, 1257, 35853, 14068, 34866, 37469, 34273, 34131, 34565, 7953, 2826, 3765, 9590, 8886, 17285, 5152, 19148, 30633, 10817, 24185, 19165, 34970, 29844, 32620],
    // prettier-ignore
    [34302, 30644, 34565, 34131, 22339, 30048, 5152, 30633, 2826, 37813, 34273, 7405, 3765, 17285, 7953, 22363, 14068, 13537, 35308, 34866, 31026, 33876, 28566, 37469, 35853, 10950, 4991, 19165, 29844, 4723, 34459, 19148, 5047, 9590, 24185, 39230, 37401, 34970, 2225, 37719, 1257, 13000, 10817, 12294, 9569, 10277, 8886, 35781, 32030, 32620],
  ],
];

test('LuaJIT pairs() order of integer keys', () => {
  for (const [keys, lua] of VECTORS) assert.deepEqual(luaPairsOrder(keys), lua, `keys ${keys.join(',')}`);
});

test('dense keys stay in the array part, in index order (lsof fd tables)', () => {
  assert.deepEqual(luaPairsOrder([2, 0, 1, 3, 5, 4]), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(luaPairsOrder([0, 1, 2, 255]), [0, 1, 2, 255]);
});

test('libstdc++ unordered_map iteration order', () => {
  for (const [keys, , cxx] of VECTORS)
    assert.deepEqual(unorderedMapOrder(keys), cxx, `keys ${keys.join(',')}`);
  assert.deepEqual(unorderedMapOrder([]), []);
});

test('libstdc++ std::hash<std::string> and unordered_map<std::string> order', () => {
  assert.equal(stringHash('0b121b83b4f1'), 7888981286310687522n);
  assert.equal(stringHash('abc'), 3663726644998027833n);
  assert.equal(stringHash(''), 6142509188972423790n);
  // prettier-ignore
  const keys = ['0b121b83b4f1', 'abc', '', 'd42f4d79e4b7cafe', '59fd49aa4072', '5277938c77ad', 'b26a23a89f21', '2be6a7b3942d', '70bf2f2a0c42', '95b2ebddd134', 'dbc6c49de0f1', 'd29a3ff15a33', 'de8bb32dfa77', 'eadcea902747', '0b002e7ebab1', 'c5e7952ff98f', 'd3049eb6347a'];
  // prettier-ignore
  const order = ['d3049eb6347a', 'c5e7952ff98f', '0b002e7ebab1', 'eadcea902747', '0b121b83b4f1', 'abc', 'd42f4d79e4b7cafe', 'b26a23a89f21', '59fd49aa4072', '', '2be6a7b3942d', '70bf2f2a0c42', '95b2ebddd134', '5277938c77ad', 'dbc6c49de0f1', 'd29a3ff15a33', 'de8bb32dfa77'];
  assert.deepEqual(stringMapOrder(keys), order);
});
