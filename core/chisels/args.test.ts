// How `-c NAME words...` is split between the chisel and the filter, and how the chisel's word is
// split into arguments, as sysdig 0.29.3 does it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chiselInfo } from './catalog.js';
import { ChiselArgError, chiselWordCount, splitChiselArgs } from './args.js';

const info = (n: string) => chiselInfo(n)!;
const neverFilter = (): boolean => false;
const alwaysFilter = (): boolean => true;

test('a required argument always takes the next word', () => {
  assert.equal(chiselWordCount(info('spy_ip'), ['192.168.0.2', 'proc.name=x'], alwaysFilter), 1);
  assert.throws(
    () => chiselWordCount(info('spy_ip'), [], alwaysFilter),
    /missing arguments for chisel spy_ip/,
  );
});

test('optional arguments: taken unless the words form a filter or start with -', () => {
  assert.equal(chiselWordCount(info('topconns'), ['proc.name=x'], neverFilter), 0);
  assert.equal(chiselWordCount(info('echo_fds'), ['disable_color'], neverFilter), 1);
  assert.equal(chiselWordCount(info('echo_fds'), ['proc.name=x'], alwaysFilter), 0);
  assert.equal(chiselWordCount(info('echo_fds'), ['-x'], neverFilter), 0);
  // A single filter-typed argument (lsof, ps, netstat) takes the word whatever it is.
  assert.equal(chiselWordCount(info('lsof'), ['proc.name=x'], alwaysFilter), 1);
});

test('the word splits on spaces with quoting, counts checked', () => {
  assert.deepEqual(splitChiselArgs(info('spy_port'), '3306 disable_colors'), ['3306', 'disable_colors']);
  assert.deepEqual(splitChiselArgs(info('lsof'), "'fd.name contains /etc'"), ['fd.name contains /etc']);
  assert.deepEqual(splitChiselArgs(info('lsof'), ''), []);
  assert.throws(
    () => splitChiselArgs(info('ps'), 'a b'),
    new ChiselArgError('too many parameters for chisel ps, 0 required, 1 optional, 2 given'),
  );
  assert.throws(() => splitChiselArgs(info('lsof'), "'open"), /corrupted parameters/);
});
