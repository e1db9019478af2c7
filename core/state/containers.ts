// Container events (PPME_CONTAINER_E, CONTAINER_JSON_E, CONTAINER_JSON_2_E) as libsinsp's
// parse_container_json_evt / parse_container_evt read them into its container manager.

import type { ContainerInfo } from './types.js';

/** sinsp_container_type names as container.type prints them (filterchecks); others print ''. */
const TYPE_NAMES: Record<number, string> = {
  0: 'docker',
  1: 'lxc',
  2: 'libvirt-lxc',
  3: 'mesos',
  4: 'rkt',
  6: 'cri',
  7: 'containerd',
  8: 'cri-o',
  9: 'bpm',
};

export function containerTypeName(type: number): string {
  return TYPE_NAMES[type] ?? '';
}

function empty(id: string): ContainerInfo {
  return {
    id,
    name: '',
    type: containerTypeName(0),
    image: '',
    imageId: '',
    imageRepo: '',
    imageTag: '',
    imageDigest: '',
    privileged: false,
    mounts: [],
    lookupState: 1,
    ip: '',
  };
}

/** jsoncpp's isConvertibleTo(stringValue) + asString(): strings, numbers, bools (null: absent). */
function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function asUint(v: unknown): number | undefined {
  if (typeof v === 'number' && v >= 0 && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return undefined;
}

/** A CONTAINER_JSON event's payload, or undefined when it is not the JSON libsinsp expects. */
export function parseContainerJson(json: string): ContainerInfo | undefined {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof root !== 'object' || root === null) return undefined;
  const c = (root as Record<string, unknown>)['container'];
  const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
  const info = empty(asString(o['id']) ?? '');
  info.name = asString(o['name']) ?? '';
  const type = asUint(o['type']);
  if (type !== undefined) info.type = containerTypeName(type);
  info.image = asString(o['image']) ?? '';
  info.imageId = asString(o['imageid']) ?? '';
  info.imageRepo = asString(o['imagerepo']) ?? '';
  info.imageTag = asString(o['imagetag']) ?? '';
  info.imageDigest = asString(o['imagedigest']) ?? '';
  const priv = asBool(o['privileged']);
  if (priv !== undefined) info.privileged = priv;
  const state = asUint(o['lookup_state']);
  if (state !== undefined) {
    // Unknown states count as successful; a lookup still "started" in a file never finishes.
    info.lookupState = state === 0 ? 2 : state === 1 || state === 2 ? state : 1;
  }
  info.ip = asString(o['ip']) ?? '';
  const mounts = o['Mounts'];
  if (Array.isArray(mounts)) {
    info.mounts = mounts.map((m: unknown) => {
      const r = (typeof m === 'object' && m !== null ? m : {}) as Record<string, unknown>;
      const str = (v: unknown): string => (typeof v === 'string' ? v : '');
      return {
        source: str(r['Source']),
        dest: str(r['Destination']),
        mode: str(r['Mode']),
        rdwr: r['RW'] === true,
        propagation: str(r['Propagation']),
      };
    });
  }
  return info;
}

/** The old fixed-field container event (id, type, name, image). */
export function containerFromFields(id: string, type: number, name: string, image: string): ContainerInfo {
  const info = empty(id);
  info.type = containerTypeName(type);
  info.name = name;
  info.image = image;
  return info;
}

/** inet_pton(AF_INET) of a container's `ip`: 4 network-order bytes, or zeros when not an address. */
export function containerIpBytes(ip: string): Uint8Array {
  const out = new Uint8Array(4);
  const parts = ip.split('.');
  if (parts.length !== 4) return out;
  for (let k = 0; k < 4; k++) {
    const p = parts[k]!;
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return new Uint8Array(4);
    out[k] = Number(p);
  }
  return out;
}
