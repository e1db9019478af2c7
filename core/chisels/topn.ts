// table_generator.lua and common.lua's print_sorted_table: group events by one or more key fields,
// sum a value field, print the top N rows sorted by value. The top* chisels are definitions over
// this (tops.ts); the engine's views can aggregate with the same definitions.
import type { EventContext } from '../fields/context.js';
import { extendString, fixed, formatBytes, formatTimeInterval, luaNum } from './luafmt.js';
import type { CaptureEnd, Chisel } from './runner.js';
import type { ChiselEnv } from './fields.js';
import { renderJsonTable } from './json.js';

export type ValueUnits = 'bytes' | 'time' | 'timepct' | 'none';

/** A key column: the field name (for views and filters), the header text, and its extractor. */
export interface TopKey {
  readonly field: string;
  readonly desc: string;
  /** The field's value as Lua would concatenate it; undefined = nil (the event is skipped). */
  get(c: EventContext, env: ChiselEnv): string | number | undefined;
}

export interface TopDefinition {
  readonly keys: readonly TopKey[];
  /** The value field's name and header text. */
  readonly valueField: string;
  readonly valueDesc: string;
  /** The value to add for this event; undefined = nil. Only values > 0 count (table_generator). */
  value(c: EventContext, env: ChiselEnv): number | undefined;
  /** The chisel's filter (its set_filter string, compiled by hand). */
  filter(c: EventContext): boolean;
  /** Rows to print (0 = all). */
  readonly top: number;
  readonly units: ValueUnits;
  /** The keys when sysdig.is_print_container_data() (-pc, -pk, -pm): container columns added. */
  readonly pcKeys?: readonly TopKey[];
}

/** Separator Lua's table_generator puts between the parts of a composite key. */
export const KEY_SEP = '\x01\x01';

/** One key's running sum. */
export interface TopCell {
  sum: number;
}

/** Sum of values per composite key, in first-seen order. */
export class TopTable {
  private readonly cells = new Map<string, TopCell>();

  add(key: string, v: number): void {
    this.cell(key).sum += v;
  }

  /** The cell of `key`, made (at 0) on first use: callers may keep it and add to it directly. */
  cell(key: string): TopCell {
    let c = this.cells.get(key);
    if (c === undefined) {
      c = { sum: 0 };
      this.cells.set(key, c);
    }
    return c;
  }

  /** [key, sum] in first-seen order. */
  entries(): [string, number][] {
    const out: [string, number][] = [];
    for (const [k, c] of this.cells) out.push([k, c.sum]);
    return out;
  }

  clear(): void {
    this.cells.clear();
  }
}

/** The composite key of the event, or undefined when any key field is nil. */
export function compositeKey(keys: readonly TopKey[], c: EventContext, env: ChiselEnv): string | undefined {
  let key: string | undefined;
  for (const k of keys) {
    const v = k.get(c, env);
    if (v === undefined) return undefined;
    const s = typeof v === 'number' ? luaNum(v) : v;
    key = key === undefined ? s : key + KEY_SEP + s;
  }
  return key;
}

/** The composite key of field values (none undefined), as compositeKey builds it. */
function joinKey(parts: readonly (string | number)[]): string {
  let key = '';
  for (let k = 0; k < parts.length; k++) {
    const v = parts[k]!;
    const s = typeof v === 'number' ? luaNum(v) : v;
    key = k === 0 ? s : key + KEY_SEP + s;
  }
  return key;
}

const COL = 20;
const DASHES = '-'.repeat(80);

function valueText(v: number, units: ValueUnits, timedelta: number): string {
  switch (units) {
    case 'bytes':
      return formatBytes(v);
    case 'time':
      return formatTimeInterval(v);
    case 'timepct':
      return timedelta > 0 ? fixed((v / timedelta) * 100, 2) + '%' : '0.00%';
    default:
      return luaNum(v);
  }
}

/**
 * print_sorted_table in text mode: a header of 20-column descriptions, a rule, then the top rows
 * by descending value. Rows with equal values keep first-seen order (Lua's order is arbitrary).
 */
export function renderSortedTable(
  t: TopTable,
  keyDescs: readonly string[],
  valueDesc: string,
  units: ValueUnits,
  top: number,
  timedelta: number,
): string {
  let out = extendString(valueDesc, COL);
  for (const d of keyDescs) out += extendString(d, COL);
  out += '\n' + DASHES + '\n';
  const rows = t.entries();
  rows.sort((a, b) => b[1] - a[1]);
  const n = top === 0 ? rows.length : Math.min(top, rows.length);
  for (let r = 0; r < n; r++) {
    const [k, v] = rows[r]!;
    const parts = k.split(KEY_SEP);
    let keystr = '';
    for (let i = 0; i < parts.length; i++) {
      keystr += i < parts.length - 1 ? extendString(parts[i]!.slice(0, COL), COL) : parts[i]!;
    }
    out += extendString(valueText(v, units, timedelta), COL) + keystr + '\n';
  }
  return out;
}

/** The table_generator chisel for a definition: aggregate, print once at the end of the capture. */
export class TableGenerator implements Chisel {
  readonly table = new TopTable();
  // The key fields' values of the last event counted and the table cell of the key made from them:
  // runs of events with the same key (one process's reads, one file's writes) add to that cell
  // without building the composite key string or looking it up again.
  private readonly lastParts: (string | number | undefined)[];
  private readonly parts: (string | number)[];
  private lastCell: TopCell | undefined;

  constructor(
    readonly def: TopDefinition,
    private readonly env: ChiselEnv,
    private readonly write: (s: string) => void,
  ) {
    this.lastParts = def.keys.map(() => undefined);
    this.parts = def.keys.map(() => '');
  }

  filter(c: EventContext): boolean {
    return this.def.filter(c);
  }

  onEvent(c: EventContext): void {
    const keys = this.def.keys;
    const parts = this.parts;
    const last = this.lastParts;
    let same = this.lastCell !== undefined;
    for (let k = 0; k < keys.length; k++) {
      const v = keys[k]!.get(c, this.env);
      if (v === undefined) return;
      // 0 never matches: -0 === 0, but Lua writes them differently.
      if (v !== last[k] || v === 0) same = false;
      parts[k] = v;
    }
    const v = this.def.value(c, this.env);
    if (v === undefined || !(v > 0)) return;
    let cell = this.lastCell!;
    if (!same) {
      cell = this.table.cell(joinKey(parts));
      for (let k = 0; k < parts.length; k++) last[k] = parts[k];
      this.lastCell = cell;
    }
    cell.sum += v;
  }

  onCaptureEnd(end: CaptureEnd): void {
    const d = this.def;
    if (this.env.json) {
      const keys = d.keys;
      const text = renderJsonTable(
        this.table,
        keys.map((k) => k.field),
        keys.map((k) => k.desc),
        d.valueField,
        d.valueDesc,
        d.top,
        end.lastTs / 1_000_000_000n,
      );
      this.write(text);
      return;
    }
    this.write(
      renderSortedTable(
        this.table,
        d.keys.map((k) => k.desc),
        d.valueDesc,
        d.units,
        d.top,
        Number(end.delta),
      ),
    );
  }
}
