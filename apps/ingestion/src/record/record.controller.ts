import { Body, Controller, Get, Post, Put, UseGuards } from '@nestjs/common';
import { CareNoteBodySchema, ContactsBodySchema, type CareNote, type CareNoteBody, type Contacts, type ContactsBody } from '@tm/contracts';
import { ChangesPatient, PatientId, ReadsPatient } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { RecordService } from './record.service';

/**
 * The shared care record and the contacts (ARCHITECTURE.md §12): every clinician of the patient's
 * care teams reads them; nurses (hospital) and home care (municipality) both write.
 */
@Controller('api/patients/:id')
@UseGuards(AuthGuard)
export class RecordController {
  constructor(private readonly record: RecordService) {}

  /** Newest first, each with author and time. */
  @Get('notes')
  @ReadsPatient('patient.notes.read')
  notes(@PatientId() patientId: string): Promise<CareNote[]> {
    return this.record.notes(patientId);
  }

  @Post('notes')
  @Roles('nurse', 'homecare')
  @ChangesPatient({ body: CareNoteBodySchema })
  addNote(@Body(new ZodPipe(CareNoteBodySchema)) body: CareNoteBody, @CurrentUser() user: AuthenticatedUser, @PatientId() patientId: string, @SourceAddress() source: string): Promise<CareNote> {
    return this.record.addNote(user, patientId, body, source);
  }

  @Get('contacts')
  @ReadsPatient('patient.contacts.read')
  contacts(@PatientId() patientId: string): Promise<Contacts> {
    return this.record.contacts(patientId);
  }

  /** Replaces the set (phone, relatives with their consent, GP). */
  @Put('contacts')
  @Roles('nurse', 'homecare', 'admin')
  @ChangesPatient({ body: ContactsBodySchema })
  saveContacts(@Body(new ZodPipe(ContactsBodySchema)) body: ContactsBody, @CurrentUser() user: AuthenticatedUser, @PatientId() patientId: string, @SourceAddress() source: string): Promise<Contacts> {
    return this.record.saveContacts(user, patientId, body, source);
  }
}
