// `-pc`, `-pk`, `-pm` and `-pp`: sysdig's named output formats, compared with the real sysdig on the
// bundled capture (skipped when sysdig is not installed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const sample = join(root, 'scap-samples', 'lamp-audit.scap.gz');
const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;

test('named -p formats print what sysdig prints', { skip: !haveSysdig && 'sysdig not installed' }, () => {
  const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
  for (const opt of ['-pc', '-pcontainer', '-pk', '-pm', '-pp']) {
    const args = ['-r', sample, opt, '-n', '500'];
    const expected = spawnSync('sysdig', args, { env, encoding: 'latin1' });
    const actual = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'latin1' });
    assert.equal(expected.status, 0, expected.stderr);
    assert.ok(expected.stdout.length > 0);
    assert.equal(actual.stdout, expected.stdout, `output differs for ${opt}`);
  }
});
