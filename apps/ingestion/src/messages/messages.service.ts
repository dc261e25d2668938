import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PATIENT_MESSAGE_RULE, type Alert, type Message } from '@tm/contracts';
import type { NewAlert } from '@tm/rules';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db, Queryable } from '../db/db';
import type { EventBus } from '../event-bus';
import { appendLiveEvents, type LiveEvent } from '../live/live-events';
import type { Logger } from '../logger';
import { DB, EVENT_BUS, LOGGER } from '../shared/tokens';
import { insertAlerts, saveAlerts, unresolvedAlerts } from '../triage/alert-store';
import { lockPatients } from '../triage/patient-locks';
import { MessagesError } from './messages-error';
import { insertMessage, markRead, messageById, threadOf } from './message-repository';

/** What the board shows for an unread message (the server's Danish; messageKey '' keeps it as is). */
const UNREAD_TEXT = 'Besked fra patienten';

/**
 * The thread between a patient and their care teams. A patient's message that no clinician has
 * read yet is one yellow alert of rule `patient-message` (count = unread messages): the board's
 * triage, the nurse's socket and the alert list see it as any yellow, with no second mechanism.
 * Reading the thread (POST …/messages/read, or answering) resolves it. The message, the alert,
 * its live event and the audit row commit together.
 */
@Injectable()
export class MessagesService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly audit: AuditService,
  ) {}

  thread(patientId: string): Promise<Message[]> {
    return threadOf(this.db, patientId);
  }

  /** The patient's side: reading it marks the care team's messages as read by the patient. */
  async ownThread(user: AuthenticatedUser, patientId: string, now = new Date()): Promise<Message[]> {
    await markRead(this.db, patientId, 'to_patient', user.id, now);
    return threadOf(this.db, patientId);
  }

  /** The patient writes: stored once per id; `created` false for a re-send (nothing raised again). */
  async fromPatient(user: AuthenticatedUser, patientId: string, body: { id: string; text: string }, source: string, now = new Date()): Promise<{ message: Message; created: boolean }> {
    const { message, created, events, raised } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const created = await insertMessage(tx, { id: body.id, patientId, direction: 'from_patient', text: body.text, author: user, sentAt: now });
      const message = await messageById(tx, body.id);
      // a client-made id used before by someone else: say so without saying whose
      if (!message || message.patientId !== patientId || message.direction !== 'from_patient')
        throw new MessagesError('message_id_taken', `The id ${body.id} is already used by another message; make a new id (a UUID) for each message`);
      let events: LiveEvent[] = [];
      let raised: Alert[] = [];
      if (created) ({ events, raised } = await this.raiseUnread(tx, patientId, now));
      await this.audit.record({ user, action: created ? 'patient.message.create' : 'patient.message.repeat', patientId, source, detail: { id: body.id } }, tx);
      return { message, created, events, raised };
    });
    if (created) {
      this.bus.emitCommitted({ source: 'message', events, raised });
      this.logger.info({ event: 'patient_message_stored', patientId, messageId: message.id });
    }
    return { message, created };
  }

  /** A clinician answers: the patient's messages count as read (one cannot answer unread). */
  async fromClinician(user: AuthenticatedUser, patientId: string, text: string, source: string, now = new Date()): Promise<Message> {
    const id = randomUUID();
    const { message, events } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      await insertMessage(tx, { id, patientId, direction: 'to_patient', text, author: user, sentAt: now });
      const events = await this.readInTx(tx, user, patientId, now);
      await this.audit.record({ user, action: 'patient.message.create', patientId, source, detail: { id } }, tx);
      return { message: (await messageById(tx, id))!, events };
    });
    this.bus.emitCommitted({ source: 'message', events, raised: [] });
    this.logger.info({ event: 'clinician_message_stored', patientId, messageId: id });
    return message;
  }

  /** A clinician has read the thread: the patient's messages are read, the yellow goes away. */
  async markReadByClinician(user: AuthenticatedUser, patientId: string, source: string, now = new Date()): Promise<{ read: number }> {
    const { read, events } = await this.db.transaction(async (tx) => {
      await lockPatients(tx, [patientId]);
      const before = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE patient_id = $1 AND direction = 'from_patient' AND read_at IS NULL`, [patientId]);
      const events = await this.readInTx(tx, user, patientId, now);
      const read = Number(before.rows[0]?.n ?? 0);
      await this.audit.record({ user, action: 'patient.messages.read_marked', patientId, source, detail: { read } }, tx);
      return { read, events };
    });
    this.bus.emitCommitted({ source: 'message', events, raised: [] });
    return { read };
  }

  private async readInTx(tx: Queryable, user: AuthenticatedUser, patientId: string, now: Date): Promise<LiveEvent[]> {
    await markRead(tx, patientId, 'from_patient', user.id, now);
    const open = (await unresolvedAlerts(tx, [patientId])).filter((a) => a.rule === PATIENT_MESSAGE_RULE);
    if (open.length === 0) return [];
    const resolved = open.map<Alert>((a) => ({ ...a, status: 'resolved', resolvedBy: user.username, resolvedAt: now.toISOString(), resolveNote: 'Læst', updatedAt: now.toISOString() }));
    return appendLiveEvents(tx, await saveAlerts(tx, resolved), []);
  }

  /** One open yellow per patient while messages are unread: a new one, or the count of the open one up. */
  private async raiseUnread(tx: Queryable, patientId: string, now: Date): Promise<{ events: LiveEvent[]; raised: Alert[] }> {
    const open = (await unresolvedAlerts(tx, [patientId])).find((a) => a.rule === PATIENT_MESSAGE_RULE);
    const at = now.toISOString();
    if (open) {
      const saved = await saveAlerts(tx, [{ ...open, count: open.count + 1, updatedAt: at, measuredAt: at, status: 'open' }]);
      return { events: await appendLiveEvents(tx, saved, []), raised: [] };
    }
    const alert: NewAlert = {
      rule: PATIENT_MESSAGE_RULE,
      kind: 'message',
      code: null,
      severity: 'yellow',
      status: 'open',
      value: null,
      unit: null,
      message: UNREAD_TEXT,
      messageKey: '',
      messageParams: {},
      measuredAt: at,
      raisedAt: at,
      updatedAt: at,
      count: 1,
      late: false,
      backInRange: false,
      backInRangeAt: null,
      reraisedAt: null,
      escalated: false,
      threshold: {},
      acknowledgedBy: null,
      acknowledgedAt: null,
      acknowledgeNote: null,
      resolvedBy: null,
      resolvedAt: null,
      resolveNote: null,
    };
    const inserted = await insertAlerts(tx, [{ patientId, alert }]);
    return { events: await appendLiveEvents(tx, inserted, []), raised: inserted };
  }
}
