import { test } from 'node:test';
import assert from 'node:assert/strict';
import { portText, servicesResolver, setPortResolver } from './ports.js';

const SERVICES = `# services(5)
ssh\t\t22/tcp\t\t\t\t# SSH
http\t\t80/tcp\t\twww
shell\t\t514/tcp\t\tcmd syslog\t# no passwords
syslog\t\t514/udp
bad line
`;

test('getservbyport semantics: first entry for the port, by protocol when one is given', () => {
  const r = servicesResolver(SERVICES);
  assert.equal(r(80, 'tcp'), 'http');
  assert.equal(r(80, 'udp'), undefined);
  assert.equal(r(514, 'udp'), 'syslog');
  assert.equal(r(514, undefined), 'shell');
  assert.equal(r(9999, undefined), undefined);
  try {
    setPortResolver(r);
    assert.equal(portText(22, 'tcp'), 'ssh');
    assert.equal(portText(40000, 'tcp'), '40000');
  } finally {
    setPortResolver(null);
  }
  assert.equal(portText(22, 'tcp'), '22');
});
