import { Module } from '@nestjs/common';
import { HandoverController } from './handover.controller';
import { HandoverService } from './handover.service';

/** GET /api/handover: the shift's handover over all the caller's patients. */
@Module({ controllers: [HandoverController], providers: [HandoverService] })
export class HandoverModule {}
