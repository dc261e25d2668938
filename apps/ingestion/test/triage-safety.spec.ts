import { io, type Socket } from 'socket.io-client';
import type { AlertEvent, Measurement } from '@tm/contracts';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

const HOUR = 3_600_000;

/**
 * Clinical safety through the real path (gateway over MQTT -> ingestion -> rules -> the nurse's
 * socket): no silent red, no false red.
 */
describe('triage a nurse can trust, end to end', () => {
  let platform: TestPlatform;
  let nurse: Socket;
  const alerts: AlertEvent[] = [];
  let token = '';

  beforeAll(async () => {
    platform = await startTestPlatform();
    const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'nurse', password: 'nurse' }) });
    token = ((await login.json()) as { token: string }).token;
    nurse = io(`${platform.httpUrl}/live`, { auth: { token }, transports: ['websocket'], reconnection: false });
    nurse.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      nurse.once('connect', () => resolve());
      nurse.once('connect_error', reject);
    });
  }, 60_000);
  afterAll(async () => {
    nurse?.disconnect();
    await platform?.stop();
  });

  const publish = async (gatewayId: string, measurements: Measurement[]) => {
    const gw = await connectGateway(platform.mqttUrl, gatewayId);
    const receipt = await gw.publish(batchOf(gatewayId, measurements));
    await gw.close();
    return receipt;
  };
  const reds = async () => (await platform.metrics.alertsRaised.get()).values.find((v) => v.labels.severity === 'red')?.value ?? 0;

  it('raises a red again, as new, when a red that was acknowledged and went back in range comes back days later', async () => {
    const day = (n: number) => new Date(Date.now() - (3 - n) * 24 * HOUR).toISOString();
    await publish('demo-gw-2', [oximetry({ patientId: 'pt-002', measuredAt: day(0) }, 84)]);
    const first = await eventually(async () => {
      const found = alerts.find((a) => a.patientId === 'pt-002' && a.rule === 'spo2-low' && a.severity === 'red');
      expect(found).toBeDefined();
      return found!;
    });
    const ack = await fetch(`${platform.httpUrl}/api/alerts/${first.id}/acknowledge`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
    expect(ack.status).toBe(200);
    await publish('demo-gw-2', [oximetry({ patientId: 'pt-002', measuredAt: day(1) }, 95)]);
    const before = await reds();
    alerts.length = 0;

    await publish('demo-gw-2', [oximetry({ patientId: 'pt-002', measuredAt: day(3) }, 83)]);
    const again = await eventually(async () => {
      const found = alerts.find((a) => a.patientId === 'pt-002' && a.rule === 'spo2-low' && a.value === 83);
      expect(found).toBeDefined();
      return found!;
    });
    expect(again).toMatchObject({ severity: 'red', status: 'open', backInRange: false });
    expect(await reds()).toBe(before + 1);
  });

  it('raises red for an SpO2 of 84 % whose pulse is an artefact, and keeps the refused pulse with its reason', async () => {
    const reading = oximetry({ patientId: 'pt-003', components: [{ code: '59408-5', value: 84, unit: '%' }, { code: '8867-4', value: 15, unit: '/min' }] });
    const receipt = await publish('demo-gw-3', [reading]);
    expect(receipt).toEqual({ ids: [reading.id], rejected: [] });
    await eventually(async () => expect(alerts.find((a) => a.patientId === 'pt-003' && a.rule === 'spo2-low')).toMatchObject({ severity: 'red', value: 84 }));
    const { rows } = await platform.db.query<{ reason_code: string; reason: string }>('SELECT reason_code, reason FROM rejected_messages WHERE measurement_id = $1', [reading.id]);
    expect(rows).toEqual([{ reason_code: 'invalid_component', reason: expect.stringContaining('Heart rate 15 /min is outside') }]);
    const stored = await platform.db.query<{ code: string }>('SELECT code FROM observations WHERE measurement_id = $1', [reading.id]);
    expect(stored.rows).toEqual([{ code: '59408-5' }]);
  });

  it('raises no weight-gain red from stored weights whose device clock was not set', async () => {
    // a week of stored records downloaded at once: their times are the download time, marked uncertain
    const downloadedAt = new Date();
    const weights = [79.2, 79.6, 80.1, 80.5, 80.9, 81.2, 81.5].map((kg, i) =>
      oximetry({
        id: `unset-clock-weight-${i}`,
        patientId: 'pt-007',
        type: 'body_weight',
        deviceId: 'uc-352-0007',
        timeSource: 'gateway',
        measuredAt: new Date(downloadedAt.getTime() - (6 - i) * 1000).toISOString(),
        flags: { timeUncertain: true },
        components: [{ code: '29463-7', value: kg, unit: 'kg' }],
      }),
    );
    const receipt = await publish('demo-gw-7', weights);
    expect(receipt.ids).toHaveLength(7);
    const { rows } = await platform.db.query<{ severity: string; rule: string }>(`SELECT severity, rule FROM alerts WHERE patient_id = 'pt-007' AND rule LIKE 'weight%'`);
    expect(rows.filter((r) => r.severity === 'red')).toEqual([]);
  });

  it('dates the board\'s "since" from when a yellow turned red, and says who set personal limits', async () => {
    const bloodPressure = (systolic: number): Measurement =>
      oximetry({ patientId: 'pt-008', type: 'blood_pressure', deviceId: 'ua-651-0008', components: [{ code: '8480-6', value: systolic, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }] });
    const board = async () => {
      const res = await fetch(`${platform.httpUrl}/api/patients`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as Array<{ id: string; triage: string; triageSince: string | null; personalLimits?: { setBy: string | null } | null }>).find((p) => p.id === 'pt-008')!;
    };
    await publish('demo-gw-8', [bloodPressure(165)]);
    const yellow = await board();
    expect(yellow.triage).toBe('yellow');
    await new Promise((r) => setTimeout(r, 50));
    const turnedRed = Date.now();
    await publish('demo-gw-8', [bloodPressure(185)]);
    const red = await board();
    expect(red.triage).toBe('red');
    expect(Date.parse(red.triageSince!)).toBeGreaterThanOrEqual(turnedRed);
    expect(Date.parse(red.triageSince!)).toBeGreaterThan(Date.parse(yellow.triageSince!));
    expect(red.personalLimits).toBeNull();

    const rules = [{ rule: 'systolic-high', kind: 'absolute', code: '8480-6', direction: 'high', unit: 'mm[Hg]', yellow: 170, red: 190 }];
    const put = await fetch(`${platform.httpUrl}/api/patients/pt-008/thresholds`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
    expect(put.status).toBe(200);
    expect((await board()).personalLimits).toMatchObject({ setBy: 'nurse' });
  });
});
