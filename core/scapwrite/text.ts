// Headers written from a program's own text (tests, the scenario generator): their strings are
// decoded text, while a header (core/capture.ts) holds capture bytes. headerFromText stores each
// string as its UTF-8 bytes, what a Linux process name or path written in UTF-8 would be.
import type { CaptureHeader, FdEntry, ProcEntry } from '../capture.js';
import { utf8Bytes } from '../bytes.js';

const procFromText = (p: ProcEntry): ProcEntry => ({
  ...p,
  comm: utf8Bytes(p.comm),
  exe: utf8Bytes(p.exe),
  exepath: utf8Bytes(p.exepath),
  args: p.args.map(utf8Bytes),
  cwd: utf8Bytes(p.cwd),
  env: p.env.map(utf8Bytes),
  cgroups: p.cgroups.map(utf8Bytes),
  root: utf8Bytes(p.root),
});

const fdFromText = (f: FdEntry): FdEntry => ({ ...f, name: utf8Bytes(f.name) });

export function headerFromText(h: CaptureHeader): CaptureHeader {
  return {
    ...h,
    machine: h.machine && { ...h.machine, hostname: utf8Bytes(h.machine.hostname) },
    procs: h.procs.map(procFromText),
    fdlists: h.fdlists.map((l) => ({ ...l, fds: l.fds.map(fdFromText) })),
    interfaces: h.interfaces.map((i) => ({ ...i, name: utf8Bytes(i.name) })),
    users: h.users.map((u) => ({
      ...u,
      name: utf8Bytes(u.name),
      homedir: utf8Bytes(u.homedir),
      shell: utf8Bytes(u.shell),
    })),
    groups: h.groups.map((g) => ({ ...g, name: utf8Bytes(g.name) })),
  };
}
