// Container id from a thread's cgroups, as libsinsp's runc-style engines find it (podman, docker,
// then CRI, in sinsp_container_manager's order): a cgroup path ending in <prefix><64 hex><suffix>
// gives the first 12 characters of the id. Reading a file, nothing more (no daemon lookups).

interface Layout {
  prefix: string;
  suffix: string;
}

const ENGINES: readonly (readonly Layout[])[] = [
  // podman (root containers)
  [{ prefix: '/libpod-', suffix: '.scope' }],
  // docker: plain, then systemd
  [
    { prefix: '/', suffix: '' },
    { prefix: '/docker-', suffix: '.scope' },
  ],
  // CRI: containerd and cri-o, plain and systemd
  [
    { prefix: '/', suffix: '' },
    { prefix: '/crio-', suffix: '' },
    { prefix: '/cri-containerd-', suffix: '.scope' },
    { prefix: '/crio-', suffix: '.scope' },
    { prefix: ':cri-containerd:', suffix: '' },
  ],
];

const ID_LENGTH = 64;
const REPORTED_LENGTH = 12;

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** runc::match_one_container_id, including its check of the first bad character's position
 *  against the id length (an absolute index, as libsinsp compares it). */
function matchOne(cgroup: string, l: Layout): string | undefined {
  let start = cgroup.lastIndexOf(l.prefix);
  if (start < 0) return undefined;
  start += l.prefix.length;
  const end = l.suffix === '' ? cgroup.length : cgroup.lastIndexOf(l.suffix);
  if (end < 0) return undefined;
  if (end - start !== ID_LENGTH) return undefined;
  let bad = -1;
  for (let k = start; k < cgroup.length; k++) {
    if (!isHex(cgroup.charCodeAt(k))) {
      bad = k;
      break;
    }
  }
  if (bad >= 0 && bad < ID_LENGTH) return undefined;
  return cgroup.substr(start, REPORTED_LENGTH);
}

/** The container id for `subsys=path` cgroup entries, or '' for the host. */
export function resolveContainerId(cgroups: readonly string[]): string {
  for (const layouts of ENGINES) {
    for (const entry of cgroups) {
      const at = entry.lastIndexOf('=') + 1;
      // An id needs 64 characters after its prefix: most host cgroups end here.
      if (entry.length - at < ID_LENGTH + 1) continue;
      const path = entry.slice(at);
      for (const l of layouts) {
        const id = matchOne(path, l);
        if (id !== undefined) return id;
      }
    }
  }
  return '';
}
