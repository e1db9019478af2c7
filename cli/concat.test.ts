// Concatenated captures (`cat a.scap b.scap`): at each new section sysdig reloads its state from
// that section's process and fd lists, and the section's leading container events take no event
// numbers. Compared with the real sysdig on concatenations of real captures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../scripts/repo-root.js';

const root = repoRoot();
const bin = join(root, 'bin', 'capsight.js');
const samples = resolve(root, '..', 'shared', 'samples');
const haveSysdig = spawnSync('sysdig', ['--version']).status === 0;
const skip = !haveSysdig
  ? 'sysdig not installed'
  : !existsSync(join(samples, 'httpd.scap'))
    ? 'no ../shared/samples'
    : false;

test('concatenated captures print what sysdig prints', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsight-concat-'));
  try {
    const path = join(dir, 'three.scap');
    // The second and third sections start with one and two container events.
    writeFileSync(
      path,
      Buffer.concat(
        ['sample.scap', 'nginx_example0.scap', 'httpd.scap'].map((f) => readFileSync(join(samples, f))),
      ),
    );
    const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
    for (const args of [
      [],
      ['-p', '%evt.num %proc.name %proc.pname %fd.name', 'evt.dir=<'],
      ['-S', '-q'],
      ['-c', 'topprocs_file'],
      ['-c', 'echo_fds', 'evt.num>600'],
    ]) {
      const expected = spawnSync('sysdig', ['-r', path, ...args], { env, encoding: 'latin1' });
      const actual = spawnSync(process.execPath, [bin, '-r', path, ...args], { env, encoding: 'latin1' });
      assert.equal(expected.status, 0, expected.stderr);
      assert.ok(expected.stdout.length > 0);
      assert.equal(actual.stdout, expected.stdout, `output differs for ${args.join(' ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
