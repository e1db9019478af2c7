// View and tile definitions: internal consistency, and drill-down values surviving the filter lexer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VIEWS, viewDef } from './defs.js';
import { isMetricColumn, METRIC_COUNT } from './types.js';
import { quoteFilterValue, equalsFilter } from './quote.js';
import { parseFilter } from '../filter/parse.js';
import { compileFilter } from '../filter/compile.js';
import { TILES, MARK_TILES } from '../overview/tiles.js';
import { failParam } from './metrics.js';
import { EVENTS } from '../schema/index.js';

test('every view has a unique id, its default sort column, and a drill target that exists', () => {
  const ids = new Set<string>();
  for (const v of VIEWS) {
    assert.ok(!ids.has(v.id), v.id);
    ids.add(v.id);
    assert.ok(
      v.columns.some((c) => c.id === v.defaultSort),
      `${v.id}: sort ${v.defaultSort}`,
    );
    if (v.kind === 'table' && v.drillTo && v.drillTo !== 'echo' && v.drillTo !== 'dig')
      assert.ok(viewDef(v.drillTo), `${v.id} → ${v.drillTo}`);
    for (const c of v.columns)
      if (isMetricColumn(c)) for (const m of c.metrics) assert.ok(m >= 0 && m < METRIC_COUNT);
  }
  assert.equal(
    VIEWS.filter((v) => v.listed).length,
    15,
    'Inspect lists 16 views; Traces/Spans is absent without tracer events',
  );
});

test('view filters and tile drill filters compile with the filter compiler', () => {
  for (const v of VIEWS) if (v.filter) assert.doesNotThrow(() => compileFilter(v.filter), v.id);
  for (const t of TILES) if (t.targetFilter) assert.doesNotThrow(() => compileFilter(t.targetFilter), t.id);
  assert.ok(MARK_TILES.length <= 32, 'marks fit a 32-bit mask');
  for (const t of TILES)
    assert.ok(viewDef(t.targetView) || t.targetView === 'echo', `${t.id} → ${t.targetView}`);
});

test('hostile drill-down values round-trip through the filter lexer', () => {
  const values = [
    `a"b`,
    `it's`,
    `back\\slash`,
    `both ' and " quotes`,
    `paren) or proc.name=(x`,
    'tab\there\nnewline',
    '\u0001ctrl\u007f',
    'latin1 é ÿ',
    '',
    '  spaces  ',
  ];
  for (const v of values) {
    const ast = parseFilter(equalsFilter('fd.name', v));
    assert.equal(ast.kind, 'check');
    if (ast.kind !== 'check') continue;
    assert.equal(ast.values[0]!.text, v, quoteFilterValue(v));
  }
  // Non-latin1 characters become their UTF-8 bytes, one latin1 char each (how the lexer holds bytes).
  const ast = parseFilter(equalsFilter('proc.name', '日本'));
  assert.equal(
    ast.kind === 'check' ? ast.values[0]!.text : '',
    Buffer.from('日本', 'utf8').toString('latin1'),
  );
  assert.equal(equalsFilter('proc.pid', 42), 'proc.pid=42');
});

test('evt.failed reads the first parameter of every exit event that has one (the index reads only that one)', () => {
  let withParam = 0;
  for (const e of EVENTS) {
    const j = failParam(e.code);
    assert.ok(j === -1 || j === 0, `${e.name} (${e.code}): failure parameter ${j}`);
    if (j === 0) withParam++;
  }
  assert.ok(withParam > 100, `${withParam} exit events with a result`);
  // A failed mmap is an error: its result is an address or -errno in an unsigned parameter.
  assert.equal(failParam(EVENTS.find((e) => e.name === 'mmap' && e.code & 1)!.code), 0);
  assert.equal(failParam(EVENTS.find((e) => e.name === 'mmap' && !(e.code & 1))!.code), -1);
});
