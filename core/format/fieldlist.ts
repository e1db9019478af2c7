// `capsight -l`: the field list in sysdig 0.29.3's layout (libsinsp's filter_fieldclass_info::
// as_string): a dashed rule, "Field Class:" and "Description:" labels padded to column 30, then one
// entry per field with the description word-wrapped so no line passes column 120. Hidden fields
// (TABLE_ONLY) and print-only ones are left out; filter-only ones get a "(FILTER ONLY)" tag.
import { FIELD_CLASSES } from '../fields/catalog.js';
import { FieldFlag, type FieldClassInfo } from '../fields/types.js';
import { PT_NAMES } from '../schema/index.js';

const RIGHT = 30;
const WIDTH = 120;

/** Words separated by single spaces, each followed by a space, wrapped at WIDTH (RIGHT-indented). */
function wrap(text: string): string {
  let out = '';
  let len = 0;
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    const wl = word.length + 1;
    if (len + wl <= WIDTH - RIGHT) len += wl;
    else {
      out += '\n' + ' '.repeat(RIGHT);
      len = wl;
    }
    out += word + ' ';
  }
  return out;
}

function pad(s: string): string {
  return s.length >= RIGHT ? s : s + ' '.repeat(RIGHT - s.length);
}

function renderClass(c: FieldClassInfo, verbose: boolean): string {
  let out = '-------------------------------\n';
  out += pad('Field Class:') + c.name + (c.shortdesc !== '' ? ` (${c.shortdesc})` : '') + '\n';
  if (c.desc !== '') out += pad('Description:') + wrap(c.desc) + '\n';
  out += '\n';
  for (const [name, type, , flags, desc] of c.fields) {
    if (flags & (FieldFlag.TABLE_ONLY | FieldFlag.PRINT_ONLY)) continue;
    out += name.length > RIGHT ? name + '\n' + ' '.repeat(RIGHT) : pad(name);
    // -lv: the value type leads the description (and its wrapping).
    const typeTag = verbose ? `(Type: ${PT_NAMES[type] ?? 'NONE'}) ` : '';
    out += wrap(typeTag + (flags & FieldFlag.FILTER_ONLY ? '(FILTER ONLY) ' : '') + desc) + '\n';
  }
  return out;
}

/** The whole `-l` output. */
export function renderFieldList(classes: readonly FieldClassInfo[] = FIELD_CLASSES, verbose = false): string {
  let out = '';
  for (const c of classes) out += renderClass(c, verbose) + '\n';
  return out;
}

/**
 * `--list-markdown`: per class a "## Field Class:" heading, its description, and a table of the
 * fields (backquoted name, type name, description) without the hidden and print-only ones.
 */
export function renderFieldListMarkdown(classes: readonly FieldClassInfo[] = FIELD_CLASSES): string {
  let out = '';
  for (const c of classes) {
    out += `\n## Field Class: ${c.name}\n\n${c.desc}\n\nName | Type | Description\n:----|:-----|:-----------\n`;
    for (const [name, type, , flags, desc] of c.fields) {
      if (flags & (FieldFlag.TABLE_ONLY | FieldFlag.PRINT_ONLY)) continue;
      out += `\`${name}\` | ${PT_NAMES[type] ?? 'NONE'} | ${desc}\n`;
    }
  }
  return out;
}
