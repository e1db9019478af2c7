// `-i NAME`: every chisel `-cl` lists is described as sysdig 0.29.3 describes it (live sysdig,
// skipped without it); without sysdig, the descriptions data agrees with the catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allChisels } from '../core/chisels/catalog.js';
import { CHISEL_INFO } from '../core/chisels/info.js';
import { renderChiselInfo } from '../core/chisels/list.js';
import { capsight, haveSysdig, sysdig } from './testing/oracle.js';

test('every listed chisel has a description and one per declared argument', () => {
  const listed = allChisels().filter((c) => !c.hidden);
  assert.ok(listed.length > 40);
  for (const c of listed) {
    const info = CHISEL_INFO[c.name];
    assert.ok(info, c.name);
    assert.equal(info[1].length, c.args.length, c.name);
    const text = renderChiselInfo(c.name)!;
    // Cut every 79 (description) and 63 (argument lines, continuations indented 16) characters.
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `${c.name}: ${line}`);
  }
  assert.equal(renderChiselInfo('wsysdig_summary'), undefined, 'hidden chisels are not found');
  assert.equal(renderChiselInfo('nosuch'), undefined);
});

test(
  '-i prints what sysdig -i prints, for every chisel and for unknown ones',
  { skip: !haveSysdig && 'sysdig not installed' },
  () => {
    const names = [...allChisels().map((c) => c.name), 'nosuch'];
    const bad: string[] = [];
    for (const n of names) {
      const want = sysdig(['-i', n]);
      const got = capsight(['-i', n]);
      if (got.stdout !== want.stdout || got.status !== want.status) bad.push(n);
    }
    assert.deepEqual(bad, []);
  },
);
