// `sysdig -cl`: the chisels grouped by category (sorted by category, then name, byte order), names
// padded to column 16 (or on a line of their own when longer), descriptions wrapped every 63 chars.
import { allChisels, type ChiselInfo } from './catalog.js';

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
    out += c.name;
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
    out += '\n';
  }
  return out + '\nUse the -i flag to get detailed information about a specific chisel\n';
}
