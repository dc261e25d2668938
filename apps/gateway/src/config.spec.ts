import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayConfigError, loadGatewayConfig, parseGatewayConfig } from './config';

const valid = {
  gatewayId: 'demo-gw-1',
  secret: 'demo-gw-1-secret',
  brokerUrl: 'mqtt://localhost:1883',
  dataDir: '/var/lib/tm-gateway',
  timeZone: 'Europe/Copenhagen',
  devices: [
    { address: 'A4:C1:38:00:00:01', profile: 'blood-pressure', patientId: 'pt-001', bpUserSlots: { '1': 'pt-001', '2': 'pt-006' } },
    { deviceId: 'NONIN-3230-77', profile: 'pulse-oximeter', patientId: 'pt-001' },
  ],
};

describe('gateway configuration', () => {
  it('accepts a home with a shared blood-pressure monitor and fills the defaults', () => {
    const c = parseGatewayConfig(valid);
    expect(c.devices[0]?.address).toBe('a4:c1:38:00:00:01');
    expect(c.outbox).toEqual({ maxReadings: 100_000, maxBytes: 200 * 1024 * 1024 });
  });

  it('defaults the time zone to the system one', () => {
    const { timeZone: _tz, ...rest } = valid;
    expect(parseGatewayConfig(rest).timeZone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it.each([
    ['a gateway id with a slash', { gatewayId: 'gw/1' }, 'gatewayId'],
    ['no secret', { secret: '' }, 'secret'],
    ['an http broker', { brokerUrl: 'http://x' }, 'brokerUrl'],
    ['a made-up time zone', { timeZone: 'Europe/Atlantis' }, 'timeZone: not an IANA time zone'],
    ['an unknown profile', { devices: [{ address: 'a4:c1:38:00:00:01', profile: 'glucometer', patientId: 'pt-001' }] }, 'devices.0.profile'],
    ['a device with neither serial nor address', { devices: [{ profile: 'weight-scale', patientId: 'pt-001' }] }, 'deviceId (serial) or an address'],
    ['a malformed address', { devices: [{ address: 'a4c1', profile: 'weight-scale', patientId: 'pt-001' }] }, 'devices.0.address'],
    ['a zero outbox', { outbox: { maxReadings: 0 } }, 'outbox.maxReadings'],
  ])('stops start-up on %s, naming the field', (_name, patch, fragment) => {
    expect(() => parseGatewayConfig({ ...valid, ...patch })).toThrow(GatewayConfigError);
    expect(() => parseGatewayConfig({ ...valid, ...patch })).toThrow(fragment);
  });

  it('names the file when it is not JSON', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tm-gw-')), 'gateway.json');
    writeFileSync(file, '{ "gatewayId": ');
    expect(() => loadGatewayConfig(file)).toThrow(`${file} is not valid JSON`);
  });
});
