// libsinsp's syslog protocol decoder (sinsp_decoder_syslog, libsinsp 0.27-0.29): fds whose name
// contains "/dev/log" when libsinsp learns it (the capture's fd list, an open, a connect, a
// datagram tuple change) get a write callback; each successful write on such an fd decodes its
// data buffer as `<PRI>message`. The result lives until the next event is read, and feeds the
// syslog.* fields and evt.info ("syslog sev=... msg=...").
import { latin1 } from '../bytes.js';

export interface SyslogMessage {
  /** m_priority (int32), never -1 (the "no data" mark). */
  readonly priority: number;
  /** m_facility and m_severity: uint32 in libsinsp. */
  readonly facility: number;
  readonly severity: number;
  /** All the bytes after `<PRI>` (one character per byte), NULs included: a chisel's evt.field
   *  gets them all, while printing and filtering stop at the first NUL (messageText). */
  readonly message: string;
}

const PRI_BUF_SIZE = 16;
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'clock',
  'authpriv',
  'ftp',
  'ntp',
  'logaudit',
  'logalert',
  'cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];
const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

/** The name the decoder's fds are recognised by. */
export const isSyslogName = (name: string): boolean => name.includes('/dev/log');

/**
 * on_write + decode_message. The first byte is skipped unchecked (it is meant to be '<'); the
 * priority runs to '>', a NUL, the end or 15 characters, and must be digits only (a sign fails, as
 * sysdig shows), summed in int32 arithmetic as sinsp_numparser's tryparsed32_fast does.
 */
export function decodeSyslog(a: Uint8Array, o: number, len: number): SyslogMessage | null {
  let j = 0;
  for (let k = o + 1; k < o + len && a[k] !== 0x3e && a[k] !== 0 && j < PRI_BUF_SIZE - 1; k++) j++;
  if (len < j + 2 || j === 0) return null;
  let pri = 0;
  for (let p = o + 1; p < o + 1 + j; p++) {
    const d = a[p]! - 0x30;
    if (d < 0 || d > 9) return null;
    pri = (Math.imul(pri, 10) + d) | 0;
  }
  if (pri === -1) return null;
  return {
    priority: pri,
    facility: (pri >> 3) >>> 0,
    severity: (pri & 7) >>> 0,
    message: latin1(a, o + j + 2, o + len),
  };
}

export const facilityText = (m: SyslogMessage): string => FACILITIES[m.facility] ?? '<NA>';
export const severityText = (m: SyslogMessage): string => SEVERITIES[m.severity] ?? '<NA>';

/** syslog.message as libsinsp prints and compares it: a C string. */
export function messageText(m: SyslogMessage): string {
  const z = m.message.indexOf('\0');
  return z < 0 ? m.message : m.message.slice(0, z);
}

/** get_info_line: evt.info of an event on a decoder's fd while a message is decoded. */
export const syslogInfoLine = (m: SyslogMessage): string =>
  `syslog sev=${severityText(m)} msg=${messageText(m)}`;
