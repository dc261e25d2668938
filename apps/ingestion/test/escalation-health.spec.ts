import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EscalationNoticeSchema, HealthSchema, type EscalationNotice, type Health } from '@tm/contracts';
import { batchOf, connectGateway, demoUsers, eventually, oximetry, startTestPlatform, TestPlatform } from '../src/testing';
import { TriageService } from '../src/triage/triage.service';

const MINUTE = 60_000;

/**
 * No silent failure for the escalation route: when the on-call team's service (ESCALATION_WEBHOOK_URL,
 * here a real HTTP receiver on this machine) refuses escalations, /api/health says so with 503 and
 * `escalationWebhook: down`; each escalation check posts the waiting ones again, and once the
 * service is back the on-call team gets each escalation exactly once and health is 200 again.
 */
describe('escalation route in /api/health: a failing on-call webhook degrades loudly and recovers by itself', () => {
  let platform: TestPlatform;
  let receiver: Server;
  /** the status the on-call receiver answers with: 500 while it is broken */
  let answer = 500;
  /** alert ids of every POST the receiver got, taken or not */
  const posted: string[] = [];
  /** the notices the receiver took (answered 2xx) */
  const delivered: EscalationNotice[] = [];
  const users = demoUsers(() => platform.httpUrl);

  const health = async (): Promise<{ status: number; body: Health }> => {
    const res = await fetch(`${platform.httpUrl}/api/health`);
    return { status: res.status, body: HealthSchema.parse(await res.json()) };
  };
  /** a fresh SpO2-low red for the patient, over MQTT: the patient's earlier alerts are resolved first */
  const redFor = async (patientId: string, gatewayId: string): Promise<string> => {
    await platform.db.query(`UPDATE alerts SET status = 'resolved', resolved_by = 'test', resolved_at = now() WHERE patient_id = $1 AND status <> 'resolved'`, [patientId]);
    const gw = await connectGateway(platform.mqttUrl, gatewayId);
    expect((await gw.publish(batchOf(gatewayId, [oximetry({ patientId, measuredAt: new Date(Date.now() - MINUTE).toISOString() }, 84)]))).ids).toHaveLength(1);
    await gw.close();
    return eventually(async () => {
      const { rows } = await platform.db.query<{ id: string }>(`SELECT id::text FROM alerts WHERE patient_id = $1 AND rule = 'spo2-low' AND severity = 'red' AND status = 'open'`, [patientId]);
      expect(rows).toHaveLength(1);
      return rows[0]!.id;
    });
  };
  const escalated = async (id: string) => (await platform.db.query<{ escalated: boolean }>('SELECT escalated FROM alerts WHERE id = $1', [id])).rows[0]?.escalated;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const notice = EscalationNoticeSchema.parse(JSON.parse(body));
        posted.push(notice.alertId);
        if (answer < 300) delivered.push(notice);
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    platform = await startTestPlatform({ ESCALATION_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/on-call` });
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('shows the route up before anything was escalated', async () => {
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok', escalationWebhook: 'up' }) });
  });

  it('webhook answering 500: the escalated red makes health 503 naming escalationWebhook, and every check posts it again', async () => {
    const triage = platform.app.get(TriageService);
    const red = await redFor('pt-002', 'demo-gw-2');
    const acknowledgedLater = await redFor('pt-004', 'demo-gw-4');

    await triage.checkEscalations(new Date(Date.now() + 31 * MINUTE));
    expect(await escalated(red)).toBe(true);
    // the route's own retries within the check: three tries, none taken
    expect(posted.filter((id) => id === red)).toHaveLength(3);
    expect(delivered).toEqual([]);
    expect(await health()).toEqual({ status: 503, body: expect.objectContaining({ status: 'degraded', db: 'up', broker: 'up', escalationWebhook: 'down' }) });
    expect(triage.escalationRoute.status()).toMatchObject({ state: 'down', lastFailure: 'HTTP 500', lastSuccessAt: null, undelivered: expect.any(Number) });
    expect(triage.escalationRoute.status()!.consecutiveFailures).toBeGreaterThanOrEqual(2);
    const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tm_escalations_total\{outcome="failed"\} [1-9]/m);

    // the next check (each minute) posts the waiting escalation again, though it is escalated already
    await triage.checkEscalations(new Date(Date.now() + 32 * MINUTE));
    expect(posted.filter((id) => id === red)).toHaveLength(6);
    expect((await health()).status).toBe(503);

    // a nurse takes the other red meanwhile: it has an owner, the on-call team need not be called
    expect((await users.call('nurse', 'POST', `/api/alerts/${acknowledgedLater}/acknowledge`, {})).status).toBe(200);

    answer = 204;
    await triage.checkEscalations(new Date(Date.now() + 33 * MINUTE));
    expect(delivered.filter((n) => n.alertId === red)).toMatchObject([{ patientId: 'pt-002', rule: 'spo2-low', severity: 'red' }]);
    expect(posted.filter((id) => id === acknowledgedLater)).toHaveLength(6);
    expect(delivered.filter((n) => n.alertId === acknowledgedLater)).toEqual([]);
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok', escalationWebhook: 'up' }) });
    expect(triage.escalationRoute.status()).toMatchObject({ state: 'up', consecutiveFailures: 0, undelivered: 0, lastFailure: 'HTTP 500' });

    // later checks do not call the on-call team again for it
    await triage.checkEscalations(new Date(Date.now() + 34 * MINUTE));
    expect(delivered.filter((n) => n.alertId === red)).toHaveLength(1);
    expect(posted.filter((id) => id === red)).toHaveLength(7);
  }, 60_000);
});
