import { Module } from '@nestjs/common';
import { OwnMessagesController, PatientMessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** Messages between a patient and their care teams: /api/patients/:id/messages and /api/me/messages. */
@Module({ controllers: [PatientMessagesController, OwnMessagesController], providers: [MessagesService], exports: [MessagesService] })
export class MessagesModule {}
