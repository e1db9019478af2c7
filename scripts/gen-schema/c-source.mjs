// A deliberately small C front end for the handful of falcosecurity/libs sources the schema
// generator reads: enough of the preprocessor (conditionals, object- and function-like #defines),
// a tokenizer, brace-initializer parsing with designators, and integer constant evaluation.
// It is not a C compiler; it rejects what it does not understand instead of guessing.

/** Macros taken as defined when evaluating #if/#ifdef. The oracle is a 64-bit Linux userspace
 * build (sysdig links libscap/libsinsp, which compile these tables without __KERNEL__ and
 * without the kernel's CONFIG_64BIT), so CONFIG_64BIT-guarded fcntl entries are *included*. */
const USERSPACE_DEFINES = new Set(['__GNUC__', '__linux__', '__x86_64__']);

/** Remove comments and line continuations, keeping string/char literals intact. */
export function stripComments(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated comment');
      // Keep newlines so line numbers in errors stay meaningful.
      out += src.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\\\r?\n/g, ' ');
}

/**
 * Run the conditional-inclusion part of the preprocessor and collect #defines.
 * Returns the surviving text and a Map name -> {params: string[]|null, body: string}.
 */
export function preprocess(src, defines = new Map()) {
  const lines = stripComments(src).split('\n');
  const kept = [];
  // Each frame: {active: this branch is on, taken: some branch already taken, parent: enclosing active}
  const stack = [];
  const active = () => stack.every((f) => f.active);
  for (const line of lines) {
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
    if (!m) {
      kept.push(active() ? line : '');
      continue;
    }
    kept.push('');
    const [, dir, rest] = m;
    switch (dir) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let cond = false;
        if (active()) {
          if (dir === 'ifdef') cond = isDefined(rest.trim(), defines);
          else if (dir === 'ifndef') cond = !isDefined(rest.trim(), defines);
          else cond = evalCondition(rest, defines);
        }
        stack.push({ active: cond, taken: cond });
        break;
      }
      case 'elif': {
        const f = stack[stack.length - 1];
        if (!f) throw new Error('#elif without #if');
        const outer = stack.slice(0, -1).every((x) => x.active);
        f.active = outer && !f.taken && evalCondition(rest, defines);
        f.taken ||= f.active;
        break;
      }
      case 'else': {
        const f = stack[stack.length - 1];
        if (!f) throw new Error('#else without #if');
        f.active = !f.taken;
        f.taken = true;
        break;
      }
      case 'endif':
        if (!stack.pop()) throw new Error('#endif without #if');
        break;
      case 'define': {
        if (!active()) break;
        const d = /^(\w+)(\(([^)]*)\))?\s*(.*)$/.exec(rest);
        if (!d) throw new Error(`cannot parse #define ${rest}`);
        const params = d[2]
          ? d[3]
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : null;
        defines.set(d[1], { params, body: d[4].trim() });
        break;
      }
      case 'undef':
        if (active()) defines.delete(rest.trim());
        break;
      default:
        // #include, #pragma, #error inside inactive code...: nothing the tables depend on.
        break;
    }
  }
  if (stack.length) throw new Error('unterminated #if');
  return { text: kept.join('\n'), defines };
}

function isDefined(name, defines) {
  return defines.has(name) || USERSPACE_DEFINES.has(name);
}

function evalCondition(expr, defines) {
  // Replace defined(X) / defined X first, then evaluate; unknown identifiers are 0 as in cpp.
  const replaced = expr.replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g, (_, a, b) =>
    isDefined(a ?? b, defines) ? '1' : '0',
  );
  const env = new Env(defines, new Map(), { unknownIsZero: true });
  return env.eval(tokenize(replaced)) !== 0n;
}

const PUNCT = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '...'];

/** Tokens: {t: 'id'|'num'|'str'|'chr'|'p', v: string}. Adjacent string literals are joined. */
export function tokenize(text) {
  const toks = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /\w/.test(text[j])) j++;
      toks.push({ t: 'id', v: text.slice(i, j) });
      i = j;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(text[j])) j++;
      toks.push({ t: 'num', v: text.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') {
          const e = text[j + 1];
          const map = { n: '\n', t: '\t', r: '\r', 0: '\0', '\\': '\\', '"': '"', "'": "'" };
          if (!(e in map)) throw new Error(`unsupported escape \\${e}`);
          s += map[e];
          j += 2;
        } else s += text[j++];
      }
      if (j >= n) throw new Error('unterminated literal');
      const prev = toks[toks.length - 1];
      if (c === '"' && prev && prev.t === 'str') prev.v += s;
      else toks.push({ t: c === '"' ? 'str' : 'chr', v: s });
      i = j + 1;
      continue;
    }
    const p = PUNCT.find((q) => text.startsWith(q, i));
    if (p) {
      toks.push({ t: 'p', v: p });
      i += p.length;
    } else {
      toks.push({ t: 'p', v: c });
      i++;
    }
  }
  return toks;
}

function parseNumber(s) {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(s);
  if (!m) throw new Error(`unsupported number literal ${s}`);
  const body = m[1];
  if (/^0[0-7]+$/.test(body)) return BigInt('0o' + body.slice(1));
  return BigInt(body);
}

const TYPE_WORDS = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'unsigned',
  'signed',
  'const',
  'enum',
  'struct',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
]);

/**
 * Evaluates constant expressions. Values are BigInt for integers, {str} for string literals and
 * {sym} for the address of a named object (a flags table, a dynamic-param table).
 */
export class Env {
  constructor(defines, enums, opts = {}) {
    this.defines = defines;
    this.enums = enums;
    this.unknownIsZero = !!opts.unknownIsZero;
    this.allowSymbols = !!opts.allowSymbols;
  }

  eval(tokens) {
    const p = new ExprParser(this.expand(tokens, new Set()), this);
    const v = p.ternary();
    if (!p.done()) throw new Error(`trailing tokens in expression: ${fmtToks(tokens)}`);
    return v;
  }

  /** Macro-expand a token list (object-like and function-like macros, no # or ##). */
  expand(tokens, hide) {
    const out = [];
    for (let i = 0; i < tokens.length; i++) {
      const tk = tokens[i];
      const def = tk.t === 'id' && !hide.has(tk.v) ? this.defines.get(tk.v) : undefined;
      if (!def) {
        out.push(tk);
        continue;
      }
      const inner = new Set(hide).add(tk.v);
      if (def.params === null) {
        out.push(...this.expand(tokenize(def.body), inner));
        continue;
      }
      if (tokens[i + 1]?.v !== '(') {
        out.push(tk);
        continue;
      }
      // Collect arguments up to the matching parenthesis.
      const args = [[]];
      let depth = 0;
      let j = i + 2;
      for (; j < tokens.length; j++) {
        const v = tokens[j].v;
        if (tokens[j].t === 'p' && v === '(') depth++;
        if (tokens[j].t === 'p' && v === ')') {
          if (depth === 0) break;
          depth--;
        }
        if (tokens[j].t === 'p' && v === ',' && depth === 0) args.push([]);
        else args[args.length - 1].push(tokens[j]);
      }
      if (j >= tokens.length) throw new Error(`unterminated macro call ${tk.v}`);
      const body = tokenize(def.body).flatMap((b) => {
        const k = b.t === 'id' ? def.params.indexOf(b.v) : -1;
        return k >= 0 ? [{ t: 'p', v: '(' }, ...(args[k] ?? []), { t: 'p', v: ')' }] : [b];
      });
      out.push(...this.expand(body, inner));
      i = j;
    }
    return out;
  }

  ident(name) {
    if (this.enums.has(name)) return this.enums.get(name);
    if (name === 'NULL') return 0n;
    if (this.unknownIsZero) return 0n;
    if (this.allowSymbols) return { sym: name };
    throw new Error(`unknown identifier ${name}`);
  }
}

function fmtToks(tokens) {
  return tokens.map((t) => (t.t === 'str' ? JSON.stringify(t.v) : t.v)).join(' ');
}

const BINARY = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

class ExprParser {
  constructor(tokens, env) {
    this.toks = tokens;
    this.i = 0;
    this.env = env;
  }
  done() {
    return this.i >= this.toks.length;
  }
  peek(k = 0) {
    return this.toks[this.i + k];
  }
  take(v) {
    const t = this.peek();
    if (t && t.t === 'p' && t.v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  ternary() {
    const c = this.binary(0);
    if (!this.take('?')) return c;
    const a = this.ternary();
    if (!this.take(':')) throw new Error('expected : in ?:');
    const b = this.ternary();
    return num(c) !== 0n ? a : b;
  }
  binary(level) {
    if (level >= BINARY.length) return this.unary();
    let l = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'p' || !BINARY[level].includes(t.v)) return l;
      this.i++;
      const r = this.binary(level + 1);
      l = applyBinary(t.v, num(l), num(r));
    }
  }
  unary() {
    const t = this.peek();
    if (!t) throw new Error('unexpected end of expression');
    if (t.t === 'p') {
      if (t.v === '-') return (this.i++, -num(this.unary()));
      if (t.v === '+') return (this.i++, num(this.unary()));
      if (t.v === '~') return (this.i++, ~num(this.unary()));
      if (t.v === '!') return (this.i++, num(this.unary()) === 0n ? 1n : 0n);
      if (t.v === '&') return (this.i++, this.unary()); // &table[0]-style: keep the symbol
      if (t.v === '(') {
        if (this.isCast()) {
          while (!this.take(')')) this.i++;
          return this.unary();
        }
        this.i++;
        const v = this.ternary();
        if (!this.take(')')) throw new Error('expected )');
        return v;
      }
    }
    this.i++;
    if (t.t === 'num') return parseNumber(t.v);
    if (t.t === 'str') return { str: t.v };
    if (t.t === 'chr') return BigInt(t.v.codePointAt(0) ?? 0);
    if (t.t === 'id') {
      if (t.v === 'sizeof') throw new Error('sizeof is not supported');
      return this.env.ident(t.v);
    }
    throw new Error(`unexpected token ${t.v}`);
  }
  /** A parenthesised type name: only type words, enum/struct tags and '*'. */
  isCast() {
    let k = 1;
    let sawType = false;
    for (;;) {
      const t = this.peek(k);
      if (!t) return false;
      if (t.t === 'p' && t.v === ')') return sawType;
      if (t.t === 'p' && t.v === '*') {
        k++;
        continue;
      }
      if (t.t !== 'id') return false;
      const prev = this.peek(k - 1);
      const isTag = prev && prev.t === 'id' && (prev.v === 'enum' || prev.v === 'struct');
      if (!TYPE_WORDS.has(t.v) && !isTag) return false;
      sawType = true;
      k++;
    }
  }
}

function num(v) {
  if (typeof v === 'bigint') return v;
  throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
}

function applyBinary(op, a, b) {
  switch (op) {
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '&':
      return a & b;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    default:
      throw new Error(`operator ${op}`);
  }
}

/** All `enum [tag] { A = x, B, ... }` constants, evaluated in order. Returns Map name -> BigInt
 * and Map tag -> [names in order]. */
export function parseEnums(tokens, defines, enums = new Map()) {
  const byTag = new Map();
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].t !== 'id' || tokens[i].v !== 'enum') continue;
    let j = i + 1;
    let tag = '';
    if (tokens[j]?.t === 'id') tag = tokens[j++].v;
    if (tokens[j]?.v !== '{') continue;
    const names = [];
    let next = 0n;
    j++;
    while (tokens[j] && tokens[j].v !== '}') {
      const name = tokens[j].v;
      j++;
      let value = next;
      if (tokens[j]?.v === '=') {
        const start = ++j;
        let depth = 0;
        while (tokens[j] && !(depth === 0 && (tokens[j].v === ',' || tokens[j].v === '}'))) {
          if (tokens[j].v === '(') depth++;
          if (tokens[j].v === ')') depth--;
          j++;
        }
        value = new Env(defines, enums).eval(tokens.slice(start, j));
      }
      enums.set(name, value);
      names.push(name);
      next = value + 1n;
      if (tokens[j]?.v === ',') j++;
    }
    // `typedef enum { ... } name;` names the enum after its closing brace.
    if (!tag && tokens[i - 1]?.v === 'typedef' && tokens[j + 1]?.t === 'id') tag = tokens[j + 1].v;
    if (tag) byTag.set(tag, names);
    i = j;
  }
  return { enums, byTag };
}

/**
 * Find `<type words> NAME[...] = { ... };` array definitions and return Map NAME -> initializer
 * tree. An initializer node is {list: [{designator?: tokens, value: node}]} or {expr: tokens}.
 */
export function parseArrays(tokens) {
  const arrays = new Map();
  for (let i = 0; i + 3 < tokens.length; i++) {
    if (tokens[i].t !== 'id' || tokens[i + 1]?.v !== '[') continue;
    // The name must follow a type, and the brackets be followed by '= {'.
    let j = i + 2;
    while (tokens[j] && tokens[j].v !== ']') j++;
    if (tokens[j + 1]?.v !== '=' || tokens[j + 2]?.v !== '{') continue;
    const prev = tokens[i - 1];
    if (!prev || prev.t !== 'id') continue;
    const { node, end } = parseInitializer(tokens, j + 2);
    arrays.set(tokens[i].v, node);
    i = end;
  }
  return arrays;
}

function parseInitializer(tokens, i) {
  if (tokens[i].v !== '{') {
    const start = i;
    let depth = 0;
    while (tokens[i] && !(depth === 0 && (tokens[i].v === ',' || tokens[i].v === '}'))) {
      if (tokens[i].v === '(' || tokens[i].v === '[') depth++;
      if (tokens[i].v === ')' || tokens[i].v === ']') depth--;
      i++;
    }
    return { node: { expr: tokens.slice(start, i) }, end: i };
  }
  i++;
  const list = [];
  while (tokens[i] && tokens[i].v !== '}') {
    let designator;
    if (tokens[i].v === '[') {
      const start = i + 1;
      while (tokens[i].v !== ']') i++;
      designator = tokens.slice(start, i);
      i++;
      if (tokens[i].v !== '=') throw new Error('expected = after designator');
      i++;
    } else if (tokens[i].v === '.' && tokens[i + 1]?.t === 'id' && tokens[i + 2]?.v === '=') {
      throw new Error('field designators are not supported');
    }
    const { node, end } = parseInitializer(tokens, i);
    list.push(designator ? { designator, value: node } : { value: node });
    i = end;
    if (tokens[i]?.v === ',') i++;
  }
  if (!tokens[i]) throw new Error('unterminated initializer');
  return { node: { list }, end: i + 1 };
}

/** Lay an array initializer out by index, honouring [index] designators. */
export function arrayElements(node, env) {
  if (!node.list) throw new Error('expected a braced initializer');
  const out = [];
  let idx = 0;
  for (const el of node.list) {
    if (el.designator) idx = Number(env.eval(el.designator));
    if (out[idx] !== undefined) throw new Error(`element ${idx} initialised twice`);
    out[idx] = el.value;
    idx++;
  }
  return out;
}
