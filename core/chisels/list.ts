// `sysdig -cl`: the chisels grouped by category (sorted by category, then name, byte order), names
// padded to column 16 (or on a line of their own when longer), descriptions wrapped every 63 chars;
// and `sysdig -i NAME`, one chisel in detail.
import { allChisels, chiselInfo, type ChiselInfo } from './catalog.js';
import { CHISEL_INFO } from './info.js';

const DESC_COL = 16;
const LINE = 79;

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function renderChiselList(chisels: readonly ChiselInfo[] = allChisels()): string {
  const list = chisels
    .filter((c) => !c.hidden)
    .sort((a, b) =>
      a.category === b.category ? byteOrder(a.name, b.name) : byteOrder(a.category, b.category),
    );
  let out = '';
  let last: string | undefined;
  for (const c of list) {
    if (c.category !== last) {
      const title = 'Category: ' + c.category;
      out += `\n${title}\n${'-'.repeat(title.length)}\n`;
      last = c.category;
    }
    out += entry(c);
  }
  return out + '\nUse the -i flag to get detailed information about a specific chisel\n';
}

/** A chisel's line(s) in the list: name, then the short description cut into pieces. */
function entry(c: ChiselInfo): string {
  let out = c.name;
  let namelen = c.name.length;
  if (namelen >= DESC_COL) {
    out += '\n';
    namelen = 0;
  }
  out += ' '.repeat(DESC_COL - namelen);
  const d = c.shortDesc;
  for (let l = 0; l < d.length; l++) {
    if (l % (LINE - DESC_COL) === 0 && l !== 0) out += '\n' + ' '.repeat(DESC_COL);
    out += d[l];
  }
  return out + '\n';
}

/** `s` cut every `width` characters, continuation lines after `indent`. */
function cut(s: string, width: number, indent = ''): string {
  const parts: string[] = [];
  for (let k = 0; k < s.length; k += width) parts.push(s.slice(k, k + width));
  return parts.join('\n' + indent);
}

/**
 * `sysdig -i NAME`: the chisel's category heading and list entry, its description cut every 79
 * characters, and its arguments as `[type] name - description` cut every 63 characters with
 * continuations indented 16 (or `(None)`). Undefined for a chisel `-cl` does not list.
 */
export function renderChiselInfo(name: string): string | undefined {
  const c = chiselInfo(name);
  const more = CHISEL_INFO[name];
  if (c === undefined || c.hidden || more === undefined) return undefined;
  const [desc, argDescs] = more;
  const title = 'Category: ' + c.category;
  let out = `\n${title}\n${'-'.repeat(title.length)}\n${entry(c)}\n${cut(desc, LINE)}\nArgs:\n`;
  if (c.args.length === 0) return out + '(None)\n';
  c.args.forEach((a, k) => {
    out += cut(`[${a.type}] ${a.name} - ${argDescs[k] ?? ''}`, 63, ' '.repeat(DESC_COL)) + '\n';
  });
  return out + '\n';
}
