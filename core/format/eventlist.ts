// `sysdig -L`: one line per event the user can see, `> name(TYPE pname, ...)`. Like libsinsp's
// list_events, events flagged unused or old-version and internal-category events are left out.
import { COMPAT_EVENT_MAX, EC, EF, EVENTS, paramTypeName, type EventInfo } from '../schema/index.js';

/** Whether `sysdig -L` lists this event. */
export function isListedEvent(e: EventInfo): boolean {
  return (e.flags & (EF.UNUSED | EF.OLD_VERSION)) === 0 && (e.category & EC.INTERNAL) === 0;
}

/** One `-L` line (without the newline). */
export function eventListLine(e: EventInfo): string {
  const newer = e.code >= COMPAT_EVENT_MAX;
  const params = e.params.map((p) => `${paramTypeName(p.type, newer)} ${p.name}`).join(', ');
  return `${e.dir} ${e.name}(${params})`;
}

/**
 * The whole `sysdig -L` text. By default only sysdig 0.29.3's own codes, so the output matches it
 * byte for byte; `includeNewer` also lists events of newer libs.
 */
export function renderEventList(opts: { includeNewer?: boolean } = {}): string {
  const max = opts.includeNewer ? EVENTS.length : COMPAT_EVENT_MAX;
  let out = '';
  for (let code = 0; code < max; code++) {
    const e = EVENTS[code];
    if (isListedEvent(e)) out += eventListLine(e) + '\n';
  }
  return out;
}
