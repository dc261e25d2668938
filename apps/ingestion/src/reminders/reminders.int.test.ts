import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoginResponseSchema, PatientCarePlanSchema, ReminderSchema, TodaySchema, type Measurement, type Reminder } from '@tm/contracts';
import { batchOf, connectGateway, eventually, startTestPlatform, type TestPlatform } from '../testing';
import { ReminderJob } from './reminders.job';

// Reminders through REMINDER_WEBHOOK_URL (ARCHITECTURE.md §12) against a real HTTP receiver on a
// free port, the whole platform on the embedded database and broker, the demo seed. REMINDER_HOUR=0
// so the day's reminders are due whenever the test runs.

/** The region's SMS service as a test sees it: what it took (2xx), and how many posts it was sent. */
class Receiver {
  readonly taken: Reminder[] = [];
  posts = 0;
  /** answer 503 to the next `n` posts */
  failNext = 0;
  /** answer 503 to every post */
  down = false;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.posts++;
        if (this.down || this.failNext > 0) {
          this.failNext = Math.max(0, this.failNext - 1);
          res.writeHead(503).end();
          return;
        }
        // the payload is the contract's: anything else is the platform's bug, and shows as a 400 here
        const parsed = ReminderSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        if (!parsed.success || req.headers['idempotency-key'] !== parsed.data.id) {
          res.writeHead(400).end();
          return;
        }
        this.taken.push(parsed.data);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/reminders?key=region-test`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  of(patientId: string): string[] {
    return this.taken.filter((r) => r.patientId === patientId).map((r) => r.activity).sort();
  }
}

async function token(platform: TestPlatform, username: string): Promise<string> {
  const res = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
  return LoginResponseSchema.parse(await res.json()).token;
}

async function call(platform: TestPlatform, username: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${platform.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(platform, username)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Adds a daily weighing to a patient's plan, as a nurse does on the patient page. */
async function addDailyWeighing(platform: TestPlatform, patientId: string): Promise<void> {
  const { plan } = PatientCarePlanSchema.parse(await call(platform, 'nurse', 'GET', `/api/patients/${patientId}/plan`));
  await call(platform, 'nurse', 'PUT', `/api/patients/${patientId}/plan`, { activities: [...plan.activities.filter((a) => a.activity !== 'body_weight'), { activity: 'body_weight', timesPerDay: 1 }] });
}

function weight(patientId: string, kg: number): Measurement {
  return {
    id: `reminder-test-weight-${patientId}-${Date.now()}`,
    patientId,
    deviceId: 'scale-reminder-test',
    type: 'body_weight',
    measuredAt: new Date().toISOString(),
    timeSource: 'device',
    components: [{ code: '29463-7', value: kg, unit: 'kg' }],
  };
}

const remindersMetric = async (platform: TestPlatform, outcome: string): Promise<number> =>
  (await platform.metrics.registry.getSingleMetric('tm_reminders_total')?.get())?.values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe('reminders of what is due, posted to REMINDER_WEBHOOK_URL', () => {
  const receiver = new Receiver();
  const dataDir = mkdtempSync(join(tmpdir(), 'tm-reminders-'));
  let platform: TestPlatform;
  const start = () => startTestPlatform({ REMINDER_WEBHOOK_URL: receiver.url, REMINDER_HOUR: '0' }, { persistent: true, dataDir });

  beforeAll(async () => {
    await receiver.start();
    // the first post of the platform's life is answered 503: its retry must still deliver it once
    receiver.failNext = 1;
    platform = await start();
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends each patient one reminder per item of today's plan not yet done — borger1's what their app shows as missing — once, though the first post was refused", async () => {
    const missingFor = async (username: string) => {
      const today = TodaySchema.parse(await call(platform, username, 'GET', '/api/me/today'));
      return { today, missing: today.activities.filter((a) => a.expected > a.done).map((a) => a.activity).sort() };
    };
    const { today, missing } = await missingFor('borger1');
    expect(missing.length).toBeGreaterThan(0);
    await eventually(async () => expect(receiver.of('pt-001')).toEqual(missing), 20_000, 100);
    await platform.app.get(ReminderJob).runOnce();
    // TeleHjerte's borger6 too: what their app shows as missing today, nothing more (it may be nothing on a day between weighings)
    expect(receiver.of('pt-006')).toEqual((await missingFor('borger6')).missing);

    const forPt001 = receiver.taken.filter((r) => r.patientId === 'pt-001');
    expect(forPt001.map((r) => r.id).sort()).toEqual(missing.map((a) => `pt-001/${a}/${today.date}`).sort());
    expect(forPt001.find((r) => r.activity === 'pulse_oximetry')).toMatchObject({ kind: 'measurement', type: 'pulse_oximetry', date: today.date, timeZone: 'Europe/Copenhagen', done: 0, text: { da: 'Husk at måle din iltmætning og puls i dag.' } });
    // nobody twice
    expect(new Set(receiver.taken.map((r) => r.id)).size).toBe(receiver.taken.length);
    expect(receiver.posts).toBe(receiver.taken.length + 1);
    expect(await remindersMetric(platform, 'sent')).toBe(receiver.taken.length);
  }, 60_000);

  it('sends nothing again after a restart, and reminds of a newly planned weighing only the patient who has not weighed themself', async () => {
    const before = receiver.posts;
    await platform.stop();
    platform = await start();
    await platform.app.get(ReminderJob).runOnce();
    expect(receiver.posts).toBe(before);

    await addDailyWeighing(platform, 'pt-003');
    await addDailyWeighing(platform, 'pt-004');
    const gateway = await connectGateway(platform.mqttUrl, 'demo-gw-3');
    expect((await gateway.publish(batchOf('demo-gw-3', [weight('pt-003', 71.2)]))).rejected).toEqual([]);
    await gateway.close();

    expect(await platform.app.get(ReminderJob).runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(receiver.of('pt-003')).not.toContain('body_weight');
    expect(receiver.taken.filter((r) => r.patientId === 'pt-004' && r.activity === 'body_weight')).toEqual([
      expect.objectContaining({ kind: 'measurement', type: 'body_weight', expected: 1, done: 0, text: { da: 'Husk at veje dig i dag.', en: 'Remember to weigh yourself today.' } }),
    ]);
  }, 120_000);

  it('counts and keeps a reminder the service would not take, and delivers it once the service is back', async () => {
    await addDailyWeighing(platform, 'pt-005');
    receiver.down = true;
    const posts = receiver.posts;
    expect(await platform.app.get(ReminderJob).runOnce()).toEqual({ sent: 0, failed: 1 });
    // the first try and both retries of the run
    expect(receiver.posts - posts).toBe(3);
    expect(await remindersMetric(platform, 'failed')).toBe(1);
    const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tm_reminders_total\{outcome="failed"\} 1/);
    const { rows } = await platform.db.query<{ status: string; last_error: string }>(`SELECT status, last_error FROM reminders WHERE patient_id = 'pt-005' AND activity = 'body_weight'`);
    expect(rows).toEqual([{ status: 'failed', last_error: 'HTTP 503' }]);

    receiver.down = false;
    expect(await platform.app.get(ReminderJob).runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await platform.app.get(ReminderJob).runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(receiver.taken.filter((r) => r.patientId === 'pt-005' && r.activity === 'body_weight')).toHaveLength(1);
  }, 60_000);
});
