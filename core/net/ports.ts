// Port numbers in socket texts (fd names, tuple and address parameters). With sysdig's -R
// (m_hostname_and_port_resolution_enabled) libsinsp writes them through getservbyport: the first
// service of the system's services database for the port and protocol ("tcp", "udp", or any when
// the text carries no protocol). The command line installs the resolver; core stays free of I/O.

export type PortProto = 'tcp' | 'udp' | undefined;
export type PortResolver = (port: number, proto: PortProto) => string | undefined;

let resolver: PortResolver | null = null;

/** Installs (or, with null, removes) the port name lookup for every socket text from now on. */
export function setPortResolver(r: PortResolver | null): void {
  resolver = r;
}

/** A port as libsinsp's port_to_string writes it. */
export function portText(port: number, proto?: PortProto): string {
  if (resolver === null) return String(port);
  return resolver(port, proto) ?? String(port);
}

/** The protocol name of a libscap l4 protocol code (SCAP_L4_TCP 2, SCAP_L4_UDP 3). */
export const l4ProtoName = (l4: number | undefined): PortProto =>
  l4 === 2 ? 'tcp' : l4 === 3 ? 'udp' : undefined;

/**
 * getservbyport over the text of a services database (services(5): `name port/proto aliases`,
 * `#` comments): the first entry for the port, and the protocol when one is given.
 */
export function servicesResolver(text: string): PortResolver {
  const entries: [port: number, proto: string, name: string][] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [name, pp] = line.split(/\s+/);
    const m = /^(\d+)\/(\S+)$/.exec(pp ?? '');
    if (name === undefined || m === null) continue;
    entries.push([Number(m[1]), m[2]!, name]);
  }
  const cache = new Map<string, string | undefined>();
  return (port, proto) => {
    const key = `${port}/${proto ?? ''}`;
    if (cache.has(key)) return cache.get(key);
    const e = entries.find(([p, pr]) => p === port && (proto === undefined || pr === proto));
    cache.set(key, e?.[2]);
    return e?.[2];
  };
}
