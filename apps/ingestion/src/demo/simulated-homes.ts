import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { questionnaireDefinition, type QuestionnaireResponse } from '@tm/contracts';
import { addDays, dayNumber, PLAN_TIME_ZONE, startOfLocalDay } from '@tm/rules';
import { responsesByIds } from '../care/questionnaire-repository';
import type { Logger } from '../logger';
import type { Platform } from '../platform';
import { patientsForRules, planInForce } from '../triage/thresholds-repository';
import { TriageService, type AnswerToStore } from '../triage/triage.service';
import { demoResponses, todayIn } from './demo-answers';
import { DEMO_PATIENTS } from './demo-data';

const GATEWAY_CLI = join(__dirname, '..', '..', '..', 'gateway', 'bin', 'tm-gateway.js');

/**
 * SIMULATE=1: the demo's homes, one gateway per demo patient with virtual BLE devices, run as a
 * separate process that reaches the platform only through MQTT, exactly like a real home would.
 */
export function startSimulatedHomes(mqttUrl: string, dataDir: string, logger: Logger): { stop(): Promise<void> } {
  const child: ChildProcess = spawn(process.execPath, [GATEWAY_CLI, 'run', '--simulate', '--patients', '11', '--broker', mqttUrl, '--data-dir', join(dataDir, 'simulated-homes')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: process.env,
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGTERM') logger.warn({ event: 'simulated_homes_exit', code, signal }, 'simulated homes stopped');
  });
  logger.info({ event: 'simulated_homes_started', pid: child.pid }, 'simulated homes started');
  return {
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** How often the simulated homes look for a symptom diary that is due today and not yet answered. */
export const ANSWER_INTERVAL_MS = 5 * 60_000;
/** Days of diary answers the simulated homes have given before the demo starts (as the devices hold 30 days of readings). */
export const ANSWER_BACKFILL_DAYS = 30;
/** Nobody answers the morning diary in the middle of the night. */
const FIRST_ANSWER_HOUR = 7;
/** The demo patients who sign in themselves (ARCHITECTURE.md §4): their homes answer through the real route, as them. */
export const DEMO_PATIENT_LOGINS: Readonly<Record<string, string>> = { 'pt-001': 'borger1', 'pt-006': 'borger6' };
const SIMULATED_HOME = 'simulated-home';

/**
 * SIMULATE=1, questionnaires: answers come over REST, not MQTT, so they are not the gateway
 * process's job. At start the homes have answered their symptom diary on each of the plan's diary
 * days of the last 30 days (stored through the repository with their triage, so the board shows
 * the questionnaire alerts they raised, and borger1's app is filled in). Then, every few minutes,
 * each home whose diary is due today and not yet answered answers it: borger1's and borger6's
 * through POST /api/me/questionnaire-responses as those users, the others through the same store
 * and triage in process (they have no sign-in). Ids are made from patient and date, so a restart
 * adds what is missing and stores nothing twice. See demo/demo-answers.ts for what they answer.
 */
export function startSimulatedAnswers(platform: Pick<Platform, 'db' | 'app' | 'httpUrl'>, logger: Logger, now: () => Date = () => new Date()): { stop(): Promise<void> } {
  const startDay = dayNumber(todayIn(now()));
  const ids = DEMO_PATIENTS.map((p) => p.id);
  const numberOf = new Map(DEMO_PATIENTS.map((p, i) => [p.id, i + 1]));
  const tokens = new Map<string, string>();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const triage = platform.app.get(TriageService);
  const storeInProcess = async (items: AnswerToStore[]) => {
    if (items.length === 0) return;
    await triage.storeAnswers(items, SIMULATED_HOME, now());
  };

  const postAs = async (username: string, response: QuestionnaireResponse, retry = true): Promise<void> => {
    let token = tokens.get(username);
    if (!token) {
      const login = await fetch(`${platform.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: username }) });
      if (!login.ok) throw new Error(`${username} could not sign in (${login.status}); was the password changed?`);
      token = ((await login.json()) as { token: string }).token;
      tokens.set(username, token);
    }
    const res = await fetch(`${platform.httpUrl}/api/me/questionnaire-responses`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(response) });
    if (res.status === 401 && retry) {
      tokens.delete(username);
      return postAs(username, response, false);
    }
    if (!res.ok) throw new Error(`${username}'s answer was refused: ${res.status} ${await res.text()}`);
  };

  const responsesFor = async (from: string, to: string): Promise<AnswerToStore[]> => {
    const patients = await patientsForRules(platform.db, ids);
    return [...patients.values()].flatMap((p) =>
      demoResponses(p.id, numberOf.get(p.id) ?? 0, planInForce(p), from, to, startDay).flatMap((response) => {
        const definition = questionnaireDefinition(response.questionnaireId, response.questionnaireVersion);
        return definition ? [{ patientId: p.id, response, definition }] : [];
      }),
    );
  };

  const backfill = async () => {
    const today = todayIn(now());
    const items = await responsesFor(addDays(today, -ANSWER_BACKFILL_DAYS), addDays(today, -1));
    await storeInProcess(items);
    logger.info({ event: 'simulated_answers_backfilled', responses: items.length }, 'simulated homes: diary answers of the last 30 days in place');
  };

  const answerToday = async () => {
    const today = todayIn(now());
    if (now().getTime() - startOfLocalDay(today, PLAN_TIME_ZONE).getTime() < FIRST_ANSWER_HOUR * 3_600_000) return;
    const due = await responsesFor(today, today);
    const stored = new Set((await responsesByIds(platform.db, due.map((d) => d.response.id))).map((r) => r.id));
    const fresh = due.filter((d) => !stored.has(d.response.id)).map((d) => ({ ...d, response: { ...d.response, authoredAt: now().toISOString() } }));
    for (const item of fresh) {
      const username = DEMO_PATIENT_LOGINS[item.patientId];
      if (username) await postAs(username, item.response);
    }
    await storeInProcess(fresh.filter((d) => !DEMO_PATIENT_LOGINS[d.patientId]));
    if (fresh.length > 0) logger.info({ event: 'simulated_answers_sent', responses: fresh.length }, "simulated homes answered today's symptom diary");
  };

  const guarded = (step: () => Promise<void>) => {
    if (stopped) return;
    running = running
      .then(step)
      .catch((error: Error) => logger.warn({ event: 'simulated_answers_failed', err: error.message }, 'simulated homes could not answer; trying again later'));
  };
  guarded(backfill);
  guarded(answerToday);
  const timer = setInterval(() => guarded(answerToday), ANSWER_INTERVAL_MS);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
