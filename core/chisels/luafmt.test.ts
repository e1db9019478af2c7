// common.lua's formatters and LuaJIT's number formatting, on values whose output sysdig 0.29.3
// printed in the conformance runs (ps, topprocs_*, echo_fds) plus the boundaries of the Lua code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extendString,
  fixed,
  formatBytes,
  formatTimeInterval,
  leftCut,
  luaNum,
  luaToNumber,
} from './luafmt.js';

test('format_bytes: strict thresholds, two decimals, half away from zero', () => {
  assert.equal(formatBytes(0), '0B');
  assert.equal(formatBytes(1024), '1024B');
  assert.equal(formatBytes(1025), '1.00KB');
  assert.equal(formatBytes(24064), '23.50KB'); // topprocs_net on 502Error.scap
  assert.equal(formatBytes(92800 * 1024), '90.63M'); // ps: sshd VIRT (glibc's %.2f would say 90.62)
  assert.equal(formatBytes(740 * 1024), '740.00KB');
  assert.equal(formatBytes(1024 * 1024 + 1), '1.00M');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00G');
});

test('fixed rounds the exact binary value', () => {
  assert.equal(fixed(0.125, 2), '0.13');
  assert.equal(fixed(1.005, 2), '1.00'); // 1.005 is 1.00499999999999989... in binary
  assert.equal(fixed(0.41, 2), '0.41');
  assert.equal(fixed(-0.001, 2), '-0.00');
  assert.equal(fixed(12345.5, 0), '12346');
});

test('format_time_interval', () => {
  assert.equal(formatTimeInterval(1_100_000_000), '1.10s');
  assert.equal(formatTimeInterval(12_345_678), '12ms');
  assert.equal(formatTimeInterval(1_500_000), '1.50ms');
  assert.equal(formatTimeInterval(20_000), '20us');
  assert.equal(formatTimeInterval(1_500), '1.50us');
  assert.equal(formatTimeInterval(800), '800ns');
});

test('extend_string pads or cuts to width-1 plus a space', () => {
  assert.equal(extendString('Bytes', 8), 'Bytes   ');
  assert.equal(extendString('4294967295', 10), '429496729 ');
  assert.equal(extendString('x', 0), '');
  assert.equal(leftCut('evt.datetime', 23, 23), 'evt.datetime           ');
  assert.equal(leftCut('2017-12-04 22:26:28.973632045', 23, 23), '2017-12-04 22:26:28.973');
});

test("Lua's tostring of numbers (%.14g)", () => {
  assert.equal(luaNum(2700), '2700');
  assert.equal(luaNum(0.5), '0.5');
  assert.equal(luaNum(1e15), '1e+15');
  assert.equal(luaNum(1 / 3), '0.33333333333333');
});

test("LuaJIT's tonumber on strings (what sysdig 0.29.3's parse_numeric_input accepted)", () => {
  // Accepted by the live sysdig (`-c subsecoffset ARG` went on to its terminal check).
  const accepted: [string, number][] = [
    ['100', 100],
    [' 5 ', 5],
    ['\t7\n', 7],
    ['5.', 5],
    ['.5', 0.5],
    ['+5', 5],
    ['00012', 12],
    ['1e+5', 1e5],
    ['1.5e-3', 1.5e-3],
    ['0x10', 16],
    ['0X10', 16],
    ['0x1e', 30],
    ['0x.8', 0.5],
    ['0x1.8', 1.5],
    ['0x1p4', 16],
    ['0x1P-2', 0.25],
    ['0b1', 1],
    ['0B1', 1],
    ['inf', Infinity],
    ['INF', Infinity],
    ['+inf', Infinity],
    ['iNfInItY', Infinity],
    ['1e400', Infinity],
  ];
  for (const [text, v] of accepted) assert.equal(luaToNumber(text), v, JSON.stringify(text));
  assert.ok(Number.isNaN(luaToNumber('nan')));
  assert.ok(Number.isNaN(luaToNumber('Nan')));
  // Rejected by it ("Input refresh_time must be a number.").
  for (const text of [
    'abc',
    '1_0',
    '5e',
    '0x',
    '1f',
    '1L',
    'infin',
    '0b',
    '0b12',
    '0b1.1',
    '0b1p2',
    '1e5.5',
    '1..2',
    '',
  ])
    assert.equal(luaToNumber(text), undefined, JSON.stringify(text));
});
