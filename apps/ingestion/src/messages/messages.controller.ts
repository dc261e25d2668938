import { Body, Controller, Get, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ClinicianMessageBodySchema, PatientMessageBodySchema, type ClinicianMessageBody, type Message, type PatientMessageBody } from '@tm/contracts';
import { ChangesPatient, PatientId, ReadsPatient } from '../access/patient-access';
import { AuthGuard, CurrentUser, Roles, SourceAddress } from '../auth/auth.guard';
import type { AuthenticatedUser } from '../auth/auth.service';
import { ZodPipe } from '../auth/zod-pipe';
import { MessagesService } from './messages.service';

/** The care team's side of a patient's thread (ARCHITECTURE.md §12). */
@Controller('api/patients/:id/messages')
@UseGuards(AuthGuard)
export class PatientMessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** The thread, oldest first. Reading does not mark read: the dashboard says so with POST …/read when the thread is shown. */
  @Get()
  @ReadsPatient('patient.messages.read')
  thread(@PatientId() patientId: string): Promise<Message[]> {
    return this.messages.thread(patientId);
  }

  /** A clinician writes to the patient; the patient's messages count as read. */
  @Post()
  @Roles('nurse', 'homecare')
  @ChangesPatient({ body: ClinicianMessageBodySchema })
  write(
    @Body(new ZodPipe(ClinicianMessageBodySchema)) body: ClinicianMessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
  ): Promise<Message> {
    return this.messages.fromClinician(user, patientId, body.text, source);
  }

  /** A clinician has read the thread: the board's yellow "Besked fra patienten" goes away. */
  @Post('read')
  @HttpCode(200)
  @Roles('nurse', 'homecare')
  @ChangesPatient()
  read(@CurrentUser() user: AuthenticatedUser, @PatientId() patientId: string, @SourceAddress() source: string): Promise<{ read: number }> {
    return this.messages.markReadByClinician(user, patientId, source);
  }
}

/** The patient's side of the thread. */
@Controller('api/me/messages')
@UseGuards(AuthGuard)
@Roles('patient')
export class OwnMessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** The thread, oldest first; the care team's messages count as read by the patient. */
  @Get()
  @ReadsPatient('patient.messages.read', { patient: 'own' })
  thread(@CurrentUser() user: AuthenticatedUser, @PatientId() patientId: string): Promise<Message[]> {
    return this.messages.ownThread(user, patientId);
  }

  /** 201 with the stored message; 200 with the same when this id was stored before (an app sending again). */
  @Post()
  @ChangesPatient({ body: PatientMessageBodySchema, patient: 'own' })
  async write(
    @Body(new ZodPipe(PatientMessageBodySchema)) body: PatientMessageBody,
    @CurrentUser() user: AuthenticatedUser,
    @PatientId() patientId: string,
    @SourceAddress() source: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Message> {
    const { message, created } = await this.messages.fromPatient(user, patientId, body, source);
    response.status(created ? 201 : 200);
    return message;
  }
}
