// Parser/compiler behaviour that needs no capture: accepted syntax, error messages and positions,
// editor completions and diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FilterError } from './ast.js';
import { parseFilter } from './parse.js';
import { compileFilter, tryCompileFilter } from './compile.js';
import { complete, diagnose, quoteValue } from './complete.js';

function err(text: string): FilterError {
  const r = tryCompileFilter(text);
  assert.ok('error' in r, `expected an error for ${JSON.stringify(text)}`);
  assert.ok(r.error instanceof FilterError);
  return r.error;
}

test('accepts the sysdig grammar', () => {
  const ok = [
    'proc.name=httpd and fd.type=ipv4',
    'evt.is_io_read=true and evt.buffer contains form',
    'fd.sip=10.0.0.5 or fd.cip=10.0.0.5',
    'evt.type in (open, openat) and fd.name startswith /etc',
    '(fd.name exists and evt.type=open) or evt.type=execve',
    'not (proc.name=curl or proc.name=python)',
    'not not proc.name=curl',
    'proc.name containscur',
    "proc.name='a b'",
    'proc.name="a\\"b"',
    'proc.name="cu\\x72l"',
    'evt.arg.fd=3 and evt.arg[0]=3 and evt.rawarg.res<0',
    'proc.aname[2]=bash and proc.aname=sshd and proc.apid[1] exists',
    'evt.type.is.open=1',
    'thread.cgroup.cpuacct exists',
    'evt.around[1506127469900617765]=1000',
    'fd.net=10.0.0.0/8 and fd.cnet!=192.168.0.0/16',
    'fd.port=http or fd.port in (80, 443)',
    'fd.ip=2001:db8::1',
    'fd.name glob /etc/*.conf or fd.name pmatch (/etc, /usr/lib)',
    'evt.num>=5 and evt.num<=10',
    'evt.rawtime > 1506127469900617765',
    'evt.type=open and(evt.dir=>)',
    'k8s.pod.name=foo',
    'proc.name==curl',
  ];
  for (const f of ok) assert.doesNotThrow(() => compileFilter(f), f);
});

test('errors name the token and its 1-based column', () => {
  const cases: [string, RegExp, number][] = [
    ['proc.nmae=foo', /^unknown field 'proc\.nmae' at column 1 \(did you mean proc\.name\?\)$/, 1],
    ['evt.type=open and proc.nmae=x', /unknown field 'proc\.nmae' at column 19/, 19],
    ['evt.type=open and', /expected a condition after 'and' at column 15/, 15],
    ['evt.type=open or evt.type=close and proc.name=x', /'and' at column 33 mixes 'and' and 'or'/, 33],
    ['(evt.type=open', /'\(' at column 1 is never closed/, 1],
    ['evt.type=open)', /unexpected '\)' at column 14/, 14],
    ['evt.num<"abc"', /'abc' is not a valid number for evt\.num at column 9/, 9],
    ['evt.num=0x10', /'0x10' is not a valid number/, 9],
    ['evt.type=opne', /unknown event type 'opne'/, 10],
    ['evt.type in (open, opne)', /unknown event type 'opne'/, 20],
    ['proc.name', /expected an operator after 'proc\.name'/, 1],
    ['proc.name ~ x', /unknown operator '~' at column 11/, 11],
    ['fd.ip=10.0.0.0/8', /unrecognized IP address '10\.0\.0\.0\/8' at column 7/, 7],
    ['fd.net=10.0.0.0', /unrecognized IP network/, 8],
    ['evt.failed=1', /'1' is not a boolean/, 12],
    ['proc.fdusage > 1', /proc\.fdusage is a floating-point field and takes no value/, 16],
    [`proc.name=${'x'.repeat(256)}`, /filter parameter too long/, 11],
    ['proc.name intersects (a)', /expected '\(' after 'in'/, 13],
    ['proc.name="abc', /unterminated string starting at column 11/, 11],
    ['', /the filter is empty/, 1],
    ['   ', /the filter is empty/, 1],
    ['evt.arg.nosuch=1', /unknown event argument 'nosuch'/, 1],
    ['evt.arg=1', /needs an argument/, 1],
    ['evt.type in open', /expected '\(' after 'in'/, 13],
    ['proc.name in (a, b', /never closed/, 11],
    [
      'proc.name=a proc.name=b',
      /unexpected 'proc\.name=b' at column 13|unexpected 'proc\.name' at column 13/,
      13,
    ],
    ['not', /expected a condition/, 1],
    ['()', /empty parentheses/, 1],
    ['evt.around[1]>3', /evt\.around supports only '='/, 14],
    ['fd.port=nosuchservice', /unrecognized protocol 'nosuchservice'/, 9],
    ['proc.apid[x]=1', /takes a numeric index/, 1],
    ['proc.name pmatch (a)', /.*/, 0],
    ['evt.rawarg.tuple=1', /supports only 'exists'/, 1],
  ];
  for (const [text, re, col] of cases) {
    if (col === 0) continue;
    const e = err(text);
    assert.match(e.message, re, text);
    assert.equal(e.column, col, `${text}: ${e.message}`);
    assert.ok(e.length >= 1);
  }
});

test('hostile input never escapes as anything but FilterError', () => {
  const nasty = [
    '('.repeat(500) + 'evt.num=1' + ')'.repeat(500),
    'not '.repeat(1000) + 'evt.num=1',
    '\\',
    'proc.name="\\',
    'proc.name=\\x',
    'proc.name="\\xZZ"',
    '[[[[',
    'a.b[',
    '\u0000\u0001',
    'evt.arg[99999999999999999999]=1',
    'evt.around[99999999999999999999999999]=1',
    'fd.net=1.2.3.4/99',
    'fd.ip=::::::',
    ')'.repeat(10),
    ',,,,',
  ];
  for (const t of nasty) {
    const r = tryCompileFilter(t);
    if ('error' in r) assert.ok(r.error instanceof FilterError, t);
  }
  // Random fuzz over the grammar's alphabet.
  const alphabet = [
    'proc.name',
    'evt.type',
    '=',
    '!=',
    ' ',
    '(',
    ')',
    'and',
    'or',
    'not',
    '"',
    "'",
    'in',
    ',',
    'x',
    '\\',
    'exists',
    '3',
  ];
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 3000; k++) {
    let t = '';
    const n = 1 + rnd(12);
    for (let j = 0; j < n; j++) t += alphabet[rnd(alphabet.length)];
    const r = tryCompileFilter(t);
    if ('error' in r) assert.ok(r.error instanceof FilterError, t);
  }
});

test('== is taken as =, repeated not does not cancel', () => {
  const a = parseFilter('proc.name==curl');
  assert.equal(a.kind, 'check');
  if (a.kind === 'check') {
    assert.equal(a.op, '=');
    assert.equal(a.values[0]!.text, 'curl');
  }
  const b = parseFilter('not not proc.name=curl');
  assert.equal(b.kind, 'not');
});

test('string escapes follow sysdig: \\\\ \\" \\xHH, other backslashes kept', () => {
  const v = (t: string): string => {
    const n = parseFilter(t);
    assert.equal(n.kind, 'check');
    return n.kind === 'check' ? n.values[0]!.text : '';
  };
  assert.equal(v('proc.name="a\\\\b"'), 'a\\b');
  assert.equal(v('proc.name="a\\"b"'), 'a"b');
  assert.equal(v('proc.name="\\x41\\x42"'), 'AB');
  assert.equal(v('proc.name=a\\nb'), 'a\\nb');
  assert.equal(v("proc.name='x y'"), 'x y');
  assert.equal(v('fd.name=/tmp/a=b'), '/tmp/a=b');
  // Cut off by the end of the filter text (environment strings copied from output end in '\'):
  // the unfinished escape is dropped, as in sysdig.
  assert.equal(v('proc.env=a:\\'), 'a:');
  assert.equal(v('proc.env=ab\\x4'), 'ab');
  // Cut off by the end of an unquoted word: an error.
  assert.throws(() => parseFilter('proc.name=a\\ b'), /unfinished escape/);
  assert.throws(() => parseFilter('proc.name in (a\\,b)'), /unfinished escape/);
  assert.throws(() => parseFilter('proc.name="a\\'), /unfinished escape/);
});

test('type prefilter: evt.type checks narrow it, not of an exact set complements it', () => {
  const f = compileFilter('evt.type=open and proc.name=curl');
  assert.ok(f.typeMask);
  assert.equal(f.typeMask![2], 1); // open enter
  assert.equal(f.typeMask![3], 1); // open exit
  assert.equal(f.typeMask![6], 0); // read
  const g = compileFilter('not evt.type in (switch)');
  assert.ok(g.typeMask);
  assert.equal(g.typeMask![2], 1);
  const h = compileFilter('evt.type=open or proc.name=curl');
  assert.equal(h.typeMask, null);
  const k = compileFilter('evt.buffer contains GET');
  assert.ok(k.typeMask);
  assert.equal(k.typeMask![7], 1); // read exit has data
  assert.equal(k.typeMask![2], 0);
});

test('completions: fields, operators for the type, values, keywords', () => {
  const labels = (t: string, c = t.length, v?: (f: string, p: string) => string[]): string[] =>
    complete(t, c, v).map((x) => x.label);
  assert.ok(labels('proc.na').includes('proc.name'));
  const pn = complete('proc.na', 7).find((x) => x.label === 'proc.name')!;
  assert.equal(pn.kind, 'field');
  assert.match(pn.detail, /name \(excluding the path\)/);
  assert.equal(pn.from, 0);
  assert.equal(pn.to, 7);
  assert.ok(labels('proc.name ').includes('contains'));
  assert.ok(labels('evt.num ').includes('>='));
  assert.ok(!labels('evt.num ').includes('contains'));
  assert.deepEqual(labels('proc.name cont'), ['contains']);
  assert.ok(labels('evt.type=op').includes('open'));
  assert.ok(labels('evt.type=op').includes('openat'));
  assert.deepEqual(labels('evt.failed='), ['true', 'false']);
  assert.deepEqual(
    labels('proc.name=ht', undefined, () => ['httpd', 'haproxy', 'curl']),
    ['httpd'],
  );
  const q = complete('proc.name=', 10, () => ['my proc']);
  assert.equal(q[0]!.insertText, '"my proc"');
  assert.deepEqual(labels('proc.name=curl a'), ['and']);
  assert.deepEqual(labels('proc.name=curl '), ['and', 'or']);
  assert.ok(labels('proc.name=curl and fd.').includes('fd.name'));
  assert.ok(labels('evt.type in (open, cl').includes('close'));
  assert.ok(labels('evt.arg.f').includes('evt.arg.fd'));
  // Cursor in the middle: the token before the cursor decides.
  assert.ok(labels('proc.na=curl', 7).includes('proc.name'));
  assert.ok(labels('not (pro').includes('proc.name'));
  assert.deepEqual(complete('"unterminated', 5), complete('"unterminated', 5));
});

test('diagnostics carry ranges', () => {
  assert.deepEqual(diagnose('proc.name=curl'), []);
  const d = diagnose('proc.name=curl and proc.nmae=x');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.severity, 'error');
  assert.equal(d[0]!.start, 19);
  assert.equal(d[0]!.end, 28);
  assert.match(d[0]!.message, /did you mean proc\.name/);
  const w = diagnose('k8s.pod.name=foo');
  assert.equal(w[0]!.severity, 'warning');
  assert.equal(w[0]!.start, 0);
});

test('quoteValue', () => {
  assert.equal(quoteValue('curl'), 'curl');
  assert.equal(quoteValue('a b'), '"a b"');
  assert.equal(quoteValue('a"b'), '"a\\"b"');
  assert.equal(quoteValue(''), '""');
});

test('EventBitset: set, has, count, iterate, and/or', async () => {
  const { EventBitset } = await import('./bitset.js');
  const a = new EventBitset(8);
  for (const i of [0, 5, 31, 32, 100, 4096]) a.set(i);
  assert.equal(a.count(), 6);
  assert.ok(a.has(4096) && !a.has(4095) && !a.has(1 << 20));
  assert.deepEqual([...a.indexes()], [0, 5, 31, 32, 100, 4096]);
  assert.equal(a.size, 4097);
  const b = new EventBitset();
  for (const i of [5, 32, 7]) b.set(i);
  assert.deepEqual([...a.and(b).indexes()], [5, 32]);
  assert.deepEqual([...a.or(b).indexes()], [0, 5, 7, 31, 32, 100, 4096]);
});

test('time values are plain nanoseconds, as in sysdig 0.29.3 (no units)', () => {
  assert.match(err('evt.latency > 10ms').message, /not a valid number/);
  assert.match(err('evt.rawtime > 10ms').message, /not a valid number/);
});

test('complete and diagnose never throw, at any cursor', () => {
  const texts = [
    'proc.name=curl and (evt.type in (open, "cl',
    'not not (fd.sip=10.0.0.1 or',
    'evt.buffer contains "a\\"b',
    'evt.arg[',
    '((((',
    "proc.name='x' or proc.name=\"y\\x4",
    'fd.port in (80, 443) and evt.dir=<',
  ];
  for (const t of texts) {
    for (let c = 0; c <= t.length; c++) {
      assert.doesNotThrow(() => complete(t, c, () => ['a b', 'c']), `${t} @${c}`);
    }
    assert.doesNotThrow(() => diagnose(t));
  }
});
