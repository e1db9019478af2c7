// Turning a drill-down value into filter text. Values come from the capture (file names, process
// names, buffers) and are hostile: quotes, backslashes, blanks, parentheses and control bytes
// must survive the trip through the filter lexer unchanged (Sysdig Inspect pastes them raw and
// breaks on the first quote). The lexer (core/filter/lex.ts) closes a quoted value on either
// quote character and unescapes `\\`, `\"` and `\xHH` (one latin1 char per byte).

const HEX = '0123456789abcdef';

function hexByte(b: number): string {
  return '\\x' + HEX[b >> 4]! + HEX[b & 15]!;
}

/** A value as a double-quoted filter literal that the lexer reads back as exactly `v`. */
export function quoteFilterValue(v: string): string {
  let out = '"';
  for (const ch of v) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === "'") out += hexByte(0x27);
    else if (c < 0x20 || c === 0x7f) out += hexByte(c);
    else if (c <= 0x7e) out += ch;
    else if (c <= 0xff) out += hexByte(c);
    else for (const b of new TextEncoder().encode(ch)) out += hexByte(b);
  }
  return out + '"';
}

/** `field = "value"`, or for numbers the bare number. */
export function equalsFilter(field: string, value: string | number): string {
  return typeof value === 'number' ? `${field}=${value}` : `${field}=${quoteFilterValue(value)}`;
}

/** Joins filter clauses with `and`, parenthesising each (sysdig has no and/or precedence). */
export function andFilters(parts: readonly (string | undefined)[]): string {
  const p = parts.filter((x): x is string => x !== undefined && x.trim() !== '');
  if (p.length <= 1) return p[0] ?? '';
  return p.map((x) => `(${x})`).join(' and ');
}
