import { io, Socket } from 'socket.io-client';
import type { Alert, AlertEvent, Measurement, ObservationEvent } from '@tm/contracts';
import { TriageService } from '../src/triage/triage.service';
import { batchOf, connectGateway, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';

const HOUR = 3_600_000;

describe('alerting and live: readings checked against thresholds, pushed to the right clients', () => {
  let platform: TestPlatform;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await platform?.stop();
  });

  const tokenOf = async (username: string) => {
    const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
    return ((await res.json()) as { token: string }).token;
  };
  const api = async (token: string, path: string, init: RequestInit = {}) =>
    fetch(`${platform.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  interface LiveClient {
    socket: Socket;
    alerts: AlertEvent[];
    observations: ObservationEvent[];
  }
  const connectLive = async (token: string, lastEventId?: string): Promise<LiveClient> => {
    const socket = io(`${platform.httpUrl}/live`, { auth: lastEventId ? { token, lastEventId } : { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const client: LiveClient = { socket, alerts: [], observations: [] };
    socket.on('alert', (e: AlertEvent) => client.alerts.push(e));
    socket.on('observation', (e: ObservationEvent) => client.observations.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return client;
  };
  const publish = async (gatewayId: string, measurements: Measurement[]) => {
    const gw = await connectGateway(platform.mqttUrl, gatewayId);
    const receipt = await gw.publish(batchOf(gatewayId, measurements));
    expect(receipt.ids).toHaveLength(measurements.length);
    await gw.close();
  };
  const unresolved = async (patientId: string, rule: string) =>
    (await platform.db.query<{ id: string; severity: string; count: number; value: number; status: string }>(`SELECT id, severity, count, value, status FROM alerts WHERE patient_id = $1 AND rule = $2 AND status <> 'resolved'`, [patientId, rule])).rows;
  const weight = (patientId: string, kg: number, measuredAt: Date): Measurement =>
    oximetry({ patientId, type: 'body_weight', deviceId: 'ua-651-0001', measuredAt: measuredAt.toISOString(), components: [{ code: '29463-7', value: kg, unit: 'kg' }] });

  it('delivers a red SpO2 reading published by a gateway to a connected nurse as an alert event', async () => {
    const nurse = await connectLive(await tokenOf('nurse'));
    await publish('demo-gw-1', [oximetry({ patientId: 'pt-001' }, 85)]);
    const alert = await eventually(async () => {
      const found = nurse.alerts.find((a) => a.patientId === 'pt-001' && a.rule === 'spo2-low');
      expect(found).toBeDefined();
      return found as AlertEvent;
    });
    expect(alert).toMatchObject({ severity: 'red', status: 'open', value: 85, unit: '%', count: 1, late: false });
    expect(alert.eventId).toMatch(/^\d+$/);
    expect(nurse.observations.some((o) => o.patientId === 'pt-001')).toBe(true);
  });

  it('gives ten identical out-of-range readings one alert with count 10', async () => {
    const readings = Array.from({ length: 10 }, () => oximetry({ patientId: 'pt-002' }, 86));
    await publish('demo-gw-2', readings);
    const rows = await eventually(async () => {
      const r = await unresolved('pt-002', 'spo2-low');
      expect(r[0]?.count).toBe(10);
      return r;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'red', value: 86 });
  });

  it('raises the red weight-gain alert for +2.5 kg over three days, once, whether the backlog arrives in order or shuffled', async () => {
    const now = Date.now();
    const series = (patientId: string) => [weight(patientId, 80.0, new Date(now - 71 * HOUR)), weight(patientId, 80.8, new Date(now - 47 * HOUR)), weight(patientId, 81.6, new Date(now - 23 * HOUR)), weight(patientId, 82.5, new Date(now - 60_000))];
    for (const m of series('pt-006')) await publish('demo-gw-6', [m]);
    const [a, b, c, d] = series('pt-007');
    for (const m of [d, a, c, b]) await publish('demo-gw-7', [m as Measurement]);
    for (const patientId of ['pt-006', 'pt-007']) {
      const rows = await eventually(async () => {
        const r = await unresolved(patientId, 'weight-gain');
        expect(r[0]?.severity).toBe('red');
        return r;
      });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.value).toBeCloseTo(2.5, 6);
    }
  });

  it('raises the missing-data alert for a patient silent longer than the schedule, and the next reading clears it', async () => {
    const alerting = platform.app.get(TriageService);
    await alerting.checkMissingData(new Date(Date.now() + 49 * HOUR), ['pt-004']);
    const [missing] = await unresolved('pt-004', 'missing-pulse-oximetry');
    expect(missing).toMatchObject({ severity: 'yellow', status: 'open' });
    await publish('demo-gw-4', [oximetry({ patientId: 'pt-004' }, 96)]);
    await eventually(async () => expect(await unresolved('pt-004', 'missing-pulse-oximetry')).toHaveLength(0));
    const { rows } = await platform.db.query<{ status: string; resolved_by: string }>('SELECT status, resolved_by FROM alerts WHERE id = $1', [missing?.id]);
    expect(rows[0]).toEqual({ status: 'resolved', resolved_by: 'system' });
  });

  it('lets home care see but not acknowledge (403), lets the nurse acknowledge, and never sends home care another team’s events', async () => {
    const homecareToken = await tokenOf('homecare');
    const homecare = await connectLive(homecareToken);
    const admin = await connectLive(await tokenOf('admin'));
    const [open] = await unresolved('pt-001', 'spo2-low');
    const refused = await api(homecareToken, `/api/alerts/${open?.id}/acknowledge`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(403);

    const nurseToken = await tokenOf('nurse');
    const ack = await api(nurseToken, `/api/alerts/${open?.id}/acknowledge`, { method: 'POST', body: JSON.stringify({ note: 'phoned the patient' }) });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'nurse', acknowledgeNote: 'phoned the patient' });

    await publish('demo-gw-11', [oximetry({ patientId: 'pt-011' }, 84)]);
    await eventually(async () => expect(admin.alerts.some((a) => a.patientId === 'pt-011')).toBe(true));
    await eventually(async () => expect(homecare.alerts.some((a) => a.patientId === 'pt-001' && a.status === 'acknowledged')).toBe(true));
    expect([...homecare.alerts, ...homecare.observations].filter((e) => e.patientId === 'pt-011')).toEqual([]);
    const alerts = (await (await api(homecareToken, '/api/alerts')).json()) as Alert[];
    expect(alerts.some((a) => a.patientId === 'pt-011')).toBe(false);
  });

  it('replays an alert raised while a socket was away once it reconnects with its last event id', async () => {
    const token = await tokenOf('nurse');
    const first = await connectLive(token);
    await publish('demo-gw-3', [oximetry({ patientId: 'pt-003' }, 95)]);
    const seen = await eventually(async () => {
      const o = first.observations.find((e) => e.patientId === 'pt-003');
      expect(o).toBeDefined();
      return o as ObservationEvent;
    });
    first.socket.disconnect();
    await publish('demo-gw-3', [oximetry({ patientId: 'pt-003' }, 83)]);
    await eventually(async () => expect(await unresolved('pt-003', 'spo2-low')).toHaveLength(1));
    const again = await connectLive(token, seen.eventId);
    await eventually(async () => expect(again.alerts.find((a) => a.patientId === 'pt-003' && a.rule === 'spo2-low')).toMatchObject({ severity: 'red', value: 83 }));
  });
  it('escalates a red nobody acknowledged within 30 minutes, and tells the nurse', async () => {
    const nurse = await connectLive(await tokenOf('nurse'));
    await publish('demo-gw-5', [oximetry({ patientId: 'pt-005' }, 85)]);
    const [open] = await eventually(async () => {
      const rows = await unresolved('pt-005', 'spo2-low');
      expect(rows).toHaveLength(1);
      return rows;
    });
    const alerting = platform.app.get(TriageService);
    await alerting.checkEscalations(new Date(Date.now() + 29 * 60_000));
    expect((await platform.db.query<{ escalated: boolean }>('SELECT escalated FROM alerts WHERE id = $1', [open!.id])).rows[0]?.escalated).toBe(false);

    await alerting.checkEscalations(new Date(Date.now() + 31 * 60_000));
    expect((await platform.db.query<{ escalated: boolean }>('SELECT escalated FROM alerts WHERE id = $1', [open!.id])).rows[0]?.escalated).toBe(true);
    await eventually(async () => expect(nurse.alerts.some((a) => a.id === String(open!.id) && a.escalated)).toBe(true));
  });

  it('raises no yellow for a patient whose monitoring is paused but shows a red (issue 17, item 9), and alerts again once it resumes', async () => {
    const admin = await tokenOf('admin');
    const pause = await api(admin, '/api/admin/patients/pt-008', { method: 'PATCH', body: JSON.stringify({ pausedUntil: new Date(Date.now() + 3 * 86_400_000).toISOString() }) });
    expect(pause.status).toBe(200);
    const bloodPressure = (systolic: number): Measurement =>
      oximetry({ patientId: 'pt-008', type: 'blood_pressure', deviceId: 'ua-651-0008', components: [{ code: '8480-6', value: systolic, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }] });

    await publish('demo-gw-8', [bloodPressure(170)]);
    await new Promise((r) => setTimeout(r, 500));
    expect(await unresolved('pt-008', 'systolic-high')).toEqual([]);
    await publish('demo-gw-8', [bloodPressure(200)]);
    await eventually(async () => expect(await unresolved('pt-008', 'systolic-high')).toEqual([expect.objectContaining({ severity: 'red', value: 200 })]));

    expect((await api(admin, '/api/admin/patients/pt-008', { method: 'PATCH', body: JSON.stringify({ pausedUntil: null }) })).status).toBe(200);
    await publish('demo-gw-8', [bloodPressure(201)]);
    await eventually(async () => expect(await unresolved('pt-008', 'systolic-high')).toEqual([expect.objectContaining({ severity: 'red', value: 201 })]));
  });
  it('counts a yellow that worsens to red as a red raised in tm_alerts_raised_total', async () => {
    const reds = async () => (await platform.metrics.alertsRaised.get()).values.find((v) => v.labels.severity === 'red')?.value ?? 0;
    const bloodPressure = (systolic: number): Measurement =>
      oximetry({ patientId: 'pt-009', type: 'blood_pressure', deviceId: 'ua-651-0009', components: [{ code: '8480-6', value: systolic, unit: 'mm[Hg]' }, { code: '8462-4', value: 95, unit: 'mm[Hg]' }] });
    await publish('demo-gw-9', [bloodPressure(165)]);
    await eventually(async () => expect(await unresolved('pt-009', 'systolic-high')).toEqual([expect.objectContaining({ severity: 'yellow' })]));
    const before = await reds();
    await publish('demo-gw-9', [bloodPressure(185)]);
    await eventually(async () => expect(await unresolved('pt-009', 'systolic-high')).toEqual([expect.objectContaining({ severity: 'red', count: 2 })]));
    expect(await reds()).toBe(before + 1);
  });
  it('has the alert of a red reading committed with the reading: when the receipt arrives the alert is there', async () => {
    const reading = oximetry({ patientId: 'pt-010', type: 'blood_pressure', deviceId: 'ua-651-0010', components: [{ code: '8480-6', value: 195, unit: 'mm[Hg]' }, { code: '8462-4', value: 100, unit: 'mm[Hg]' }] });
    await publish('demo-gw-10', [reading]);
    expect(await unresolved('pt-010', 'systolic-high')).toEqual([expect.objectContaining({ severity: 'red', value: 195, count: 1 })]);
    // the same reading sent again is a duplicate: it is not evaluated twice
    await publish('demo-gw-10', [reading]);
    expect(await unresolved('pt-010', 'systolic-high')).toEqual([expect.objectContaining({ count: 1 })]);
  });
});
