// Scanner for sysdig filters. The language is context sensitive (a field name stops at `=`, a value
// does not), so the parser asks for the kind of token it expects next: a word (field name or
// keyword), an operator, or a value. The rules follow libsinsp's filter compiler of sysdig 0.29.3:
// - a word runs until a blank or one of `( ) ! = < > ,`;
// - an operator is matched by prefix, so `containsfoo` is `contains` + `foo`;
// - a value is quoted ('...' or "...", either quote closes it) or runs until a blank or a
//   parenthesis (and, inside an `in (...)` list, a comma); `\\`, `\"` and `\xHH` are escapes, any
//   other backslash is kept as written.
import { fail, OPERATORS, type CmpOp, type ValueNode } from './ast.js';

const BLANK = new Set([' ', '\t', '\n', '\r']);
const WORD_END = new Set([' ', '\t', '\n', '\r', '(', ')', '!', '=', '<', '>', ',']);

export function isBlank(c: string | undefined): boolean {
  return c !== undefined && BLANK.has(c);
}

export class Scanner {
  pos = 0;
  /**
   * @param sysdigCompat read `==` as sysdig 0.29.3 does: the operator `=` followed by a value that
   *   starts with `=` (so `proc.name==curl` matches nothing). Otherwise `==` is `=`.
   */
  constructor(
    readonly text: string,
    readonly sysdigCompat = false,
  ) {}

  skipBlanks(): void {
    while (this.pos < this.text.length && BLANK.has(this.text[this.pos]!)) this.pos++;
  }

  atEnd(): boolean {
    this.skipBlanks();
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    this.skipBlanks();
    return this.text[this.pos];
  }

  /** Consume `c` if it is the next non-blank char. */
  eat(c: string): boolean {
    if (this.peek() === c) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** A field name or keyword; '' when the next char cannot start one. */
  word(): { text: string; start: number; end: number } {
    this.skipBlanks();
    const start = this.pos;
    const t = this.text;
    let p = start;
    // A field argument in brackets ends there too (`proc.aname[ 1]` is the field `proc.aname[`).
    while (p < t.length && !WORD_END.has(t[p]!)) p++;
    this.pos = p;
    return { text: t.slice(start, p), start, end: p };
  }

  /** The comparison operator at the cursor, or undefined. `==` is taken as `=` (see sysdigCompat). */
  operator(): { op: CmpOp; start: number; end: number } | undefined {
    this.skipBlanks();
    const t = this.text;
    const start = this.pos;
    if (t.startsWith('==', start)) {
      this.pos += this.sysdigCompat ? 1 : 2;
      return { op: '=', start, end: this.pos };
    }
    for (const op of OPERATORS) {
      if (t.startsWith(op, start)) {
        this.pos += op.length;
        return { op, start, end: this.pos };
      }
    }
    return undefined;
  }

  /** A value; `inList` makes a comma end an unquoted value. */
  value(inList: boolean): ValueNode {
    this.skipBlanks();
    const t = this.text;
    const start = this.pos;
    let p = start;
    const quote = t[p] === '"' || t[p] === "'" ? t[p] : undefined;
    if (quote !== undefined) p++;
    let out = '';
    while (p < t.length) {
      const c = t[p]!;
      if (quote !== undefined) {
        if (c === '"' || c === "'") {
          this.pos = p + 1;
          return { text: out, quoted: true, start, end: p + 1 };
        }
      } else if (BLANK.has(c) || c === '(' || c === ')' || (inList && c === ',')) break;
      if (c === '\\') {
        const n = t[p + 1];
        // sinsp_filter_compiler::next_operand: an escape cut off by the end of the filter text is
        // dropped; one cut off by the end of an unquoted word is an error.
        if (n === undefined) {
          if (quote === undefined) {
            p = t.length;
            break;
          }
          fail('unfinished escape sequence at end of value', p, p + 1);
        }
        if (quote === undefined && (BLANK.has(n) || n === '(' || n === ')' || (inList && n === ',')))
          fail('unfinished escape sequence at end of value', p, p + 1);
        if (n === '\\' || n === '"') {
          out += n;
          p += 2;
        } else if (n === 'x') {
          const hex = t.slice(p + 2, p + 4);
          if (quote === undefined && p + 2 + hex.length === t.length && /^[0-9a-fA-F]?$/.test(hex)) {
            p = t.length;
            break;
          }
          if (!/^[0-9a-fA-F]{2}$/.test(hex))
            fail(`invalid escape '\\x${hex}': expected two hex digits`, p, p + 4);
          out += String.fromCharCode(parseInt(hex, 16));
          p += 4;
        } else {
          out += '\\' + n;
          p += 2;
        }
        continue;
      }
      out += c;
      p++;
    }
    if (quote !== undefined) fail(`unterminated string starting at column ${start + 1}`, start, t.length);
    this.pos = p;
    return { text: out, quoted: false, start, end: p };
  }
}
