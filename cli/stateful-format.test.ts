// sysdig's formatter evaluates every field of a `-p` format even when an earlier one is missing
// (the line is dropped only at the end), so fields that remember earlier events (thread.exectime:
// the last context switch per CPU) see the events of dropped lines too. Compared with the real
// sysdig on a real capture where switch events of threads without a clone time are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const sample = resolve(root, '..', 'shared', 'samples', 'curl_google.scap');
const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;
const skip = !haveSysdig ? 'sysdig not installed' : !existsSync(sample) ? 'no ../shared/samples' : false;

test('stateful fields after a missing one advance as in sysdig', { skip }, () => {
  const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
  for (const fmt of [
    '%evt.num %proc.duration %thread.exectime',
    '%evt.num %proc.duration %thread.totexectime %thread.exectime',
  ]) {
    const args = ['-r', sample, '-p', fmt];
    const expected = spawnSync('sysdig', args, { env, encoding: 'latin1' });
    const actual = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'latin1' });
    assert.equal(expected.status, 0, expected.stderr);
    assert.equal(actual.stdout, expected.stdout, `output differs for ${fmt}`);
  }
});
