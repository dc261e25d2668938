import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import type { AlertEvent, Measurement } from '@tm/contracts';
import { oximetry } from '@tm/ingestion/src/testing';
import { Checks, faultScenario, health, judge, platform, sleep, tally } from './harness';

const HOMES = 300;
const BACKLOG = 8;
/** The outbox's rhythm: what has no receipt is sent again (the real gateway starts at 2 s and doubles). */
const RESEND_MS = 5_000;

async function call<T>(base: string, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * A region's homes coming back after an outage (ARCHITECTURE §11, A region's load): a few hundred
 * homes, each its own gateway connection and patient (enrolled through the admin API), all
 * connecting at the same moment with a backlog of readings, a red among every fourth home's.
 * Each home re-sends what has no receipt, as its outbox does. Counted: every reading sent against
 * the measurements ledger; every red alert against the nurse's socket; health sampled throughout.
 */
describe('a region reconnecting at once', () => {
  faultScenario(`reconnect storm: ${HOMES} homes × ${BACKLOG} readings at once, 0 lost, 0 doubled, every red on the nurse's socket, health answering`, 'reconnect storm', 170_000, async (scene) => {
    const checks = new Checks(`the ${HOMES * BACKLOG} backlog readings of ${HOMES} homes against the measurements ledger; reds against the nurse's /live socket`);
    const since = new Date();
    const p = await platform(scene);
    const patients = Array.from({ length: HOMES }, (_, i) => `storm-${String(i + 1).padStart(4, '0')}`);
    await p.db.query(`INSERT INTO patients (id, display_name, programme) SELECT id, 'Home ' || id, 'TeleKOL' FROM unnest($1::text[]) AS id`, [patients]);
    await p.db.query(`INSERT INTO patient_care_teams (patient_id, care_team_id) SELECT id, 'hospital-lung' FROM unnest($1::text[]) AS id`, [patients]);
    const admin = (await call<{ token: string }>(p.httpUrl, 'POST', '/api/auth/login', undefined, { username: 'admin', password: 'admin' })).json.token;
    const secrets = new Map<string, string>();
    for (let i = 0; i < HOMES; i += 8) {
      await Promise.all(
        patients.slice(i, i + 8).map(async (patientId) => {
          const gatewayId = `gw-${patientId}`;
          const answer = await call<{ secret: string }>(p.httpUrl, 'POST', '/api/admin/gateways', admin, { id: gatewayId, patientId });
          if (answer.status >= 300) throw new Error(`enrolling ${gatewayId} answered ${answer.status}`);
          secrets.set(gatewayId, answer.json.secret);
        }),
      );
    }

    const nurseToken = (await call<{ token: string }>(p.httpUrl, 'POST', '/api/auth/login', undefined, { username: 'nurse', password: 'nurse' })).json.token;
    const socket = io(`${p.httpUrl}/live`, { auth: { token: nurseToken }, transports: ['websocket'] });
    scene.defer(() => socket.disconnect());
    const alerts: AlertEvent[] = [];
    socket.on('alert', (e: AlertEvent) => alerts.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    const now = Date.now();
    const backlogs = new Map<string, Measurement[]>(
      patients.map((patientId, h) => [
        `gw-${patientId}`,
        Array.from({ length: BACKLOG }, (_, i) => oximetry({ patientId, measuredAt: new Date(now - 5 * 60_000 - (BACKLOG - 1 - i) * 3 * 3_600_000).toISOString() }, h % 4 === 0 && i === BACKLOG - 1 ? 82 : 95)),
      ]),
    );
    const reds = [...backlogs.values()].flatMap((ms) => ms.filter((m) => m.components[0]!.value < 88));
    const unreceipted = new Set([...backlogs.values()].flat().map((m) => m.id));
    const healthSamples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const started = Date.now();
        healthSamples.push((await health(p.httpUrl)) === 200 ? Date.now() - started : -1);
        await sleep(500);
      }
    })();

    const stormAt = Date.now();
    const clients: MqttClient[] = [];
    const send = (client: MqttClient, gatewayId: string) => {
      const pending = backlogs.get(gatewayId)!.filter((m) => unreceipted.has(m.id));
      if (pending.length === 0) return;
      client.publish(`tm/v1/gateways/${gatewayId}/measurements`, JSON.stringify({ schema: 'tm.measurements.v1', gatewayId, sentAt: new Date().toISOString(), measurements: pending }), { qos: 1 });
    };
    for (const [gatewayId, secret] of secrets) {
      const client = mqtt.connect(p.mqttUrl, { clientId: gatewayId, username: gatewayId, password: secret, clean: false, reconnectPeriod: 2_000, connectTimeout: 10_000 });
      clients.push(client);
      scene.defer(() => client.endAsync(true));
      client.on('message', (_t, payload) => {
        for (const id of (JSON.parse(payload.toString()) as { ids: string[] }).ids) unreceipted.delete(id);
      });
      client.on('connect', () => {
        client.subscribe(`tm/v1/gateways/${gatewayId}/receipts`, { qos: 1 }, () => send(client, gatewayId));
      });
      const resend = setInterval(() => client.connected && send(client, gatewayId), RESEND_MS);
      scene.defer(() => clearInterval(resend));
    }
    const connected = await checks.waitFor(`all ${HOMES} homes connected within 30 s`, () => clients.every((c) => c.connected), 30_000, 100);
    if (connected) checks.note(`${HOMES} homes connected ${Date.now() - stormAt} ms after the storm began`);
    const drained = await checks.waitFor(`every reading receipted within 90 s`, () => unreceipted.size === 0, 90_000, 100);
    if (drained) checks.note(`${HOMES * BACKLOG} readings receipted ${Date.now() - stormAt} ms after the storm began`);
    await checks.waitFor(`every red (${reds.length}) on the nurse's socket`, () => reds.every((r) => alerts.some((a) => a.patientId === r.patientId && a.measuredAt === r.measuredAt)), 10_000, 100);
    sampling = false;
    await sampler;
    const failed = healthSamples.filter((s) => s < 0).length;
    checks.check(failed === 0, `/api/health was not 200 in ${failed} of ${healthSamples.length} samples during the storm`);
    checks.note(`health sampled ${healthSamples.length} times, slowest answer ${Math.max(...healthSamples)} ms`);

    const count = await tally(p.db, [...backlogs.values()].flat().map((m) => m.id), { gateways: [...secrets.keys()], since });
    return checks.outcome(judge(checks, count));
  });
});
