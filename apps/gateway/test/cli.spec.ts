import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './fixtures';

const BIN = join(__dirname, '..', 'bin', 'tm-gateway.js');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
};
const configFile = (config: object) => {
  const file = join(tempDir(), 'gateway.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
};
const home = {
  gatewayId: 'home-42',
  secret: 's3cret',
  brokerUrl: 'mqtt://127.0.0.1:1',
  dataDir: tempDir(),
  devices: [{ address: 'a0:d0:00:00:06:51', profile: 'blood-pressure', patientId: 'pt-006' }],
};

describe('tm-gateway command line', () => {
  it('explains its commands', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tm-gateway run --config <file>');
    expect(r.stdout).toContain('tm-gateway pair');
  });

  it('stops on a bad configuration with one line naming the field', () => {
    const r = run('run', '--config', configFile({ ...home, timeZone: 'Mars/Olympus' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/timeZone: not an IANA time zone/);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });

  it.each([
    ['run --config', () => ['run', '--config', configFile(home)]],
    ['pair', () => ['pair', '--seconds', '1']],
  ])('%s without a Bluetooth adapter says so in one line, without a stack trace', (_name, args) => {
    const r = run(...args());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^No usable Bluetooth adapter .*setcap cap_net_raw.*NOBLE_HCI_DEVICE_ID/);
    expect(r.stderr.split('\n')).toHaveLength(1);
  });

  it('refuses an unknown command', () => {
    const r = run('flash');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "flash"');
  });
});
