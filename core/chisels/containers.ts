// The topcontainers_* chisels: the top* tables keyed by container.name, host excluded.
import type { EventContext } from '../fields/context.js';
import { containerName, failed, type ChiselEnv } from './fields.js';
import type { TopDefinition, TopKey } from './topn.js';
import { TopProcsCpu } from './topprocs_cpu.js';
import { fileIo, netIo } from './tops.js';
import { rawArgRes } from './fields.js';

export const containerKey: TopKey = { field: 'container.name', desc: 'container.name', get: containerName };

/** "container.name!=host": a value other than host (no value fails the comparison). */
const inContainer = (c: EventContext): boolean => {
  const n = containerName(c);
  return n !== undefined && n !== 'host';
};

const def = (
  valueField: string,
  valueDesc: string,
  value: TopDefinition['value'],
  filter: TopDefinition['filter'],
  top: number,
  units: TopDefinition['units'],
): TopDefinition => ({ keys: [containerKey], valueField, valueDesc, value, filter, top, units });

export const TOP_CONTAINERS: Readonly<Record<string, TopDefinition>> = {
  topcontainers_net: def(
    'evt.rawarg.res',
    'Bytes',
    rawArgRes,
    (c) => netIo(c) && inContainer(c),
    100,
    'bytes',
  ),
  topcontainers_file: def(
    'evt.rawarg.res',
    'Bytes',
    rawArgRes,
    (c) => fileIo(c) && inContainer(c),
    10,
    'bytes',
  ),
  topcontainers_error: def(
    'evt.count',
    '#Errors',
    () => 1,
    (c) => failed(c) && inContainer(c),
    100,
    'none',
  ),
};

export const topContainersCpu = (env: ChiselEnv, write: (s: string) => void): TopProcsCpu =>
  new TopProcsCpu(env, write, [containerKey], 10);
