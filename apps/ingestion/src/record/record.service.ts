import { Inject, Injectable } from '@nestjs/common';
import type { CareNote, CareNoteBody, Contacts, ContactsBody } from '@tm/contracts';
import { AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/auth.service';
import type { Db } from '../db/db';
import type { Logger } from '../logger';
import { DB, LOGGER } from '../shared/tokens';
import { contactsOf, insertNote, notesOf, saveContacts } from './record-repository';

/** The care record hospital and home care share (notes, calls, visits, video) and the patient's contacts. */
@Injectable()
export class RecordService {
  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly audit: AuditService,
  ) {}

  notes(patientId: string): Promise<CareNote[]> {
    return notesOf(this.db, patientId);
  }

  /** The entry and its audit row commit together. */
  async addNote(user: AuthenticatedUser, patientId: string, body: CareNoteBody, source: string, now = new Date()): Promise<CareNote> {
    const note = await this.db.transaction(async (tx) => {
      const note = await insertNote(tx, patientId, body, user, now);
      await this.audit.record({ user, action: 'patient.note.create', patientId, source, detail: { id: note.id, kind: note.kind } }, tx);
      return note;
    });
    this.logger.info({ event: 'care_note_stored', patientId, noteId: note.id, kind: note.kind });
    return note;
  }

  contacts(patientId: string): Promise<Contacts> {
    return contactsOf(this.db, patientId);
  }

  async saveContacts(user: AuthenticatedUser, patientId: string, body: ContactsBody, source: string, now = new Date()): Promise<Contacts> {
    await this.db.transaction(async (tx) => {
      await saveContacts(tx, patientId, body, user.username, now);
      await this.audit.record({ user, action: 'patient.contacts.change', patientId, source, detail: { relatives: body.relatives.length } }, tx);
    });
    return contactsOf(this.db, patientId);
  }
}
