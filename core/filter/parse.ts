// Recursive-descent parser for sysdig filters:
//   group := term (('and' | 'or') term)*      -- one operator per group, as sysdig requires
//   term  := 'not'* (check | '(' group ')')   -- repeated 'not's do not cancel (sysdig ORs a flag)
//   check := FIELD OP value | FIELD 'exists' | FIELD ('in'|'intersects'|'pmatch') '(' value (',' value)* ')'
// Field names are checked against the tables by the compiler, not here, so the parser also serves
// the editor (completions need a tree of a filter whose last field is half typed).
import { fail, LIST_OPS, type CheckNode, type GroupNode, type Node, type ValueNode } from './ast.js';
import { Scanner } from './lex.js';

const MAX_DEPTH = 100;

export interface FilterOptions {
  /** Reproduce sysdig 0.29.3's reading where it differs from the documented language (`==`). */
  sysdigCompat?: boolean;
}

export function parseFilter(text: string, opts: FilterOptions = {}): Node {
  const s = new Scanner(text, opts.sysdigCompat ?? false);
  if (s.atEnd()) fail('the filter is empty', 0, Math.max(1, text.length));
  const node = parseGroup(s, 0);
  if (!s.atEnd()) {
    const c = s.peek()!;
    if (c === ')') fail(`unexpected ')' at column ${s.pos + 1}: no '(' to close`, s.pos);
    const w = s.word();
    const tok = w.text !== '' ? w.text : c;
    fail(
      `unexpected '${tok}' at column ${w.start + 1}: expected 'and', 'or' or the end of the filter`,
      w.start,
      w.start + tok.length,
    );
  }
  return node;
}

const KEYWORDS = ['and', 'or', 'not'] as const;

/** sysdig's compiler matches keywords as prefixes, with no word boundary: `andevt.num=1` is
 *  `and evt.num=1` and `notproc.name=x` is `not proc.name=x`. */
function keywordAhead(s: Scanner): (typeof KEYWORDS)[number] | undefined {
  s.skipBlanks();
  return KEYWORDS.find((k) => s.text.startsWith(k, s.pos));
}

function eatKeyword(s: Scanner, kw: string): { start: number; end: number } {
  s.skipBlanks();
  const start = s.pos;
  s.pos += kw.length;
  return { start, end: s.pos };
}

function parseGroup(s: Scanner, depth: number): Node {
  if (depth > MAX_DEPTH) fail(`the filter nests deeper than ${MAX_DEPTH} levels`, s.pos);
  s.skipBlanks();
  const start = s.pos;
  const children: Node[] = [parseTerm(s, depth)];
  let op: 'and' | 'or' | null = null;
  while (true) {
    const kw = keywordAhead(s);
    if (kw !== 'and' && kw !== 'or') break;
    const w = eatKeyword(s, kw);
    if (op !== null && kw !== op) {
      fail(
        `'${kw}' at column ${w.start + 1} mixes 'and' and 'or' in one group: add parentheses to say which goes first`,
        w.start,
        w.end,
      );
    }
    op = kw;
    if (s.atEnd()) fail(`expected a condition after '${kw}' at column ${w.start + 1}`, w.start, w.end);
    children.push(parseTerm(s, depth));
  }
  if (children.length === 1) return children[0]!;
  const g: GroupNode = { kind: 'group', op, children, start, end: children[children.length - 1]!.end };
  return g;
}

function parseTerm(s: Scanner, depth: number): Node {
  s.skipBlanks();
  const start = s.pos;
  let negated = false;
  while (keywordAhead(s) === 'not') {
    const w = eatKeyword(s, 'not');
    negated = true;
    if (s.atEnd()) fail(`expected a condition after 'not' at column ${w.start + 1}`, w.start, w.end);
  }
  let node: Node;
  if (s.peek() === '(') {
    const open = s.pos;
    s.pos++;
    if (s.peek() === ')') fail(`empty parentheses at column ${open + 1}`, open, s.pos + 1);
    if (s.atEnd()) fail(`'(' at column ${open + 1} is never closed`, open);
    const inner = parseGroup(s, depth + 1);
    if (!s.eat(')')) {
      if (s.atEnd()) fail(`'(' at column ${open + 1} is never closed`, open);
      const w = s.word();
      const tok = w.text !== '' ? w.text : s.text[s.pos]!;
      fail(
        `unexpected '${tok}' at column ${w.start + 1}: expected 'and', 'or' or ')'`,
        w.start,
        w.start + tok.length,
      );
    }
    node = inner.kind === 'group' ? { ...inner, start: open, end: s.pos } : inner;
    if (inner.kind !== 'group')
      node = { kind: 'group', op: null, children: [inner], start: open, end: s.pos };
  } else {
    node = parseCheck(s);
  }
  return negated ? { kind: 'not', child: node, start, end: node.end } : node;
}

function parseCheck(s: Scanner): CheckNode {
  const f = s.word();
  if (f.text === '') {
    const c = s.text[s.pos];
    if (c === undefined) fail('expected a condition at the end of the filter', s.pos);
    fail(`unexpected '${c}' at column ${s.pos + 1}: expected a field name`, s.pos);
  }
  if (f.text === 'and' || f.text === 'or') {
    fail(`unexpected '${f.text}' at column ${f.start + 1}: expected a condition`, f.start, f.end);
  }
  const field = { name: f.text, start: f.start, end: f.end };
  const o = s.operator();
  if (o === undefined) {
    if (s.atEnd()) fail(`expected an operator after '${f.text}' at the end of the filter`, f.start, f.end);
    const w = s.word();
    const tok = w.text !== '' ? w.text : s.text[s.pos]!;
    fail(
      `unknown operator '${tok}' at column ${w.start + 1}: expected one of =, !=, <, <=, >, >=, contains, icontains, ` +
        'startswith, endswith, glob, in, intersects, pmatch, exists',
      w.start,
      w.start + tok.length,
    );
  }
  const opSpan = { start: o.start, end: o.end };
  if (o.op === 'exists') {
    return { kind: 'check', field, op: o.op, opSpan, values: [], start: f.start, end: o.end };
  }
  const values: ValueNode[] = [];
  if (LIST_OPS.has(o.op)) {
    if (!s.eat('(')) fail(`expected '(' after '${o.op}' at column ${o.start + 1}`, s.pos);
    while (true) {
      const v = s.value(true);
      if (v.start === v.end && s.peek() === undefined)
        fail(`'${o.op}' list at column ${o.start + 1} is never closed`, o.start, o.end);
      values.push(v);
      if (s.eat(')')) break;
      if (s.eat(',')) continue;
      if (s.atEnd()) fail(`'${o.op}' list at column ${o.start + 1} is never closed`, o.start, o.end);
      fail(`expected ',' or ')' at column ${s.pos + 1} in the '${o.op}' list`, s.pos);
    }
    // `in ()` gives one empty value in sysdig; an empty list item is only kept in that case.
    return { kind: 'check', field, op: o.op, opSpan, values, start: f.start, end: s.pos };
  }
  const v = s.value(false);
  values.push(v);
  return { kind: 'check', field, op: o.op, opSpan, values, start: f.start, end: Math.max(v.end, o.end) };
}
