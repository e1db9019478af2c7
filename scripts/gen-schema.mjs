#!/usr/bin/env node
// Generates core/schema/generated/*.ts from falcosecurity/libs C sources.
//
//   node scripts/gen-schema.mjs --compat <src> --newest <src> [--out core/schema/generated]
//
// <src> is either a libs checkout directory or `<git-dir>@<rev>` (read with `git show`, so a bare
// mirror works). --compat must be the libs sysdig 0.29.3 was built on (`sysdig --libs-version`:
// 0.1.1dev+git20220316.e5c53d64); --newest is a recent libs, whose extra event codes are appended
// past COMPAT_EVENT_MAX so newer captures stay readable. Nothing is downloaded here: the caller
// supplies the sources, and the generated modules are committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Env, arrayElements, parseArrays, parseEnums, preprocess, tokenize } from './gen-schema/c-source.mjs';

// ---------------------------------------------------------------------------------------------
// Source access

function openSource(spec) {
  const at = spec.lastIndexOf('@');
  if (at > 0 && !existsSync(join(spec, 'driver'))) {
    const gitDir = spec.slice(0, at);
    const rev = spec.slice(at + 1);
    const git = (...args) =>
      execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const sha = git('rev-parse', `${rev}^{commit}`).trim();
    const date = git('log', '-1', '--format=%cI', sha).trim();
    return {
      label: `falcosecurity/libs commit ${sha} (${date})`,
      sha,
      has: (p) => {
        try {
          execFileSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${sha}:${p}`], { stdio: 'ignore' });
          return true;
        } catch {
          return false;
        }
      },
      read: (p) => git('show', `${sha}:${p}`),
    };
  }
  const dir = resolve(spec);
  if (!existsSync(join(dir, 'driver')))
    throw new Error(`${spec}: not a libs checkout (no driver/) nor <git-dir>@<rev>`);
  let label = `falcosecurity/libs checkout ${dir}`;
  let sha = '';
  try {
    sha = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    label = `falcosecurity/libs commit ${sha}`;
  } catch {
    // Not a git work tree: the path is the best provenance we have.
  }
  return {
    label,
    sha,
    has: (p) => existsSync(join(dir, p)),
    read: (p) => readFileSync(join(dir, p), 'utf8'),
  };
}

// ---------------------------------------------------------------------------------------------
// Extraction

const TYPE_CLASS = {
  flags: new Set([
    'PT_FLAGS8',
    'PT_FLAGS16',
    'PT_FLAGS32',
    'PT_ENUMFLAGS8',
    'PT_ENUMFLAGS16',
    'PT_ENUMFLAGS32',
    'PT_MODE',
  ]),
};

/** Everything one libs revision says about events. */
function extractDriver(src) {
  const defines = new Map();
  // The public header includes feature_gates.h in newer libs; its macros can steer the header.
  if (src.has('driver/feature_gates.h')) preprocess(src.read('driver/feature_gates.h'), defines);
  const header = preprocess(src.read('driver/ppm_events_public.h'), defines);
  const { enums, byTag } = parseEnums(tokenize(header.text), defines);
  const env = new Env(defines, enums, { allowSymbols: true });
  const enumName = (tag, value) => byTag.get(tag).find((n) => enums.get(n) === BigInt(value));

  const arraysOf = (path) => parseArrays(tokenize(preprocess(src.read(path), new Map(defines)).text));
  const flagArrays = arraysOf('driver/flags_table.c');
  const dynArrays = arraysOf('driver/dynamic_params_table.c');
  const eventArrays = arraysOf('driver/event_table.c');

  const str = (node) => {
    const v = env.eval(node.expr);
    if (typeof v !== 'object' || v.str === undefined)
      throw new Error(`expected a string, got ${JSON.stringify(v)}`);
    return v.str;
  };
  const int = (node) => {
    const v = env.eval(node.expr);
    if (typeof v !== 'bigint') throw new Error(`expected an integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const sym = (node) => {
    const v = env.eval(node.expr);
    if (typeof v !== 'object' || v.sym === undefined)
      throw new Error(`expected a table name, got ${JSON.stringify(v)}`);
    return v.sym;
  };

  // Flag tables: {"NAME", value} pairs up to the {0, 0} terminator.
  const flagTables = new Map();
  for (const [name, node] of flagArrays) {
    const rows = [];
    for (const el of arrayElements(node, env)) {
      const [n, v] = el.list;
      const nameVal = env.eval(n.value.expr);
      if (nameVal === 0n) break;
      // ppm_name_value.value is uint32_t: C converts negative or wide constants modulo 2^32.
      rows.push({ name: nameVal.str, value: Number(BigInt.asUintN(32, int(v.value))) });
    }
    flagTables.set(name, rows);
  }

  // Dynamic parameter tables: index -> {type, fmt}; the name field is always empty.
  const dynTables = new Map();
  for (const [name, node] of dynArrays) {
    const els = arrayElements(node, env);
    dynTables.set(
      name,
      Array.from(els, (el, i) => {
        if (!el) throw new Error(`${name}[${i}] missing`);
        const [, t, f] = el.list;
        return { type: Number(int(t.value)), fmt: Number(int(f.value)) };
      }),
    );
  }

  const eventMax = Number(enums.get('PPM_EVENT_MAX'));
  const els = arrayElements(eventArrays.get('g_event_info'), env);
  if (els.length !== eventMax)
    throw new Error(`g_event_info has ${els.length} entries, PPM_EVENT_MAX is ${eventMax}`);
  const ptName = (v) => enumName('ppm_param_type', v);
  const events = els.map((el, code) => {
    if (!el) throw new Error(`g_event_info[${code}] missing`);
    const [nameN, catN, flagsN, nparamsN, paramsN] = el.list.map((x) => x.value);
    const nparams = Number(int(nparamsN));
    const plist = paramsN ? paramsN.list : [];
    if (plist.length < nparams)
      throw new Error(`event ${code}: nparams ${nparams} but ${plist.length} params`);
    const params = plist.slice(0, nparams).map(({ value: p }) => {
      const [pn, pt, pf, info, ninfo] = p.list.map((x) => x.value);
      const type = Number(int(pt));
      const param = { name: str(pn), type, fmt: Number(int(pf)) };
      const tname = ptName(type);
      if (info) {
        if (TYPE_CLASS.flags.has(tname)) {
          const t = sym(info);
          if (!flagTables.has(t)) throw new Error(`event ${code}: unknown flags table ${t}`);
          param.flags = t;
        } else if (tname === 'PT_FSRELPATH') {
          param.dirfdParam = Number(int(info));
        } else if (tname === 'PT_DYN') {
          const t = sym(info);
          const d = dynTables.get(t);
          if (!d) throw new Error(`event ${code}: unknown dynamic table ${t}`);
          if (ninfo && Number(int(ninfo)) !== d.length) throw new Error(`event ${code}: ${t} ninfo mismatch`);
          param.dyn = t;
        } else if (int(info) !== 0n) {
          throw new Error(`event ${code}: info on a ${tname} parameter`);
        }
      }
      return param;
    });
    return {
      code,
      enumName: enumName(byTag.has('ppm_event_type') ? 'ppm_event_type' : 'ppm_event_code', code),
      name: str(nameN),
      category: Number(int(catN)),
      flags: Number(int(flagsN)),
      params,
    };
  });
  return { events, eventMax, flagTables, dynTables, enums, byTag };
}

/** Body of a C function (from its name to the end of its switch) as text. */
function functionBody(text, fn) {
  const start =
    text.indexOf(`::${fn}(`) >= 0 ? text.indexOf(`::${fn}(`) : text.search(new RegExp(`\\b${fn}\\(`));
  if (start < 0) throw new Error(`function ${fn} not found`);
  const open = text.indexOf('{', start);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error(`function ${fn} not terminated`);
}

/** `case LABEL: return "NAME";` pairs of a switch, labels evaluated with `env`. */
function switchNames(body, env) {
  const out = new Map();
  for (const m of body.matchAll(/case\s+(\w+)\s*:\s*return\s+"([^"]*)"\s*;/g)) {
    const v = Number(env.eval(tokenize(m[1])));
    if (!out.has(v)) out.set(v, m[2]); // first case wins, as in a C switch (no duplicates expected)
  }
  return out;
}

/** Userspace tables sysdig renders with: errno/signal names, param type names, syscall names. */
function extractUserspace(src, driver) {
  const utils = src.read('userspace/libsinsp/utils.cpp');
  const errDefs = preprocess(src.read('userspace/libsinsp/sinsp_errno.h')).defines;
  const sigDefs = preprocess(src.read('userspace/libsinsp/sinsp_signal.h')).defines;
  const errno = switchNames(functionBody(utils, 'errno_to_str'), new Env(errDefs, new Map()));
  const signals = switchNames(functionBody(utils, 'signal_to_str'), new Env(sigDefs, new Map()));
  const typeNames = switchNames(
    functionBody(utils, 'param_type_to_string'),
    new Env(new Map(), driver.enums),
  );

  const sc = preprocess(src.read('userspace/libscap/syscall_info_table.c'));
  const scEnv = new Env(sc.defines, driver.enums, { allowSymbols: true });
  const scArrays = parseArrays(tokenize(sc.text));
  const syscalls = arrayElements(scArrays.get('g_syscall_info_table'), scEnv).map((el, i) => {
    if (!el) throw new Error(`g_syscall_info_table[${i}] missing`);
    const v = scEnv.eval(el.list[2].value.expr);
    return v.str;
  });
  const scMax = Number(driver.enums.get('PPM_SC_MAX'));
  if (syscalls.length !== scMax)
    throw new Error(`g_syscall_info_table has ${syscalls.length} entries, PPM_SC_MAX ${scMax}`);
  return { errno, signals, typeNames, syscalls };
}

function enumNameOf(driver, tag, value) {
  return driver.byTag.get(tag)?.find((n) => driver.enums.get(n) === BigInt(value));
}

// ---------------------------------------------------------------------------------------------
// Emission

function header(sources, what) {
  return [
    '// GENERATED by scripts/gen-schema.mjs — do not edit by hand; rerun the generator.',
    `// ${what}`,
    ...sources.map((s) => `// ${s}`),
    '',
  ].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const opt = (k) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const compatSpec = opt('--compat');
  const newestSpec = opt('--newest');
  const outDir = resolve(opt('--out') ?? 'core/schema/generated');
  if (!compatSpec || !newestSpec) {
    console.error(
      'usage: node scripts/gen-schema.mjs --compat <checkout|git-dir@rev> --newest <checkout|git-dir@rev> [--out dir]',
    );
    process.exit(2);
  }
  const compatSrc = openSource(compatSpec);
  const newestSrc = openSource(newestSpec);
  const compat = extractDriver(compatSrc);
  const newest = extractDriver(newestSrc);
  const user = extractUserspace(compatSrc, compat);

  const srcLines = [
    `Event codes 0..${compat.eventMax - 1}, flag/dynamic tables, errno/signal/syscall/type names: ${compatSrc.label},`,
    `  the libs of sysdig 0.29.3 (\`sysdig --libs-version\`: 0.1.1dev+git20220316.e5c53d64).`,
    `Event codes ${compat.eventMax}..${newest.eventMax - 1} (newer than sysdig 0.29.3): ${newestSrc.label}.`,
  ];

  // Newer revisions may change a flag table; events past the compat range use the newer one
  // (key suffixed '@newest'), compat events keep what sysdig 0.29.3 prints.
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const newestFlagKey = (name) =>
    compat.flagTables.has(name) && same(compat.flagTables.get(name), newest.flagTables.get(name))
      ? ''
      : '@newest';
  const newestDynKey = (name) =>
    compat.dynTables.has(name) && same(compat.dynTables.get(name), newest.dynTables.get(name))
      ? ''
      : '@newest';
  const usedNewestFlags = new Set();
  const usedNewestDyn = new Set();
  const newerEvents = newest.events.slice(compat.eventMax);
  for (const e of newerEvents)
    for (const p of e.params) {
      if (p.flags && newestFlagKey(p.flags)) usedNewestFlags.add(p.flags);
      if (p.dyn && newestDynKey(p.dyn)) usedNewestDyn.add(p.dyn);
    }

  // Newer libs only ever append parameters to an existing event code. Keep those appended
  // parameters (checked to extend the compat list) so newer captures' extra values can be named.
  const appended = new Map();
  for (const e of compat.events) {
    const n = newest.events[e.code];
    if (n.enumName !== e.enumName && !(e.flags & 64))
      console.warn(`note: code ${e.code} is ${e.enumName} in compat, ${n.enumName} in newest`);
    if (n.params.length <= e.params.length) continue;
    const prefixOk = e.params.every((p, i) => p.name === n.params[i].name && p.type === n.params[i].type);
    if (!prefixOk) {
      console.warn(`note: code ${e.code} ${e.name}: newest params do not extend compat ones; not appended`);
      continue;
    }
    appended.set(e.code, n.params.slice(e.params.length));
  }
  for (const ps of appended.values())
    for (const p of ps) {
      if (p.flags && newestFlagKey(p.flags)) usedNewestFlags.add(p.flags);
      if (p.dyn && newestDynKey(p.dyn)) usedNewestDyn.add(p.dyn);
    }

  mkdirSync(outDir, { recursive: true });
  const write = (file, text) => writeFileSync(join(outDir, file), text);

  const paramRow = (p, newer) => {
    const row = [p.name, p.type, p.fmt];
    if (p.flags !== undefined) row.push(p.flags + (newer ? newestFlagKey(p.flags) : ''));
    else if (p.dyn !== undefined) row.push(p.dyn + (newer ? newestDynKey(p.dyn) : ''));
    else if (p.dirfdParam !== undefined) row.push(p.dirfdParam);
    return row;
  };
  const eventRow = (e, newer) => {
    const row = [e.name, e.category, e.flags, e.params.map((p) => paramRow(p, newer))];
    if (!newer && appended.has(e.code)) row.push(appended.get(e.code).map((p) => paramRow(p, true)));
    return row;
  };
  const flagRows = (rows) => rows.map((r) => [r.name, r.value]);
  const dynRows = (rows) => rows.map((r) => [r.type, r.fmt]);
  const typeNames = [];
  const ptMax = Number(newest.enums.get('PT_MAX'));
  for (let i = 0; i < ptMax; i++) typeNames.push(user.typeNames.get(i) ?? '<NA>');
  // ppm_param_type names of the newest libs, for types 0.29.3 cannot name (ENUMFLAGS32...).
  const typeEnumNames = [];
  for (let i = 0; i < ptMax; i++)
    typeEnumNames.push((enumNameOf(newest, 'ppm_param_type', i) ?? '').replace(/^PT_/, ''));
  const pairs = (m) => [...m].sort((a, b) => a[0] - b[0]);

  // data.ts: all tables as one JSON text. JSON.parse of one string loads several times faster
  // than the equivalent object literals spread over modules, and the CLI pays it on every start.
  // One row per line keeps the file reviewable and its diffs readable.
  {
    const J = JSON.stringify;
    const section = (key, items, last = false) => [
      `"${key}": [`,
      items.map(J).join(',\n'),
      last ? ']' : '],',
    ];
    const objSection = (key, entries) => [
      `"${key}": {`,
      entries.map(([k, v]) => `${J(k)}: ${J(v)}`).join(',\n'),
      '},',
    ];
    const body = [
      '{',
      ...section('events', [
        ...compat.events.map((e) => eventRow(e, false)),
        ...newerEvents.map((e) => eventRow(e, true)),
      ]),
      ...objSection('flags', [
        ...[...compat.flagTables].map(([k, rows]) => [k, flagRows(rows)]),
        ...[...usedNewestFlags].sort().map((k) => [k + newestFlagKey(k), flagRows(newest.flagTables.get(k))]),
      ]),
      ...objSection('dyn', [
        ...[...compat.dynTables].map(([k, rows]) => [k, dynRows(rows)]),
        ...[...usedNewestDyn].sort().map((k) => [k + newestDynKey(k), dynRows(newest.dynTables.get(k))]),
      ]),
      ...section('errno', pairs(user.errno)),
      ...section('signals', pairs(user.signals)),
      ...section('syscalls', user.syscalls),
      ...section('typeNames', typeNames),
      ...section('typeEnumNames', typeEnumNames, true),
      '}',
    ].join('\n');
    if (/[`\\]|\$\{/.test(body)) throw new Error('table text needs escaping for a template literal');
    const lines = [
      header(
        srcLines,
        'All schema tables as JSON; shapes in ../rows.ts. Event row: [name, EC_*, EF_*, params,\n' +
          '// params newer libs appended?];\n' +
          '// param row: [name, PT_*, PF_*, flags/dyn table key | dirfd param index]; flag row: [name, value].',
      ),
      "import type { SchemaData } from '../rows.js';",
      '',
      `/** Codes below this are sysdig 0.29.3's own table; codes from here on are newer libs' additions. */`,
      `export const COMPAT_EVENT_MAX = ${compat.eventMax};`,
      `/** PPM_EVENT_MAX of the newest libs the table was generated from. */`,
      `export const NEWEST_EVENT_MAX = ${newest.eventMax};`,
      '',
      `export const DATA: SchemaData = JSON.parse(\``,
      body,
      '`);',
      '',
    ];
    write('data.ts', lines.join('\n'));
  }

  // ppme.ts: a const enum, so PPME.SYSCALL_OPEN_X compiles to 3 and costs nothing at load.
  {
    const names = newest.events.map((e, code) =>
      code < compat.eventMax ? compat.events[code].enumName : e.enumName,
    );
    const lines = [
      header(srcLines, 'ppm_event_type constants (PPME_ prefix dropped).'),
      'export const enum PPME {',
      ...names.map((n, code) => `  ${n.replace(/^PPME_/, '')} = ${code},`),
      '}',
      '',
    ];
    write('ppme.ts', lines.join('\n'));
  }

  console.log(
    `events: ${compat.eventMax} compat + ${newerEvents.length} newer; flag tables: ${compat.flagTables.size} (+${usedNewestFlags.size} newer); ` +
      `dyn tables: ${compat.dynTables.size} (+${usedNewestDyn.size}); errno: ${user.errno.size}; signals: ${user.signals.size}; syscalls: ${user.syscalls.length}`,
  );
}

main();
